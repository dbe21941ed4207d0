from datetime import date
from decimal import Decimal

from bff.domain.records import Money, Transaction, TransactionState, TransactionType
from bff.domain.transactions import shown_transactions
from tests.bff.domain.builders import profile

EXECUTED = TransactionState.EXECUTED


def tx(
    id: str,
    day: date,
    type: TransactionType = TransactionType.PREMIUM,
    state: TransactionState = EXECUTED,
) -> Transaction:
    return Transaction(id=id, day=day, type=type, state=state, amount=Money(Decimal("100.00")))


def test_f6_pending_transactions_are_not_shown() -> None:
    items = [tx("t2", date(2025, 6, 2), state=TransactionState.PENDING), tx("t1", date(2025, 5, 2))]

    assert [t.id for t in shown_transactions(profile(), items)] == ["t1"]


def test_f6_only_transactions_executed_since_1_january_2020() -> None:
    items = [
        tx("t3", date(2020, 1, 1)),
        tx("t2", date(2019, 12, 31)),
        tx("t1", date(2016, 3, 1)),
    ]

    assert [t.id for t in shown_transactions(profile(), items)] == ["t3"]


def test_f6_only_the_profile_types_are_shown_in_the_given_order() -> None:
    premiums_and_switches = profile(
        shown_transaction_types=frozenset({TransactionType.PREMIUM, TransactionType.SWITCH})
    )
    items = [
        tx("t4", date(2025, 4, 1), TransactionType.SWITCH),
        tx("t3", date(2025, 3, 1), TransactionType.ADVANCE_LEVY),
        tx("t2", date(2025, 2, 1), TransactionType.PREMIUM),
        tx("t1", date(2025, 1, 1), TransactionType.AUTO_SWITCH_STOP_LOSS),
    ]

    assert [t.id for t in shown_transactions(premiums_and_switches, items)] == ["t4", "t2"]
