"""F6 transactions, paged over the life platform's own cursor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bff.domain.records import ContractKey, Transaction
from bff.domain.transactions import shown_transactions
from bff.resolvers.guard import backend
from bff.resolvers.paging import decode_cursor, encode_cursor, page_size

if TYPE_CHECKING:
    from bff.context import Info

KIND = "tx"
BACKEND_PAGE = 100


@dataclass(frozen=True)
class TransactionSlice:
    items: list[tuple[Transaction, str]]  # each with the cursor just after it
    has_next: bool


async def transaction_slice(
    info: Info, key: ContractKey, first: int | None, after: str | None
) -> TransactionSlice:
    """Walk the platform's pages (newest first) from the position in `after`, keeping what
    F6 shows, until `first` are found; stop at the first transaction before the profile's
    start date, since everything after it is older."""
    size = page_size(first)
    profile = info.context.profile
    position = decode_cursor(KIND, after) or {}
    backend_cursor: str | None = position.get("c")
    skip = int(position.get("i", 0))
    found: list[tuple[Transaction, str]] = []
    life = info.context.backends.life
    while True:
        page = await backend(life.transactions(key, backend_cursor, BACKEND_PAGE))
        for index, item in enumerate(page.items):
            if index < skip:
                continue
            if item.day < profile.transactions_since:
                return TransactionSlice(found, has_next=False)
            if not shown_transactions(profile, [item]):
                continue
            if len(found) == size:
                return TransactionSlice(found, has_next=True)
            found.append((item, encode_cursor(KIND, {"c": backend_cursor, "i": index + 1})))
        if page.next is None:
            return TransactionSlice(found, has_next=False)
        backend_cursor, skip = page.next, 0
