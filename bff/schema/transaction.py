"""Transactions of a life contract (F6) and the relay connection types they page in."""

from __future__ import annotations

from datetime import date

import strawberry

from bff.context import Info
from bff.domain import records
from bff.domain.labels import label
from bff.schema.common import Money, TransactionType


@strawberry.type(description="Relay page information.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether more items follow.")
    end_cursor: str | None = strawberry.field(description="Cursor of the last item.")

    @classmethod
    def after(cls, cursors: list[str], has_next: bool) -> PageInfo:
        return cls(has_next_page=has_next, end_cursor=cursors[-1] if cursors else None)


@strawberry.type(description="An executed transaction on a life contract (F6).")
class Transaction:
    record: strawberry.Private[records.Transaction]

    @strawberry.field(description="Execution date.")
    def date(self) -> date:
        return self.record.day

    @strawberry.field(description="What the transaction did.")
    def type(self) -> TransactionType:
        return self.record.type

    @strawberry.field(description="What the transaction did, in words (S3).")
    def type_label(self, info: Info) -> str:
        return label(self.record.type, info.context.language)

    @strawberry.field(description="Amount (always positive; the type says which way).")
    def amount(self) -> Money:
        return Money.of(self.record.amount)

    @strawberry.field(description="ISIN of the fund concerned, when one is.")
    def isin(self) -> str | None:
        return self.record.isin

    @classmethod
    def of(cls, record: records.Transaction) -> Transaction:
        return cls(record=record)


@strawberry.type(description="A transaction and its cursor.")
class TransactionEdge:
    cursor: str = strawberry.field(description="Cursor of this transaction.")
    node: Transaction = strawberry.field(description="The transaction.")


@strawberry.type(description="A page of transactions.")
class TransactionConnection:
    edges: list[TransactionEdge] = strawberry.field(description="The transactions.")
    page_info: PageInfo = strawberry.field(description="Paging information.")

    @classmethod
    def of(cls, edges: list[TransactionEdge], has_next: bool) -> TransactionConnection:
        return cls(edges=edges, page_info=PageInfo.after([e.cursor for e in edges], has_next))
