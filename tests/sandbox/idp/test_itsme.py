"""The itsme-like provider, driven as the BFF would drive it (sandbox/idp/itsme.py).

The test plays the relying party: it owns a signing and an encryption key, serves its JWKS
through an httpx mock transport, signs client assertions and decrypts the id_token.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol, cast
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwe, jws
from jose.backends.cryptography_backend import CryptographyRSAKey

from sandbox.control import Control, Controlled
from sandbox.idp import itsme
from sandbox.systems import SystemContext
from sandbox.world import World

ISSUER = "http://127.0.0.1:8701"
RP = "http://rp.test"
JWKS_URI = f"{RP}/jwks"
CALLBACK = f"{RP}/auth/itsme/callback"
NRN_CLAIM = "http://itsme.services/v2/claim/BENationalNumber"

Login = Callable[[httpx.AsyncClient, dict[str, str], dict[str, str]], Awaitable[dict[str, str]]]


class Clock(Protocol):
    now: float

    def __call__(self) -> float: ...


@dataclass(frozen=True)
class RsaKey:
    private: rsa.RSAPrivateKey
    public: dict[str, str]

    def sign(self, claims: dict[str, Any], kid: str) -> str:
        signer = CryptographyRSAKey(self.private, "RS256")
        return jws.sign(claims, signer, headers={"kid": kid}, algorithm="RS256")

    def decrypt(self, token: str) -> bytes:
        plaintext = jwe.decrypt(token, cast("Any", self.private))  # the library takes it as is
        assert plaintext is not None
        return plaintext


def b64_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def rsa_key(kid: str, use: str, alg: str) -> RsaKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    numbers = private.public_key().public_numbers()
    return RsaKey(
        private,
        {
            "kty": "RSA",
            "n": b64_uint(numbers.n),
            "e": b64_uint(numbers.e),
            "kid": kid,
            "use": use,
            "alg": alg,
        },
    )


@dataclass
class RelyingParty:
    sig: RsaKey
    enc: RsaKey
    other_sig: RsaKey  # a key the provider has never seen
    fetches: int = 0
    extra_keys: list[dict[str, str]] = field(default_factory=list)

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.sig.public, self.enc.public, *self.extra_keys]}

    def transport(self) -> httpx.MockTransport:
        def answer(request: httpx.Request) -> httpx.Response:
            if str(request.url) != JWKS_URI:
                return httpx.Response(404)
            self.fetches += 1
            return httpx.Response(200, json=self.jwks())

        return httpx.MockTransport(answer)

    def assertion(self, client_id: str, now: float, **overrides: Any) -> str:
        key = overrides.pop("key", self.sig)
        kid = overrides.pop("kid", key.public["kid"])
        claims = {
            "iss": client_id,
            "sub": client_id,
            "aud": f"{ISSUER}/token",
            "jti": secrets.token_urlsafe(16),
            "iat": int(now),
            "exp": int(now) + 120,
            **overrides,
        }
        signing_key: RsaKey = key
        return signing_key.sign(claims, kid)


@pytest.fixture(scope="module")
def keys() -> tuple[RsaKey, RsaKey, RsaKey]:
    return (
        rsa_key("rp-sig-1", "sig", "RS256"),
        rsa_key("rp-enc-1", "enc", "RSA-OAEP-256"),
        rsa_key("rp-sig-1", "sig", "RS256"),
    )


@pytest.fixture
def rp(keys: tuple[RsaKey, RsaKey, RsaKey]) -> RelyingParty:
    return RelyingParty(*keys)


@asynccontextmanager
async def provider(
    world: World, rp: RelyingParty, clock: Clock
) -> AsyncIterator[httpx.AsyncClient]:
    inner = itsme.create_app(
        SystemContext(world, "itsme", ISSUER), transport=rp.transport(), clock=clock
    )
    app = Controlled(inner, Control(system="itsme"), itsme.render_error)
    async with inner.router.lifespan_context(inner):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=ISSUER) as http:
            for client_id in ("bff-web", "bff-mobile"):
                registered = await http.put(
                    f"/_sandbox/clients/{client_id}",
                    json={"jwks_uri": JWKS_URI, "redirect_uris": [CALLBACK]},
                )
                assert registered.status_code == 204
            yield http


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorize_params(challenge: str, client_id: str = "bff-web", **extra: str) -> dict[str, str]:
    return {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": CALLBACK,
        "scope": "openid profile service:insurance",
        "state": "st-" + secrets.token_urlsafe(8),
        "nonce": "n-" + secrets.token_urlsafe(8),
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **extra,
    }


def callback_of(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 302, response.text
    parts = urlsplit(response.headers["location"])
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == CALLBACK
    return {k: v[0] for k, v in parse_qs(parts.query).items()}


def token_form(
    rp: RelyingParty, code: str, verifier: str, now: float, **extra: str
) -> dict[str, str]:
    client_id = extra.pop("client_id", "bff-web")
    return {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": CALLBACK,
        "code_verifier": verifier,
        "client_id": client_id,
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": rp.assertion(client_id, now),
        **extra,
    }


async def open_id_token(http: httpx.AsyncClient, rp: RelyingParty, id_token: str) -> dict[str, Any]:
    """Decrypt with the RP's key, verify the inner JWS with the provider's published key."""
    header = jwe.get_unverified_header(id_token)
    assert header == {
        "alg": "RSA-OAEP-256",
        "enc": "A128CBC-HS256",
        "cty": "JWT",
        "kid": rp.enc.public["kid"],
    }
    inner = rp.enc.decrypt(id_token)
    published = (await http.get("/jwks")).json()["keys"]
    inner_header = jws.get_unverified_header(inner)
    assert inner_header["alg"] == "RS256" and inner_header["typ"] == "JWT"
    (key,) = [k for k in published if k["kid"] == inner_header["kid"]]
    claims: dict[str, Any] = json.loads(jws.verify(inner, key, algorithms=["RS256"]))
    return claims


async def code_for(
    http: httpx.AsyncClient,
    login: Login,
    challenge: str,
    client_id: str = "bff-web",
    choice: dict[str, str] | None = None,
) -> str:
    params = authorize_params(challenge, client_id)
    query = await login(http, params, choice or {"persona": "anna"})
    return query["code"]


@pytest.mark.anyio
async def test_discovery_describes_the_contract(
    world: World, rp: RelyingParty, clock: Clock
) -> None:
    async with provider(world, rp, clock) as http:
        config = (await http.get("/.well-known/openid-configuration")).json()
        published = (await http.get("/jwks")).json()
    assert config["issuer"] == ISSUER
    assert config["authorization_endpoint"] == f"{ISSUER}/authorize"
    assert config["token_endpoint"] == f"{ISSUER}/token"
    assert config["jwks_uri"] == f"{ISSUER}/jwks"
    assert config["response_types_supported"] == ["code"]
    assert config["grant_types_supported"] == ["authorization_code"]
    assert config["subject_types_supported"] == ["pairwise"]
    assert config["id_token_signing_alg_values_supported"] == ["RS256"]
    assert config["id_token_encryption_alg_values_supported"] == ["RSA-OAEP-256"]
    assert config["id_token_encryption_enc_values_supported"] == ["A128CBC-HS256"]
    assert config["token_endpoint_auth_methods_supported"] == ["private_key_jwt"]
    assert config["token_endpoint_auth_signing_alg_values_supported"] == ["RS256"]
    assert config["code_challenge_methods_supported"] == ["S256"]
    assert config["acr_values_supported"] == [
        "http://itsme.services/V2/claim/acr_basic",
        "http://itsme.services/V2/claim/acr_advanced",
    ]
    assert config["scopes_supported"] == ["openid", "profile", "email", "service:insurance"]
    assert NRN_CLAIM in config["claims_supported"]
    assert config["authorization_response_iss_parameter_supported"] is True
    (key,) = published["keys"]
    assert key["kty"] == "RSA" and key["use"] == "sig" and key["alg"] == "RS256" and key["kid"]
    assert "d" not in key


@pytest.mark.anyio
async def test_registration_is_stored_and_validated(
    world: World, rp: RelyingParty, clock: Clock
) -> None:
    async with provider(world, rp, clock) as http:
        stored = await http.get("/_sandbox/clients/bff-web")
        missing = await http.get("/_sandbox/clients/nobody")
        bad = await http.put(
            "/_sandbox/clients/x", json={"jwks_uri": "ftp://x", "redirect_uris": []}
        )
    assert stored.json() == {
        "client_id": "bff-web",
        "jwks_uri": JWKS_URI,
        "redirect_uris": [CALLBACK],
    }
    assert missing.status_code == 404
    assert bad.status_code == 400


@pytest.mark.anyio
async def test_unknown_client_or_unregistered_redirect_gets_an_error_page(
    world: World, rp: RelyingParty, clock: Clock
) -> None:
    _, challenge = pkce()
    async with provider(world, rp, clock) as http:
        unknown = await http.get("/authorize", params=authorize_params(challenge, "stranger"))
        other = authorize_params(challenge, redirect_uri=f"{RP}/elsewhere")
        unregistered = await http.get("/authorize", params=other)
        prefix = authorize_params(challenge, redirect_uri=f"{CALLBACK}/../x")
        near_miss = await http.get("/authorize", params=prefix)
    for response in (unknown, unregistered, near_miss):
        assert response.status_code == 400
        assert "location" not in response.headers
        assert response.headers["content-type"].startswith("text/html")


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"code_challenge": ""}, "invalid_request"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge_method": ""}, "invalid_request"),
        ({"scope": "profile"}, "invalid_scope"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"nonce": ""}, "invalid_request"),
        ({"prompt": "none"}, "login_required"),
    ],
)
async def test_invalid_requests_go_back_to_the_client(
    world: World, rp: RelyingParty, clock: Clock, change: dict[str, str], error: str
) -> None:
    _, challenge = pkce()
    params = {k: v for k, v in {**authorize_params(challenge), **change}.items() if v}
    async with provider(world, rp, clock) as http:
        response = await http.get("/authorize", params=params)
    query = callback_of(response)
    assert query["error"] == error
    assert query["state"] == params["state"]
    assert query["iss"] == ISSUER
    assert query["error_description"]


@pytest.mark.anyio
async def test_picker_lists_the_personas_with_a_national_number(
    world: World, rp: RelyingParty, clock: Clock
) -> None:
    _, challenge = pkce()
    expected = {
        p.id
        for p in world.personas.values()
        if p.kind.value in {"customer", "company"} and p.party_id and world.parties[p.party_id].nrn
    }
    basic = "http://itsme.services/V2/claim/acr_basic"
    async with provider(world, rp, clock) as http:
        default = await http.get("/authorize", params=authorize_params(challenge))
        asked_basic = await http.get(
            "/authorize", params=authorize_params(challenge, acr_values=f"urn:x {basic}")
        )
    page = default.text
    assert default.status_code == 200
    assert re.search(r'<form method=post action="/authorize/decision">', page)
    assert re.search(r"type=hidden name=request_id value=\"[^\"]+\"", page)
    assert set(re.findall(r'type=radio name=persona value="([^"]*)"', page)) == expected
    assert expected == {"anna", "luc-company"}
    assert "name=party_id" in page
    assert re.search(r'name=acr value="http://itsme.services/V2/claim/acr_advanced" checked', page)
    assert re.search(rf'name=acr value="{basic}" checked', asked_basic.text)
    assert default.headers["cache-control"] == "no-store"


@pytest.mark.anyio
async def test_decision_redirects_with_code_state_and_issuer(
    world: World, rp: RelyingParty, clock: Clock
) -> None:
    _, challenge = pkce()
    params = authorize_params(challenge)
    async with provider(world, rp, clock) as http:
        page = await http.get("/authorize", params=params)
        request_id = re.findall(r'name=request_id value="([^"]+)"', page.text)[0]
        decided = await http.post(
            "/authorize/decision", data={"request_id": request_id, "persona": "anna"}
        )
        again = await http.post(
            "/authorize/decision", data={"request_id": request_id, "persona": "anna"}
        )
    query = callback_of(decided)
    assert set(query) == {"code", "state", "iss"}
    assert query["state"] == params["state"] and query["iss"] == ISSUER
    assert again.status_code == 400  # a pending request is single use


@pytest.mark.anyio
async def test_user_refusal_is_access_denied(world: World, rp: RelyingParty, clock: Clock) -> None:
    _, challenge = pkce()
    params = authorize_params(challenge)
    async with provider(world, rp, clock) as http:
        page = await http.get("/authorize", params=params)
        request_id = re.findall(r'name=request_id value="([^"]+)"', page.text)[0]
        refused = await http.post(
            "/authorize/decision", data={"request_id": request_id, "action": "deny"}
        )
    query = callback_of(refused)
    assert query["error"] == "access_denied" and query["state"] == params["state"]


@pytest.mark.anyio
async def test_token_exchange_returns_an_encrypted_signed_id_token(
    world: World, rp: RelyingParty, clock: Clock, login: Login
) -> None:
    verifier, challenge = pkce()
    params = authorize_params(challenge)
    anna = world.parties[world.personas["anna"].party_id or ""]
    async with provider(world, rp, clock) as http:
        query = await login(http, params, {"persona": "anna"})
        response = await http.post("/token", data=token_form(rp, query["code"], verifier, clock()))
        body = response.json()
        claims = await open_id_token(http, rp, body["id_token"])
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert body["token_type"] == "Bearer" and body["expires_in"] == 600
    assert isinstance(body["access_token"], str) and len(body["access_token"]) >= 32
    assert claims["iss"] == ISSUER
    assert claims["aud"] == "bff-web"
    assert claims["nonce"] == params["nonce"]
    assert claims["iat"] == int(clock()) and claims["exp"] == claims["iat"] + 600
    assert claims["auth_time"] == int(clock())
    assert claims["acr"] == "http://itsme.services/V2/claim/acr_advanced"
    assert claims[NRN_CLAIM] == re.sub(r"\D", "", anna.nrn or "")
    assert re.fullmatch(r"\d{11}", claims[NRN_CLAIM])
    assert claims["given_name"] == anna.first_name
    assert claims["family_name"] == anna.last_name
    assert claims["birthdate"] == anna.birth_date.isoformat()
    assert claims["locale"] == anna.language.value
    assert anna.id not in json.dumps(claims)  # the subject is opaque
    assert isinstance(claims["sub"], str) and len(claims["sub"]) >= 32


@pytest.mark.anyio
async def test_chosen_basic_assurance_and_free_party_id_reach_the_token(
    world: World, rp: RelyingParty, clock: Clock, login: Login
) -> None:
    verifier, challenge = pkce()
    marie = world.parties["P0000003"]  # has a national number, is no persona
    basic = "http://itsme.services/V2/claim/acr_basic"
    async with provider(world, rp, clock) as http:
        query = await login(
            http,
            authorize_params(challenge),
            {"persona": "anna", "party_id": marie.id, "acr": basic},
        )
        body = (
            await http.post("/token", data=token_form(rp, query["code"], verifier, clock()))
        ).json()
        claims = await open_id_token(http, rp, body["id_token"])
    assert claims["acr"] == basic
    assert claims[NRN_CLAIM] == re.sub(r"\D", "", marie.nrn or "")
    assert claims["given_name"] == marie.first_name


@pytest.mark.anyio
async def test_unknown_or_numberless_party_keeps_the_picker(
    world: World, rp: RelyingParty, clock: Clock
) -> None:
    _, challenge = pkce()
    async with provider(world, rp, clock) as http:
        page = await http.get("/authorize", params=authorize_params(challenge))
        request_id = re.findall(r'name=request_id value="([^"]+)"', page.text)[0]
        outcomes = [
            await http.post("/authorize/decision", data={"request_id": request_id, "party_id": pid})
            for pid in ("P9999999", "P0000004")  # unknown; a non-resident without number
        ]
        still_pending = await http.post(
            "/authorize/decision", data={"request_id": request_id, "persona": "anna"}
        )
    assert [o.status_code for o in outcomes] == [400, 400]
    assert callback_of(still_pending)["code"]


async def subject(
    http: httpx.AsyncClient,
    rp: RelyingParty,
    login: Login,
    clock: Clock,
    client_id: str,
    persona: str,
) -> str:
    verifier, challenge = pkce()
    code = await code_for(http, login, challenge, client_id, {"persona": persona})
    form = token_form(rp, code, verifier, clock(), client_id=client_id)
    response = await http.post("/token", data=form)
    assert response.status_code == 200, response.text
    claims = await open_id_token(http, rp, response.json()["id_token"])
    assert claims["aud"] == client_id
    return str(claims["sub"])


@pytest.mark.anyio
async def test_pairwise_subject_is_stable_per_client_and_differs_between_clients(
    world: World, rp: RelyingParty, clock: Clock, login: Login
) -> None:
    async with provider(world, rp, clock) as http:
        web_1 = await subject(http, rp, login, clock, "bff-web", "anna")
        web_2 = await subject(http, rp, login, clock, "bff-web", "anna")
        mobile = await subject(http, rp, login, clock, "bff-mobile", "anna")
        other_person = await subject(http, rp, login, clock, "bff-web", "luc-company")
    async with provider(world, rp, clock) as http:  # a restarted provider, same seed
        restarted = await subject(http, rp, login, clock, "bff-web", "anna")
    assert web_1 == web_2 == restarted
    assert mobile != web_1
    assert other_person != web_1


@pytest.mark.anyio
async def test_code_is_single_use(
    world: World, rp: RelyingParty, clock: Clock, login: Login
) -> None:
    verifier, challenge = pkce()
    async with provider(world, rp, clock) as http:
        code = await code_for(http, login, challenge)
        first = await http.post("/token", data=token_form(rp, code, verifier, clock()))
        second = await http.post("/token", data=token_form(rp, code, verifier, clock()))
    assert first.status_code == 200
    assert second.status_code == 400 and second.json()["error"] == "invalid_grant"


@pytest.mark.anyio
async def test_code_expires_after_a_minute(
    world: World, rp: RelyingParty, clock: Clock, login: Login
) -> None:
    verifier, challenge = pkce()
    async with provider(world, rp, clock) as http:
        code = await code_for(http, login, challenge)
        clock.now += 61
        late = await http.post("/token", data=token_form(rp, code, verifier, clock()))
    assert late.status_code == 400 and late.json()["error"] == "invalid_grant"


@pytest.mark.anyio
async def test_pending_request_expires_after_five_minutes(
    world: World, rp: RelyingParty, clock: Clock
) -> None:
    _, challenge = pkce()
    async with provider(world, rp, clock) as http:
        page = await http.get("/authorize", params=authorize_params(challenge))
        request_id = re.findall(r'name=request_id value="([^"]+)"', page.text)[0]
        clock.now += 301
        late = await http.post(
            "/authorize/decision", data={"request_id": request_id, "persona": "anna"}
        )
    assert late.status_code == 400


@pytest.mark.anyio
async def test_pkce_mismatch_and_wrong_redirect_are_invalid_grant(
    world: World, rp: RelyingParty, clock: Clock, login: Login
) -> None:
    verifier, challenge = pkce()
    other_verifier, _ = pkce()
    async with provider(world, rp, clock) as http:
        code = await code_for(http, login, challenge)
        mismatch = await http.post("/token", data=token_form(rp, code, other_verifier, clock()))
        code = await code_for(http, login, challenge)
        form = token_form(rp, code, verifier, clock(), redirect_uri=f"{RP}/other")
        wrong_redirect = await http.post("/token", data=form)
        code = await code_for(http, login, challenge, "bff-mobile")
        stolen = await http.post("/token", data=token_form(rp, code, verifier, clock()))
    for response in (mismatch, wrong_redirect, stolen):
        assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


@pytest.mark.anyio
async def test_bad_client_assertions_are_invalid_client_and_leave_the_code_usable(
    world: World, rp: RelyingParty, clock: Clock, login: Login
) -> None:
    verifier, challenge = pkce()
    now = clock()
    replayed = rp.assertion("bff-web", now)
    unknown_kid_key = rp.other_sig.public["kid"] + "-unknown"
    bad = {
        "wrong key": rp.assertion("bff-web", now, key=rp.other_sig),
        "unknown kid": rp.assertion("bff-web", now, key=rp.other_sig, kid=unknown_kid_key),
        "expired": rp.assertion("bff-web", now, iat=int(now) - 600, exp=int(now) - 300),
        "too long": rp.assertion("bff-web", now, exp=int(now) + 3600),
        "wrong aud": rp.assertion("bff-web", now, aud=f"{ISSUER}/authorize"),
        "iss is not sub": rp.assertion("bff-web", now, sub="bff-mobile"),
        "no jti": rp.assertion("bff-web", now, jti=""),
        "other client": rp.assertion("bff-mobile", now),
        "reused jti": replayed,
        "garbage": "not-a-jwt",
    }
    async with provider(world, rp, clock) as http:
        code = await code_for(http, login, challenge)
        # the replayed assertion first authenticates one successful exchange
        other_verifier, other_challenge = pkce()
        other_code = await code_for(http, login, other_challenge)
        form = token_form(rp, other_code, other_verifier, now, client_assertion=replayed)
        assert (await http.post("/token", data=form)).status_code == 200
        refusals = {}
        for name, assertion in bad.items():
            form = token_form(rp, code, verifier, now, client_assertion=assertion)
            refusals[name] = await http.post("/token", data=form)
        missing = token_form(rp, code, verifier, now)
        del missing["client_assertion"]
        refusals["missing"] = await http.post("/token", data=missing)
        accepted = await http.post("/token", data=token_form(rp, code, verifier, now))
    for name, response in refusals.items():
        assert response.status_code == 401, name
        assert response.json()["error"] == "invalid_client", name
    assert accepted.status_code == 200


@pytest.mark.anyio
async def test_audience_may_be_the_issuer(
    world: World, rp: RelyingParty, clock: Clock, login: Login
) -> None:
    verifier, challenge = pkce()
    async with provider(world, rp, clock) as http:
        code = await code_for(http, login, challenge)
        assertion = rp.assertion("bff-web", clock(), aud=[ISSUER])
        form = token_form(rp, code, verifier, clock(), client_assertion=assertion)
        response = await http.post("/token", data=form)
    assert response.status_code == 200


@pytest.mark.anyio
async def test_client_jwks_is_cached_and_refetched_for_a_new_kid(
    world: World, rp: RelyingParty, clock: Clock, login: Login
) -> None:
    async with provider(world, rp, clock) as http:
        await subject(http, rp, login, clock, "bff-web", "anna")
        await subject(http, rp, login, clock, "bff-web", "anna")
        assert rp.fetches == 1
        rp.extra_keys.append({**rp.other_sig.public, "kid": "rp-sig-2"})  # the RP rotates
        verifier, challenge = pkce()
        code = await code_for(http, login, challenge)
        assertion = rp.assertion("bff-web", clock(), key=rp.other_sig, kid="rp-sig-2")
        form = token_form(rp, code, verifier, clock(), client_assertion=assertion)
        response = await http.post("/token", data=form)
    assert response.status_code == 200
    assert rp.fetches == 2


@pytest.mark.anyio
async def test_token_request_errors(
    world: World, rp: RelyingParty, clock: Clock, login: Login
) -> None:
    verifier, challenge = pkce()
    async with provider(world, rp, clock) as http:
        code = await code_for(http, login, challenge)
        wrong_grant = await http.post(
            "/token", data=token_form(rp, code, verifier, clock(), grant_type="password")
        )
        form = token_form(rp, code, verifier, clock())
        del form["grant_type"]
        no_grant = await http.post("/token", data=form)
        as_json = await http.post("/token", json=token_form(rp, code, verifier, clock()))
        mismatched = await http.post(
            "/token",
            data={**token_form(rp, code, verifier, clock()), "client_id": "bff-mobile"},
        )
        no_verifier = await http.post(
            "/token", data=token_form(rp, code, verifier, clock(), code_verifier="")
        )
    assert (
        wrong_grant.status_code == 400 and wrong_grant.json()["error"] == "unsupported_grant_type"
    )
    assert no_grant.status_code == 400 and no_grant.json()["error"] == "invalid_request"
    assert as_json.status_code == 400 and as_json.json()["error"] == "invalid_request"
    assert mismatched.status_code == 401 and mismatched.json()["error"] == "invalid_client"
    assert no_verifier.status_code == 400 and no_verifier.json()["error"] == "invalid_request"


@pytest.mark.anyio
async def test_client_without_encryption_key_is_refused(
    world: World, rp: RelyingParty, clock: Clock, login: Login
) -> None:
    verifier, challenge = pkce()
    lacking = RelyingParty(
        rp.sig,
        RsaKey(rp.enc.private, {**rp.enc.public, "use": "sig", "alg": "RS256"}),
        rp.other_sig,
    )
    async with provider(world, lacking, clock) as http:
        code = await code_for(http, login, challenge)
        response = await http.post("/token", data=token_form(lacking, code, verifier, clock()))
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


@pytest.mark.anyio
async def test_generated_world_personas_log_in(
    generated_world: World, rp: RelyingParty, clock: Clock, login: Login
) -> None:
    world = generated_world
    expected = {
        p.id
        for p in world.personas.values()
        if p.kind.value in {"customer", "company"} and p.party_id and world.parties[p.party_id].nrn
    }
    manager = next(p for p in world.personas.values() if p.kind.value == "company")
    party = world.parties[manager.party_id or ""]
    verifier, challenge = pkce()
    async with provider(world, rp, clock) as http:
        page = await http.get("/authorize", params=authorize_params(challenge))
        query = await login(http, authorize_params(challenge), {"persona": manager.id})
        response = await http.post("/token", data=token_form(rp, query["code"], verifier, clock()))
        claims = await open_id_token(http, rp, response.json()["id_token"])
    assert set(re.findall(r'type=radio name=persona value="([^"]*)"', page.text)) == expected
    assert claims[NRN_CLAIM] == re.sub(r"\D", "", party.nrn or "")
    assert claims["family_name"] == party.last_name
