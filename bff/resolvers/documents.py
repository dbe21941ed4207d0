"""Documents (D1/D2) and notifications of the viewer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bff.domain.documents import shown_documents
from bff.domain.records import DocumentMeta, DocumentType, Notification
from bff.resolvers.access import check_access, require_feature, viewer_party
from bff.resolvers.guard import backend
from bff.resolvers.paging import encode_cursor, offset_of, page_size, window
from bff.schema.errors import NotFound

if TYPE_CHECKING:
    from bff.context import Info

DOCUMENTS = "doc"
NOTIFICATIONS = "ntf"


async def viewer_documents(info: Info) -> list[DocumentMeta]:
    """The viewer's documents this frontend shows (D1: none on mobile; D2 on the web)."""
    require_feature(info, "documents")
    party = await viewer_party(info)
    await check_access(info, party)
    found = await backend(info.context.loaders.documents_by_party.load(party.id))
    return shown_documents(info.context.profile, found or [])


async def owned_document(info: Info, document_id: str) -> DocumentMeta:
    for document in await viewer_documents(info):
        if document.id == document_id:
            return document
    raise NotFound()


def document_page(
    documents: list[DocumentMeta],
    first: int | None,
    after: str | None,
    types: list[DocumentType] | None,
) -> tuple[list[tuple[DocumentMeta, str]], bool, int]:
    chosen = [d for d in documents if not types or d.type in types]
    items, has_next = window(DOCUMENTS, chosen, first, after)
    return items, has_next, len(chosen)


async def notification_page(
    info: Info, first: int | None, after: str | None, unread_only: bool
) -> tuple[list[tuple[Notification, str]], bool, int]:
    """A window of the CRM's page-numbered listing; at most two CRM calls."""
    require_feature(info, "notifications")
    party = await viewer_party(info)
    await check_access(info, party)
    size = page_size(first)
    start = offset_of(NOTIFICATIONS, after)
    loaders = info.context.loaders
    page_number = start // size + 1
    page, unread = await backend(
        loaders.notifications(party.id, unread_only=unread_only, page=page_number, size=size)
    )
    items = list(page.items)[start % size :]
    has_next = page.next is not None
    if len(items) < size and has_next:
        following, unread = await backend(
            loaders.notifications(
                party.id, unread_only=unread_only, page=page_number + 1, size=size
            )
        )
        items += list(following.items)
        has_next = following.next is not None
    has_next = has_next or len(items) > size
    items = items[:size]
    edges = [(n, encode_cursor(NOTIFICATIONS, {"o": start + i + 1})) for i, n in enumerate(items)]
    return edges, has_next, unread


async def owned_notification(info: Info, notification_id: str) -> Notification:
    """The viewer's notification with that id (the CRM has no lookup by id: the viewer's
    own pages are searched, so a foreign id is never read)."""
    require_feature(info, "notifications")
    party = await viewer_party(info)
    await check_access(info, party)
    loaders = info.context.loaders
    page_number = 1
    while True:
        page, _ = await backend(
            loaders.notifications(party.id, unread_only=False, page=page_number, size=100)
        )
        for notification in page.items:
            if notification.id == notification_id:
                return notification
        if page.next is None:
            raise NotFound()
        page_number += 1
