"""Opaque pagination cursors of the life platform.

A cursor carries the position of the next item and the listing it belongs to, so a cursor of
one listing (say one fund's NAVs) is refused by another. The data is read-only, so a position
stays valid for the life of the sandbox.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import TypeVar

T = TypeVar("T")


class CursorError(ValueError):
    pass


def encode(listing: str, position: int) -> str:
    raw = f"{listing}|{position}".encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode(cursor: str | None, listing: str) -> int:
    """The position a cursor points at; 0 for no cursor."""
    if not cursor:
        return 0
    padded = cursor + "=" * (-len(cursor) % 4)
    try:
        raw = base64.urlsafe_b64decode(padded.encode("ascii")).decode()
    except (binascii.Error, UnicodeError):
        raise CursorError("malformed cursor") from None
    owner, _, position = raw.rpartition("|")
    if owner != listing or not re.fullmatch(r"[0-9]{1,9}", position):  # ASCII: not "²"
        raise CursorError("cursor does not belong to this listing")
    return int(position)


def page(
    items: list[T], cursor: str | None, limit: int, listing: str
) -> tuple[list[T], str | None]:
    """One page of `items` and the cursor of the next page (None on the last page)."""
    start = decode(cursor, listing)
    if start > len(items):
        raise CursorError("cursor is past the end of the listing")
    end = start + limit
    next_cursor = encode(listing, end) if end < len(items) else None
    return items[start:end], next_cursor
