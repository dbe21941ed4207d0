"""Where cache entries live: bytes under string keys, with a time to live.

`MemoryStore` keeps them in this process (the default without REDIS_URL); `RedisStore`
(bff.cache.redis_store) in a Redis or a Redis Cluster. Every store answers a whole batch of
keys at once, so a loader batch costs one round trip. `GuardedStore` stands between the cache
and Redis: a Redis that fails or stalls opens its breaker and the cache is bypassed (misses,
no writes) until a probe succeeds; no request fails because of Redis.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Coroutine, Sequence
from typing import Protocol, TypeVar

from redis.exceptions import RedisClusterException, RedisError

from bff.resilience.breaker import Breaker, BreakerPolicy, CircuitOpen, State

log = logging.getLogger(__name__)
T = TypeVar("T")

Item = tuple[str, bytes, float]  # key, value, seconds to live


class CacheStore(Protocol):
    @property
    def roundtrips(self) -> int:
        """Round trips made so far (batches answered), for the benchmarks."""
        ...

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]: ...

    async def set_many(self, items: Sequence[Item]) -> None: ...

    async def delete(self, keys: Sequence[str]) -> None: ...


class MemoryStore:
    """A bounded LRU in this process: the embedded cache of one BFF instance."""

    def __init__(self, max_entries: int = 50_000, clock: Callable[[], float] = time.monotonic):
        self.max_entries = max_entries
        self.roundtrips = 0
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        self.roundtrips += 1
        now = self._clock()
        found: list[bytes | None] = []
        for key in keys:
            entry = self._entries.get(key)
            if entry is not None and entry[0] <= now:
                del self._entries[key]
                entry = None
            if entry is not None:
                self._entries.move_to_end(key)
            found.append(None if entry is None else entry[1])
        return found

    async def set_many(self, items: Sequence[Item]) -> None:
        self.roundtrips += 1
        now = self._clock()
        for key, value, ttl_s in items:
            self._entries[key] = (now + ttl_s, value)
            self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    async def delete(self, keys: Sequence[str]) -> None:
        self.roundtrips += 1
        for key in keys:
            self._entries.pop(key, None)

    def values(self) -> list[bytes]:
        """Every stored value (tests scan them for personal data)."""
        return [value for _, value in self._entries.values()]


# what a failing or stalled Redis raises through redis-py (a cluster client with no reachable
# node raises RedisClusterException, which is not a RedisError)
STORE_FAILURES = (RedisError, RedisClusterException, OSError, asyncio.TimeoutError)


class GuardedStore:
    """A store behind a breaker: on failure, a read is a miss and a write is skipped."""

    def __init__(self, inner: CacheStore, policy: BreakerPolicy, clock: Callable[[], float]):
        self.inner = inner
        self.breaker = Breaker("cache", policy, clock)
        self.failures = 0

    @property
    def roundtrips(self) -> int:
        return self.inner.roundtrips

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        found = await self._guarded(self.inner.get_many(keys))
        return found if found is not None else [None] * len(keys)

    async def set_many(self, items: Sequence[Item]) -> None:
        await self._guarded(self.inner.set_many(items))

    async def delete(self, keys: Sequence[str]) -> None:
        await self._guarded(self.inner.delete(keys))

    async def _guarded(self, call: Coroutine[object, object, T]) -> T | None:
        try:
            probe = self.breaker.acquire()
        except CircuitOpen:
            call.close()
            return None
        try:
            result = await call
        except STORE_FAILURES as exc:
            self.failures += 1
            was_closed = self.breaker.state is State.CLOSED
            self.breaker.record(probe=probe, failed=True)
            if was_closed and self.breaker.state is not State.CLOSED:
                log.warning(
                    "cache store failing (%s): bypassed, answering from the systems",
                    type(exc).__name__,
                )
            return None
        except BaseException:
            self.breaker.release(probe=probe)
            raise
        self.breaker.record(probe=probe, failed=False)
        if probe:
            log.warning("cache store answers again: back in the path")
        return result
