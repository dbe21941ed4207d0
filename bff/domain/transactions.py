"""Which transactions a frontend shows (F6)."""

from __future__ import annotations

from collections.abc import Iterable

from bff.domain.profiles import FrontendProfile
from bff.domain.records import Transaction, TransactionState


def shown_transactions(
    profile: FrontendProfile, transactions: Iterable[Transaction]
) -> list[Transaction]:
    """F6: executed ones only (pending are never shown), on or after the profile's start date,
    of the profile's types; in the order given (the back office lists newest first)."""
    return [
        t
        for t in transactions
        if t.state is TransactionState.EXECUTED
        and t.day >= profile.transactions_since
        and t.type in profile.shown_transaction_types
    ]
