"""The app wires it: each GraphQL request gets `request_deadline_s`, and /readyz shows the
outcomes and breaker state per system next to its own fields."""

from __future__ import annotations

import time

import httpx
import pytest

from bff.app import create_app
from bff.settings import BACKENDS, Settings
from tests.bff.resilience.dashboard import DASHBOARD, PERSONA, life_nulled
from tests.bff.schema.harness import Harness, shared_world

pytestmark = pytest.mark.anyio


async def test_a_graphql_request_gets_the_configured_deadline_and_readyz_shows_it() -> None:
    app = create_app(Settings(environment="demo", request_deadline_s=1.0))
    runtime = app.state.runtime
    harness = Harness(shared_world())
    runtime.backends = harness.backends  # the app's own clients point nowhere here
    runtime.resilience.attach(harness.clients)
    harness.fault("life", stall_rate=1)
    secret, _ = await runtime.sessions.create(harness.customer(PERSONA), None)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://bff.test") as client,
    ):
        started = time.monotonic()
        answer = await client.post(
            "/graphql",
            json={"query": DASHBOARD},
            headers={"Authorization": f"Bearer {secret}"},
        )
        assert time.monotonic() - started < 5.0
        assert answer.status_code == 200 and life_nulled(answer.json())
        ready = (await client.get("/readyz")).json()
    await harness.aclose()
    assert {"status", "failing", "systems"} <= set(ready)
    assert set(ready["systems"]) == set(BACKENDS)
    assert ready["systems"]["life"]["timeout"] >= 1
    assert ready["systems"]["life"]["breaker"] == "closed"
    assert ready["systems"]["policy"]["ok"] >= 1
