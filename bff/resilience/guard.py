"""One system's resilience layer around each HTTP attempt: deadline, breaker, retries and
outcome counters. `bff.adapters.http.send` finds the guard of the client it is given."""

from __future__ import annotations

import time
import weakref
from collections.abc import Awaitable, Callable
from typing import TypeVar

import anyio
import httpx

from bff.adapters.errors import BackendRejected, BackendUnavailable
from bff.resilience.breaker import Breaker, CircuitOpen
from bff.resilience.deadline import Clock, remaining
from bff.resilience.outcomes import BackendThrottled, BackendTimeout, Outcome, OutcomeBoard
from bff.resilience.retry import Jitter, RetryBudget, RetryPolicy, full_jitter, retry_delay

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]
# one HTTP exchange, given the seconds left of the request deadline (None: no deadline)
Attempt = Callable[[float | None], Awaitable[T]]

_FAILURES = frozenset({Outcome.ERROR, Outcome.TIMEOUT})


class SystemGuard:
    def __init__(
        self,
        system: str,
        breaker: Breaker,
        retry: RetryPolicy,
        board: OutcomeBoard,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = anyio.sleep,
        jitter: Jitter = full_jitter,
    ) -> None:
        self.system = system
        self.breaker = breaker
        self.retry = retry
        self.budget = RetryBudget(retry, clock)
        self.board = board
        self._clock = clock
        self._sleep = sleep
        self._jitter = jitter
        board.register(system, lambda: breaker.state.value)

    async def call(self, attempt: Attempt[T], *, idempotent: bool) -> T:
        """Run `attempt` (one HTTP exchange raising typed errors); an idempotent one is tried
        again while the system is unavailable, the policy, the budget and the deadline allow."""
        self.budget.record_call()
        tries = 0
        while True:
            tries += 1
            try:
                return await self._once(attempt)
            except CircuitOpen:
                raise
            except BackendUnavailable as exc:
                if not idempotent:
                    raise
                left = remaining(self._clock)
                delay = retry_delay(self.retry, tries, exc.retry_after_s, left, self._jitter)
                if delay is None or not self.budget.try_spend():
                    raise
                self.board.retried(self.system)
                await self._sleep(delay)

    async def _once(self, attempt: Attempt[T]) -> T:
        left = remaining(self._clock)
        if left is not None and left <= 0:
            self.board.add(self.system, Outcome.TIMEOUT)
            raise BackendTimeout(self.system, "request deadline spent")
        try:
            probe = self.breaker.acquire()
        except CircuitOpen:
            self.board.add(self.system, Outcome.CIRCUIT_OPEN)
            raise
        outcome: Outcome | None = None
        try:
            result = await attempt(left)
            outcome = Outcome.OK
            return result
        except (BackendThrottled, BackendRejected):
            outcome = Outcome.REJECTED  # the system is up and answering
            raise
        except BackendTimeout:
            outcome = Outcome.TIMEOUT
            raise
        except BackendUnavailable:
            outcome = Outcome.ERROR
            raise
        finally:
            if outcome is None:
                self.breaker.release(probe=probe)
            else:
                self.board.add(self.system, outcome)
                self.breaker.record(probe=probe, failed=outcome in _FAILURES)


_GUARDS: weakref.WeakKeyDictionary[httpx.AsyncClient, SystemGuard] = weakref.WeakKeyDictionary()


def attach(client: httpx.AsyncClient, guard: SystemGuard) -> None:
    """Calls `send` makes through `client` go through `guard` from now on."""
    _GUARDS[client] = guard


def guard_of(client: httpx.AsyncClient) -> SystemGuard | None:
    return _GUARDS.get(client)
