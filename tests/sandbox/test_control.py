"""The fault switches and call counters every sandbox system carries (sandbox/control.py)."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sandbox.control import Control, Controlled, Faults


def make_system() -> tuple[Controlled, list[str]]:
    writes: list[str] = []

    async def read(request: Request) -> JSONResponse:
        return JSONResponse({"item": request.path_params["item"]})

    async def write(request: Request) -> JSONResponse:
        writes.append((await request.json())["value"])
        return JSONResponse({"stored": True})

    app = Starlette(routes=[Route("/items/{item}", read), Route("/items", write, methods=["POST"])])
    return Controlled(app, Control(system="test", directory={"test": "http://t"})), writes


def client(app: Controlled) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


@pytest.mark.anyio
async def test_calls_are_counted_per_endpoint_template_and_reset() -> None:
    app, _ = make_system()
    async with client(app) as http:
        await http.get("/items/1")
        await http.get("/items/2")
        await http.post("/items", json={"value": "a"})
        calls = (await http.get("/_sandbox/calls")).json()
        assert calls == {"total": 3, "endpoints": {"GET /items/{item}": 2, "POST /items": 1}}
        assert (await http.delete("/_sandbox/calls")).status_code == 204
        assert (await http.get("/_sandbox/calls")).json() == {"total": 0, "endpoints": {}}


@pytest.mark.anyio
async def test_soap_action_names_the_endpoint() -> None:
    app, _ = make_system()
    async with client(app) as http:
        await http.post(
            "/items", json={"value": "x"}, headers={"SOAPAction": '"urn:x:v1/GetContracts"'}
        )
        calls = (await http.get("/_sandbox/calls")).json()
    assert calls["endpoints"] == {"POST /items GetContracts": 1}


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("switches", "status", "retry_after"),
    [
        ({"error_rate": 1}, 500, None),
        ({"outage": True}, 502, None),
        ({"maintenance": True, "maintenance_retry_after_s": 120}, 503, "120"),
        ({"overload_rate": 1, "overload_retry_after_s": 2}, 429, "2"),
    ],
)
async def test_failure_switches(
    switches: dict[str, object], status: int, retry_after: str | None
) -> None:
    app, _ = make_system()
    async with client(app) as http:
        assert (await http.put("/_sandbox/faults", json=switches)).status_code == 200
        response = await http.get("/items/1")
        assert response.status_code == status
        assert response.headers.get("retry-after") == retry_after
        await http.delete("/_sandbox/faults")
        assert (await http.get("/items/1")).status_code == 200


@pytest.mark.anyio
async def test_fixed_latency_delays_answers() -> None:
    app, _ = make_system()
    async with client(app) as http:
        await http.put("/_sandbox/faults", json={"latency_median_ms": 150})
        started = time.perf_counter()
        await http.get("/items/1")
        assert time.perf_counter() - started >= 0.15


def test_latency_distribution_is_lognormal_around_the_median() -> None:
    import random

    faults = Faults(latency_median_ms=100, latency_p95_ms=300)
    rng = random.Random(1)
    samples = sorted(faults.sample_latency(rng) for _ in range(4000))
    median = samples[len(samples) // 2]
    p95 = samples[int(len(samples) * 0.95)]
    assert 0.09 < median < 0.11
    assert 0.25 < p95 < 0.35


@pytest.mark.anyio
async def test_stall_never_answers() -> None:
    app, _ = make_system()
    async with client(app) as http:
        await http.put("/_sandbox/faults", json={"stall_rate": 1})
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(http.get("/items/1"), 0.5)


@pytest.mark.anyio
async def test_write_is_applied_then_the_answer_fails() -> None:
    app, writes = make_system()
    async with client(app) as http:
        await http.patch("/_sandbox/faults", json={"write_fail_after_apply_rate": 1})
        response = await http.post("/items", json={"value": "kept"})
        assert response.status_code == 500
        assert writes == ["kept"]
        assert (await http.get("/items/1")).status_code == 200  # reads are untouched


@pytest.mark.anyio
async def test_patch_merges_and_put_replaces() -> None:
    app, _ = make_system()
    async with client(app) as http:
        await http.patch("/_sandbox/faults", json={"error_rate": 0.5})
        merged = (await http.patch("/_sandbox/faults", json={"outage": True})).json()
        assert merged["error_rate"] == 0.5 and merged["outage"] is True
        replaced = (await http.put("/_sandbox/faults", json={"outage": True})).json()
        assert replaced["error_rate"] == 0.0


@pytest.mark.anyio
@pytest.mark.parametrize(
    "body",
    [{"no_such_switch": 1}, {"error_rate": 2}, {"outage": "yes"}, {"latency_median_ms": -1}, []],
)
async def test_bad_switches_are_refused_and_change_nothing(body: object) -> None:
    app, _ = make_system()
    async with client(app) as http:
        response = await http.put("/_sandbox/faults", json=body)
        assert response.status_code == 400
        assert "error" in response.json()
        assert (await http.get("/_sandbox/faults")).json() == (
            await http.delete("/_sandbox/faults")
        ).json()


@pytest.mark.anyio
async def test_control_routes_are_not_counted_and_list_the_systems() -> None:
    app, _ = make_system()
    async with client(app) as http:
        assert (await http.get("/_sandbox/systems")).json() == {"test": "http://t"}
        await http.put("/_sandbox/faults", json={"outage": True})
        assert (await http.get("/_sandbox/calls")).json()["total"] == 0


@pytest.mark.anyio
async def test_unknown_paths_share_one_counter_and_empty_soap_actions_add_nothing() -> None:
    app, _ = make_system()
    async with client(app) as http:
        await http.get("/nowhere/1")
        await http.get("/elsewhere")
        await http.delete("/items/3")  # known path, wrong method
        await http.get("/items/4", headers={"SOAPAction": '""'})
        calls = (await http.get("/_sandbox/calls")).json()
    assert calls["endpoints"] == {
        "GET (unmatched)": 2,
        "DELETE /items/{item}": 1,
        "GET /items/{item}": 1,
    }
