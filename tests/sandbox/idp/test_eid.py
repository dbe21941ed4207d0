"""The eID/FAS-like provider, driven as the BFF would drive it (sandbox/idp/eid.py)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, Protocol
from urllib.parse import parse_qs, quote_plus, urlsplit

import httpx
import pytest
from jose import jws

from sandbox.control import Control, Controlled
from sandbox.idp import eid
from sandbox.systems import SystemContext
from sandbox.world import World

ISSUER = "http://127.0.0.1:8702"
CALLBACK = "http://rp.test/auth/eid/callback"
CLIENT_ID = "bff:web"  # a colon must survive HTTP Basic (RFC 6749 form-encoding)
SECRET = "sandbox-only s3cr%t:+"
LEVEL_500 = "urn:be:fedict:iam:fas:Level500"

Login = Callable[[httpx.AsyncClient, dict[str, str], dict[str, str]], Awaitable[dict[str, str]]]


class Clock(Protocol):
    now: float

    def __call__(self) -> float: ...


def basic(client_id: str, secret: str) -> dict[str, str]:
    pair = f"{quote_plus(client_id)}:{quote_plus(secret)}".encode()
    return {"Authorization": "Basic " + base64.b64encode(pair).decode()}


@asynccontextmanager
async def provider(world: World, clock: Clock) -> AsyncIterator[httpx.AsyncClient]:
    app = Controlled(
        eid.create_app(SystemContext(world, "eid", ISSUER), clock=clock),
        Control(system="eid"),
        eid.render_error,
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=ISSUER) as http:
        for client_id in (CLIENT_ID, "bff-mobile"):
            registered = await http.put(
                f"/_sandbox/clients/{quote_plus(client_id)}",
                json={"client_secret": SECRET, "redirect_uris": [CALLBACK]},
            )
            assert registered.status_code == 204
        yield http


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorize_params(challenge: str, client_id: str = CLIENT_ID, **extra: str) -> dict[str, str]:
    return {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": CALLBACK,
        "scope": "openid profile egovNRN",
        "state": "st-" + secrets.token_urlsafe(8),
        "nonce": "n-" + secrets.token_urlsafe(8),
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **extra,
    }


def token_form(code: str, verifier: str) -> dict[str, str]:
    return {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": CALLBACK,
        "code_verifier": verifier,
    }


async def verified_claims(http: httpx.AsyncClient, id_token: str) -> dict[str, Any]:
    published = (await http.get("/jwks")).json()["keys"]
    header = jws.get_unverified_header(id_token)
    assert header["alg"] == "RS256" and header["typ"] == "JWT"
    (key,) = [k for k in published if k["kid"] == header["kid"]]
    claims: dict[str, Any] = json.loads(jws.verify(id_token, key, algorithms=["RS256"]))
    return claims


@pytest.mark.anyio
async def test_discovery_describes_client_secret_basic_and_fas_levels(
    world: World, clock: Clock
) -> None:
    async with provider(world, clock) as http:
        config = (await http.get("/.well-known/openid-configuration")).json()
        (key,) = (await http.get("/jwks")).json()["keys"]
    assert config["issuer"] == ISSUER
    assert config["authorization_endpoint"] == f"{ISSUER}/authorize"
    assert config["token_endpoint"] == f"{ISSUER}/token"
    assert config["jwks_uri"] == f"{ISSUER}/jwks"
    assert config["token_endpoint_auth_methods_supported"] == ["client_secret_basic"]
    assert config["code_challenge_methods_supported"] == ["S256"]
    assert config["id_token_signing_alg_values_supported"] == ["RS256"]
    assert "id_token_encryption_alg_values_supported" not in config
    assert set(config["acr_values_supported"]) == {
        "urn:be:fedict:iam:fas:Level400",
        "urn:be:fedict:iam:fas:Level450",
        LEVEL_500,
    }
    assert {"egovNRN", "givenName", "surname", "prefLanguage"} <= set(config["claims_supported"])
    assert config["authorization_response_iss_parameter_supported"] is True
    assert key["kty"] == "RSA" and key["use"] == "sig" and key["alg"] == "RS256"


@pytest.mark.anyio
async def test_authorize_refuses_unknown_clients_and_requires_pkce(
    world: World, clock: Clock
) -> None:
    _, challenge = pkce()
    async with provider(world, clock) as http:
        unknown = await http.get("/authorize", params=authorize_params(challenge, "stranger"))
        no_pkce = authorize_params(challenge)
        del no_pkce["code_challenge"]
        missing = await http.get("/authorize", params=no_pkce)
        picker = await http.get("/authorize", params=authorize_params(challenge))
    assert unknown.status_code == 400 and "location" not in unknown.headers
    query = parse_qs(urlsplit(missing.headers["location"]).query)
    assert query["error"] == ["invalid_request"] and query["iss"] == [ISSUER]
    assert "eID card" in picker.text
    assert re.findall(r'type=radio name=acr value="([^"]*)"', picker.text) == [LEVEL_500]


@pytest.mark.anyio
async def test_token_exchange_gives_a_signed_id_token(
    world: World, clock: Clock, login: Login
) -> None:
    verifier, challenge = pkce()
    params = authorize_params(challenge)
    luc = world.parties[world.personas["luc-company"].party_id or ""]
    async with provider(world, clock) as http:
        query = await login(http, params, {"persona": "luc-company"})
        response = await http.post(
            "/token", data=token_form(query["code"], verifier), headers=basic(CLIENT_ID, SECRET)
        )
        body = response.json()
        claims = await verified_claims(http, body["id_token"])
    assert query["state"] == params["state"] and query["iss"] == ISSUER
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert body["token_type"] == "Bearer" and body["expires_in"] == 600 and body["access_token"]
    assert body["id_token"].count(".") == 2  # a JWS, not a JWE
    assert claims["iss"] == ISSUER and claims["aud"] == CLIENT_ID
    assert claims["nonce"] == params["nonce"]
    assert claims["acr"] == LEVEL_500
    assert claims["iat"] == int(clock()) and claims["exp"] == claims["iat"] + 600
    assert claims["auth_time"] == int(clock())
    assert claims["egovNRN"] == re.sub(r"\D", "", luc.nrn or "")
    assert claims["givenName"] == luc.first_name
    assert claims["surname"] == luc.last_name
    assert claims["prefLanguage"] == luc.language.value
    assert luc.id not in claims["sub"]


async def subject(http: httpx.AsyncClient, login: Login, client_id: str, persona: str) -> str:
    verifier, challenge = pkce()
    query = await login(http, authorize_params(challenge, client_id), {"persona": persona})
    response = await http.post(
        "/token", data=token_form(query["code"], verifier), headers=basic(client_id, SECRET)
    )
    assert response.status_code == 200, response.text
    return str((await verified_claims(http, response.json()["id_token"]))["sub"])


@pytest.mark.anyio
async def test_subject_is_stable_and_opaque(world: World, clock: Clock, login: Login) -> None:
    async with provider(world, clock) as http:
        first = await subject(http, login, CLIENT_ID, "anna")
        again = await subject(http, login, "bff-mobile", "anna")
        other = await subject(http, login, CLIENT_ID, "luc-company")
    assert first == again
    assert first != other


@pytest.mark.anyio
@pytest.mark.parametrize(
    "headers",
    [
        basic(CLIENT_ID, SECRET + "x"),
        basic("stranger", SECRET),
        {"Authorization": "Basic not-base64!"},
        {"Authorization": "Bearer " + SECRET},
        {},
    ],
)
async def test_bad_client_authentication_is_invalid_client(
    world: World, clock: Clock, login: Login, headers: dict[str, str]
) -> None:
    verifier, challenge = pkce()
    async with provider(world, clock) as http:
        query = await login(http, authorize_params(challenge), {"persona": "anna"})
        refused = await http.post(
            "/token", data=token_form(query["code"], verifier), headers=headers
        )
        accepted = await http.post(
            "/token", data=token_form(query["code"], verifier), headers=basic(CLIENT_ID, SECRET)
        )
    assert refused.status_code == 401
    assert refused.json()["error"] == "invalid_client"
    assert refused.headers["www-authenticate"].startswith("Basic")
    assert accepted.status_code == 200  # a failed client authentication does not burn the code


@pytest.mark.anyio
async def test_client_secret_post_is_not_accepted(world: World, clock: Clock, login: Login) -> None:
    verifier, challenge = pkce()
    async with provider(world, clock) as http:
        query = await login(http, authorize_params(challenge), {"persona": "anna"})
        form = {**token_form(query["code"], verifier), "client_id": CLIENT_ID}
        posted = await http.post("/token", data={**form, "client_secret": SECRET})
    assert posted.status_code == 401 and posted.json()["error"] == "invalid_client"


@pytest.mark.anyio
async def test_code_reuse_and_pkce_mismatch_are_invalid_grant(
    world: World, clock: Clock, login: Login
) -> None:
    verifier, challenge = pkce()
    auth = basic(CLIENT_ID, SECRET)
    async with provider(world, clock) as http:
        query = await login(http, authorize_params(challenge), {"persona": "anna"})
        first = await http.post("/token", data=token_form(query["code"], verifier), headers=auth)
        reused = await http.post("/token", data=token_form(query["code"], verifier), headers=auth)
        query = await login(http, authorize_params(challenge), {"persona": "anna"})
        wrong = await http.post("/token", data=token_form(query["code"], pkce()[0]), headers=auth)
    assert first.status_code == 200
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"


@pytest.mark.anyio
async def test_registration_requires_a_secret(world: World, clock: Clock) -> None:
    async with provider(world, clock) as http:
        bad = await http.put("/_sandbox/clients/x", json={"redirect_uris": [CALLBACK]})
        stored = await http.get("/_sandbox/clients/bff-mobile")
    assert bad.status_code == 400
    assert stored.json()["redirect_uris"] == [CALLBACK]
