"""Batch calls: keys split into chunks of a system's batch limit, the chunks sent concurrently."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, TypeVar

K = TypeVar("K")
R = TypeVar("R")


async def in_chunks(
    keys: Sequence[K], size: int, fetch: Callable[[list[K]], Coroutine[Any, Any, R]]
) -> list[R]:
    """`fetch` once per chunk of at most `size` distinct keys (first-seen order), all chunks at
    once; the answers in chunk order. No keys, no call. When a chunk fails, the other chunks
    are cancelled and its exception is raised as it is (not wrapped in an ExceptionGroup)."""
    unique = list(dict.fromkeys(keys))
    chunks = [unique[start : start + size] for start in range(0, len(unique), size)]
    if len(chunks) <= 1:
        return [await fetch(chunk) for chunk in chunks]
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(fetch(chunk)) for chunk in chunks]
    except BaseExceptionGroup as failed:
        raise _first(failed) from None
    return [task.result() for task in tasks]


def _first(group: BaseExceptionGroup[BaseException]) -> BaseException:
    first = group.exceptions[0]
    return _first(first) if isinstance(first, BaseExceptionGroup) else first
