"""When to try a read again: only idempotent calls, only after the system was unavailable,
with jittered exponential backoff, within a retry budget, and honouring a 429/503
Retry-After only when it fits in the request's remaining deadline."""

from __future__ import annotations

import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from bff.resilience.deadline import Clock

Jitter = Callable[[float], float]  # a delay in [0, ceiling] for a ceiling


def full_jitter(ceiling: float) -> float:
    return random.uniform(0.0, ceiling)  # spreads retries; not a secret


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 3  # the first call included
    base_backoff_s: float = 0.05
    max_backoff_s: float = 1.0
    max_retry_after_s: float = 2.0  # a longer Retry-After (a maintenance window): give up
    budget_ratio: float = 0.2  # retries at most this share of the calls in the window...
    budget_min_retries: int = 3  # ...but always this many, so a quiet system may retry
    budget_window_s: float = 10.0


class RetryBudget:
    """Retries at most `ratio` of the calls over a sliding window, so retries cannot
    multiply the load on a system that is already failing."""

    def __init__(self, policy: RetryPolicy, clock: Clock = time.monotonic) -> None:
        self.policy = policy
        self._clock = clock
        self._calls: deque[float] = deque()
        self._retries: deque[float] = deque()

    def record_call(self) -> None:
        self._calls.append(self._clock())

    def try_spend(self) -> bool:
        now = self._clock()
        horizon = now - self.policy.budget_window_s
        for times in (self._calls, self._retries):
            while times and times[0] <= horizon:
                times.popleft()
        allowed = max(self.policy.budget_min_retries, self.policy.budget_ratio * len(self._calls))
        if len(self._retries) >= allowed:
            return False
        self._retries.append(now)
        return True


def retry_delay(
    policy: RetryPolicy,
    attempt: int,
    retry_after_s: float | None,
    remaining_s: float | None,
    jitter: Jitter = full_jitter,
) -> float | None:
    """Seconds to wait before attempt `attempt + 1` after attempt `attempt` (1-based) found
    the system unavailable; None when there is no further attempt."""
    if attempt >= policy.max_attempts:
        return None
    delay = jitter(min(policy.max_backoff_s, policy.base_backoff_s * 2 ** (attempt - 1)))
    if retry_after_s is not None:
        if retry_after_s > policy.max_retry_after_s:
            return None
        delay = max(delay, retry_after_s)
    if remaining_s is not None and delay >= remaining_s:
        return None  # the wait alone would spend the deadline
    return delay
