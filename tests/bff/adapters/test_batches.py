"""Batch calls in chunks (bff.adapters.batches), without HTTP."""

from __future__ import annotations

import asyncio

import pytest

from bff.adapters.batches import in_chunks
from bff.adapters.errors import BackendUnavailable

pytestmark = pytest.mark.anyio


async def test_chunks_of_distinct_keys_in_first_seen_order() -> None:
    async def fetch(chunk: list[str]) -> list[str]:
        return chunk

    answers = await in_chunks(["a", "b", "a", "c", "d", "b", "e"], 2, fetch)
    assert answers == [["a", "b"], ["c", "d"], ["e"]]


async def test_no_keys_no_call() -> None:
    calls: list[list[int]] = []

    async def fetch(chunk: list[int]) -> int:
        calls.append(chunk)
        return len(chunk)

    assert await in_chunks([], 10, fetch) == []
    assert calls == []


async def test_chunks_run_at_the_same_time() -> None:
    barrier = asyncio.Barrier(3)

    async def fetch(chunk: list[int]) -> int:
        async with asyncio.timeout(1):
            await barrier.wait()
        return sum(chunk)

    assert await in_chunks(list(range(9)), 3, fetch) == [3, 12, 21]


async def test_a_failing_chunk_cancels_the_others_and_raises_its_own_error() -> None:
    cancelled: list[int] = []

    async def fetch(chunk: list[int]) -> int:
        if chunk[0] == 2:
            raise BackendUnavailable("life", "answered 503")
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            cancelled.append(chunk[0])
            raise
        return 0

    with pytest.raises(BackendUnavailable, match="answered 503") as caught:
        await in_chunks([0, 1, 2, 3, 4, 5], 2, fetch)
    assert caught.value.system == "life"
    assert sorted(cancelled) == [0, 4]
