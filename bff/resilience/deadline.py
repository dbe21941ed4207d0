"""The overall deadline of one request, in a contextvar: every backend call made while
serving the request gets at most the time that is left, and none is made once it is spent."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar

Clock = Callable[[], float]

_DEADLINE: ContextVar[float | None] = ContextVar("bff_request_deadline", default=None)


@contextlib.contextmanager
def deadline_scope(seconds: float, clock: Clock = time.monotonic) -> Iterator[None]:
    """Calls inside the block share `seconds` from now; a nested scope can only shorten it."""
    at = clock() + seconds
    outer = _DEADLINE.get()
    token = _DEADLINE.set(at if outer is None else min(at, outer))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def remaining(clock: Clock = time.monotonic) -> float | None:
    """Seconds left (never below 0), or None outside any deadline scope."""
    at = _DEADLINE.get()
    return None if at is None else max(0.0, at - clock())
