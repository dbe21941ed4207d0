"""Attempt limits for the login endpoints: a fixed window per key, in this process
(`MemoryRateLimiter`) or in the Redis every instance shares (`RedisRateLimiter`).

A limiter answers one question per attempt: may it go ahead, or how long must the caller wait.
Keys are opaque to the limiter; callers pass a digest (`limit_key`), never an identifier, a code
or an address in clear, and the Redis limiter names its keys by a keyed digest of that.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from bff.auth.resilient_sessions import OUTAGE_ERRORS
from bff.auth.session_crypto import SessionCipher
from bff.cache.redis_store import AnyRedis

log = logging.getLogger(__name__)

MAX_KEYS = 100_000  # past this, expired windows are swept before a new key is added
RATE_PREFIX = "bff:v1:rate:"


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


# One attempt under KEYS[1]: allowed (0) while fewer than ARGV[1] were counted in the window,
# else the window's remaining milliseconds. The window (ARGV[2] ms) starts with its first
# attempt; a refused attempt is not counted. A key without TTL cannot stay: it gets one.
_HIT = """
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count < tonumber(ARGV[1]) then
  redis.call('INCR', KEYS[1])
  if redis.call('PTTL', KEYS[1]) < 0 then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
  end
  return 0
end
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  left = tonumber(ARGV[2])
end
return left
"""


class RedisRateLimiter:
    """`limit` attempts per key per `window_s` seconds, counted in Redis (a single node or a
    cluster: one key per window, one script call per attempt), so every BFF instance sharing
    the Redis shares the limit.

    The Redis key is named by a keyed digest of the caller's key (`SessionCipher`'s index
    digests): `limit_key` alone is an unkeyed hash, which a dump of Redis could reverse by
    trying every customer number or address; the value is a bare count.

    While Redis fails, attempts are counted in this process (`fallback`, the same limit and
    window) and Redis is left alone for `cool_down_s`: an outage neither fails the login
    nor lifts the limit, though each instance then counts on its own."""

    def __init__(
        self,
        redis: AnyRedis,
        cipher: SessionCipher,
        limit: int,
        window_s: float,
        *,
        cool_down_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.fallback = MemoryRateLimiter(limit, window_s, clock)
        self.redis = redis
        self.cipher = cipher
        self.limit = limit
        self.window_ms = max(1, math.ceil(window_s * 1000))
        self.cool_down_s = cool_down_s
        self.clock = clock
        self.down_until: float | None = None  # Redis is not asked before this time
        self._script = redis.register_script(_HIT)

    def redis_key(self, key: str) -> str:
        return RATE_PREFIX + self.cipher.index_digests("rate-limit", key)[0]

    async def hit(self, key: str) -> int | None:
        if self.down_until is not None and self.clock() < self.down_until:
            return await self.fallback.hit(key)
        try:
            left_ms = int(
                await self._script(keys=[self.redis_key(key)], args=[self.limit, self.window_ms])
            )
        except OUTAGE_ERRORS as exc:
            if self.down_until is None:
                log.warning(
                    "rate limits counted in this process: Redis failed (%s)", type(exc).__name__
                )
            self.down_until = self.clock() + self.cool_down_s
            return await self.fallback.hit(key)
        if self.down_until is not None:
            log.warning("rate limits counted in Redis again")
            self.down_until = None
        return None if left_ms <= 0 else max(1, math.ceil(left_ms / 1000))
