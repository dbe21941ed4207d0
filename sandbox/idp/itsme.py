"""An itsme-like OpenID provider: code flow with PKCE, private_key_jwt client authentication,
and an id_token that is signed by the provider, then encrypted to the relying party's key.

The provider fetches each relying party's JWKS from its registered jwks_uri: keys with
"use": "sig" authenticate the client's assertions, the key with "use": "enc" receives the
id_token. Persona data comes from the world; every secret is generated or seed-derived and
SANDBOX ONLY.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import time
from collections.abc import AsyncIterator, Mapping
from typing import Any

import httpx
from jose import jwe, jwk, jws
from jose.exceptions import JOSEError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.idp.keys import generate_signing_key, jwks
from sandbox.idp.oidc_common import (
    ID_TOKEN_TTL_S,
    AuthorizationFlow,
    ClientRegistration,
    Clock,
    ExpiringStore,
    FormError,
    IssuedCode,
    ProviderProfile,
    discovery,
    fault_response,
    is_http_url,
    nrn_digits,
    oauth_error,
    opaque_subject,
    parse_redirect_uris,
    read_form,
    registration_route,
    sandbox_secret,
    token_response,
)
from sandbox.systems import SystemContext
from sandbox.world import LoginMethod

ACR_BASIC = "http://itsme.services/V2/claim/acr_basic"
ACR_ADVANCED = "http://itsme.services/V2/claim/acr_advanced"
NATIONAL_NUMBER = "http://itsme.services/v2/claim/BENationalNumber"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_MAX_LIFETIME_S = 300
CLOCK_SKEW_S = 30
JWKS_CACHE_S = 60

PROFILE = ProviderProfile(
    title="itsme",
    instruction="The real itsme app would now ask you to confirm on your phone: pick who confirms.",
    login=LoginMethod.ITSME,
    acr_choices=((ACR_BASIC, "basic (SMS-level)"), (ACR_ADVANCED, "advanced (itsme code)")),
    default_acr=ACR_ADVANCED,
)


def render_error(status: int, message: str) -> Response:
    return fault_response(status, message)


class ClientKeys:
    """Relying parties' JWKS, fetched from their jwks_uri and cached briefly.

    The HTTP client is made in the app's lifespan; `transport` lets tests answer for the
    relying party (httpx.MockTransport)."""

    def __init__(self, clock: Clock, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.clock = clock
        self.transport = transport
        self._http: httpx.AsyncClient | None = None
        self._cache: dict[str, tuple[float, list[dict[str, Any]]]] = {}

    @contextlib.asynccontextmanager
    async def session(self) -> AsyncIterator[None]:
        self._http = self._new_client()
        try:
            yield
        finally:
            http, self._http = self._http, None
            await http.aclose()

    def _new_client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=self.transport,
            timeout=httpx.Timeout(5.0),
            headers={"Accept": "application/jwk-set+json, application/json"},
        )

    async def fetch(self, uri: str) -> list[dict[str, Any]]:
        if self._http is None:  # served without a lifespan: keep one client for later calls
            self._http = self._new_client()
        response = await self._http.get(uri)
        response.raise_for_status()
        document = response.json()
        keys = document.get("keys") if isinstance(document, dict) else None
        if not isinstance(keys, list):
            raise ValueError("not a JWK set")
        found = [key for key in keys if isinstance(key, dict)]
        now = self.clock()
        self._cache = {u: entry for u, entry in self._cache.items() if entry[0] > now}
        self._cache[uri] = (now + JWKS_CACHE_S, found)
        return found

    async def find(self, uri: str, use: str, kid: str | None = None) -> dict[str, Any] | None:
        """An RSA key for `use` (and `kid`), from the cache, else from a fresh fetch."""
        cached = self._cache.get(uri)
        if cached is not None and cached[0] > self.clock():
            key = _pick(cached[1], use, kid)
            if key is not None:
                return key
        return _pick(await self.fetch(uri), use, kid)


def _pick(keys: list[dict[str, Any]], use: str, kid: str | None) -> dict[str, Any] | None:
    wanted_alg = "RS256" if use == "sig" else "RSA-OAEP-256"
    for key in keys:
        if key.get("kty") != "RSA" or key.get("use") != use:
            continue
        if key.get("alg", wanted_alg) != wanted_alg:
            continue
        if kid is None or key.get("kid") == kid:
            return key
    return None


class ClientAuthError(Exception):
    pass


class AssertionVerifier:
    """RFC 7523 private_key_jwt: who the client is, proven by an assertion it signed."""

    def __init__(
        self, issuer: str, clients: Mapping[str, ClientRegistration], keys: ClientKeys
    ) -> None:
        self.audiences = {f"{issuer}/token", issuer}
        self.clients = clients
        self.keys = keys
        self.seen = ExpiringStore[bool](ASSERTION_MAX_LIFETIME_S + 2 * CLOCK_SKEW_S, keys.clock)

    async def authenticate(self, form: Mapping[str, str]) -> ClientRegistration:
        assertion = form.get("client_assertion", "")
        if form.get("client_assertion_type") != ASSERTION_TYPE or not assertion:
            raise ClientAuthError(f"client_assertion of type {ASSERTION_TYPE} required")
        try:
            header = jws.get_unverified_header(assertion)
            claimed = json.loads(jws.get_unverified_claims(assertion))
        except (JOSEError, ValueError):
            raise ClientAuthError("client_assertion is not a compact JWS") from None
        if header.get("alg") != "RS256":
            raise ClientAuthError("client_assertion must be signed with RS256")
        kid = header.get("kid")
        if not isinstance(kid, str) or not isinstance(claimed, dict):
            raise ClientAuthError("client_assertion header must name its key (kid)")
        client_id = form.get("client_id") or claimed.get("iss")
        client = self.clients.get(client_id) if isinstance(client_id, str) else None
        if client is None or client.jwks_uri is None:
            raise ClientAuthError("unknown client")
        try:
            public = await self.keys.find(client.jwks_uri, "sig", kid)
        except (httpx.HTTPError, ValueError):
            raise ClientAuthError("the client's JWKS could not be fetched") from None
        if public is None:
            raise ClientAuthError("no signing key with this kid in the client's JWKS")
        try:
            claims = json.loads(jws.verify(assertion, jwk.construct(public, "RS256"), ["RS256"]))
        except (JOSEError, ValueError):
            raise ClientAuthError("client_assertion signature is invalid") from None
        self._check(claims, client.client_id)
        self.seen.add(f"{client.client_id}\x1f{claims['jti']}", True)
        return client

    def _check(self, claims: dict[str, Any], client_id: str) -> None:
        now = self.keys.clock()
        if claims.get("iss") != client_id or claims.get("sub") != client_id:
            raise ClientAuthError("client_assertion iss and sub must be the client_id")
        aud = claims.get("aud")
        audiences = aud if isinstance(aud, list) else [aud]
        if not self.audiences.intersection(a for a in audiences if isinstance(a, str)):
            raise ClientAuthError("client_assertion aud must be the token endpoint")
        exp, iat, nbf = _number(claims.get("exp")), _number(claims.get("iat")), claims.get("nbf")
        if exp is None or iat is None:
            raise ClientAuthError("client_assertion needs numeric exp and iat")
        if exp <= now:
            raise ClientAuthError("client_assertion has expired")
        if exp > now + ASSERTION_MAX_LIFETIME_S + CLOCK_SKEW_S:
            raise ClientAuthError("client_assertion exp is more than 5 minutes ahead")
        not_before = iat if nbf is None else _number(nbf)
        if not_before is None or max(iat, not_before) > now + CLOCK_SKEW_S:
            raise ClientAuthError("client_assertion is not valid yet")
        jti = claims.get("jti")
        if not isinstance(jti, str) or not jti:
            raise ClientAuthError("client_assertion needs a jti")
        if self.seen.get(f"{client_id}\x1f{jti}"):
            raise ClientAuthError("client_assertion jti already used")


def _number(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _registration(client_id: str, body: Mapping[str, object]) -> ClientRegistration:
    jwks_uri = body.get("jwks_uri")
    if not is_http_url(jwks_uri):
        raise ValueError("jwks_uri must be an absolute http(s) URL")
    return ClientRegistration(client_id, parse_redirect_uris(body), jwks_uri=str(jwks_uri))


def create_app(
    ctx: SystemContext,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    clock: Clock = time.time,
) -> Starlette:
    issuer = ctx.base_url.rstrip("/")
    world = ctx.world
    signing = generate_signing_key()
    pairwise = sandbox_secret(world.seed, f"{ctx.name} pairwise subject")
    flow = AuthorizationFlow(issuer, world, PROFILE, clock)
    client_keys = ClientKeys(clock, transport)
    verifier = AssertionVerifier(issuer, flow.clients, client_keys)
    config = {
        **discovery(issuer),
        "subject_types_supported": ["pairwise"],
        "id_token_encryption_alg_values_supported": ["RSA-OAEP-256"],
        "id_token_encryption_enc_values_supported": ["A128CBC-HS256"],
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS256"],
        "acr_values_supported": [ACR_BASIC, ACR_ADVANCED],
        "scopes_supported": ["openid", "profile", "email", "service:insurance"],
        "claims_supported": [
            "iss",
            "aud",
            "sub",
            "iat",
            "exp",
            "auth_time",
            "nonce",
            "acr",
            NATIONAL_NUMBER,
            "given_name",
            "family_name",
            "birthdate",
            "locale",
            "email",
            "email_verified",
        ],
    }

    async def configuration(request: Request) -> Response:
        return JSONResponse(config)

    async def keys(request: Request) -> Response:
        return JSONResponse(jwks([signing]), headers={"Cache-Control": "max-age=300"})

    def id_token(issued: IssuedCode, now: int) -> str:
        party = world.parties[issued.party_id]
        claims: dict[str, Any] = {
            "iss": issuer,
            "aud": issued.client_id,
            "sub": opaque_subject(pairwise, issued.client_id, party.id),
            "iat": now,
            "exp": now + ID_TOKEN_TTL_S,
            "auth_time": issued.auth_time,
            "nonce": issued.nonce,
            "acr": issued.acr,
            NATIONAL_NUMBER: nrn_digits(party),
            "given_name": party.first_name,
            "family_name": party.last_name,
            "birthdate": party.birth_date.isoformat(),
            "locale": party.language.value,
        }
        if "email" in issued.scopes and party.email:
            claims["email"] = party.email
            claims["email_verified"] = True
        return signing.sign(claims)

    async def token(request: Request) -> Response:
        try:
            form = await read_form(request)
        except FormError as exc:
            return oauth_error("invalid_request", str(exc))
        grant_type = form.get("grant_type")
        if not grant_type:
            return oauth_error("invalid_request", "grant_type is required")
        if grant_type != "authorization_code":
            return oauth_error("unsupported_grant_type", "only authorization_code is supported")
        try:
            client = await verifier.authenticate(form)
            if form.get("client_id", client.client_id) != client.client_id:
                raise ClientAuthError("client_id does not match the client_assertion")
            encryption_key = await client_keys.find(client.jwks_uri or "", "enc")
        except (httpx.HTTPError, ValueError):
            return oauth_error("invalid_client", "the client's JWKS could not be fetched", 401)
        except ClientAuthError as exc:
            return oauth_error("invalid_client", str(exc), 401)
        if encryption_key is None:
            return oauth_error("invalid_client", 'no RSA key with "use": "enc" in the JWKS', 401)
        issued = flow.redeem(form, client.client_id)
        if isinstance(issued, Response):
            return issued
        signed = id_token(issued, int(clock()))
        try:
            encrypted = jwe.encrypt(
                signed,
                encryption_key,
                encryption="A128CBC-HS256",
                algorithm="RSA-OAEP-256",
                cty="JWT",
                kid=encryption_key.get("kid"),
            )
        except JOSEError:
            return oauth_error("invalid_client", "the client's encryption key is unusable", 401)
        return token_response(secrets.token_urlsafe(32), encrypted.decode("ascii"))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with client_keys.session():
            yield

    return Starlette(
        routes=[
            Route("/.well-known/openid-configuration", configuration, methods=["GET"]),
            Route("/jwks", keys, methods=["GET"]),
            *flow.routes(),
            Route("/token", token, methods=["POST"]),
            registration_route(flow.clients, _registration),
        ],
        lifespan=lifespan,
    )
