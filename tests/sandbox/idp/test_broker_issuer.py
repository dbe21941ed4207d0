"""The brokers' client-credentials token issuer (sandbox/idp/broker_issuer.py)."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol

import httpx
import pytest
from jose import jws

from sandbox.control import Control, Controlled
from sandbox.idp import broker_issuer
from sandbox.systems import SystemContext
from sandbox.world import Broker, World

ISSUER = "http://127.0.0.1:8703"


class Clock(Protocol):
    now: float

    def __call__(self) -> float: ...


def basic(client_id: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


@asynccontextmanager
async def issuer(world: World, clock: Clock) -> AsyncIterator[httpx.AsyncClient]:
    app = Controlled(
        broker_issuer.create_app(SystemContext(world, "broker_idp", ISSUER), clock=clock),
        Control(system="broker_idp"),
        broker_issuer.render_error,
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=ISSUER) as http:
        yield http


def first_broker(world: World) -> Broker:
    return next(iter(world.brokers.values()))


async def verified(http: httpx.AsyncClient, token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    published = (await http.get("/jwks")).json()["keys"]
    header = jws.get_unverified_header(token)
    (key,) = [k for k in published if k["kid"] == header["kid"]]
    claims: dict[str, Any] = json.loads(jws.verify(token, key, algorithms=["RS256"]))
    return header, claims


@pytest.mark.anyio
async def test_discovery(world: World, clock: Clock) -> None:
    async with issuer(world, clock) as http:
        config = (await http.get("/.well-known/openid-configuration")).json()
    assert config["issuer"] == ISSUER
    assert config["token_endpoint"] == f"{ISSUER}/token"
    assert config["jwks_uri"] == f"{ISSUER}/jwks"
    assert config["grant_types_supported"] == ["client_credentials"]
    assert config["token_endpoint_auth_methods_supported"] == [
        "client_secret_basic",
        "client_secret_post",
    ]


@pytest.mark.anyio
async def test_client_secret_basic_gets_an_rfc9068_access_token(world: World, clock: Clock) -> None:
    broker = first_broker(world)
    async with issuer(world, clock) as http:
        response = await http.post(
            "/token",
            data={"grant_type": "client_credentials"},
            headers=basic(broker.client_id, broker.client_secret),
        )
        body = response.json()
        header, claims = await verified(http, body["access_token"])
        published = (await http.get("/jwks")).json()["keys"]
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert body["token_type"] == "Bearer" and body["expires_in"] == 900
    assert header["typ"] == "at+jwt" and header["alg"] == "RS256"
    assert header["kid"] == published[0]["kid"]  # signed with the current key
    now = int(clock())
    assert claims["iss"] == ISSUER
    assert claims["sub"] == broker.client_id and claims["client_id"] == broker.client_id
    assert claims["aud"] == "insurance-bff-broker-api"
    assert claims["scope"] == "portfolio:read"
    assert claims["iat"] == now and claims["nbf"] == now and claims["exp"] == now + 900
    assert claims["fsma"] == broker.fsma
    assert isinstance(claims["jti"], str) and claims["jti"]


@pytest.mark.anyio
async def test_client_secret_post_with_scope_and_audience(world: World, clock: Clock) -> None:
    brokers = list(world.brokers.values())
    async with issuer(world, clock) as http:
        tokens = []
        for broker in brokers:
            response = await http.post(
                "/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": broker.client_id,
                    "client_secret": broker.client_secret,
                    "scope": "portfolio:read documents:read",
                    "audience": "another-api",
                },
            )
            assert response.status_code == 200, response.text
            tokens.append((await verified(http, response.json()["access_token"]))[1])
    assert [t["fsma"] for t in tokens] == [b.fsma for b in brokers]
    assert {t["aud"] for t in tokens} == {"another-api"}
    assert {t["scope"] for t in tokens} == {"portfolio:read documents:read"}
    assert len({t["jti"] for t in tokens}) == len(tokens)


@pytest.mark.anyio
async def test_bad_credentials_are_invalid_client(world: World, clock: Clock) -> None:
    broker = first_broker(world)
    other = list(world.brokers.values())[1]
    grant = {"grant_type": "client_credentials"}
    async with issuer(world, clock) as http:
        wrong_secret = await http.post(
            "/token", data=grant, headers=basic(broker.client_id, other.client_secret)
        )
        unknown = await http.post("/token", data=grant, headers=basic("nobody", "x"))
        posted_wrong = await http.post(
            "/token",
            data={**grant, "client_id": broker.client_id, "client_secret": "wrong"},
        )
        both = await http.post(
            "/token",
            data={**grant, "client_id": broker.client_id, "client_secret": broker.client_secret},
            headers=basic(broker.client_id, broker.client_secret),
        )
        anonymous = await http.post("/token", data=grant)
    for response in (wrong_secret, unknown, posted_wrong, both, anonymous):
        assert response.status_code == 401
        assert response.json()["error"] == "invalid_client"
        assert "access_token" not in response.json()
    assert wrong_secret.headers["www-authenticate"].startswith("Basic")


@pytest.mark.anyio
async def test_other_grant_types_are_refused(world: World, clock: Clock) -> None:
    broker = first_broker(world)
    auth = basic(broker.client_id, broker.client_secret)
    async with issuer(world, clock) as http:
        password = await http.post("/token", data={"grant_type": "password"}, headers=auth)
        missing = await http.post("/token", data={"scope": "portfolio:read"}, headers=auth)
        bad_scope = await http.post(
            "/token", data={"grant_type": "client_credentials", "scope": 'a"b'}, headers=auth
        )
    assert password.status_code == 400 and password.json()["error"] == "unsupported_grant_type"
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"
    assert bad_scope.status_code == 400 and bad_scope.json()["error"] == "invalid_scope"


@pytest.mark.anyio
async def test_rotation_promotes_the_next_key_and_keeps_kids_distinct(
    world: World, clock: Clock
) -> None:
    broker = first_broker(world)
    auth = basic(broker.client_id, broker.client_secret)
    grant = {"grant_type": "client_credentials"}
    async with issuer(world, clock) as http:
        before = [k["kid"] for k in (await http.get("/jwks")).json()["keys"]]
        old_token = (await http.post("/token", data=grant, headers=auth)).json()["access_token"]
        rotated = await http.post("/_sandbox/rotate")
        after = [k["kid"] for k in (await http.get("/jwks")).json()["keys"]]
        new_token = (await http.post("/token", data=grant, headers=auth)).json()["access_token"]
        header, _ = await verified(http, new_token)
        calls = (await http.get("/_sandbox/calls")).json()["endpoints"]
    assert len(before) == 2 and len(set(before)) == 2
    assert rotated.json() == {"current": after[0], "next": after[1]}
    assert after[0] == before[1]  # the published next key became current
    assert after[1] not in before  # a fresh next key
    assert jws.get_unverified_header(old_token)["kid"] == before[0]
    assert header["kid"] == after[0]
    assert "POST /_sandbox/rotate" not in calls  # sandbox control, never counted


@pytest.mark.anyio
async def test_every_generated_broker_gets_its_fsma_number(
    generated_world: World, clock: Clock
) -> None:
    brokers = list(generated_world.brokers.values())
    async with issuer(generated_world, clock) as http:
        fsma = []
        for broker in brokers:
            response = await http.post(
                "/token",
                data={"grant_type": "client_credentials"},
                headers=basic(broker.client_id, broker.client_secret),
            )
            fsma.append((await verified(http, response.json()["access_token"]))[1]["fsma"])
    assert fsma == [b.fsma for b in brokers]
    assert all(re.fullmatch(r"0\d{3}\.\d{3}\.\d{3}", number) for number in fsma)
