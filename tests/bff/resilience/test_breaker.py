"""The circuit breaker per system: closed -> open -> half-open (one probe) -> closed/open."""

from __future__ import annotations

import pytest

from bff.adapters.errors import BackendUnavailable
from bff.resilience.breaker import Breaker, BreakerPolicy, CircuitOpen, State
from tests.bff.resilience.fakes import FakeClock

POLICY = BreakerPolicy(
    consecutive_failures=3, failure_rate=0.5, window_s=10, min_calls=6, cool_down_s=5
)


def call(breaker: Breaker, *, failed: bool) -> None:
    probe = breaker.acquire()
    breaker.record(probe=probe, failed=failed)


def test_n_consecutive_failures_open_it_and_open_fails_fast_naming_the_system() -> None:
    breaker = Breaker("life", POLICY, FakeClock())
    for _ in range(2):
        call(breaker, failed=True)
    assert breaker.state is State.CLOSED
    call(breaker, failed=True)
    assert breaker.state is State.OPEN
    with pytest.raises(CircuitOpen) as raised:
        breaker.acquire()
    assert isinstance(raised.value, BackendUnavailable)
    assert raised.value.system == "life" and raised.value.message == "circuit open"


def test_a_success_resets_the_consecutive_count() -> None:
    breaker = Breaker("life", POLICY, FakeClock())
    for failed in (True, True, False, True, True):
        call(breaker, failed=failed)
    assert breaker.state is State.CLOSED


def test_a_failure_rate_over_the_window_opens_it_once_enough_calls_were_seen() -> None:
    breaker = Breaker("life", POLICY, FakeClock())
    for failed in (True, False, True, False, True):  # 60 %, but only 5 calls
        call(breaker, failed=failed)
    assert breaker.state is State.CLOSED
    call(breaker, failed=False)  # 3 of 6 failed: 50 %
    assert breaker.state is State.OPEN


def test_failures_older_than_the_window_no_longer_count() -> None:
    clock = FakeClock()
    breaker = Breaker("life", POLICY, clock)
    for failed in (True, False, True, False, True, False):
        if failed:
            call(breaker, failed=True)
            clock.advance(4)
        else:
            call(breaker, failed=False)
    # the first failures left the 10 s window: fewer than 6 calls remain in it
    assert breaker.state is State.CLOSED


def test_half_open_after_the_cool_down_admits_one_probe_whose_success_closes_it() -> None:
    clock = FakeClock()
    breaker = Breaker("life", POLICY, clock)
    for _ in range(3):
        call(breaker, failed=True)
    clock.advance(4.9)
    assert breaker.state is State.OPEN
    clock.advance(0.1)
    assert breaker.state is State.HALF_OPEN
    assert breaker.acquire() is True
    with pytest.raises(CircuitOpen):
        breaker.acquire()  # only one probe at a time
    breaker.record(probe=True, failed=False)
    assert breaker.state is State.CLOSED
    assert breaker.acquire() is False


def test_a_failed_probe_reopens_it_for_a_whole_cool_down() -> None:
    clock = FakeClock()
    breaker = Breaker("life", POLICY, clock)
    for _ in range(3):
        call(breaker, failed=True)
    clock.advance(5)
    breaker.record(probe=breaker.acquire(), failed=True)
    assert breaker.state is State.OPEN
    clock.advance(4.9)
    with pytest.raises(CircuitOpen):
        breaker.acquire()
    clock.advance(0.1)
    assert breaker.acquire() is True


def test_late_results_of_calls_admitted_before_it_opened_change_nothing() -> None:
    clock = FakeClock()
    breaker = Breaker("life", POLICY, clock)
    slow = breaker.acquire()
    for _ in range(3):
        call(breaker, failed=True)
    breaker.record(probe=slow, failed=False)  # answered after the breaker opened
    assert breaker.state is State.OPEN
    clock.advance(5)
    probe = breaker.acquire()
    breaker.record(probe=False, failed=False)  # another late one, while probing
    assert breaker.state is State.HALF_OPEN
    breaker.release(probe=probe)  # the probe was cancelled: another may go
    assert breaker.acquire() is True
