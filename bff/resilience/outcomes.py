"""What happened to the calls to each system, in one place for operators (the metrics issue
exports it): counters per outcome, retries, and the breaker's state."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from enum import StrEnum

from bff.adapters.errors import BackendUnavailable


class Outcome(StrEnum):
    OK = "ok"  # an answer in the caller's allowed statuses
    ERROR = "error"  # connection failed, 5xx
    TIMEOUT = "timeout"  # no answer in time, or the request's deadline was already spent
    REJECTED = "rejected"  # the system refused: 4xx, including 429 (throttled)
    CIRCUIT_OPEN = "circuit_open"  # not called: the breaker is open


class BackendTimeout(BackendUnavailable):
    """No answer within the system's timeout or the request's remaining deadline."""


class BackendThrottled(BackendUnavailable):
    """429: the system asks us to slow down (its Retry-After in `retry_after_s`)."""


class OutcomeBoard:
    """Counters per system; `snapshot()` is a plain dict, safe to serialise as JSON."""

    def __init__(self) -> None:
        self._counts: dict[str, Counter[str]] = {}
        self._states: dict[str, Callable[[], str]] = {}

    def register(self, system: str, state: Callable[[], str]) -> None:
        self._counts.setdefault(system, Counter())
        self._states[system] = state

    def add(self, system: str, outcome: Outcome) -> None:
        self._counts.setdefault(system, Counter())[outcome.value] += 1

    def retried(self, system: str) -> None:
        self._counts.setdefault(system, Counter())["retries"] += 1

    def snapshot(self) -> dict[str, dict[str, int | str]]:
        board: dict[str, dict[str, int | str]] = {}
        for system, counts in sorted(self._counts.items()):
            row: dict[str, int | str] = {o.value: counts[o.value] for o in Outcome}
            row["retries"] = counts["retries"]
            state = self._states.get(system)
            row["breaker"] = state() if state is not None else "closed"
            board[system] = row
        return board
