"""The resilience layer over the in-process sandbox systems and the real schema: a stalled
system and a system in outage, with the sandbox's fault switches and call counters."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest

from bff.resilience import Resilience
from bff.resilience.breaker import BreakerPolicy
from bff.resilience.deadline import deadline_scope
from bff.resilience.retry import RetryPolicy
from tests.bff.resilience.dashboard import DASHBOARD, PERSONA, life_nulled
from tests.bff.resilience.fakes import FakeClock, no_jitter
from tests.bff.schema.harness import Harness, shared_world

pytestmark = pytest.mark.anyio


@pytest.fixture
async def harness() -> AsyncIterator[Harness]:
    h = Harness(shared_world())
    yield h
    await h.aclose()


async def test_a_stalled_system_costs_the_deadline_not_the_stall(harness: Harness) -> None:
    resilience = Resilience(BreakerPolicy(), RetryPolicy())
    resilience.attach(harness.clients)
    harness.fault("life", stall_rate=1)  # life never answers
    started = time.monotonic()
    with deadline_scope(1.0):
        body = await harness.run(DASHBOARD, harness.customer(PERSONA))
    assert time.monotonic() - started < 5.0  # the bound; in practice about 1 s
    assert life_nulled(body)
    assert resilience.snapshot()["life"]["timeout"] >= 1


async def test_an_outage_opens_the_breaker_life_is_not_called_then_it_closes(
    harness: Harness,
) -> None:
    clock = FakeClock()
    resilience = Resilience(
        BreakerPolicy(consecutive_failures=3, cool_down_s=30),
        RetryPolicy(),
        clock=clock,
        sleep=clock.sleep,
        jitter=no_jitter,
    )
    resilience.attach(harness.clients)
    viewer = harness.customer(PERSONA)
    harness.fault("life", outage=True)

    body = await harness.run(DASHBOARD, viewer)  # 1 call + 2 retries: 3 failures
    assert life_nulled(body)
    assert harness.calls()["life"] == 3
    assert resilience.snapshot()["life"]["breaker"] == "open"

    harness.reset_calls()
    for _ in range(3):
        assert life_nulled(await harness.run(DASHBOARD, viewer))
    assert harness.calls()["life"] == 0  # failing fast: life is not called while open
    assert harness.calls()["policy"] > 0 and harness.calls()["brokers"] > 0
    assert resilience.snapshot()["life"]["circuit_open"] >= 3

    harness.heal()
    clock.advance(29)
    assert life_nulled(await harness.run(DASHBOARD, viewer))  # still cooling down
    assert harness.calls()["life"] == 0
    clock.advance(1)
    body = await harness.run(DASHBOARD, viewer)  # the first life call is the probe
    assert harness.calls()["life"] > 0
    assert resilience.snapshot()["life"]["breaker"] == "closed"
    body = await harness.run(DASHBOARD, viewer)
    assert "errors" not in body and body["data"]["viewer"]["totalWealth"] is not None
    systems = resilience.snapshot()
    assert all(row["breaker"] == "closed" for row in systems.values())
    assert systems["policy"]["error"] == 0 and systems["policy"]["ok"] > 0
