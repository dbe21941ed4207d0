"""Resilient backends: one breaker, retry budget and outcome counters per system, created
once per app (`Resilience.from_settings` in `create_app`), plus the request deadline.
Nothing here knows GraphQL; every failure stays a `BackendError` naming its system."""

from __future__ import annotations

import time
from collections.abc import Mapping

import anyio
import httpx

from bff.resilience.breaker import Breaker, BreakerPolicy
from bff.resilience.deadline import Clock
from bff.resilience.guard import Sleep, SystemGuard, attach
from bff.resilience.outcomes import OutcomeBoard
from bff.resilience.retry import Jitter, RetryPolicy, full_jitter
from bff.settings import Settings


class Resilience:
    def __init__(
        self,
        breaker: BreakerPolicy,
        retry: RetryPolicy,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = anyio.sleep,
        jitter: Jitter = full_jitter,
    ) -> None:
        self.breaker_policy = breaker
        self.retry_policy = retry
        self.board = OutcomeBoard()
        self.guards: dict[str, SystemGuard] = {}
        self._clock = clock
        self._sleep = sleep
        self._jitter = jitter

    @classmethod
    def from_settings(cls, settings: Settings) -> Resilience:
        return cls(
            BreakerPolicy(
                consecutive_failures=settings.breaker_consecutive_failures,
                failure_rate=settings.breaker_failure_rate,
                window_s=settings.breaker_window_s,
                min_calls=settings.breaker_min_calls,
                cool_down_s=settings.breaker_cool_down_s,
            ),
            RetryPolicy(
                max_attempts=settings.retry_max_attempts,
                base_backoff_s=settings.retry_backoff_s,
                max_backoff_s=settings.retry_max_backoff_s,
                max_retry_after_s=settings.retry_max_retry_after_s,
                budget_ratio=settings.retry_budget_ratio,
                budget_min_retries=settings.retry_budget_min_retries,
                budget_window_s=settings.retry_budget_window_s,
            ),
        )

    def attach(self, clients: Mapping[str, httpx.AsyncClient]) -> None:
        """Guard each system's client (one guard per system, kept for the app's life)."""
        for system, client in clients.items():
            guard = self.guards.get(system)
            if guard is None:
                breaker = Breaker(system, self.breaker_policy, self._clock)
                guard = SystemGuard(
                    system,
                    breaker,
                    self.retry_policy,
                    self.board,
                    clock=self._clock,
                    sleep=self._sleep,
                    jitter=self._jitter,
                )
                self.guards[system] = guard
            attach(client, guard)

    def snapshot(self) -> dict[str, dict[str, int | str]]:
        """Per system: ok/error/timeout/rejected/circuit_open counts, retries, breaker state."""
        return self.board.snapshot()
