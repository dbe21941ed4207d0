"""One cache entry as stored: when it was fetched, until when it is fresh, how long fetching
it took (XFetch's delta), and the encoded value, or nothing for a remembered "not found".

Layout: a 21-byte header (`!ddfB`: fetched_at, fresh_until, delta, flags) then the value,
zlib-compressed when that pays. Times are wall-clock seconds, shared by every BFF instance.
"""

from __future__ import annotations

import math
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass

_HEADER = struct.Struct("!ddfB")
_ABSENT = 1
_ZLIB = 2
COMPRESS_FROM = 512  # bytes; below this zlib gains little


class EntryError(Exception):
    pass


@dataclass(frozen=True)
class Entry:
    fetched_at: float
    fresh_until: float
    delta: float  # seconds the fetch took: XFetch refreshes slow values earlier
    payload: bytes | None  # None: the system said it does not exist

    def encode(self) -> bytes:
        flags, body = 0, self.payload or b""
        if self.payload is None:
            flags |= _ABSENT
        elif len(body) >= COMPRESS_FROM:
            flags |= _ZLIB
            body = zlib.compress(body, 1)
        return _HEADER.pack(self.fetched_at, self.fresh_until, self.delta, flags) + body

    @classmethod
    def decode(cls, raw: bytes) -> Entry:
        if len(raw) < _HEADER.size:
            raise EntryError("entry too short")
        fetched_at, fresh_until, delta, flags = _HEADER.unpack_from(raw)
        body = raw[_HEADER.size :]
        if flags & _ABSENT:
            return cls(fetched_at, fresh_until, delta, None)
        if flags & _ZLIB:
            try:
                body = zlib.decompress(body)
            except zlib.error:
                raise EntryError("entry does not decompress") from None
        return cls(fetched_at, fresh_until, delta, body)

    def is_fresh(self, now: float) -> bool:
        return now < self.fresh_until

    def refresh_early(self, now: float, beta: float, random: Callable[[], float]) -> bool:
        """XFetch (Vattani, Chierichetti, Lowenstein, VLDB 2015): refresh before expiry with a
        probability rising as expiry nears, so that one caller, not all, recomputes a hot key:
        now - delta * beta * ln(U) >= expiry, U uniform in (0, 1]."""
        return now - self.delta * beta * math.log(1.0 - random()) >= self.fresh_until
