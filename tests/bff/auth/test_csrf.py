"""CSRF and CORS on the assembled app (create_app): cookie-authenticated unsafe requests need
the custom header, bearer requests do not, GraphQL over GET runs no operation, and only the
configured origins may call with credentials."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from bff.app import Runtime, create_app
from bff.auth.principal import Assurance, AuthMethod, Principal, PrincipalKind, Profile
from bff.auth.routes import SESSION_COOKIE
from bff.settings import Settings
from tests.bff.auth.idp_double import ORIGIN

pytestmark = pytest.mark.anyio

ZONE = "https://zone.example.be"
EVIL = "https://evil.example.com"
TYPENAME = {"query": "{ __typename }"}

ALICE = Principal(
    kind=PrincipalKind.CUSTOMER,
    subject="P-000123",
    profile=Profile.WEB,
    method=AuthMethod.EID,
    assurance=Assurance.HIGH,
    auth_time=datetime(2024, 5, 1, 9, 30, tzinfo=UTC),
)

AppFactory = Callable[..., Any]


@pytest.fixture
def make_app(key_pool: list[dict[str, str]]) -> AppFactory:
    """create_app with keys made once per run (generating them is the slow part)."""

    @asynccontextmanager
    async def make(**settings: Any) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
        app: Starlette = create_app(
            Settings(
                environment="demo",
                public_url=ORIGIN,
                rp_signing_jwk=json.dumps(key_pool[0]),
                rp_encryption_jwk=json.dumps(key_pool[1]),
                **settings,
            )
        )
        runtime: Runtime = app.state.runtime
        secret, _ = await runtime.sessions.create(ALICE, None)
        transport = httpx.ASGITransport(app=app)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url=ORIGIN) as client,
        ):
            yield client, secret

    return make


def cookie(secret: str) -> dict[str, str]:
    return {"Cookie": f"{SESSION_COOKIE}={secret}"}


def assert_csrf_refused(response: httpx.Response) -> None:
    assert response.status_code == 403, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["error"] == "csrf_header_missing"
    assert "X-BFF-CSRF" in body["message"]
    assert "set-cookie" not in response.headers


async def test_csrf_cookie_requests_need_the_header_bearer_requests_do_not(
    make_app: AppFactory,
) -> None:
    async with make_app() as (client, secret):
        # POST /graphql with the cookie: refused without the header, served with it
        assert_csrf_refused(await client.post("/graphql", json=TYPENAME, headers=cookie(secret)))
        served = await client.post(
            "/graphql", json=TYPENAME, headers=cookie(secret) | {"X-BFF-CSRF": "1"}
        )
        assert served.status_code == 200
        assert served.json() == {"data": {"__typename": "Query"}}

        # the same session as a bearer (the app, server-side frontends): no header needed,
        # even when a cookie rides along
        bearer = {"Authorization": f"Bearer {secret}"}
        for headers in (bearer, bearer | cookie(secret)):
            response = await client.post("/graphql", json=TYPENAME, headers=headers)
            assert response.status_code == 200

        # session routes: unsafe methods checked, GET not
        assert_csrf_refused(await client.post("/auth/logout", headers=cookie(secret)))
        assert_csrf_refused(await client.delete("/auth/sessions/abc", headers=cookie(secret)))
        assert (await client.get("/auth/sessions", headers=cookie(secret))).status_code == 200
        empty = cookie(secret) | {"X-BFF-CSRF": ""}
        assert_csrf_refused(await client.post("/auth/logout-all", headers=empty))

        # the session survived every refused attempt
        listed = await client.get("/auth/sessions", headers=cookie(secret))
        assert len(listed.json()["sessions"]) == 1

        # no credentials at all: nothing to forge
        assert (await client.post("/graphql", json=TYPENAME)).status_code == 200


async def test_csrf_header_name_comes_from_settings(make_app: AppFactory) -> None:
    async with make_app(csrf_header="X-Requested-With") as (client, secret):
        headers = cookie(secret) | {"X-BFF-CSRF": "1"}
        assert (await client.post("/graphql", json=TYPENAME, headers=headers)).status_code == 403
        headers = cookie(secret) | {"X-Requested-With": "XMLHttpRequest"}
        assert (await client.post("/graphql", json=TYPENAME, headers=headers)).status_code == 200


async def test_graphql_over_get_runs_no_operation_and_graphiql_sends_the_header(
    make_app: AppFactory,
) -> None:
    async with make_app() as (client, secret):
        for query in ("{ __typename }", "mutation { __typename }"):
            response = await client.get("/graphql", params={"query": query}, headers=cookie(secret))
            assert response.status_code == 400
            assert "not allowed when using GET" in response.text
        page = await client.get("/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert 'const defaultHeaders = {"X-BFF-CSRF": "1"};' in page.text


async def test_cors_allows_the_configured_origins_with_credentials_only(
    make_app: AppFactory,
) -> None:
    async with make_app(cors_allowed_origins=[ZONE]) as (client, secret):
        preflight = {
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-bff-csrf",
        }
        allowed = await client.options("/graphql", headers=preflight | {"Origin": ZONE})
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == ZONE
        assert allowed.headers["access-control-allow-credentials"] == "true"
        assert "x-bff-csrf" in allowed.headers["access-control-allow-headers"].lower()

        refused = await client.options("/graphql", headers=preflight | {"Origin": EVIL})
        assert refused.status_code == 400
        assert "access-control-allow-origin" not in refused.headers

        headers = cookie(secret) | {"X-BFF-CSRF": "1"}
        served = await client.post("/graphql", json=TYPENAME, headers=headers | {"Origin": ZONE})
        assert served.headers["access-control-allow-origin"] == ZONE
        foreign = await client.post("/graphql", json=TYPENAME, headers=headers | {"Origin": EVIL})
        assert "access-control-allow-origin" not in foreign.headers

        # a CSRF refusal is readable by the allowed frontend, which can then fix its call
        refusal = await client.post(
            "/graphql", json=TYPENAME, headers=cookie(secret) | {"Origin": ZONE}
        )
        assert refusal.status_code == 403
        assert refusal.headers["access-control-allow-origin"] == ZONE


async def test_cors_allows_no_origin_by_default(make_app: AppFactory) -> None:
    async with make_app() as (client, _):
        preflight = {"Origin": ZONE, "Access-Control-Request-Method": "POST"}
        response = await client.options("/graphql", headers=preflight)
        assert "access-control-allow-origin" not in response.headers
        response = await client.post("/graphql", json=TYPENAME, headers={"Origin": ZONE})
        assert "access-control-allow-origin" not in response.headers


@pytest.mark.parametrize("origins", ["*", "https://*.example.be", "zone.example.be"])
def test_cors_origins_must_be_exact(origins: str) -> None:
    with pytest.raises(ValueError, match="no wildcard"):
        Settings(cors_allowed_origins=origins)


def test_cors_origins_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BFF_CORS_ALLOWED_ORIGINS", f"{ZONE}/, https://app.example.be")
    assert Settings().cors_allowed_origins == [ZONE, "https://app.example.be"]
    monkeypatch.setenv("BFF_CORS_ALLOWED_ORIGINS", json.dumps([ZONE]))
    assert Settings().cors_allowed_origins == [ZONE]
