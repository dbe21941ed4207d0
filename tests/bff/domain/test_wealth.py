from datetime import date
from decimal import Decimal

from bff.domain.records import (
    Allocation,
    AllocationShare,
    ContractKey,
    Fund,
    Holding,
    LifeDetails,
    Money,
    NavPoint,
)
from bff.domain.wealth import FundPosition, WealthTotal, fund_positions, strategy, total_wealth

KEY = ContractKey(4970159, 1)
NAV_DAY = date(2025, 6, 27)


def reserve(amount: str, available: bool = True) -> LifeDetails:
    return LifeDetails(key=KEY, details_available=available, reserve=Money(Decimal(amount)))


def fund(isin: str, nav: str | None) -> Fund:
    return Fund(
        isin=isin,
        name=isin,
        currency="EUR",
        risk_class=4,
        risk_class_history=((date(2020, 1, 1), 4),),
        latest_nav=NavPoint(NAV_DAY, Decimal(nav)) if nav is not None else None,
    )


def holdings(*items: tuple[str, str]) -> LifeDetails:
    return LifeDetails(
        key=KEY,
        details_available=True,
        holdings=tuple(Holding(isin, Decimal(units)) for isin, units in items),
    )


def test_f1_total_wealth_is_the_sum_of_the_reserves() -> None:
    total = total_wealth([reserve("1000.50"), reserve("2000.25"), reserve("0.10")])

    assert total == WealthTotal(Money(Decimal("3000.85"), "EUR"), left_out=0)


def test_f1_c5_contracts_without_details_or_reserve_are_left_out_and_counted() -> None:
    no_details = LifeDetails(key=KEY, details_available=False)
    no_reserve = LifeDetails(key=KEY, details_available=True, reserve=None)
    foreign = LifeDetails(key=KEY, details_available=True, reserve=Money(Decimal("5.00"), "USD"))

    total = total_wealth([reserve("1500.00"), no_details, no_reserve, foreign])

    assert total == WealthTotal(Money(Decimal("1500.00"), "EUR"), left_out=3)


def test_f1_no_contracts_is_zero_wealth() -> None:
    assert total_wealth([]) == WealthTotal(Money(Decimal("0.00"), "EUR"), left_out=0)


def test_f5_value_is_units_times_nav_rounded_half_up_to_the_cent() -> None:
    funds = {
        "LU0000000001": fund("LU0000000001", "0.125"),
        "LU0000000002": fund("LU0000000002", "1.1"),
    }
    details = holdings(("LU0000000001", "1"), ("LU0000000002", "10.125"))

    positions = fund_positions(details, funds)

    assert [(p.isin, p.value) for p in positions] == [
        ("LU0000000002", Money(Decimal("11.14"), "EUR")),  # 11.1375
        ("LU0000000001", Money(Decimal("0.13"), "EUR")),  # 0.125
    ]
    assert positions[1] == FundPosition(
        isin="LU0000000001",
        units=Decimal("1"),
        nav=Decimal("0.125"),
        nav_date=NAV_DAY,
        value=Money(Decimal("0.13"), "EUR"),
        share_percent=Decimal("1.15"),  # 0.13 / 11.27 = 1.1535 %
    )


def test_f2_shares_add_up_to_100_with_the_largest_remainders_rounded_up() -> None:
    funds = {isin: fund(isin, "10") for isin in ("LU0000000003", "LU0000000001", "LU0000000002")}
    details = holdings(("LU0000000003", "10"), ("LU0000000001", "10"), ("LU0000000002", "10"))

    shares = [(p.isin, p.share_percent) for p in fund_positions(details, funds)]

    assert shares == [
        ("LU0000000001", Decimal("33.34")),
        ("LU0000000002", Decimal("33.33")),
        ("LU0000000003", Decimal("33.33")),
    ]


def test_f2_positions_are_ordered_by_value_and_shares_follow_the_remainders() -> None:
    funds = {isin: fund(isin, "1") for isin in ("LU0000000001", "LU0000000002", "LU0000000003")}
    # values 1.00, 2.00, 3.00: exact shares 16.666.., 33.333.., 50.00
    details = holdings(("LU0000000001", "1"), ("LU0000000002", "2"), ("LU0000000003", "3"))

    shares = [(p.isin, p.share_percent) for p in fund_positions(details, funds)]

    assert shares == [
        ("LU0000000003", Decimal("50.00")),
        ("LU0000000002", Decimal("33.33")),
        ("LU0000000001", Decimal("16.67")),
    ]


def test_f5_a_fund_without_nav_or_unknown_has_no_value_and_no_share() -> None:
    funds = {"LU0000000001": fund("LU0000000001", "20"), "LU0000000002": fund("LU0000000002", None)}
    details = holdings(("LU0000000009", "5"), ("LU0000000002", "5"), ("LU0000000001", "5"))

    positions = fund_positions(details, funds)

    assert [(p.isin, p.value, p.share_percent) for p in positions] == [
        ("LU0000000001", Money(Decimal("100.00"), "EUR"), Decimal("100.00")),
        ("LU0000000002", None, None),
        ("LU0000000009", None, None),
    ]


def test_c5_contract_without_details_has_no_positions() -> None:
    assert fund_positions(LifeDetails(key=KEY, details_available=False), {}) == []


def test_f3_strategy_is_ordered_by_percent_descending_then_isin() -> None:
    allocation = Allocation(
        key=KEY,
        details_available=True,
        shares=(
            AllocationShare("LU0000000001", Decimal("20")),
            AllocationShare("LU0000000003", Decimal("40")),
            AllocationShare("LU0000000002", Decimal("40")),
        ),
    )

    assert strategy(allocation) == [
        AllocationShare("LU0000000002", Decimal("40")),
        AllocationShare("LU0000000003", Decimal("40")),
        AllocationShare("LU0000000001", Decimal("20")),
    ]


def test_f3_c5_no_strategy_without_details() -> None:
    assert strategy(Allocation(key=KEY, details_available=False)) == []
