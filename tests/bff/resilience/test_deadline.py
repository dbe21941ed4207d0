"""The request deadline lives in a contextvar: scoped, only shortened by nesting."""

from __future__ import annotations

from bff.resilience.deadline import deadline_scope, remaining
from tests.bff.resilience.fakes import FakeClock


def test_no_deadline_outside_a_scope_and_the_time_left_inside() -> None:
    clock = FakeClock()
    assert remaining(clock) is None
    with deadline_scope(2.0, clock):
        clock.advance(0.5)
        assert remaining(clock) == 1.5
        clock.advance(5)
        assert remaining(clock) == 0.0  # spent, never negative
    assert remaining(clock) is None


def test_a_nested_scope_can_only_shorten_the_deadline() -> None:
    clock = FakeClock()
    with deadline_scope(1.0, clock):
        with deadline_scope(5.0, clock):
            assert remaining(clock) == 1.0
        with deadline_scope(0.25, clock):
            assert remaining(clock) == 0.25
        assert remaining(clock) == 1.0
