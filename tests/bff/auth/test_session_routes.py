"""The session endpoints over HTTP, with real logins (the provider doubles of idp_double) into
a real MemorySessionStore: cookie flags, fixation, list and revoke, logout, expiry, and device
binding (A4) through the mobile login."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from starlette.applications import Starlette

from bff.auth.csrf import browser_middleware
from bff.auth.flows import MemoryFlowStore
from bff.auth.id_tokens import IdentityClaims
from bff.auth.keys import RpKeySet
from bff.auth.principal import AuthMethod, Principal, PrincipalKind, Profile
from bff.auth.routes import SESSION_COOKIE, auth_routes
from bff.auth.session_routes import session_routes
from bff.auth.sessions import MemorySessionStore
from bff.settings import Settings
from tests.bff.auth.idp_double import ORIGIN, FakeProvider

pytestmark = pytest.mark.anyio

TTL_S = 8 * 3600
IDLE_S = 30 * 60
T0 = 1_700_000_000.0
CSRF = {"X-BFF-CSRF": "1"}


class Clock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@dataclass
class Bff:
    client: httpx.AsyncClient  # the browser
    app: httpx.AsyncClient  # the mobile app: bearer only, never a cookie
    store: MemorySessionStore
    clock: Clock
    itsme: FakeProvider
    eid: FakeProvider

    def provider(self, name: str) -> FakeProvider:
        return self.itsme if name == "itsme" else self.eid


@pytest.fixture
async def bff(
    settings: Settings,
    rp_keys: RpKeySet,
    http: httpx.AsyncClient,
    itsme_op: FakeProvider,
    eid_op: FakeProvider,
    tls: ssl.SSLContext,
) -> AsyncIterator[Bff]:
    clock = Clock()
    store = MemorySessionStore(TTL_S, IDLE_S, clock=clock)

    async def create_session(
        claims: IdentityClaims, profile: Profile, device_id: str | None
    ) -> tuple[str, int]:
        principal = Principal(
            kind=PrincipalKind.CUSTOMER,
            subject="P-" + claims.national_number,  # one party per person, as the CRM maps it
            profile=profile,
            method=AuthMethod(claims.provider),
            assurance=claims.level_of_assurance,
            auth_time=claims.auth_time,
        )
        secret, _ = await store.create(principal, device_id)
        return secret, TTL_S

    routes = [
        *auth_routes(settings, rp_keys, MemoryFlowStore(), create_session, http),
        *session_routes(store),
    ]
    app = Starlette(routes=routes, middleware=browser_middleware(settings))
    transport = httpx.ASGITransport(app=app)
    async with (
        httpx.AsyncClient(transport=transport, base_url=ORIGIN, verify=tls) as client,
        httpx.AsyncClient(transport=transport, base_url=ORIGIN, verify=tls) as app_client,
    ):
        yield Bff(client, app_client, store, clock, itsme_op, eid_op)


def query_of(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


async def web_login(bff: Bff, name: str) -> httpx.Response:
    login = await bff.client.get(f"/auth/{name}/login")
    assert login.status_code == 302
    location = login.headers["location"]
    code = bff.provider(name).authorize(location)
    params = {"code": code, "state": query_of(location)["state"], "iss": bff.provider(name).issuer}
    response = await bff.client.get(f"/auth/{name}/callback", params=params)
    assert response.status_code == 302, response.text
    return response


async def mobile_login(bff: Bff, name: str, device: str) -> str:
    started = await bff.app.post(f"/auth/mobile/{name}/start", json={"device_id": device})
    url = started.json()["authorization_url"]
    code = bff.provider(name).authorize(url)
    body = {
        "code": code,
        "state": started.json()["state"],
        "iss": bff.provider(name).issuer,
        "device_id": device,
    }
    token = await bff.app.post(f"/auth/mobile/{name}/token", json=body)
    assert token.status_code == 200, token.text
    secret: str = token.json()["access_token"]
    return secret


def session_cookie(response: httpx.Response) -> str:
    return next(
        cookie
        for cookie in response.headers.get_list("set-cookie")
        if cookie.startswith(SESSION_COOKIE + "=")
    )


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


async def listed(bff: Bff, **kwargs: dict[str, str]) -> list[dict[str, object]]:
    response = await bff.client.get("/auth/sessions", **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    sessions: list[dict[str, object]] = response.json()["sessions"]
    return sessions


async def test_web_login_cookie_flags_then_the_cookie_lists_its_session(bff: Bff) -> None:
    response = await web_login(bff, "itsme")
    cookie = session_cookie(response) + ";"
    for attribute in ("Secure", "HttpOnly", "SameSite=strict", "Path=/;", f"Max-Age={TTL_S}"):
        assert attribute in cookie
    assert "Domain" not in cookie  # __Host- forbids it
    flow_cookie = next(c for c in response.headers.get_list("set-cookie") if "bff_login=" in c)
    assert "SameSite=lax" in flow_cookie

    [session] = await listed(bff)  # the client sends the cookie it got
    assert session["current"] is True
    assert (session["profile"], session["method"], session["device_id"]) == ("web", "itsme", None)
    assert session["created"] == "2023-11-14T22:13:20+00:00"


async def test_fixation_a_login_never_reuses_or_extends_the_existing_session(bff: Bff) -> None:
    first = await web_login(bff, "itsme")
    old_secret = bff.client.cookies[SESSION_COOKIE]
    old = await bff.store.get(old_secret)
    assert old is not None

    bff.clock.now += 600
    second = await web_login(bff, "itsme")  # the browser still sends the old cookie
    new_secret = bff.client.cookies[SESSION_COOKIE]

    assert session_cookie(first) != session_cookie(second)
    assert new_secret != old_secret
    new = await bff.store.get(new_secret)
    assert new is not None and new.handle != old.handle
    bff.clock.now += IDLE_S - 600  # the old one was last used at its own login
    assert await bff.store.get(old_secret) is None
    assert await bff.store.get(new_secret) is not None


async def test_logout_revokes_the_session_and_clears_the_cookie_with_its_attributes(
    bff: Bff,
) -> None:
    await web_login(bff, "eid")
    secret = bff.client.cookies[SESSION_COOKIE]

    response = await bff.client.post("/auth/logout", headers=CSRF)

    assert response.status_code == 204
    cleared = session_cookie(response) + ";"
    for attribute in ("Max-Age=0", "Secure", "HttpOnly", "SameSite=strict", "Path=/;"):
        assert attribute in cleared
    assert await bff.store.get(secret) is None
    assert SESSION_COOKIE not in bff.client.cookies
    replayed = {"Cookie": f"{SESSION_COOKIE}={secret}"}
    unauthenticated = await bff.app.get("/auth/sessions", headers=replayed)
    assert unauthenticated.status_code == 401
    assert unauthenticated.json()["error"] == "unauthenticated"


async def test_bearer_logout_revokes_only_the_current_session(bff: Bff) -> None:
    phone = await mobile_login(bff, "itsme", "phone-1")
    await web_login(bff, "itsme")  # same person, in a browser
    web_secret = bff.client.cookies[SESSION_COOKIE]
    bff.client.cookies.clear()

    response = await bff.client.post("/auth/logout", headers=bearer(phone))

    assert response.status_code == 204
    assert "set-cookie" not in response.headers
    assert await bff.store.get(phone) is None
    assert await bff.store.get(web_secret) is not None


async def test_list_and_revoke_one_of_the_callers_own_sessions(bff: Bff) -> None:
    phone = await mobile_login(bff, "itsme", "phone-1")
    bff.clock.now += 60
    await web_login(bff, "itsme")
    bff.client.cookies.clear()
    other_person = await mobile_login(bff, "eid", "phone-2")
    bff.clock.now += 60

    sessions = await listed(bff, headers=bearer(phone))
    # most recently used first: the listing itself used the phone's session
    assert [(s["profile"], s["current"]) for s in sessions] == [("mobile", True), ("web", False)]
    assert sessions[0]["device_id"] == "phone-1"
    assert set(sessions[1]) == {
        "handle",
        "created",
        "last_seen",
        "profile",
        "method",
        "assurance",
        "device_id",
        "current",
    }
    [theirs] = await listed(bff, headers=bearer(other_person))

    web_handle = sessions[1]["handle"]
    revoked = await bff.client.delete(f"/auth/sessions/{web_handle}", headers=bearer(phone))
    assert revoked.status_code == 204
    assert [s["current"] for s in await listed(bff, headers=bearer(phone))] == [True]

    # a foreign handle and an unknown one answer alike, and nothing is revoked
    foreign = await bff.client.delete(f"/auth/sessions/{theirs['handle']}", headers=bearer(phone))
    unknown = await bff.client.delete("/auth/sessions/no-such-handle", headers=bearer(phone))
    again = await bff.client.delete(f"/auth/sessions/{web_handle}", headers=bearer(phone))
    for response in (foreign, unknown, again):
        assert response.status_code == 404
        assert response.json() == {"error": "not_found", "message": "No such session."}
    assert await bff.store.get(other_person) is not None


async def test_logout_all_ends_every_session_of_the_caller_only(bff: Bff) -> None:
    phone = await mobile_login(bff, "itsme", "phone-1")
    await web_login(bff, "itsme")
    other_person = await mobile_login(bff, "eid", "phone-2")

    response = await bff.client.post("/auth/logout-all", headers=CSRF)  # with the cookie

    assert response.status_code == 200
    assert response.json() == {"revoked": 2}
    assert "Max-Age=0" in session_cookie(response)
    assert await bff.store.get(phone) is None
    assert await bff.store.get(other_person) is not None


async def test_idle_and_absolute_expiry_end_access_to_the_routes(bff: Bff) -> None:
    phone = await mobile_login(bff, "itsme", "phone-1")
    bff.clock.now += IDLE_S - 1
    assert (await bff.client.get("/auth/sessions", headers=bearer(phone))).status_code == 200
    bff.clock.now += IDLE_S
    assert (await bff.client.get("/auth/sessions", headers=bearer(phone))).status_code == 401

    phone = await mobile_login(bff, "itsme", "phone-1")
    deadline = bff.clock.now + TTL_S
    while bff.clock.now + IDLE_S // 2 < deadline:
        bff.clock.now += IDLE_S // 2
        assert (await bff.client.get("/auth/sessions", headers=bearer(phone))).status_code == 200
    bff.clock.now = deadline
    assert (await bff.client.get("/auth/sessions", headers=bearer(phone))).status_code == 401


async def test_a4_another_person_on_the_device_ends_the_first_users_bearer(bff: Bff) -> None:
    first = await mobile_login(bff, "itsme", "shared-phone")
    again = await mobile_login(bff, "itsme", "shared-phone")  # same person: both stay
    assert (await bff.client.get("/auth/sessions", headers=bearer(first))).status_code == 200

    other = await mobile_login(bff, "eid", "shared-phone")

    for ended in (first, again):
        assert (await bff.client.get("/auth/sessions", headers=bearer(ended))).status_code == 401
    assert (await bff.client.get("/auth/sessions", headers=bearer(other))).status_code == 200


async def test_a4_the_account_moves_to_the_new_device(bff: Bff) -> None:
    old = await mobile_login(bff, "itsme", "old-phone")
    new = await mobile_login(bff, "itsme", "new-phone")
    assert (await bff.client.get("/auth/sessions", headers=bearer(old))).status_code == 401
    [session] = await listed(bff, headers=bearer(new))
    assert session["device_id"] == "new-phone"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/auth/sessions"),
        ("DELETE", "/auth/sessions/abc"),
        ("POST", "/auth/logout"),
        ("POST", "/auth/logout-all"),
    ],
)
async def test_every_session_route_needs_a_session(bff: Bff, method: str, path: str) -> None:
    for headers in ({}, bearer("not-a-session"), bearer("eyJ.broker.jwt")):
        response = await bff.client.request(method, path, headers=headers)
        assert response.status_code == 401
        assert response.json()["error"] == "unauthenticated"
