"""Retry policy: jittered exponential backoff, Retry-After within the deadline, budget."""

from __future__ import annotations

from bff.resilience.retry import RetryBudget, RetryPolicy, retry_delay
from tests.bff.resilience.fakes import FakeClock, no_jitter

POLICY = RetryPolicy(max_attempts=4, base_backoff_s=0.1, max_backoff_s=0.3, max_retry_after_s=2)


def test_backoff_doubles_up_to_its_cap_and_stops_after_the_last_attempt() -> None:
    delays = [retry_delay(POLICY, attempt, None, None, no_jitter) for attempt in (1, 2, 3, 4)]
    assert delays == [0.1, 0.2, 0.3, None]


def test_backoff_is_jittered_below_its_ceiling() -> None:
    ceilings: list[float] = []

    def jitter(ceiling: float) -> float:
        ceilings.append(ceiling)
        return ceiling / 4

    assert retry_delay(POLICY, 2, None, None, jitter) == 0.05
    assert ceilings == [0.2]
    samples = {retry_delay(POLICY, 1, None, None) for _ in range(50)}
    assert all(d is not None and 0 <= d <= 0.1 for d in samples) and len(samples) > 1


def test_retry_after_is_honoured_when_it_fits_in_the_remaining_deadline() -> None:
    assert retry_delay(POLICY, 1, 1.0, 3.0, no_jitter) == 1.0
    assert retry_delay(POLICY, 1, 1.0, 1.0, no_jitter) is None  # would spend the deadline
    assert retry_delay(POLICY, 1, 600.0, None, no_jitter) is None  # a maintenance window
    assert retry_delay(POLICY, 1, None, 0.05, no_jitter) is None  # backoff alone too long


def test_the_budget_allows_a_minimum_then_a_share_of_the_calls_in_its_window() -> None:
    clock = FakeClock()
    budget = RetryBudget(
        RetryPolicy(budget_ratio=0.2, budget_min_retries=2, budget_window_s=10), clock
    )
    budget.record_call()
    assert budget.try_spend() and budget.try_spend()
    assert not budget.try_spend()  # 2 retries for 1 call: the minimum is spent
    for _ in range(19):
        budget.record_call()
    assert budget.try_spend() and budget.try_spend()  # 20 calls: 20 % = 4 retries
    assert not budget.try_spend()
    clock.advance(10)  # everything left the window
    budget.record_call()
    assert budget.try_spend()
