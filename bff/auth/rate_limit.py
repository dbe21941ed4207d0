"""Attempt limits for the login endpoints: a fixed window per key.

A limiter answers one question per attempt: may it go ahead, or how long must the caller wait.
Keys are opaque to the limiter; callers pass a digest (`limit_key`), never an identifier, a code
or an address in clear, so a later Redis limiter stores nothing personal.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

MAX_KEYS = 100_000  # past this, expired windows are swept before a new key is added


class RateLimiter(Protocol):
    async def hit(self, key: str) -> int | None:
        """Count one attempt under `key`: None when it may go ahead, else the whole seconds
        to wait (for Retry-After). A refused attempt is not counted."""
        ...


def limit_key(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@dataclass
class _Window:
    start: float
    count: int


class MemoryRateLimiter:
    """`limit` attempts per key per `window_s` seconds, in this process (one BFF instance)."""

    def __init__(
        self, limit: int, window_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if limit < 1 or window_s <= 0:
            raise ValueError("a rate limit needs limit >= 1 and window_s > 0")
        self.limit = limit
        self.window_s = window_s
        self.clock = clock
        self._windows: dict[str, _Window] = {}

    async def hit(self, key: str) -> int | None:
        now = self.clock()
        window = self._windows.get(key)
        if window is None or now - window.start >= self.window_s:
            if window is None and len(self._windows) >= MAX_KEYS:
                self._sweep(now)
            self._windows[key] = _Window(now, 1)
            return None
        if window.count >= self.limit:
            return max(1, math.ceil(window.start + self.window_s - now))
        window.count += 1
        return None

    def _sweep(self, now: float) -> None:
        for key, window in list(self._windows.items()):
            if now - window.start >= self.window_s:
                del self._windows[key]
