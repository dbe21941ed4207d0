"""The fixed-window limiters behind the SMS login's attempt limits: in the process, and in
Redis (a real single redis-server and a real three-node cluster alike), shared by every BFF
instance and falling back to the process while Redis is down."""

from __future__ import annotations

import anyio
import pytest

from bff.auth.rate_limit import (
    RATE_PREFIX,
    MemoryRateLimiter,
    RateLimiter,
    RedisRateLimiter,
    limit_key,
)
from bff.auth.redis_sessions import connect_redis
from bff.auth.session_crypto import SessionCipher, generate_key, parse_key
from bff.cache.redis_store import AnyRedis
from tests.bff.auth.test_redis_sessions import cluster_url, redis
from tests.bff.auth.test_resilient_sessions import Server, server
from tests.redis_server import free_port

pytestmark = pytest.mark.anyio

__all__ = ["cluster_url", "redis", "server"]  # fixtures; `redis` is a single node or a cluster


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_rate_limit_allows_the_limit_then_refuses_with_the_wait() -> None:
    clock = Clock()
    limiter: RateLimiter = MemoryRateLimiter(5, 900, clock)
    assert [await limiter.hit("k") for _ in range(5)] == [None] * 5
    clock.now += 100
    assert await limiter.hit("k") == 800


async def test_rate_limit_window_ends_and_counting_starts_again() -> None:
    clock = Clock()
    limiter = MemoryRateLimiter(2, 60, clock)
    await limiter.hit("k")
    await limiter.hit("k")
    assert await limiter.hit("k") == 60
    clock.now += 60
    assert await limiter.hit("k") is None


async def test_rate_limit_keys_are_independent() -> None:
    limiter = MemoryRateLimiter(1, 60, Clock())
    assert await limiter.hit("a") is None
    assert await limiter.hit("b") is None
    assert await limiter.hit("a") is not None


async def test_rate_limit_wait_is_at_least_one_second() -> None:
    clock = Clock()
    limiter = MemoryRateLimiter(1, 60, clock)
    await limiter.hit("k")
    clock.now += 59.9
    assert await limiter.hit("k") == 1


def test_limit_keys_never_hold_the_subject_in_clear() -> None:
    key = limit_key("start", "subject", "P0000818")
    assert "P0000818" not in key
    assert key == limit_key("start", "subject", "P0000818")
    assert key != limit_key("verify", "subject", "P0000818")


def test_a_limit_needs_sensible_numbers() -> None:
    with pytest.raises(ValueError, match="limit"):
        MemoryRateLimiter(0, 60)


def new_cipher() -> SessionCipher:
    return SessionCipher(parse_key(generate_key()))


SUBJECT_KEY = limit_key("start", "subject", "P0000818")
ADDRESS_KEY = limit_key("start", "address", "203.0.113.7")


@pytest.mark.redis
async def test_redis_limit_allows_the_limit_then_refuses_with_the_window_left(
    redis: AnyRedis,
) -> None:
    limiter: RateLimiter = RedisRateLimiter(redis, new_cipher(), 5, 900)
    assert [await limiter.hit(SUBJECT_KEY) for _ in range(5)] == [None] * 5
    wait = await limiter.hit(SUBJECT_KEY)
    assert wait is not None and 898 <= wait <= 900
    assert await limiter.hit(ADDRESS_KEY) is None  # keys are independent


@pytest.mark.redis
async def test_two_instances_share_one_limit(redis: AnyRedis) -> None:
    cipher = new_cipher()  # every instance is configured with the same key
    here = RedisRateLimiter(redis, cipher, 4, 900)
    there = RedisRateLimiter(redis, cipher, 4, 900)
    assert [await limiter.hit(SUBJECT_KEY) for limiter in (here, there, here, there)] == [None] * 4
    assert await here.hit(SUBJECT_KEY) is not None
    assert await there.hit(SUBJECT_KEY) is not None


@pytest.mark.redis
async def test_redis_ends_the_window_and_counting_starts_again(redis: AnyRedis) -> None:
    limiter = RedisRateLimiter(redis, new_cipher(), 2, 0.3)
    assert [await limiter.hit(SUBJECT_KEY) for _ in range(2)] == [None, None]
    assert await limiter.hit(SUBJECT_KEY) == 1  # at least one second, for Retry-After
    await anyio.sleep(0.4)
    assert await limiter.hit(SUBJECT_KEY) is None


@pytest.mark.redis
async def test_a_refused_attempt_is_not_counted_and_a_count_never_outlives_its_window(
    redis: AnyRedis,
) -> None:
    limiter = RedisRateLimiter(redis, new_cipher(), 2, 60)
    key = limiter.redis_key(SUBJECT_KEY)
    for _ in range(5):
        await limiter.hit(SUBJECT_KEY)
    assert await redis.get(key) == b"2"
    await redis.set(key, "7")  # a count without TTL (e.g. restored by hand) is given one
    assert await limiter.hit(SUBJECT_KEY) == 60
    assert 59_000 < await redis.pttl(key) <= 60_000


@pytest.mark.redis
async def test_redis_rate_keys_and_values_hold_nothing_personal(redis: AnyRedis) -> None:
    cipher = new_cipher()
    limiter = RedisRateLimiter(redis, cipher, 5, 900)
    await limiter.hit(SUBJECT_KEY)
    await limiter.hit(ADDRESS_KEY)
    keys = sorted([key.decode() async for key in redis.scan_iter(match="*")])
    assert keys == sorted([limiter.redis_key(SUBJECT_KEY), limiter.redis_key(ADDRESS_KEY)])
    for key in keys:
        assert key.startswith(RATE_PREFIX)
        for clear in ("P0000818", "203.0.113.7", SUBJECT_KEY, ADDRESS_KEY):
            assert clear not in key  # the unkeyed digest could be reversed by trying numbers
        assert await redis.get(key) == b"1"
    other = RedisRateLimiter(redis, new_cipher(), 5, 900)
    assert other.redis_key(SUBJECT_KEY) != limiter.redis_key(SUBJECT_KEY)


@pytest.mark.redis
async def test_while_redis_is_down_the_limit_is_kept_in_the_process_then_in_redis_again(
    server: Server,
) -> None:
    clock = Clock()
    cipher = new_cipher()
    client = connect_redis(server.url)
    limiter = RedisRateLimiter(client, cipher, 3, 900, cool_down_s=5, clock=clock)
    try:
        assert await limiter.hit(SUBJECT_KEY) is None  # counted in Redis
        await client.shutdown(nosave=True)
        server.kill()

        # never fails, never unlimited: this process counts on its own meanwhile
        assert [await limiter.hit(SUBJECT_KEY) for _ in range(4)] == [None, None, None, 900]
        assert limiter.down_until == clock.now + 5

        server.start()  # back, with what it had counted (append-only file)
        clock.now += 4  # within the cool-down, Redis is not asked yet
        assert await limiter.hit(SUBJECT_KEY) == 896
        clock.now += 1.5
        assert await limiter.hit(SUBJECT_KEY) is None  # Redis again: its count was 1
        assert await limiter.hit(SUBJECT_KEY) is None
        assert await limiter.hit(SUBJECT_KEY) is not None
        assert limiter.down_until is None
    finally:
        await client.aclose()


async def test_an_unreachable_cluster_is_an_outage_too() -> None:
    client = connect_redis(f"redis://127.0.0.1:{free_port()}/0", cluster=True)
    limiter = RedisRateLimiter(client, new_cipher(), 2, 900, clock=Clock())
    try:
        assert [await limiter.hit(SUBJECT_KEY) for _ in range(3)] == [None, None, 900]
    finally:
        await client.aclose()
