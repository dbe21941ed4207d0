"""The brokers' token issuer: OAuth 2.0 client credentials for broker software, answering
with RFC 9068 JWT access tokens that carry the broker's FSMA number.

The clients are the world's brokers (their client_id and SANDBOX ONLY client_secret). The
issuer publishes two signing keys, the current one and the next one, so relying parties can
be tested on key rotation: POST /_sandbox/rotate makes the next key current and publishes a
fresh next key (the retired one leaves the JWKS).
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Mapping

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.idp.keys import SigningKey, generate_signing_key, jwks
from sandbox.idp.oidc_common import (
    NO_STORE,
    Clock,
    FormError,
    basic_credentials,
    fault_response,
    oauth_error,
    read_form,
    secrets_equal,
)
from sandbox.systems import SystemContext
from sandbox.world import Broker

ACCESS_TOKEN_TTL_S = 900
DEFAULT_SCOPE = "portfolio:read"
DEFAULT_AUDIENCE = "insurance-bff-broker-api"
CHALLENGE = {"WWW-Authenticate": 'Basic realm="broker-idp", charset="UTF-8"'}
_SCOPE_TOKEN = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]+")  # RFC 6749 section 3.3


def render_error(status: int, message: str) -> Response:
    return fault_response(status, message)


class RotatingKeys:
    """The current signing key and the next one, both published."""

    def __init__(self) -> None:
        self.current: SigningKey = generate_signing_key()
        self.next: SigningKey = generate_signing_key()

    def rotate(self) -> None:
        self.current, self.next = self.next, generate_signing_key()


class ClientAuthError(Exception):
    pass


def _client_credentials(request: Request, form: Mapping[str, str]) -> tuple[str, str, bool]:
    """(client_id, secret, used HTTP Basic); exactly one method is allowed (RFC 6749 2.3)."""
    basic = basic_credentials(request)
    posted = "client_secret" in form
    if basic is not None and posted:
        raise ClientAuthError("use one client authentication method, not two")
    if basic is not None:
        return basic[0], basic[1], True
    if posted and form.get("client_id"):
        return form["client_id"], form["client_secret"], False
    raise ClientAuthError("client authentication required")


def create_app(ctx: SystemContext, *, clock: Clock = time.time) -> Starlette:
    issuer = ctx.base_url.rstrip("/")
    world = ctx.world
    keys = RotatingKeys()
    config = {
        "issuer": issuer,
        "token_endpoint": f"{issuer}/token",
        "jwks_uri": f"{issuer}/jwks",
        "grant_types_supported": ["client_credentials"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "scopes_supported": [DEFAULT_SCOPE],
    }

    def broker_for(client_id: str, secret: str) -> Broker | None:
        for broker in world.brokers.values():
            if broker.client_id == client_id:
                return broker if secrets_equal(secret, broker.client_secret) else None
        return None

    async def configuration(request: Request) -> Response:
        return JSONResponse(config)

    async def published(request: Request) -> Response:
        return JSONResponse(
            jwks([keys.current, keys.next]), headers={"Cache-Control": "max-age=60"}
        )

    async def token(request: Request) -> Response:
        try:
            form = await read_form(request)
        except FormError as exc:
            return oauth_error("invalid_request", str(exc))
        try:
            client_id, secret, used_basic = _client_credentials(request, form)
        except ClientAuthError as exc:
            return oauth_error("invalid_client", str(exc), 401, CHALLENGE)
        if used_basic and form.get("client_id", client_id) != client_id:
            return oauth_error("invalid_client", "client_id differs from the credentials", 401)
        broker = broker_for(client_id, secret)
        if broker is None:
            headers = CHALLENGE if used_basic else None
            return oauth_error("invalid_client", "unknown client or wrong secret", 401, headers)
        grant_type = form.get("grant_type")
        if not grant_type:
            return oauth_error("invalid_request", "grant_type is required")
        if grant_type != "client_credentials":
            return oauth_error("unsupported_grant_type", "only client_credentials is supported")
        scope = form.get("scope") or DEFAULT_SCOPE
        if not all(_SCOPE_TOKEN.fullmatch(part) for part in scope.split(" ")):
            return oauth_error("invalid_scope", "scope must be space-separated scope tokens")
        audience = form.get("audience") or DEFAULT_AUDIENCE
        now = int(clock())
        claims = {
            "iss": issuer,
            "sub": broker.client_id,
            "client_id": broker.client_id,
            "aud": audience,
            "iat": now,
            "nbf": now,
            "exp": now + ACCESS_TOKEN_TTL_S,
            "jti": secrets.token_urlsafe(18),
            "scope": scope,
            "fsma": broker.fsma,
        }
        return JSONResponse(
            {
                "access_token": keys.current.sign(claims, typ="at+jwt"),
                "token_type": "Bearer",
                "expires_in": ACCESS_TOKEN_TTL_S,
                "scope": scope,
            },
            headers=NO_STORE,
        )

    async def rotate(request: Request) -> Response:
        keys.rotate()
        return JSONResponse({"current": keys.current.kid, "next": keys.next.kid})

    return Starlette(
        routes=[
            Route("/.well-known/openid-configuration", configuration, methods=["GET"]),
            Route("/jwks", published, methods=["GET"]),
            Route("/token", token, methods=["POST"]),
            Route("/_sandbox/rotate", rotate, methods=["POST"]),
        ]
    )
