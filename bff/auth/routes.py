"""The relying party's HTTP endpoints under /auth/ (the app mounts the list `auth_routes` gives).

    GET  /auth/jwks.json                    our public keys (providers fetch them)
    GET  /auth/providers                    how to log in, for the frontends
    GET  /auth/{provider}/login             web: 302 to the provider, flow-binding cookie set
    GET  /auth/{provider}/callback          web: code -> session cookie, 302 to /graphql
    POST /auth/mobile/{provider}/start      app: {"device_id"} -> {"authorization_url", "state"}
    POST /auth/mobile/{provider}/token      app: {"code", "state", "iss", "device_id"} -> bearer

Errors answer {"error": code, "message": text}; the log gets the reason, never a token.
"""

from __future__ import annotations

import functools
import hmac
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from bff.auth.errors import (
    AuthError,
    FlowError,
    InvalidRequest,
    ProviderRefused,
    ProviderUnavailable,
    UnknownProvider,
)
from bff.auth.exchange import complete_login
from bff.auth.flows import (
    FLOW_TTL_S,
    FlowStore,
    PendingLogin,
    authorization_url,
    binding_matches,
    new_login,
)
from bff.auth.id_tokens import IdentityClaims
from bff.auth.keys import RpKeySet
from bff.auth.principal import Profile
from bff.auth.providers import IdentityProvider, ProviderName, identity_providers
from bff.settings import Settings

log = logging.getLogger(__name__)

SESSION_COOKIE = "__Host-bff_session"
BINDING_COOKIE = "bff_login"
BINDING_PATH = "/auth/"
AFTER_LOGIN = "/graphql"
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
_DEVICE_ID = re.compile(r"[A-Za-z0-9._:\-]{1,200}")
_ERROR_CODE = re.compile(r"[a-z_]{1,40}")

# create_session(claims, profile, device_id) -> (session secret, lifetime in seconds)
CreateSession = Callable[[IdentityClaims, Profile, str | None], Awaitable[tuple[str, int]]]
Handler = Callable[[Request], Awaitable[Response]]


def error_response(error: AuthError) -> JSONResponse:
    body = {"error": error.code, "message": error.public_message}
    return JSONResponse(body, status_code=error.status, headers=NO_STORE)


def guarded(handler: Handler) -> Handler:
    @functools.wraps(handler)
    async def guarded(request: Request) -> Response:
        try:
            return await handler(request)
        except AuthError as exc:
            level = logging.INFO if exc.status < 500 else logging.WARNING
            log.log(
                level,
                "%s %s refused: %s (%s)",
                request.method,
                request.url.path,
                exc.code,
                exc.reason,
            )
            return error_response(exc)

    return guarded


async def json_object(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise InvalidRequest("the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise InvalidRequest("the body must be a JSON object")
    return body


def string_field(body: Mapping[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value or len(value) > 4096:
        raise InvalidRequest(f"{name} is required")
    return value


def device_id_field(body: Mapping[str, Any]) -> str:
    value = body.get("device_id")
    if not isinstance(value, str) or _DEVICE_ID.fullmatch(value) is None:
        raise InvalidRequest("device_id is required (1 to 200 letters, digits, '.', '_', ':', '-')")
    return value


class AuthEndpoints:
    def __init__(
        self,
        settings: Settings,
        keys: RpKeySet,
        flows: FlowStore,
        create_session: CreateSession,
        http: httpx.AsyncClient,
        providers: Mapping[ProviderName, IdentityProvider],
    ) -> None:
        self.settings = settings
        self.origin = settings.origin
        self.keys = keys
        self.flows = flows
        self.create_session = create_session
        self.http = http
        self.providers = providers

    def provider(self, request: Request) -> IdentityProvider:
        name = request.path_params["provider"]
        found = self.providers.get(name)
        if found is None:
            raise UnknownProvider(f"no identity provider {str(name)[:20]!r}")
        return found

    async def jwks(self, request: Request) -> Response:
        return JSONResponse(
            self.keys.public_jwks(), headers={"Cache-Control": "public, max-age=300"}
        )

    async def provider_list(self, request: Request) -> Response:
        body: dict[str, dict[str, str]] = {
            name: {
                "issuer": provider.config.issuer,
                "login": f"/auth/{name}/login",
                "mobile_start": f"/auth/mobile/{name}/start",
            }
            for name, provider in self.providers.items()
        }
        body["broker"] = {
            "issuer": self.settings.broker_issuer,
            "audience": self.settings.broker_audience,
        }
        return JSONResponse(body)

    async def _authorization_url(self, provider: IdentityProvider, flow: PendingLogin) -> str:
        endpoint = (await provider.issuer.metadata()).authorization_endpoint
        if endpoint is None:
            raise ProviderUnavailable(f"{provider.name}: no authorization endpoint")
        return authorization_url(endpoint, provider.config, flow)

    async def _check_iss(self, provider: IdentityProvider, iss: Any) -> None:
        """RFC 9207: the `iss` sent with the code must be the flow's provider (mix-up defence);
        required when the provider announces it sends one."""
        if iss is None:
            if (await provider.issuer.metadata()).iss_parameter_supported:
                raise FlowError("iss is missing from the provider's answer")
            return
        if iss != provider.config.issuer:
            raise FlowError("iss is not the issuer of the login's provider")

    async def _take(self, state: str, provider: IdentityProvider, profile: Profile) -> PendingLogin:
        flow = await self.flows.take(state)
        if flow is None:
            raise FlowError("unknown, used or expired state")
        if flow.provider != provider.name or flow.profile != profile:
            raise FlowError("the state belongs to another kind of login")
        return flow

    async def mobile_start(self, request: Request) -> Response:
        provider = self.provider(request)
        device_id = device_id_field(await json_object(request))
        redirect_uri = f"{self.origin}/auth/mobile/{provider.name}/callback"
        flow, _ = new_login(provider.name, Profile.MOBILE, redirect_uri, device_id=device_id)
        url = await self._authorization_url(provider, flow)
        await self.flows.put(flow)
        return JSONResponse({"authorization_url": url, "state": flow.state}, headers=NO_STORE)

    async def mobile_token(self, request: Request) -> Response:
        provider = self.provider(request)
        body = await json_object(request)
        code, state, device_id = (
            string_field(body, "code"),
            string_field(body, "state"),
            device_id_field(body),
        )
        flow = await self._take(state, provider, Profile.MOBILE)
        await self._check_iss(provider, body.get("iss"))
        if flow.device_id is None or not hmac.compare_digest(flow.device_id, device_id):
            raise FlowError("the device is not the one that started the login")
        claims = await complete_login(
            provider, code, flow.redirect_uri, flow.code_verifier, flow.nonce, self.http
        )
        session, expires_in = await self.create_session(claims, Profile.MOBILE, device_id)
        body = {
            "access_token": session,
            "token_type": "Bearer",
            "expires_in": expires_in,
            "profile": Profile.MOBILE.value,
        }
        return JSONResponse(body, headers=NO_STORE)

    async def web_login(self, request: Request) -> Response:
        provider = self.provider(request)
        redirect_uri = f"{self.origin}/auth/{provider.name}/callback"
        flow, binding = new_login(provider.name, Profile.WEB, redirect_uri)
        assert binding is not None
        url = await self._authorization_url(provider, flow)
        await self.flows.put(flow)
        response = RedirectResponse(url, status_code=302, headers=NO_STORE)
        response.set_cookie(
            BINDING_COOKIE,
            binding,
            max_age=FLOW_TTL_S,
            path=BINDING_PATH,
            secure=self.origin.startswith("https://"),
            httponly=True,
            samesite="lax",
        )
        return response

    async def web_callback(self, request: Request) -> Response:
        provider = self.provider(request)
        params = request.query_params
        state = params.get("state")
        if "error" in params:
            if state:
                await self.flows.take(state)  # the login is over either way
            error = params["error"]
            code = error if _ERROR_CODE.fullmatch(error) else "unspecified"
            raise ProviderRefused(f"the identity provider ended the login ({code})")
        if not state or not params.get("code"):
            raise InvalidRequest("code and state are required")
        flow = await self._take(state, provider, Profile.WEB)
        if not binding_matches(flow, request.cookies.get(BINDING_COOKIE)):
            raise FlowError("the login was not started in this browser")
        await self._check_iss(provider, params.get("iss"))
        claims = await complete_login(
            provider, params["code"], flow.redirect_uri, flow.code_verifier, flow.nonce, self.http
        )
        session, expires_in = await self.create_session(claims, Profile.WEB, None)
        response = RedirectResponse(AFTER_LOGIN, status_code=302, headers=NO_STORE)
        response.set_cookie(
            SESSION_COOKIE,
            session,
            max_age=expires_in,
            path="/",
            secure=True,
            httponly=True,
            samesite="strict",
        )
        response.delete_cookie(
            BINDING_COOKIE,
            path=BINDING_PATH,
            secure=self.origin.startswith("https://"),
            httponly=True,
            samesite="lax",
        )
        return response


def auth_routes(
    settings: Settings,
    keys: RpKeySet,
    flows: FlowStore,
    create_session: CreateSession,
    http: httpx.AsyncClient,
    *,
    providers: Mapping[ProviderName, IdentityProvider] | None = None,
) -> list[Route]:
    """The /auth/ routes. `providers` defaults to those configured in `settings`; their
    discovery documents and keys are cached for the life of the routes."""
    endpoints = AuthEndpoints(
        settings,
        keys,
        flows,
        create_session,
        http,
        providers if providers is not None else identity_providers(settings, keys, http),
    )
    return [
        Route("/auth/jwks.json", guarded(endpoints.jwks), methods=["GET"]),
        Route("/auth/providers", guarded(endpoints.provider_list), methods=["GET"]),
        Route("/auth/mobile/{provider}/start", guarded(endpoints.mobile_start), methods=["POST"]),
        Route("/auth/mobile/{provider}/token", guarded(endpoints.mobile_token), methods=["POST"]),
        Route("/auth/{provider}/login", guarded(endpoints.web_login), methods=["GET"]),
        Route("/auth/{provider}/callback", guarded(endpoints.web_callback), methods=["GET"]),
    ]
