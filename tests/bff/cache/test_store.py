"""The in-process store (TTL, LRU bound, one round trip per batch) and the breaker that stands
between the cache and its store: a failing store costs misses and skipped writes, never an
error, and after the cool-down one probe decides whether it is used again."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bff.cache.store import GuardedStore, Item, MemoryStore
from bff.resilience.breaker import BreakerPolicy, State
from tests.bff.resilience.fakes import FakeClock

pytestmark = pytest.mark.anyio

COOL_DOWN_S = 5.0
POLICY = BreakerPolicy(consecutive_failures=1, min_calls=1, cool_down_s=COOL_DOWN_S)


async def test_memory_store_answers_a_batch_in_key_order_with_none_for_misses() -> None:
    store = MemoryStore(clock=FakeClock())
    await store.set_many([("a", b"1", 60), ("c", b"3", 60)])
    assert await store.get_many(["c", "b", "a"]) == [b"3", None, b"1"]
    assert store.roundtrips == 2


async def test_memory_store_forgets_an_entry_when_its_ttl_is_over() -> None:
    clock = FakeClock()
    store = MemoryStore(clock=clock)
    await store.set_many([("short", b"s", 10), ("long", b"l", 100)])
    clock.advance(9.999)
    assert await store.get_many(["short", "long"]) == [b"s", b"l"]
    clock.advance(0.001)
    assert await store.get_many(["short", "long"]) == [None, b"l"]
    assert store.values() == [b"l"]  # an expired entry read is dropped


async def test_memory_store_keeps_at_most_max_entries_dropping_the_least_recently_used() -> None:
    store = MemoryStore(max_entries=3, clock=FakeClock())
    await store.set_many([("a", b"1", 60), ("b", b"2", 60), ("c", b"3", 60)])
    await store.get_many(["a"])  # a is now the most recently used
    await store.set_many([("d", b"4", 60)])
    assert await store.get_many(["a", "b", "c", "d"]) == [b"1", None, b"3", b"4"]
    await store.set_many([("c", b"3'", 60), ("e", b"5", 60)])  # rewriting c refreshes it
    assert await store.get_many(["a", "c", "d", "e"]) == [None, b"3'", b"4", b"5"]


async def test_memory_store_deletes_in_one_round_trip() -> None:
    store = MemoryStore(clock=FakeClock())
    await store.set_many([("a", b"1", 60), ("b", b"2", 60)])
    before = store.roundtrips
    await store.delete(["a", "b", "never-there"])
    assert store.roundtrips == before + 1
    assert await store.get_many(["a", "b"]) == [None, None]


class FlakyStore:
    """A store that fails with what a broken Redis raises through redis-py, while `error`
    is set, and counts the calls that reach it."""

    def __init__(self) -> None:
        self.memory = MemoryStore(clock=FakeClock())
        self.error: BaseException | None = None
        self.calls = 0

    @property
    def roundtrips(self) -> int:
        return self.memory.roundtrips

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        self._reach()
        return await self.memory.get_many(keys)

    async def set_many(self, items: Sequence[Item]) -> None:
        self._reach()
        await self.memory.set_many(items)

    async def delete(self, keys: Sequence[str]) -> None:
        self._reach()
        await self.memory.delete(keys)

    def _reach(self) -> None:
        self.calls += 1
        if self.error is not None:
            raise self.error


@pytest.mark.parametrize(
    "error",
    [RedisConnectionError("refused"), RedisTimeoutError("slow"), OSError("reset"), TimeoutError()],
    ids=["connection", "redis-timeout", "os", "timeout"],
)
async def test_a_failing_store_is_a_miss_and_a_skipped_write(error: BaseException) -> None:
    inner = FlakyStore()
    await inner.memory.set_many([("a", b"1", 60)])
    guarded = GuardedStore(inner, POLICY, FakeClock())
    inner.error = error
    assert await guarded.get_many(["a", "b"]) == [None, None]
    await guarded.set_many([("c", b"3", 60)])
    await guarded.delete(["a"])
    assert guarded.failures == 1  # the breaker opened at once: later calls did not reach it
    inner.error = None
    assert await inner.memory.get_many(["a", "c"]) == [b"1", None]


async def test_the_breaker_opens_on_a_failure_and_skips_the_store_until_the_cool_down() -> None:
    clock = FakeClock()
    inner = FlakyStore()
    guarded = GuardedStore(inner, POLICY, clock)
    await guarded.set_many([("a", b"1", 60)])
    assert guarded.breaker.state is State.CLOSED
    inner.error = RedisConnectionError("down")
    assert await guarded.get_many(["a"]) == [None]
    assert guarded.breaker.state is State.OPEN
    inner.error = None  # Redis is back, but the breaker does not know yet
    calls = inner.calls
    clock.advance(COOL_DOWN_S - 0.01)
    assert await guarded.get_many(["a"]) == [None]
    await guarded.set_many([("b", b"2", 60)])
    assert inner.calls == calls  # nothing reached the store while open
    clock.advance(0.01)
    assert guarded.breaker.state is State.HALF_OPEN
    assert await guarded.get_many(["a"]) == [b"1"]  # the probe succeeds: closed again
    assert guarded.breaker.state is State.CLOSED
    await guarded.set_many([("b", b"2", 60)])
    assert await guarded.get_many(["b"]) == [b"2"]


async def test_a_failed_probe_opens_the_breaker_for_another_cool_down() -> None:
    clock = FakeClock()
    inner = FlakyStore()
    guarded = GuardedStore(inner, POLICY, clock)
    inner.error = RedisConnectionError("down")
    await guarded.get_many(["a"])
    clock.advance(COOL_DOWN_S)
    calls = inner.calls
    assert await guarded.get_many(["a"]) == [None]  # the probe, failing
    assert inner.calls == calls + 1
    assert guarded.breaker.state is State.OPEN
    inner.error = None
    clock.advance(COOL_DOWN_S - 0.01)
    assert await guarded.get_many(["a"]) == [None]
    assert inner.calls == calls + 1
    clock.advance(0.01)
    await guarded.set_many([("a", b"1", 60)])  # a write can be the probe too
    assert guarded.breaker.state is State.CLOSED
    assert await guarded.get_many(["a"]) == [b"1"]


async def test_an_unexpected_error_is_raised_and_does_not_count_as_a_store_failure() -> None:
    inner = FlakyStore()
    guarded = GuardedStore(inner, POLICY, FakeClock())
    inner.error = ValueError("a bug, not an outage")
    with pytest.raises(ValueError):
        await guarded.get_many(["a"])
    assert guarded.failures == 0 and guarded.breaker.state is State.CLOSED


async def test_round_trips_are_the_inner_stores() -> None:
    inner = FlakyStore()
    guarded = GuardedStore(inner, POLICY, FakeClock())
    await guarded.get_many(["a", "b", "c"])
    await guarded.set_many([("a", b"1", 60), ("b", b"2", 60)])
    assert guarded.roundtrips == inner.roundtrips == 2
