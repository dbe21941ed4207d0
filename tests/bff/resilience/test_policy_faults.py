"""The policy administration reports failures as SOAP faults inside an HTTP 500: a server
fault must count for its breaker (and a read be retried), a client fault must not."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import respx

from bff.adapters.errors import BackendRejected, BackendUnavailable
from bff.adapters.policy import PolicyAdapter
from bff.resilience import Resilience
from bff.resilience.breaker import BreakerPolicy, CircuitOpen
from bff.resilience.retry import RetryPolicy
from tests.bff.adapters.test_policy import answer, fault
from tests.bff.resilience.fakes import FakeClock, no_jitter

pytestmark = pytest.mark.anyio

BASE = "http://policy.test"


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=BASE) as c:
        yield c


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=False) as mocked:
        yield mocked


def guard(client: httpx.AsyncClient) -> Resilience:
    clock = FakeClock()
    resilience = Resilience(
        BreakerPolicy(consecutive_failures=3, min_calls=100, cool_down_s=5),
        RetryPolicy(max_attempts=2, base_backoff_s=0.1, budget_min_retries=10),
        clock=clock,
        sleep=clock.sleep,
        jitter=no_jitter,
    )
    resilience.attach({"policy": client})
    return resilience


async def test_a_soap_server_fault_is_a_failure_that_opens_the_breaker(
    client: httpx.AsyncClient, router: respx.MockRouter
) -> None:
    resilience = guard(client)
    route = router.post("/soap").mock(
        return_value=answer(fault("Server", "InternalError", "Internal error"), 500)
    )
    adapter = PolicyAdapter(client)
    for _ in range(2):
        with pytest.raises(BackendUnavailable) as failed:
            await adapter.contracts_of_party("P0000001")
        assert failed.value.system == "policy"
    assert route.call_count == 3  # two reads, the first retried once; then the breaker opens
    with pytest.raises(CircuitOpen):
        await adapter.contracts_of_party("P0000001")
    assert route.call_count == 3
    counts = resilience.snapshot()["policy"]
    assert counts["error"] == 3 and counts["breaker"] == "open"


async def test_a_soap_client_fault_is_the_request_s_fault_and_never_retried(
    client: httpx.AsyncClient, router: respx.MockRouter
) -> None:
    resilience = guard(client)
    route = router.post("/soap").mock(
        return_value=answer(fault("Client", "MalformedRequest", "bad request"), 500)
    )
    for _ in range(4):
        with pytest.raises(BackendRejected):
            await PolicyAdapter(client).contracts_of_party("P0000001")
    assert route.call_count == 4
    counts = resilience.snapshot()["policy"]
    assert counts["rejected"] == 4 and counts["breaker"] == "closed"
