"""`bff demo`, `bff token` and `bff personas` end to end: real processes, real HTTP.

Expected values come from the sandbox's own generator (same seed and day as the demo) or its
HTTP APIs, never from the BFF."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
import pytest

from sandbox.generate import build_world
from sandbox.ids import policy_number
from sandbox.world import Contract, World
from tests.demo_process import Demo, free_port, running_demo

VIEWER = "{ viewer { displayName firstName lastName contracts { number status } } }"


@pytest.fixture(scope="module")
def demo() -> Iterator[Demo]:
    with running_demo("--latency", "off") as running:
        yield running


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(seed=42, as_of=date.today())


def printed(world: World, contract: Contract) -> str:
    """The number as the policy administration prints it (the sandbox's own formatter)."""
    return policy_number(world.products[contract.product].a509, contract.base, contract.suffix)


def bff_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bff", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def token_for(demo: Demo, persona: str) -> str:
    done = bff_cli("token", "--persona", persona, "--bff-url", demo.bff)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def graphql(demo: Demo, query: str, token: str | None = None) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(demo.urls["graphql"], json={"query": query}, headers=headers, timeout=30)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def sandbox_personas(demo: Demo) -> dict[str, dict[str, Any]]:
    records = httpx.get(f"{demo.urls['crm']}/_sandbox/personas", timeout=10).json()
    return {record["id"]: record for record in records}


def test_ready_line_names_the_graphql_endpoint_and_every_system(demo: Demo) -> None:
    assert demo.ready_line.startswith("ready http://127.0.0.1:")
    for system in ("policy", "life", "nonlife", "documents", "brokers", "crm", "itsme", "eid"):
        assert demo.urls[system].startswith("http://127.0.0.1:")
    assert httpx.get(f"{demo.bff}/healthz", timeout=10).json() == {"status": "ok"}
    assert httpx.get(f"{demo.bff}/readyz", timeout=10).status_code == 200
    page = httpx.get(demo.urls["graphql"], headers={"Accept": "text/html"}, timeout=10)
    assert "graphiql" in page.text.lower()


def test_demo_says_ready_exactly_once_and_stops_cleanly() -> None:
    with running_demo("--latency", "off") as other:
        pass
    mentions = [line for line in other.lines if "ready" in line.lower()]
    assert mentions == [other.ready_line]
    assert not any("Traceback" in line for line in other.lines)
    assert other.process.returncode == 0


def test_personas_json_lists_the_named_personas() -> None:
    done = bff_cli("personas", "--json")
    assert done.returncode == 0, done.stderr
    personas = json.loads(done.stdout)
    by_id = {p["id"]: p for p in personas}
    for persona in personas:
        assert set(persona) >= {"id", "kind", "profile", "description"}
        assert persona["kind"] in {"customer", "broker", "company"}
        assert persona["profile"] in {"mobile", "web", "broker"}
    required = {
        "strategy-investor",
        "scala-self-employed",
        "web-life-nonlife",
        "hidden-products",
        "minor",
        "non-resident-sms",
        "company-manager",
        "broker-large",
        "batch-1",
        "batch-10",
        "batch-50",
    }
    assert required <= set(by_id)
    assert by_id["broker-large"]["kind"] == "broker"
    assert by_id["company-manager"]["kind"] == "company"
    assert "client_secret" not in done.stdout


def mobile_visible(world: World, party_id: str) -> list[str]:
    """C1, restated from domain.md over the sandbox's raw records: active NN Strategy where
    the person is policyholder, active Scala where the person is insured."""
    scala = {"scala-vapz", "scala-ipt", "scala-executive", "scala-poz"}
    numbers = []
    for contract in world.contracts_of_party(party_id):
        roles = {r.role.value for r in contract.roles if r.party_id == party_id}
        active = contract.status.value == "active"
        if active and (
            (contract.product == "nn-strategy" and "policyholder" in roles)
            or (contract.product in scala and "insured" in roles)
        ):
            numbers.append(printed(world, contract))
    return sorted(numbers)


@pytest.mark.parametrize(
    "persona", ["strategy-investor", "scala-self-employed", "web-life-nonlife", "company-user"]
)
def test_token_then_viewer_answers_with_the_persona_name(
    demo: Demo, world: World, persona: str
) -> None:
    party_id = world.personas[persona].party_id
    assert party_id is not None
    party = world.parties[party_id]
    body = graphql(demo, VIEWER, token_for(demo, persona))
    assert "errors" not in body
    viewer = body["data"]["viewer"]
    assert viewer["firstName"] == party.first_name
    assert viewer["lastName"] == party.last_name


@pytest.mark.parametrize("persona", ["strategy-investor", "scala-self-employed", "batch-10"])
def test_c1_the_app_lists_the_contracts_the_sandbox_holds_for_it(
    demo: Demo, world: World, persona: str
) -> None:
    party_id = world.personas[persona].party_id
    assert party_id is not None
    viewer = graphql(demo, VIEWER, token_for(demo, persona))["data"]["viewer"]
    numbers = sorted(c["number"] for c in viewer["contracts"])
    assert numbers == mobile_visible(world, party_id)
    assert numbers


def test_viewer_name_matches_the_crm_over_http(demo: Demo) -> None:
    party_id = sandbox_personas(demo)["strategy-investor"]["party_id"]
    crm = httpx.get(f"{demo.urls['crm']}/parties/{party_id}", timeout=10).json()
    viewer = graphql(demo, VIEWER, token_for(demo, "strategy-investor"))["data"]["viewer"]
    assert viewer["displayName"] == f"{crm['firstName']} {crm['lastName']}"


def test_statuses_come_from_the_policy_administration(demo: Demo, world: World) -> None:
    party_id = world.personas["strategy-investor"].party_id
    assert party_id is not None
    expected = {
        printed(world, c): c.status.value.upper() for c in world.contracts_of_party(party_id)
    }
    viewer = graphql(demo, VIEWER, token_for(demo, "strategy-investor"))["data"]["viewer"]
    shown = {c["number"]: c["status"] for c in viewer["contracts"]}
    assert shown and all(expected[number] == status for number, status in shown.items())


def _calls(demo: Demo, system: str) -> dict[str, object]:
    body: dict[str, object] = httpx.get(f"{demo.urls[system]}/_sandbox/calls", timeout=10).json()
    return body


def test_one_viewer_query_costs_one_call_per_system_and_none_once_cached(demo: Demo) -> None:
    token = token_for(demo, "batch-50")  # no other test here asks for it: nothing cached yet
    for system in ("crm", "policy"):
        httpx.delete(f"{demo.urls[system]}/_sandbox/calls", timeout=10)
    assert "errors" not in graphql(demo, VIEWER, token)
    # fifty contracts, and still one batch per system
    assert _calls(demo, "crm") == {"total": 1, "endpoints": {"POST /parties/batch": 1}}
    assert _calls(demo, "policy") == {
        "total": 1,
        "endpoints": {"POST /soap GetPartyContracts": 1},
    }
    assert "errors" not in graphql(demo, VIEWER, token)
    # the same query again is answered from the demo's in-process cache
    assert _calls(demo, "crm")["total"] == 1
    assert _calls(demo, "policy")["total"] == 1


def test_broker_token_comes_from_the_issuer_and_is_not_a_customer(demo: Demo) -> None:
    token = token_for(demo, "broker-large")
    assert token.count(".") == 2
    body = graphql(demo, VIEWER, token)
    assert body["data"] == {"viewer": None}
    assert body["errors"][0]["extensions"]["code"] == "NO_ACCESS"


@pytest.mark.parametrize("token", [None, "not-a-session", "a.b.c"])
def test_without_a_valid_credential_the_viewer_is_unauthenticated(
    demo: Demo, token: str | None
) -> None:
    body = graphql(demo, VIEWER, token)
    assert body["data"] == {"viewer": None}
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_a_failing_crm_nulls_the_viewer_with_a_typed_error(demo: Demo) -> None:
    # a persona no other test here asks for: the cache has nothing of theirs to serve instead
    token = token_for(demo, "hidden-products")
    faults = f"{demo.urls['crm']}/_sandbox/faults"
    httpx.put(faults, json={"error_rate": 1}, timeout=10).raise_for_status()
    try:
        body = graphql(demo, VIEWER, token)
    finally:
        httpx.delete(faults, timeout=10)
    error = body["errors"][0]
    assert body["data"] == {"viewer": None}
    assert error["extensions"] == {"code": "BACKEND_UNAVAILABLE", "system": "crm"}
    assert "Traceback" not in json.dumps(body)


@pytest.mark.parametrize(("system", "named"), [("life", "life"), ("itsme", "itsme_idp")])
def test_an_outage_shows_in_readiness(demo: Demo, system: str, named: str) -> None:
    faults = f"{demo.urls[system]}/_sandbox/faults"
    httpx.put(faults, json={"outage": True}, timeout=10).raise_for_status()
    try:
        ready = httpx.get(f"{demo.bff}/readyz", timeout=10)
    finally:
        httpx.delete(faults, timeout=10)
    assert ready.status_code == 503
    assert ready.json()["failing"] == [named]
    assert httpx.get(f"{demo.bff}/readyz", timeout=10).status_code == 200


def test_unknown_persona_is_a_one_line_error(demo: Demo) -> None:
    done = bff_cli("token", "--persona", "nobody", "--bff-url", demo.bff)
    assert done.returncode != 0
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert "unknown persona 'nobody'" in done.stderr


def test_token_against_nothing_is_a_one_line_error() -> None:
    done = bff_cli("token", "--persona", "minor", "--bff-url", f"http://127.0.0.1:{free_port()}")
    assert done.returncode != 0
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr


def test_busy_port_is_a_one_line_error() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = bff_cli("demo", "--port", str(port), timeout=30)
    assert done.returncode != 0
    assert done.stderr.strip() == f"bff: cannot listen on 127.0.0.1:{port}: the port is in use"


def test_busy_sandbox_port_is_a_one_line_error() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = bff_cli(
            "demo", "--port", str(free_port()), "--sandbox-port", f"life={port}", timeout=30
        )
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and f"127.0.0.1:{port}" in lines[0] and "in use" in lines[0]
    assert "ready" not in done.stdout


@pytest.mark.redis
def test_demo_keeps_sessions_in_redis_when_redis_url_is_set(redis_url: str) -> None:
    import redis

    with running_demo("--latency", "off", env={"REDIS_URL": redis_url}) as other:
        token = token_for(other, "strategy-investor")
        viewer = graphql(other, VIEWER, token)["data"]["viewer"]
        client = redis.Redis.from_url(redis_url)
        try:
            keys = [key.decode() for key in client.scan_iter()]
            values = b"".join(
                b"".join(client.smembers(key))  # the owner and device indexes are sets
                if client.type(key) == b"set"
                else client.get(key) or b""
                for key in keys
            )
        finally:
            client.close()
    assert viewer is not None
    assert any(key.startswith("bff:v1:session:") for key in keys)
    assert token.encode() not in values and not any(token in key for key in keys)
