"""A circuit breaker per back-office system.

closed    calls go through; N consecutive failures, or a failure rate over a sliding window
          (once the window holds enough calls), open it.
open      calls fail fast with `CircuitOpen` without reaching the system.
half_open after the cool-down: one probe call goes through (others still fail fast); its
          success closes the breaker, its failure opens it again for another cool-down.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from enum import StrEnum

from bff.adapters.errors import BackendUnavailable
from bff.resilience.deadline import Clock


class CircuitOpen(BackendUnavailable):
    """The breaker is open: the system was not called."""

    def __init__(self, system: str) -> None:
        super().__init__(system, "circuit open")


class State(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass(frozen=True)
class BreakerPolicy:
    consecutive_failures: int = 5
    failure_rate: float = 0.5  # open when at least this share of the window's calls failed
    window_s: float = 10.0
    min_calls: int = 20  # ... and the window holds at least this many calls
    cool_down_s: float = 5.0


class Breaker:
    def __init__(self, system: str, policy: BreakerPolicy, clock: Clock = time.monotonic) -> None:
        self.system = system
        self.policy = policy
        self._clock = clock
        self._opened_at: float | None = None
        self._probing = False
        self._consecutive = 0
        self._window: deque[tuple[float, bool]] = deque()  # (when, failed)

    @property
    def state(self) -> State:
        if self._opened_at is None:
            return State.CLOSED
        if self._probing or self._clock() - self._opened_at >= self.policy.cool_down_s:
            return State.HALF_OPEN
        return State.OPEN

    def acquire(self) -> bool:
        """Admit one call or raise `CircuitOpen`; True when the call is the half-open probe."""
        state = self.state
        if state is State.CLOSED:
            return False
        if state is State.HALF_OPEN and not self._probing:
            self._probing = True
            return True
        raise CircuitOpen(self.system)

    def record(self, *, probe: bool, failed: bool) -> None:
        """The result of an admitted call. Late results of calls admitted before the breaker
        opened change nothing while it is open or half-open; only the probe decides."""
        if probe:
            self._probing = False
            if failed:
                self._open()
            else:
                self._close()
            return
        if self._opened_at is not None:
            return
        now = self._clock()
        self._window.append((now, failed))
        while self._window and self._window[0][0] <= now - self.policy.window_s:
            self._window.popleft()
        self._consecutive = self._consecutive + 1 if failed else 0
        if self._consecutive >= self.policy.consecutive_failures or self._rate_exceeded():
            self._open()

    def release(self, *, probe: bool) -> None:
        """An admitted call ended without a result (cancelled, or never sent)."""
        if probe:
            self._probing = False

    def _rate_exceeded(self) -> bool:
        calls = len(self._window)
        if calls < self.policy.min_calls:
            return False
        failures = sum(1 for _, failed in self._window if failed)
        return failures / calls >= self.policy.failure_rate

    def _open(self) -> None:
        self._opened_at = self._clock()

    def _close(self) -> None:
        self._opened_at = None
        self._consecutive = 0
        self._window.clear()
