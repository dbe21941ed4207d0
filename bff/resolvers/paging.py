"""Relay cursors over the back offices' own paging (opaque cursors, offsets, page numbers)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Any, TypeVar

from bff.schema.errors import InvalidArgument

T = TypeVar("T")

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


def page_size(first: int | None) -> int:
    """Relay `first`: 1..100; a size over 100 or below 1 is a validation error."""
    if first is None:
        return DEFAULT_PAGE_SIZE
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise InvalidArgument(f"first must be between 1 and {MAX_PAGE_SIZE}.")
    return first


def encode_cursor(kind: str, position: dict[str, Any]) -> str:
    raw = json.dumps({"k": kind, **position}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str | None) -> dict[str, Any] | None:
    """The position a cursor of this connection names; a foreign or damaged cursor is a
    validation error."""
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        position = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidArgument("after is not a cursor of this list.") from None
    if not isinstance(position, dict) or position.get("k") != kind:
        raise InvalidArgument("after is not a cursor of this list.")
    return position


def window(
    kind: str, items: Sequence[T], first: int | None, after: str | None
) -> tuple[list[tuple[T, str]], bool]:
    """A page of an in-memory list: the items after `after`, each with its own cursor, and
    whether more follow."""
    start = offset_of(kind, after)
    end = start + page_size(first)
    page = [
        (item, encode_cursor(kind, {"o": start + i + 1})) for i, item in enumerate(items[start:end])
    ]
    return page, end < len(items)


def offset_of(kind: str, cursor: str | None) -> int:
    position = decode_cursor(kind, cursor)
    if position is None:
        return 0
    offset = position.get("o")
    if not isinstance(offset, int) or offset < 0:
        raise InvalidArgument("after is not a cursor of this list.")
    return offset
