from datetime import date
from decimal import Decimal

from bff.domain.history import last_month_end, reserve_window
from bff.domain.records import ContractKey, Money, ReserveHistory, ReservePoint
from tests.bff.domain.builders import profile

KEY = ContractKey(4970159, 1)


def month_ends(first: tuple[int, int], count: int) -> tuple[ReservePoint, ...]:
    """Month-end points from the given (year, month) on, amounts 1000.00, 1001.00, ..."""
    points = []
    year, month = first
    for i in range(count):
        next_first = date(year + month // 12, month % 12 + 1, 1)
        points.append(
            ReservePoint(date.fromordinal(next_first.toordinal() - 1), Money(Decimal(1000 + i)))
        )
        year, month = next_first.year, next_first.month
    return tuple(points)


HISTORY = ReserveHistory(KEY, details_available=True, points=month_ends((2023, 2), 29))


def test_f4_on_a_month_end_the_last_12_month_ends_up_to_today() -> None:
    window = reserve_window(profile(), HISTORY, date(2025, 6, 30))

    assert len(window) == 12
    assert (window[0].day, window[-1].day) == (date(2024, 7, 31), date(2025, 6, 30))


def test_f4_mid_month_the_12_month_ends_up_to_the_previous_month() -> None:
    window = reserve_window(profile(), HISTORY, date(2025, 6, 15))

    assert len(window) == 12
    assert (window[0].day, window[-1].day) == (date(2024, 6, 30), date(2025, 5, 31))
    assert window[-1].amount == Money(Decimal(1027))


def test_f4_the_window_follows_the_profile_and_comes_back_ascending() -> None:
    shuffled = ReserveHistory(KEY, True, tuple(reversed(HISTORY.points)))

    window = reserve_window(profile(reserve_history_months=3), shuffled, date(2025, 3, 10))

    assert [p.day for p in window] == [date(2024, 12, 31), date(2025, 1, 31), date(2025, 2, 28)]


def test_f4_a_young_contract_has_fewer_points() -> None:
    young = ReserveHistory(KEY, True, month_ends((2025, 3), 4))

    window = reserve_window(profile(), young, date(2025, 6, 30))

    assert [p.day for p in window] == [
        date(2025, 3, 31),
        date(2025, 4, 30),
        date(2025, 5, 31),
        date(2025, 6, 30),
    ]


def test_f4_c5_no_history_without_details() -> None:
    assert reserve_window(profile(), ReserveHistory(KEY, False), date(2025, 6, 30)) == []


def test_f4_last_month_end() -> None:
    assert last_month_end(date(2025, 6, 30)) == date(2025, 6, 30)
    assert last_month_end(date(2025, 3, 1)) == date(2025, 2, 28)
    assert last_month_end(date(2024, 3, 31)) == date(2024, 3, 31)
    assert last_month_end(date(2025, 1, 15)) == date(2024, 12, 31)
