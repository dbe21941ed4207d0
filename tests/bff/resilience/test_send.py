"""`send` through a system's guard, against respx: which calls are retried, Retry-After,
the retry budget, the breaker failing fast without calling, the deadline, the outcomes."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator

import anyio
import httpx
import pytest
import respx

from bff.adapters.errors import BackendRejected, BackendUnavailable
from bff.adapters.http import send
from bff.resilience import Resilience
from bff.resilience.breaker import BreakerPolicy, CircuitOpen
from bff.resilience.deadline import deadline_scope
from bff.resilience.outcomes import BackendThrottled, BackendTimeout
from bff.resilience.retry import RetryPolicy
from tests.bff.resilience.fakes import FakeClock, no_jitter

pytestmark = pytest.mark.anyio

BASE = "http://life.test"
BREAKER = BreakerPolicy(consecutive_failures=3, min_calls=100, cool_down_s=5)
RETRY = RetryPolicy(max_attempts=3, base_backoff_s=0.1, budget_min_retries=10)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=BASE) as c:
        yield c


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=False) as mocked:
        yield mocked


def guarded(
    client: httpx.AsyncClient,
    clock: FakeClock,
    breaker: BreakerPolicy = BREAKER,
    retry: RetryPolicy = RETRY,
) -> Resilience:
    resilience = Resilience(breaker, retry, clock=clock, sleep=clock.sleep, jitter=no_jitter)
    resilience.attach({"life": client})
    return resilience


def unavailable(status: int = 503, **headers: str) -> httpx.Response:
    return httpx.Response(status, json={"code": "SERVICE_UNAVAILABLE"}, headers=headers)


async def test_an_idempotent_get_is_retried_with_backoff_until_it_answers(
    client: httpx.AsyncClient, clock: FakeClock, router: respx.MockRouter
) -> None:
    resilience = guarded(client, clock)
    route = router.get("/funds").mock(
        side_effect=[unavailable(), unavailable(502), httpx.Response(200, json={})]
    )
    response = await send(client, "life", "GET", "/funds")
    assert response.status_code == 200 and route.call_count == 3
    assert clock.slept == [0.1, 0.2]
    life = resilience.snapshot()["life"]
    assert (life["ok"], life["error"], life["retries"], life["breaker"]) == (1, 2, 2, "closed")


async def test_a_write_is_never_retried_but_a_post_marked_read_only_is(
    client: httpx.AsyncClient, clock: FakeClock, router: respx.MockRouter
) -> None:
    guarded(client, clock, BreakerPolicy(consecutive_failures=10))
    write = router.put("/contact").mock(return_value=unavailable())
    write_post = router.post("/otp").mock(return_value=unavailable())
    batch = router.post("/contracts/batch").mock(
        side_effect=[unavailable(), httpx.Response(200, json={})]
    )
    with pytest.raises(BackendUnavailable):
        await send(client, "life", "PUT", "/contact", json_body={})
    with pytest.raises(BackendUnavailable):
        await send(client, "life", "POST", "/otp", json_body={})
    await send(client, "life", "POST", "/contracts/batch", json_body={}, idempotent=True)
    assert (write.call_count, write_post.call_count, batch.call_count) == (1, 1, 2)


async def test_a_refusal_is_not_retried_and_keeps_the_breaker_closed(
    client: httpx.AsyncClient, clock: FakeClock, router: respx.MockRouter
) -> None:
    resilience = guarded(client, clock)
    route = router.get("/funds").mock(return_value=httpx.Response(400, json={}))
    for _ in range(5):
        with pytest.raises(BackendRejected):
            await send(client, "life", "GET", "/funds")
    assert route.call_count == 5
    life = resilience.snapshot()["life"]
    assert (life["rejected"], life["breaker"]) == (5, "closed")


async def test_429_retry_after_is_honoured_when_it_fits_in_the_deadline(
    client: httpx.AsyncClient, clock: FakeClock, router: respx.MockRouter
) -> None:
    guarded(client, clock)
    route = router.get("/funds").mock(
        side_effect=[unavailable(429, **{"Retry-After": "1"}), httpx.Response(200, json={})]
    )
    with deadline_scope(3.0, clock):
        await send(client, "life", "GET", "/funds")
    assert route.call_count == 2 and clock.slept == [1.0]


async def test_429_retry_after_beyond_the_deadline_fails_at_once(
    client: httpx.AsyncClient, clock: FakeClock, router: respx.MockRouter
) -> None:
    resilience = guarded(client, clock)
    route = router.get("/funds").mock(return_value=unavailable(429, **{"Retry-After": "5"}))
    with deadline_scope(1.0, clock), pytest.raises(BackendThrottled) as raised:
        await send(client, "life", "GET", "/funds")
    assert raised.value.system == "life" and raised.value.retry_after_s == 5.0
    assert route.call_count == 1 and clock.slept == []
    assert resilience.snapshot()["life"]["rejected"] == 1


async def test_retries_stop_when_the_budget_is_spent(
    client: httpx.AsyncClient, clock: FakeClock, router: respx.MockRouter
) -> None:
    budget = RetryPolicy(max_attempts=3, budget_ratio=0.2, budget_min_retries=1)
    resilience = guarded(client, clock, BreakerPolicy(consecutive_failures=100), budget)
    route = router.get("/funds").mock(return_value=unavailable())
    for _ in range(3):
        with pytest.raises(BackendUnavailable):
            await send(client, "life", "GET", "/funds")
    # the first call used the one retry the budget allows; the next two got none
    assert route.call_count == 3 + 1
    assert resilience.snapshot()["life"]["retries"] == 1


async def test_the_open_breaker_fails_fast_without_calling_then_one_probe_closes_it(
    client: httpx.AsyncClient, clock: FakeClock, router: respx.MockRouter
) -> None:
    resilience = guarded(client, clock)
    route = router.get("/funds").mock(return_value=unavailable(502))
    with pytest.raises(BackendUnavailable):
        await send(client, "life", "GET", "/funds")  # 3 attempts: 3 consecutive failures
    assert route.call_count == 3
    with pytest.raises(CircuitOpen) as raised:
        await send(client, "life", "GET", "/funds")
    assert str(raised.value) == "life: circuit open"
    assert route.call_count == 3
    assert resilience.snapshot()["life"]["breaker"] == "open"
    assert resilience.snapshot()["life"]["circuit_open"] == 1

    route.mock(return_value=httpx.Response(200, json={}))
    clock.advance(5)
    assert resilience.snapshot()["life"]["breaker"] == "half_open"
    await send(client, "life", "GET", "/funds")
    assert route.call_count == 4
    assert resilience.snapshot()["life"]["breaker"] == "closed"


async def test_the_deadline_bounds_a_stalled_call_and_a_spent_one_is_not_made() -> None:
    seen: list[dict[str, float]] = []

    async def stall(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        await anyio.sleep(30)
        return httpx.Response(200)

    async with httpx.AsyncClient(
        base_url=BASE, transport=httpx.MockTransport(stall), timeout=5.0
    ) as client:
        Resilience(BREAKER, RETRY).attach({"life": client})
        started = time.monotonic()
        with deadline_scope(0.3), pytest.raises(BackendTimeout) as raised:
            await send(client, "life", "GET", "/funds")
        assert time.monotonic() - started < 1.0
        assert raised.value.system == "life"
        assert len(seen) == 1  # no retry: the deadline was spent
        assert 0 < seen[0]["read"] <= 0.3  # min(the system's 5 s, the time left)
        with deadline_scope(0.0), pytest.raises(BackendTimeout):
            await send(client, "life", "GET", "/funds")
        assert len(seen) == 1


async def test_without_a_guard_send_still_respects_the_deadline(
    client: httpx.AsyncClient, router: respx.MockRouter
) -> None:
    route = router.get("/funds").mock(return_value=httpx.Response(200, json={}))
    with deadline_scope(0.0), pytest.raises(BackendTimeout):
        await send(client, "life", "GET", "/funds")
    assert route.call_count == 0
