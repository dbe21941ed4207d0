"""A respx side effect that proves batch chunks are sent concurrently."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import httpx


def all_at_once(
    count: int, answer: Callable[[httpx.Request], httpx.Response]
) -> Callable[[httpx.Request], Awaitable[httpx.Response]]:
    """Answers only when `count` requests are in flight together: requests sent one after
    another never get there, and time out (a TimeoutError, not an httpx error)."""
    barrier = asyncio.Barrier(count)

    async def effect(request: httpx.Request) -> httpx.Response:
        async with asyncio.timeout(1):
            await barrier.wait()
        return answer(request)

    return effect
