"""F6 transactions, paged over the life platform's own cursor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bff.adapters.errors import BackendError, BackendRejected
from bff.domain.records import ContractKey, Page, Transaction
from bff.domain.transactions import shown_transactions
from bff.resolvers.guard import backend
from bff.resolvers.paging import decode_cursor, encode_cursor, page_size
from bff.schema.errors import InvalidArgument, as_client_error

if TYPE_CHECKING:
    from bff.context import Info

KIND = "tx"
BACKEND_PAGE = 100
NOT_A_CURSOR = "after is not a cursor of this list."


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
    backend_cursor, skip = _position(after)
    found: list[tuple[Transaction, str]] = []
    page = await _first_page(info, key, backend_cursor)
    while True:
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
        page = await backend(info.context.loaders.transactions(key, page.next, BACKEND_PAGE))


def _position(after: str | None) -> tuple[str | None, int]:
    """The platform's cursor and the index in its page that `after` names; anything else in
    the cursor is the client's doing, a validation error."""
    position = decode_cursor(KIND, after) or {}
    backend_cursor = position.get("c")
    skip = position.get("i", 0)
    if backend_cursor is not None and not isinstance(backend_cursor, str):
        raise InvalidArgument(NOT_A_CURSOR)
    if isinstance(skip, bool) or not isinstance(skip, int) or skip < 0:
        raise InvalidArgument(NOT_A_CURSOR)
    return backend_cursor, skip


async def _first_page(info: Info, key: ContractKey, cursor: str | None) -> Page[Transaction]:
    """The platform refuses a cursor it did not make (or made for another listing) with a
    400: when that cursor came from the client, it is the client's input that is wrong."""
    try:
        return await info.context.loaders.transactions(key, cursor, BACKEND_PAGE)
    except BackendRejected as exc:
        if cursor is not None and exc.status == 400:
            raise InvalidArgument(NOT_A_CURSOR) from None
        raise as_client_error(exc) from None
    except BackendError as exc:
        raise as_client_error(exc) from None
