"""Documents (D1, D2) and notifications, each paged as a relay connection."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import strawberry
from strawberry import relay

from bff.context import Info
from bff.domain import records
from bff.domain.labels import label
from bff.resolvers.documents import owned_document, owned_notification
from bff.schema.common import DocumentType, NotificationCategory
from bff.schema.transaction import PageInfo


@strawberry.type(description="A document of the customer, e.g. a tax certificate (D2).")
class Document(relay.Node):
    key: relay.NodeID[str]
    record: strawberry.Private[records.DocumentMeta]

    @strawberry.field(description="The kind of document.")
    def type(self) -> DocumentType:
        return self.record.type

    @strawberry.field(description="The kind of document, in words (S3).")
    def type_label(self, info: Info) -> str:
        return label(self.record.type, info.context.language)

    @strawberry.field(description="Title.")
    def title(self) -> str:
        return self.record.title

    @strawberry.field(description="Date of issue.")
    def issued_on(self) -> date:
        return self.record.issued_on

    @strawberry.field(description="MIME type of the file.")
    def mime_type(self) -> str:
        return self.record.mime_type

    @strawberry.field(description="Size of the file in bytes.")
    def size_bytes(self) -> int:
        return self.record.size_bytes

    @classmethod
    def of(cls, record: records.DocumentMeta) -> Document:
        return cls(key=record.id, record=record)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        return [cls.of(await owned_document(info, node_id)) for node_id in node_ids]


@strawberry.type(description="A document and its cursor.")
class DocumentEdge:
    cursor: str = strawberry.field(description="Cursor of this document.")
    node: Document = strawberry.field(description="The document.")


@strawberry.type(description="A page of documents, newest first.")
class DocumentConnection:
    edges: list[DocumentEdge] = strawberry.field(description="The documents.")
    page_info: PageInfo = strawberry.field(description="Paging information.")
    total_count: int = strawberry.field(description="Number of documents in all pages.")


@strawberry.type(description="A message to the customer.")
class Notification(relay.Node):
    key: relay.NodeID[str]
    record: strawberry.Private[records.Notification]

    @strawberry.field(description="What the message is about.")
    def category(self) -> NotificationCategory:
        return self.record.category

    @strawberry.field(description="What the message is about, in words (S3).")
    def category_label(self, info: Info) -> str:
        return label(self.record.category, info.context.language)

    @strawberry.field(description="Title.")
    def title(self) -> str:
        return self.record.title

    @strawberry.field(description="Text.")
    def body(self) -> str:
        return self.record.body

    @strawberry.field(description="When it was sent.")
    def created_at(self) -> datetime:
        return self.record.created_at

    @strawberry.field(description="Whether the customer has read it.")
    def read(self) -> bool:
        return self.record.read

    @classmethod
    def of(cls, record: records.Notification) -> Notification:
        return cls(key=record.id, record=record)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        return [cls.of(await owned_notification(info, node_id)) for node_id in node_ids]


@strawberry.type(description="A notification and its cursor.")
class NotificationEdge:
    cursor: str = strawberry.field(description="Cursor of this notification.")
    node: Notification = strawberry.field(description="The notification.")


@strawberry.type(description="A page of notifications, newest first.")
class NotificationConnection:
    edges: list[NotificationEdge] = strawberry.field(description="The notifications.")
    page_info: PageInfo = strawberry.field(description="Paging information.")
    unread_count: int = strawberry.field(description="Unread notifications in all pages.")
