"""An eID/FAS-like OpenID provider (the federal authentication service with the Belgian eID
card): code flow with PKCE, client_secret_basic client authentication, a signed id_token.

The card always gives the highest FAS level, Level500. Persona data comes from the world;
client secrets are registered through the sandbox route and, like the provider's keys and
subject secret, SANDBOX ONLY.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping
from typing import Any

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
    FormError,
    IssuedCode,
    ProviderProfile,
    basic_credentials,
    discovery,
    fault_response,
    nrn_digits,
    oauth_error,
    opaque_subject,
    parse_redirect_uris,
    read_form,
    registration_route,
    sandbox_secret,
    secrets_equal,
    token_response,
)
from sandbox.systems import SystemContext
from sandbox.world import LoginMethod

LEVEL_400 = "urn:be:fedict:iam:fas:Level400"
LEVEL_450 = "urn:be:fedict:iam:fas:Level450"
LEVEL_500 = "urn:be:fedict:iam:fas:Level500"
CHALLENGE = {"WWW-Authenticate": 'Basic realm="eid", charset="UTF-8"'}

PROFILE = ProviderProfile(
    title="eID (FAS)",
    instruction="The real service would now ask you to insert your eID card and enter your "
    "PIN: pick whose card it is.",
    login=LoginMethod.EID,
    acr_choices=((LEVEL_500, "eID card with PIN (Level500)"),),
    default_acr=LEVEL_500,
)


def render_error(status: int, message: str) -> Response:
    return fault_response(status, message)


def _registration(client_id: str, body: Mapping[str, object]) -> ClientRegistration:
    secret = body.get("client_secret")
    if not isinstance(secret, str) or not secret:
        raise ValueError("client_secret must be a non-empty string")
    return ClientRegistration(client_id, parse_redirect_uris(body), client_secret=secret)


def create_app(ctx: SystemContext, *, clock: Clock = time.time) -> Starlette:
    issuer = ctx.base_url.rstrip("/")
    world = ctx.world
    signing = generate_signing_key()
    subjects = sandbox_secret(world.seed, f"{ctx.name} subject")
    flow = AuthorizationFlow(issuer, world, PROFILE, clock)
    config = {
        **discovery(issuer),
        "subject_types_supported": ["public"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        "acr_values_supported": [LEVEL_400, LEVEL_450, LEVEL_500],
        "scopes_supported": ["openid", "profile", "egovNRN"],
        "claims_supported": [
            "iss",
            "aud",
            "sub",
            "iat",
            "exp",
            "auth_time",
            "nonce",
            "acr",
            "egovNRN",
            "givenName",
            "surname",
            "prefLanguage",
        ],
    }

    async def configuration(request: Request) -> Response:
        return JSONResponse(config)

    async def keys(request: Request) -> Response:
        return JSONResponse(jwks([signing]), headers={"Cache-Control": "max-age=300"})

    def authenticate(request: Request, form: Mapping[str, str]) -> ClientRegistration | None:
        credentials = basic_credentials(request)
        if credentials is None or "client_secret" in form:
            return None
        client = flow.clients.get(credentials[0])
        if client is None or client.client_secret is None:
            return None
        if not secrets_equal(credentials[1], client.client_secret):
            return None
        return client

    def id_token(issued: IssuedCode, now: int) -> str:
        party = world.parties[issued.party_id]
        claims: dict[str, Any] = {
            "iss": issuer,
            "aud": issued.client_id,
            "sub": opaque_subject(subjects, party.id),
            "iat": now,
            "exp": now + ID_TOKEN_TTL_S,
            "auth_time": issued.auth_time,
            "nonce": issued.nonce,
            "acr": LEVEL_500,
            "egovNRN": nrn_digits(party),
            "givenName": party.first_name,
            "surname": party.last_name,
            "prefLanguage": party.language.value,
        }
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
        client = authenticate(request, form)
        if client is None or form.get("client_id", client.client_id) != client.client_id:
            return oauth_error(
                "invalid_client", "client_secret_basic authentication failed", 401, CHALLENGE
            )
        issued = flow.redeem(form, client.client_id)
        if isinstance(issued, Response):
            return issued
        return token_response(secrets.token_urlsafe(32), id_token(issued, int(clock())))

    return Starlette(
        routes=[
            Route("/.well-known/openid-configuration", configuration, methods=["GET"]),
            Route("/jwks", keys, methods=["GET"]),
            *flow.routes(),
            Route("/token", token, methods=["POST"]),
            registration_route(flow.clients, _registration),
        ]
    )
