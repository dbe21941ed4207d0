"""Issue 4, "Tests that must exist": every bad credential, through the real app
(bff.app.create_app), is refused and opens no session.

The providers are the respx doubles of idp_double (an ID token defect is forged by the
provider's token endpoint, after a genuine authorization-code flow); the back-office systems
are the sandbox apps in process, so a good login is a real customer.

Mapping, as the routes answer:
- a defective ID token (JWS or itsme JWE), a nonce mismatch, an acr below policy:
  401 invalid_token;
- a code the provider refuses (reused code, PKCE mismatch): 401 login_failed;
- a reused state (a flow error, like another device or browser): 400 invalid_login_flow;
- a bad bearer at POST /graphql: UNAUTHENTICATED; a good credential of the wrong kind
  (customer session on the broker API, broker token as a customer): NO_ACCESS.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import respx
from jose import jwe, jwk, jwt
from starlette.applications import Starlette

from bff.app import create_app
from bff.auth.keys import RpKeySet
from bff.auth.principal import Assurance
from bff.auth.routes import SESSION_COOKIE
from bff.auth.sessions import MemorySessionStore, Session
from bff.settings import BACKENDS, Settings
from tests.bff.auth.idp_double import (
    ACR_BASIC,
    BROKER,
    BROKER_AUDIENCE,
    CLIENT_ID,
    EID,
    EID_SECRET,
    ITSME,
    ITSME_NRN,
    ORIGIN,
    FakeProvider,
    b64,
    b64json,
    compact,
    encrypt_to,
    public_jwk,
    rsa_private_jwk,
    signer,
)
from tests.bff.schema.harness import Harness, shared_world

DEVICE = "device-bad-tokens"
VIEWER = "{ viewer { displayName } }"
PORTFOLIO = "{ brokerPortfolio { customers { totalCount } } }"
CSRF = {"X-BFF-CSRF": "1"}
# the sandbox personas behind the good logins (A3: the mobile one holds a visible contract)
PERSONA = {"mobile": "strategy-investor", "web": "web-life-nonlife"}
BROKER_PERSONA = "broker-large"

Route = Literal["mobile", "web"]
ROUTES: tuple[Route, ...] = ("mobile", "web")


# the provider side


@functools.cache
def stranger_key() -> dict[str, str]:
    """An attacker's own RSA key (made once)."""
    return rsa_private_jwk()


Forge = Callable[["ForgingProvider", dict[str, Any]], str]


@dataclass
class ForgingProvider(FakeProvider):
    """A provider double whose token endpoint answers an ID token with a chosen defect."""

    forge: Forge | None = None

    def issue_id_token(self, claims: dict[str, Any]) -> str:
        if self.forge is None:
            return super().issue_id_token(claims)
        return self.forge(self, claims)

    def seal(self, jws: str) -> str:
        """As the provider delivers a JWS: encrypted to us for itsme, as is for eID."""
        return encrypt_to(self.encrypt_for, jws) if self.encrypt_for is not None else jws


def hs256_with_public_key(op: FakeProvider, header: dict[str, Any], claims: Any) -> str:
    """The key-confusion attack: HMAC keyed with the provider's published RSA public key."""
    pem = jwk.construct(dict(op.published[0]), "RS256").public_key().to_pem()
    signing_input = f"{b64json({'alg': 'HS256', **header})}.{b64json(claims)}"
    return f"{signing_input}.{b64(hmac.new(pem, signing_input.encode(), hashlib.sha256).digest())}"


def sign_raw(op: FakeProvider, header: dict[str, Any], claims: dict[str, Any]) -> str:
    """Signed with the provider's key under exactly this header (python-jose adds typ)."""
    signing_input = f"{b64json(header)}.{b64json(claims)}"
    return f"{signing_input}.{b64(op.signer.sign(signing_input.encode()))}"


def tampered(token: str, claims: dict[str, Any]) -> str:
    header, _, signature = token.split(".")
    return f"{header}.{b64json(claims)}.{signature}"


def other_issuer(op: FakeProvider) -> str:
    return EID if op.issuer == ITSME else ITSME


def without(claims: dict[str, Any], name: str) -> dict[str, Any]:
    return {key: value for key, value in claims.items() if key != name}


def _ago(seconds: int) -> int:
    return int(time.time()) - seconds


# Each builds the JWS the provider then seals (itsme: inside a good JWE).
JWS_DEFECTS: dict[str, Callable[[ForgingProvider, dict[str, Any]], str]] = {
    "alg_none": lambda op, c: compact({"alg": "none", "kid": op.kid, "typ": "JWT"}, c),
    "hs256_with_the_rsa_public_key": lambda op, c: hs256_with_public_key(op, {"kid": op.kid}, c),
    "alg_rs512_outside_the_allowlist": lambda op, c: jwt.encode(
        c, op.private, algorithm="RS512", headers={"kid": op.kid}
    ),
    "expired": lambda op, c: op.sign(c | {"iat": _ago(700), "exp": _ago(61)}),
    "nbf_in_the_future": lambda op, c: op.sign(c | {"nbf": _ago(-300)}),
    "iss_of_the_other_provider": lambda op, c: op.sign(c | {"iss": other_issuer(op)}),
    "wrong_aud": lambda op, c: op.sign(c | {"aud": "someone-else"}),
    "missing_aud": lambda op, c: op.sign(without(c, "aud")),
    "missing_kid": lambda op, c: sign_raw(op, {"alg": "RS256", "typ": "JWT"}, c),
    "unknown_kid": lambda op, c: op.sign(c, kid="unknown-kid"),
    "jku_header": lambda op, c: op.sign(c, jku="https://evil.test/jwks"),
    "x5u_header": lambda op, c: op.sign(c, x5u="https://evil.test/cert.pem"),
    "jwk_header": lambda op, c: jwt.encode(
        c,
        signer(stranger_key()),
        algorithm="RS256",
        headers={"kid": op.kid, "jwk": public_jwk(stranger_key(), "attacker")},
    ),
    "tampered_payload": lambda op, c: tampered(op.sign(c), c | {"sub": "someone-else"}),
    "truncated": lambda op, c: op.sign(c)[:-12],
    "nonce_mismatch": lambda op, c: op.sign(c | {"nonce": "another-login"}),
    # eID: FAS Level400 is below our Level500; itsme: no acr at all (basic is substantial)
    "acr_below_policy": lambda op, c: op.sign(
        c | {"acr": "urn:be:fedict:iam:fas:Level400"} if op.issuer == EID else without(c, "acr")
    ),
}


def jwe_with(**options: Any) -> Callable[[ForgingProvider, dict[str, Any]], str]:
    def forge(op: ForgingProvider, claims: dict[str, Any]) -> str:
        assert op.encrypt_for is not None
        return encrypt_to(op.encrypt_for, op.sign(claims), **options)

    return forge


def _padded(op: ForgingProvider, claims: dict[str, Any]) -> str:
    """A well-formed JWE over 250 KiB (a 200 KiB claim inside)."""
    assert op.encrypt_for is not None
    return encrypt_to(op.encrypt_for, op.sign(claims | {"padding": "x" * 200 * 1024}))


# What the app logs as the reason of each refusal: each case fails for its own defect.
REASONS = {
    "alg_none": "alg 'none' is not allowed",
    "hs256_with_the_rsa_public_key": "alg 'HS256' is not allowed",
    "alg_rs512_outside_the_allowlist": "alg 'RS512' is not allowed",
    "expired": "has expired",
    "nbf_in_the_future": "is not valid yet",
    "iss_of_the_other_provider": "iss is not the expected issuer",
    "wrong_aud": "aud does not name us",
    "missing_aud": "aud does not name us",
    "missing_kid": "has no kid",
    "unknown_kid": "no key with this kid",
    "jku_header": "header carries jku",
    "x5u_header": "header carries x5u",
    "jwk_header": "header carries jwk",
    "tampered_payload": "signature does not verify",
    "truncated": "signature does not verify",
    "nonce_mismatch": "nonce is not the login's nonce",
    "acr_below_policy": "acr is not accepted by our policy",
    "unencrypted_itsme_id_token": "not encrypted",
    "jwe_rsa1_5": "JWE alg 'RSA1_5' is not allowed",
    "jwe_dir": "JWE alg 'dir' is not allowed",
    "jwe_unexpected_enc": "JWE enc 'A256GCM' is not allowed",
    "jwe_zip": "JWE is compressed",
    "jwe_over_250_kib": "larger than 250 KiB",
    # broker access tokens
    "wrong_iss": "iss is not the expected issuer",
    "no_typ": "has no typ at+jwt",
    "typ_jwt_not_at_jwt": "typ is not at+jwt",
    "tampered": "signature does not verify",
}

# itsme only: the envelope itself is wrong.
JWE_DEFECTS: dict[str, Callable[[ForgingProvider, dict[str, Any]], str]] = {
    "unencrypted_itsme_id_token": lambda op, c: op.sign(c),
    "jwe_rsa1_5": jwe_with(alg="RSA1_5"),
    "jwe_dir": lambda op, c: jwe.encrypt(
        op.sign(c), b"k" * 32, encryption="A128CBC-HS256", algorithm="dir", cty="JWT"
    ).decode(),
    "jwe_unexpected_enc": jwe_with(enc="A256GCM"),
    "jwe_zip": jwe_with(zip="DEF"),
    "jwe_over_250_kib": _padded,
}


# the app: one per module, with its providers and sandbox (counts are taken as differences)


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


def sessions_of(app: Starlette) -> dict[str, Session]:
    """Every session in the app's (memory) store, by handle."""
    store = app.state.runtime.sessions
    assert isinstance(store, MemorySessionStore)
    return {session.handle: session for session in store._by_digest.values()}


def session_count(app: Starlette) -> int:
    return len(sessions_of(app))


def forward_to(
    client: httpx.AsyncClient,
) -> Callable[[httpx.Request], Awaitable[httpx.Response]]:
    async def forward(request: httpx.Request) -> httpx.Response:
        answer = await client.send(request)
        headers = {k: v for k, v in answer.headers.items() if k.lower() != "content-encoding"}
        return httpx.Response(answer.status_code, headers=headers, content=answer.content)

    return forward


@pytest.fixture(scope="module")
def router() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as mocked:
        yield mocked


@pytest.fixture(scope="module")
async def harness(router: respx.MockRouter) -> AsyncIterator[Harness]:
    """The sandbox back-office systems, reached by the app's own clients through respx."""
    sandbox = Harness(shared_world())
    for name in BACKENDS:
        router.route(host=f"{name}.sandbox").mock(side_effect=forward_to(sandbox.clients[name]))
    yield sandbox
    await sandbox.aclose()


@pytest.fixture(scope="module")
def idps(
    router: respx.MockRouter, key_pool: list[dict[str, str]], rp_keys: RpKeySet
) -> dict[str, ForgingProvider]:
    itsme = ForgingProvider(ITSME, key_pool[0], kid="itsme-1", encrypt_for=rp_keys, rp_keys=rp_keys)
    eid = ForgingProvider(EID, key_pool[1], kid="eid-1", client_secret=EID_SECRET)
    itsme.install(router)
    eid.install(router)
    return {"itsme": itsme, "eid": eid}


@pytest.fixture(scope="module")
def broker_idp(router: respx.MockRouter, key_pool: list[dict[str, str]]) -> FakeProvider:
    return FakeProvider(BROKER, key_pool[2], kid="broker-current").install(router)


@pytest.fixture(autouse=True)
def fresh_providers(idps: dict[str, ForgingProvider]) -> None:
    """Each test starts with honest providers and no outstanding codes."""
    for op in idps.values():
        op.forge = None
        op.id_token_overrides = {}
        op.codes.clear()


@pytest.fixture
def itsme_idp(idps: dict[str, ForgingProvider]) -> ForgingProvider:
    return idps["itsme"]


@pytest.fixture
def eid_idp(idps: dict[str, ForgingProvider]) -> ForgingProvider:
    return idps["eid"]


@pytest.fixture(scope="module")
async def app(
    rp_keys: RpKeySet,
    harness: Harness,
    idps: dict[str, ForgingProvider],
    broker_idp: FakeProvider,
) -> AsyncIterator[Starlette]:
    settings = Settings(
        environment="development",
        public_url=ORIGIN,
        itsme_issuer=ITSME,
        itsme_client_id=CLIENT_ID,
        eid_issuer=EID,
        eid_client_id=CLIENT_ID,
        eid_client_secret=EID_SECRET,
        broker_issuer=BROKER,
        broker_audience=BROKER_AUDIENCE,
        rp_signing_jwk=json.dumps(dict(rp_keys.signing.private_jwk)),
        rp_encryption_jwk=json.dumps(dict(rp_keys.encryption.private_jwk)),
    )
    urls = {f"{name}_url": f"http://{name}.sandbox" for name in BACKENDS}
    created = create_app(settings.model_copy(update=urls))
    yield created
    await created.state.runtime.aclose()


@pytest.fixture
async def bff(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with client_of(app) as client:
        yield client


def client_of(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=ORIGIN)


def as_persona(op: FakeProvider, harness: Harness, route: Route) -> None:
    """The provider vouches for the sandbox person behind `route`'s persona."""
    party = harness.world.parties[harness.world.personas[PERSONA[route]].party_id or ""]
    assert party.nrn is not None
    digits = "".join(ch for ch in party.nrn if ch.isdigit())
    op.id_token_overrides = {ITSME_NRN if op.issuer == ITSME else "egovNRN": digits}


# the flows


@dataclass
class Started:
    state: str
    authorization_url: str


async def start(bff: httpx.AsyncClient, provider: str, route: Route) -> Started:
    if route == "mobile":
        answer = await bff.post(f"/auth/mobile/{provider}/start", json={"device_id": DEVICE})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        return Started(body["state"], body["authorization_url"])
    answer = await bff.get(f"/auth/{provider}/login")
    assert answer.status_code == 302, answer.text
    location = answer.headers["location"]
    return Started(query_of(location)["state"], location)


async def finish(
    bff: httpx.AsyncClient, provider: str, route: Route, state: str, code: str
) -> httpx.Response:
    iss = ITSME if provider == "itsme" else EID
    if route == "mobile":
        body = {"code": code, "state": state, "iss": iss, "device_id": DEVICE}
        return await bff.post(f"/auth/mobile/{provider}/token", json=body)
    params = {"code": code, "state": state, "iss": iss}
    return await bff.get(f"/auth/{provider}/callback", params=params)


async def login(
    bff: httpx.AsyncClient, op: FakeProvider, provider: str, route: Route
) -> tuple[httpx.Response, str]:
    """A whole login: start, the user confirms at the provider, the code comes back."""
    started = await start(bff, provider, route)
    code = op.authorize(started.authorization_url)
    return await finish(bff, provider, route, started.state, code), code


def bff_log(caplog: pytest.LogCaptureFixture) -> str:
    """What the app logged (the test client's own httpx lines show the URLs it called)."""
    return "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("bff"))


def query_of(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def assert_refused(answer: httpx.Response, status: int, error: str) -> None:
    assert answer.status_code == status, answer.text
    assert answer.json()["error"] == error
    assert answer.headers["cache-control"] == "no-store"
    assert SESSION_COOKIE not in answer.headers.get("set-cookie", "")


async def graphql(bff: httpx.AsyncClient, query: str, bearer: str | None = None) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else CSRF
    answer = await bff.post("/graphql", json={"query": query}, headers=headers)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def error_codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


def credential(answer: httpx.Response, route: Route) -> str | None:
    """The bearer of a mobile login; None for the web, whose cookie the client now holds."""
    return str(answer.json()["access_token"]) if route == "mobile" else None


# the good login, so that each refusal below is one


@pytest.mark.anyio
@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("provider", ["itsme", "eid"])
async def test_a1_a2_a_good_login_opens_one_session_for_the_customer(
    app: Starlette,
    bff: httpx.AsyncClient,
    harness: Harness,
    idps: dict[str, ForgingProvider],
    provider: str,
    route: Route,
) -> None:
    as_persona(idps[provider], harness, route)
    before = session_count(app)
    answer, _ = await login(bff, idps[provider], provider, route)
    assert answer.status_code == (200 if route == "mobile" else 302), answer.text
    assert session_count(app) == before + 1
    body = await graphql(bff, VIEWER, credential(answer, route))
    assert "errors" not in body, body
    assert body["data"]["viewer"]["displayName"]


# ID tokens at /auth/mobile/{provider}/token and /auth/{provider}/callback


async def refused_login(
    app: Starlette,
    bff: httpx.AsyncClient,
    op: ForgingProvider,
    provider: str,
    route: Route,
    forge: Forge,
    caplog: pytest.LogCaptureFixture,
    reason: str,
) -> None:
    op.forge = forge
    before = session_count(app)
    with caplog.at_level(logging.INFO):
        answer, code = await login(bff, op, provider, route)
    assert_refused(answer, 401, "invalid_token")
    assert session_count(app) == before
    logged = bff_log(caplog)
    assert reason in logged
    assert code not in logged
    assert "eyJ" not in logged  # no token, not even its header, in any of our log lines


@pytest.mark.anyio
@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("provider", ["itsme", "eid"])
@pytest.mark.parametrize("defect", sorted(JWS_DEFECTS))
async def test_a1_a2_bad_id_tokens_are_401_and_open_no_session(
    app: Starlette,
    bff: httpx.AsyncClient,
    harness: Harness,
    idps: dict[str, ForgingProvider],
    caplog: pytest.LogCaptureFixture,
    provider: str,
    route: Route,
    defect: str,
) -> None:
    op = idps[provider]
    as_persona(op, harness, route)
    forge = JWS_DEFECTS[defect]

    def sealed(p: ForgingProvider, claims: dict[str, Any]) -> str:
        return p.seal(forge(p, claims))

    await refused_login(app, bff, op, provider, route, sealed, caplog, REASONS[defect])


@pytest.mark.anyio
@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("defect", sorted(JWE_DEFECTS))
async def test_a1_bad_itsme_jwes_are_401_and_open_no_session(
    app: Starlette,
    bff: httpx.AsyncClient,
    harness: Harness,
    itsme_idp: ForgingProvider,
    caplog: pytest.LogCaptureFixture,
    route: Route,
    defect: str,
) -> None:
    as_persona(itsme_idp, harness, route)
    forge = JWE_DEFECTS[defect]
    await refused_login(app, bff, itsme_idp, "itsme", route, forge, caplog, REASONS[defect])


@pytest.mark.anyio
async def test_a2_itsme_basic_is_accepted_as_substantial_not_refused(
    app: Starlette, bff: httpx.AsyncClient, harness: Harness, itsme_idp: ForgingProvider
) -> None:
    """The boundary of "acr below policy": itsme basic is a login, at substantial."""
    as_persona(itsme_idp, harness, "mobile")
    itsme_idp.id_token_overrides |= {"acr": ACR_BASIC}
    before = sessions_of(app)
    answer, _ = await login(bff, itsme_idp, "itsme", "mobile")
    assert answer.status_code == 200, answer.text
    [new] = sessions_of(app).keys() - before.keys()
    assert sessions_of(app)[new].principal.assurance is Assurance.SUBSTANTIAL


# the flow: state, code, PKCE


@pytest.mark.anyio
@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("provider", ["itsme", "eid"])
async def test_a1_reused_state_is_400_and_opens_no_second_session(
    app: Starlette,
    bff: httpx.AsyncClient,
    harness: Harness,
    idps: dict[str, ForgingProvider],
    provider: str,
    route: Route,
) -> None:
    op = idps[provider]
    as_persona(op, harness, route)
    sessions, exchanges = session_count(app), op.token_route.call_count
    started = await start(bff, provider, route)
    code = op.authorize(started.authorization_url)
    first = await finish(bff, provider, route, started.state, code)
    assert first.status_code in (200, 302), first.text
    assert session_count(app) == sessions + 1
    again = await finish(bff, provider, route, started.state, code)
    assert_refused(again, 400, "invalid_login_flow")
    assert session_count(app) == sessions + 1
    assert op.token_route.call_count == exchanges + 1  # the replay never reached the provider


@pytest.mark.anyio
@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("provider", ["itsme", "eid"])
async def test_a1_reused_code_refused_by_the_provider_is_401_login_failed(
    app: Starlette,
    bff: httpx.AsyncClient,
    harness: Harness,
    idps: dict[str, ForgingProvider],
    provider: str,
    route: Route,
) -> None:
    op = idps[provider]
    as_persona(op, harness, route)
    sessions, exchanges = session_count(app), op.token_route.call_count
    first, code = await login(bff, op, provider, route)
    assert first.status_code in (200, 302), first.text
    assert session_count(app) == sessions + 1
    started = await start(bff, provider, route)  # a fresh flow, the old code
    again = await finish(bff, provider, route, started.state, code)
    assert_refused(again, 401, "login_failed")
    assert session_count(app) == sessions + 1
    assert op.token_route.call_count == exchanges + 2


@pytest.mark.anyio
@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("provider", ["itsme", "eid"])
async def test_a1_pkce_mismatch_is_401_login_failed(
    app: Starlette,
    bff: httpx.AsyncClient,
    harness: Harness,
    idps: dict[str, ForgingProvider],
    provider: str,
    route: Route,
) -> None:
    """Code injection: the attacker's code (bound to the attacker's PKCE challenge) arrives
    with the victim's state; the provider refuses the victim's verifier."""
    op = idps[provider]
    as_persona(op, harness, route)
    sessions, exchanges = session_count(app), op.token_route.call_count
    victim = await start(bff, provider, route)
    async with client_of(app) as attacker_browser:
        attacker = await start(attacker_browser, provider, route)
    attackers_code = op.authorize(attacker.authorization_url)
    op.authorize(victim.authorization_url)  # the victim's own code is never used
    answer = await finish(bff, provider, route, victim.state, attackers_code)
    assert_refused(answer, 401, "login_failed")
    assert session_count(app) == sessions
    assert op.token_route.call_count == exchanges + 1


# bearer tokens at POST /graphql


def broker_claims(harness: Harness, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    fsma = harness.world.personas[BROKER_PERSONA].broker_fsma
    claims = {
        "iss": BROKER,
        "sub": "broker-client-1",
        "client_id": "broker-client-1",
        "aud": BROKER_AUDIENCE,
        "iat": now,
        "exp": now + 900,
        "jti": "jti-bad-tokens",
        "scope": "portfolio:read",
        "fsma": fsma,
    }
    return claims | overrides


def broker_jwt(op: FakeProvider, claims: dict[str, Any], **header: Any) -> str:
    return op.sign(claims, **({"typ": "at+jwt"} | header))


BrokerForge = Callable[[FakeProvider, Harness], str]
BROKER_DEFECTS: dict[str, BrokerForge] = {
    "alg_none": lambda op, h: compact(
        {"alg": "none", "kid": op.kid, "typ": "at+jwt"}, broker_claims(h)
    ),
    "hs256_with_the_rsa_public_key": lambda op, h: hs256_with_public_key(
        op, {"kid": op.kid, "typ": "at+jwt"}, broker_claims(h)
    ),
    "expired": lambda op, h: broker_jwt(op, broker_claims(h, iat=_ago(1000), exp=_ago(61))),
    "wrong_aud": lambda op, h: broker_jwt(op, broker_claims(h, aud=CLIENT_ID)),
    "wrong_iss": lambda op, h: broker_jwt(op, broker_claims(h, iss=ITSME)),
    "no_typ": lambda op, h: sign_raw(op, {"alg": "RS256", "kid": op.kid}, broker_claims(h)),
    "typ_jwt_not_at_jwt": lambda op, h: broker_jwt(op, broker_claims(h), typ="JWT"),
    "unknown_kid": lambda op, h: broker_jwt(op, broker_claims(h), kid="unknown-kid"),
    "tampered": lambda op, h: tampered(
        broker_jwt(op, broker_claims(h)),
        broker_claims(h, fsma=h.world.personas["broker-small"].broker_fsma),
    ),
    "truncated": lambda op, h: broker_jwt(op, broker_claims(h))[:-12],
}


@pytest.mark.anyio
async def test_c6_a_good_broker_token_reads_the_portfolio(
    app: Starlette, bff: httpx.AsyncClient, harness: Harness, broker_idp: FakeProvider
) -> None:
    before = session_count(app)
    body = await graphql(bff, PORTFOLIO, broker_jwt(broker_idp, broker_claims(harness)))
    assert "errors" not in body, body
    assert body["data"]["brokerPortfolio"]["customers"]["totalCount"] > 0
    assert session_count(app) == before  # a broker token is checked each time, never a session


@pytest.mark.anyio
@pytest.mark.parametrize("defect", sorted(BROKER_DEFECTS))
async def test_c6_bad_broker_tokens_are_unauthenticated(
    app: Starlette,
    bff: httpx.AsyncClient,
    harness: Harness,
    broker_idp: FakeProvider,
    caplog: pytest.LogCaptureFixture,
    defect: str,
) -> None:
    before = session_count(app)
    token = BROKER_DEFECTS[defect](broker_idp, harness)
    with caplog.at_level(logging.INFO):
        for query, field in ((PORTFOLIO, "brokerPortfolio"), (VIEWER, "viewer")):
            body = await graphql(bff, query, token)
            assert body["data"] == {field: None}
            assert error_codes(body) == ["UNAUTHENTICATED"]
    assert session_count(app) == before
    assert REASONS[defect] in bff_log(caplog)
    assert "eyJ" not in bff_log(caplog)


@pytest.mark.anyio
@pytest.mark.parametrize(
    "bearer", ["not-a-session", "a.b.c", "eyJhbGciOiJSUzI1NiJ9.e30.", "x" * 5000]
)
async def test_unknown_bearers_are_unauthenticated(
    app: Starlette, bff: httpx.AsyncClient, bearer: str
) -> None:
    before = session_count(app)
    body = await graphql(bff, VIEWER, bearer)
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert session_count(app) == before


@pytest.mark.anyio
async def test_an_id_token_is_not_a_broker_token(
    app: Starlette, bff: httpx.AsyncClient, harness: Harness, eid_idp: ForgingProvider
) -> None:
    """A customer's (valid) eID ID token presented as a bearer: wrong aud, wrong typ."""
    before = session_count(app)
    as_persona(eid_idp, harness, "web")
    id_token = eid_idp.sign(eid_idp.id_token_claims("any-nonce"))
    body = await graphql(bff, PORTFOLIO, id_token)
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert session_count(app) == before


@pytest.mark.anyio
@pytest.mark.parametrize("route", ROUTES)
async def test_c6_a_customer_session_is_not_a_broker(
    app: Starlette,
    bff: httpx.AsyncClient,
    harness: Harness,
    itsme_idp: ForgingProvider,
    route: Route,
) -> None:
    as_persona(itsme_idp, harness, route)
    before = session_count(app)
    answer, _ = await login(bff, itsme_idp, "itsme", route)
    assert answer.status_code in (200, 302), answer.text
    assert session_count(app) == before + 1
    body = await graphql(bff, PORTFOLIO, credential(answer, route))
    assert body["data"] == {"brokerPortfolio": None}
    assert error_codes(body) == ["NO_ACCESS"]
    assert session_count(app) == before + 1


@pytest.mark.anyio
async def test_c6_a_broker_token_is_not_a_customer(
    app: Starlette, bff: httpx.AsyncClient, harness: Harness, broker_idp: FakeProvider
) -> None:
    before = session_count(app)
    body = await graphql(bff, VIEWER, broker_jwt(broker_idp, broker_claims(harness)))
    assert body["data"] == {"viewer": None}
    assert error_codes(body) == ["NO_ACCESS"]
    assert session_count(app) == before
