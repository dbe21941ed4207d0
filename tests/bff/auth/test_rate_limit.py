"""The in-memory fixed-window limiter behind the SMS login's attempt limits."""

from __future__ import annotations

import pytest

from bff.auth.rate_limit import MemoryRateLimiter, RateLimiter, limit_key

pytestmark = pytest.mark.anyio


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
