from __future__ import annotations

import logging
import ssl
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from starlette.applications import Starlette

from bff.auth.flows import MemoryFlowStore
from bff.auth.id_tokens import IdentityClaims
from bff.auth.keys import RpKeySet
from bff.auth.principal import Assurance, Profile
from bff.auth.routes import auth_routes
from bff.settings import Settings
from tests.bff.auth.idp_double import (
    BROKER,
    BROKER_AUDIENCE,
    EID,
    ITSME,
    NRN_1985,
    NRN_2005,
    ORIGIN,
    FakeProvider,
)

DEVICE = "device-7f3a"


class SessionRecorder:
    """The lead's create_session, played by the test."""

    def __init__(self) -> None:
        self.calls: list[tuple[IdentityClaims, Profile, str | None]] = []

    async def __call__(
        self, claims: IdentityClaims, profile: Profile, device_id: str | None
    ) -> tuple[str, int]:
        self.calls.append((claims, profile, device_id))
        return f"session-secret-{len(self.calls)}", 3600


@pytest.fixture
def sessions() -> SessionRecorder:
    return SessionRecorder()


@pytest.fixture
async def client(
    settings: Settings,
    rp_keys: RpKeySet,
    http: httpx.AsyncClient,
    sessions: SessionRecorder,
    itsme_op: FakeProvider,
    eid_op: FakeProvider,
    tls: ssl.SSLContext,
) -> AsyncIterator[httpx.AsyncClient]:
    app = Starlette(routes=auth_routes(settings, rp_keys, MemoryFlowStore(), sessions, http))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=ORIGIN, verify=tls) as bff:
        yield bff


def query_of(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


async def mobile_start(client: httpx.AsyncClient, provider: str) -> dict[str, Any]:
    response = await client.post(f"/auth/mobile/{provider}/start", json={"device_id": DEVICE})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body: dict[str, Any] = response.json()
    return body


def assert_error(response: httpx.Response, status: int, error: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["error"] == error
    assert isinstance(body["message"], str) and body["message"]
    return body


@pytest.mark.anyio
async def test_jwks_publishes_our_public_keys(client: httpx.AsyncClient, rp_keys: RpKeySet) -> None:
    response = await client.get("/auth/jwks.json")
    assert response.status_code == 200
    keys = response.json()["keys"]
    assert [key["kid"] for key in keys] == [rp_keys.signing.kid, rp_keys.encryption.kid]
    assert [key["use"] for key in keys] == ["sig", "enc"]
    assert all("d" not in key and "p" not in key for key in keys)


@pytest.mark.anyio
async def test_providers_tell_the_frontends_how_to_log_in(client: httpx.AsyncClient) -> None:
    response = await client.get("/auth/providers")
    assert response.json() == {
        "itsme": {
            "issuer": ITSME,
            "login": "/auth/itsme/login",
            "mobile_start": "/auth/mobile/itsme/start",
        },
        "eid": {
            "issuer": EID,
            "login": "/auth/eid/login",
            "mobile_start": "/auth/mobile/eid/start",
        },
        "broker": {"issuer": BROKER, "audience": BROKER_AUDIENCE},
    }


# mobile


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("name", "nrn", "assurance"), [("itsme", NRN_1985, "high"), ("eid", NRN_2005, "high")]
)
async def test_mobile_login(
    client: httpx.AsyncClient,
    sessions: SessionRecorder,
    itsme_op: FakeProvider,
    eid_op: FakeProvider,
    name: str,
    nrn: str,
    assurance: str,
) -> None:
    op = itsme_op if name == "itsme" else eid_op
    started = await mobile_start(client, name)
    query = query_of(started["authorization_url"])
    assert query["redirect_uri"] == f"{ORIGIN}/auth/mobile/{name}/callback"
    assert query["state"] == started["state"]
    code = op.authorize(started["authorization_url"])
    response = await client.post(
        f"/auth/mobile/{name}/token",
        json={"code": code, "state": started["state"], "iss": op.issuer, "device_id": DEVICE},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "access_token": "session-secret-1",
        "token_type": "Bearer",
        "expires_in": 3600,
        "profile": "mobile",
    }
    assert response.headers["cache-control"] == "no-store"
    [(claims, profile, device_id)] = sessions.calls
    assert (profile, device_id) == (Profile.MOBILE, DEVICE)
    assert (claims.provider, claims.national_number) == (name, nrn)
    assert claims.level_of_assurance == Assurance(assurance)


@pytest.mark.anyio
async def test_mobile_state_is_single_use(
    client: httpx.AsyncClient, sessions: SessionRecorder, itsme_op: FakeProvider
) -> None:
    started = await mobile_start(client, "itsme")
    code = itsme_op.authorize(started["authorization_url"])
    body = {"code": code, "state": started["state"], "iss": ITSME, "device_id": DEVICE}
    assert (await client.post("/auth/mobile/itsme/token", json=body)).status_code == 200
    again = await client.post("/auth/mobile/itsme/token", json=body)
    assert_error(again, 400, "invalid_login_flow")
    assert len(sessions.calls) == 1


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"device_id": "another-device"}, "device"),
        ({"iss": EID}, "iss"),
        ({"iss": None}, "iss"),
        ({"state": "forged-state"}, "state"),
    ],
)
async def test_mobile_token_refusals_never_reach_the_provider(
    client: httpx.AsyncClient,
    sessions: SessionRecorder,
    itsme_op: FakeProvider,
    change: dict[str, str | None],
    message: str,
) -> None:
    started = await mobile_start(client, "itsme")
    code = itsme_op.authorize(started["authorization_url"])
    body = {"code": code, "state": started["state"], "iss": ITSME, "device_id": DEVICE} | change
    body = {name: value for name, value in body.items() if value is not None}
    response = await client.post("/auth/mobile/itsme/token", json=body)
    assert message in assert_error(response, 400, "invalid_login_flow")["message"]
    assert itsme_op.token_route.call_count == 0
    assert sessions.calls == []


@pytest.mark.anyio
async def test_state_of_one_provider_is_refused_by_the_other(
    client: httpx.AsyncClient, itsme_op: FakeProvider, eid_op: FakeProvider
) -> None:
    started = await mobile_start(client, "itsme")
    code = itsme_op.authorize(started["authorization_url"])
    body = {"code": code, "state": started["state"], "iss": EID, "device_id": DEVICE}
    response = await client.post("/auth/mobile/eid/token", json=body)
    assert_error(response, 400, "invalid_login_flow")
    assert eid_op.token_route.call_count == 0


@pytest.mark.anyio
async def test_invalid_id_token_is_a_401_without_the_token(
    client: httpx.AsyncClient,
    sessions: SessionRecorder,
    eid_op: FakeProvider,
    caplog: pytest.LogCaptureFixture,
) -> None:
    eid_op.id_token_overrides = {"nonce": "from-another-login"}
    started = await mobile_start(client, "eid")
    code = eid_op.authorize(started["authorization_url"])
    body = {"code": code, "state": started["state"], "iss": EID, "device_id": DEVICE}
    with caplog.at_level(logging.INFO, logger="bff.auth.routes"):
        response = await client.post("/auth/mobile/eid/token", json=body)
    assert_error(response, 401, "invalid_token")
    assert "nonce" in caplog.text
    assert code not in caplog.text and started["state"] not in caplog.text
    assert sessions.calls == []


@pytest.mark.anyio
@pytest.mark.parametrize(
    "request_body", [b"not json", b"[1]", b'{"device_id": ""}', b'{"device_id": "a b"}', b"{}"]
)
async def test_mobile_start_needs_a_device_id(
    client: httpx.AsyncClient, request_body: bytes
) -> None:
    response = await client.post("/auth/mobile/itsme/start", content=request_body)
    assert_error(response, 400, "invalid_request")


@pytest.mark.anyio
async def test_unknown_provider_is_404(client: httpx.AsyncClient) -> None:
    response = await client.post("/auth/mobile/google/start", json={"device_id": DEVICE})
    assert_error(response, 404, "unknown_provider")
    assert_error(await client.get("/auth/google/login"), 404, "unknown_provider")


@pytest.mark.anyio
async def test_provider_down_is_502(client: httpx.AsyncClient, itsme_op: FakeProvider) -> None:
    itsme_op.discovery_route.mock(side_effect=httpx.ConnectError("refused"))
    response = await client.post("/auth/mobile/itsme/start", json={"device_id": DEVICE})
    assert_error(response, 502, "provider_unavailable")


# web


async def web_login(client: httpx.AsyncClient, name: str) -> tuple[str, httpx.Response]:
    response = await client.get(f"/auth/{name}/login")
    assert response.status_code == 302
    return response.headers["location"], response


@pytest.mark.anyio
async def test_web_login_sets_a_session_cookie(
    client: httpx.AsyncClient, sessions: SessionRecorder, itsme_op: FakeProvider
) -> None:
    location, login = await web_login(client, "itsme")
    query = query_of(location)
    assert query["redirect_uri"] == f"{ORIGIN}/auth/itsme/callback"
    assert query["acr_values"] == "http://itsme.services/V2/claim/acr_advanced"
    binding = login.headers["set-cookie"]
    assert binding.startswith("bff_login=")
    for attribute in ("HttpOnly", "Max-Age=600", "Path=/auth/", "SameSite=lax", "Secure"):
        assert attribute in binding
    code = itsme_op.authorize(location)
    response = await client.get(
        "/auth/itsme/callback", params={"code": code, "state": query["state"], "iss": ITSME}
    )
    assert response.status_code == 302, response.text
    assert response.headers["location"] == "/graphql"
    cookies = response.headers.get_list("set-cookie")
    session = next(cookie for cookie in cookies if cookie.startswith("__Host-bff_session="))
    assert session.startswith("__Host-bff_session=session-secret-1;")
    for attribute in ("HttpOnly", "Max-Age=3600", "Path=/;", "SameSite=strict", "Secure"):
        assert attribute in session + ";"
    cleared = next(cookie for cookie in cookies if cookie.startswith("bff_login="))
    assert "Max-Age=0" in cleared and "Path=/auth/" in cleared
    [(claims, profile, device_id)] = sessions.calls
    assert (claims.national_number, profile, device_id) == (NRN_1985, Profile.WEB, None)


@pytest.mark.anyio
async def test_binding_cookie_is_not_secure_on_a_plain_http_origin(
    settings: Settings,
    rp_keys: RpKeySet,
    http: httpx.AsyncClient,
    sessions: SessionRecorder,
    itsme_op: FakeProvider,
) -> None:
    local = settings.model_copy(update={"public_url": "http://127.0.0.1:8000"})
    app = Starlette(routes=auth_routes(local, rp_keys, MemoryFlowStore(), sessions, http))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as bff:
        response = await bff.get("/auth/itsme/login")
    assert "Secure" not in response.headers["set-cookie"]
    assert query_of(response.headers["location"])["redirect_uri"] == (
        "http://127.0.0.1:8000/auth/itsme/callback"
    )


@pytest.mark.anyio
async def test_web_callback_needs_the_binding_cookie(
    client: httpx.AsyncClient, sessions: SessionRecorder, eid_op: FakeProvider
) -> None:
    location, _ = await web_login(client, "eid")
    code = eid_op.authorize(location)
    client.cookies.clear()  # the callback arrives in another browser
    params = {"code": code, "state": query_of(location)["state"], "iss": EID}
    response = await client.get("/auth/eid/callback", params=params)
    assert "browser" in assert_error(response, 400, "invalid_login_flow")["message"]
    assert eid_op.token_route.call_count == 0
    assert sessions.calls == []


@pytest.mark.anyio
async def test_web_callback_refuses_the_other_providers_iss(
    client: httpx.AsyncClient, eid_op: FakeProvider
) -> None:
    location, _ = await web_login(client, "eid")
    code = eid_op.authorize(location)
    response = await client.get(
        "/auth/eid/callback",
        params={"code": code, "state": query_of(location)["state"], "iss": ITSME},
    )
    assert_error(response, 400, "invalid_login_flow")
    assert eid_op.token_route.call_count == 0


@pytest.mark.anyio
async def test_provider_error_is_a_clear_400_and_ends_the_login(
    client: httpx.AsyncClient, itsme_op: FakeProvider
) -> None:
    location, _ = await web_login(client, "itsme")
    state = query_of(location)["state"]
    response = await client.get(
        "/auth/itsme/callback",
        params={"error": "access_denied", "error_description": "<script>", "state": state},
    )
    body = assert_error(response, 400, "login_refused")
    assert "access_denied" in body["message"] and "<script>" not in body["message"]
    code = itsme_op.authorize(location)
    late = await client.get(
        "/auth/itsme/callback", params={"code": code, "state": state, "iss": ITSME}
    )
    assert_error(late, 400, "invalid_login_flow")


@pytest.mark.anyio
async def test_web_callback_without_code_is_a_400(client: httpx.AsyncClient) -> None:
    assert_error(await client.get("/auth/itsme/callback"), 400, "invalid_request")


@pytest.mark.anyio
async def test_web_state_is_not_a_mobile_state(
    client: httpx.AsyncClient, itsme_op: FakeProvider
) -> None:
    location, _ = await web_login(client, "itsme")
    code = itsme_op.authorize(location)
    body = {"code": code, "state": query_of(location)["state"], "iss": ITSME, "device_id": DEVICE}
    response = await client.post("/auth/mobile/itsme/token", json=body)
    assert_error(response, 400, "invalid_login_flow")
