"""The Starlette application: GraphQL, auth, health, and the long-lived clients."""

from __future__ import annotations

import contextlib
import functools
import logging
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from bff.adapters.brokers import BrokersAdapter
from bff.adapters.crm import CrmAdapter
from bff.adapters.documents import DocumentsAdapter
from bff.adapters.life import LifeAdapter
from bff.adapters.nonlife import NonLifeAdapter
from bff.adapters.policy import PolicyAdapter
from bff.auth.broker_tokens import BrokerTokenValidator
from bff.auth.csrf import browser_middleware, graphiql_html
from bff.auth.errors import AuthError
from bff.auth.flows import MemoryFlowStore
from bff.auth.keys import load_key_set
from bff.auth.login import SessionOpener
from bff.auth.principal import Assurance, AuthMethod, Principal, PrincipalKind, Profile
from bff.auth.redis_sessions import RedisSessionStore, connect_redis
from bff.auth.resilient_sessions import ResilientSessionStore
from bff.auth.routes import SESSION_COOKIE, auth_routes, error_response
from bff.auth.session_crypto import load_session_cipher
from bff.auth.session_routes import session_routes
from bff.auth.sessions import MemorySessionStore, SessionStore
from bff.auth.sms_routes import sms_routes, sms_stores
from bff.cache import Cache, build_cache
from bff.cache.redis_store import AnyRedis, connect_cache_redis
from bff.cache.stale import current_stale_report, stale_scope
from bff.context import Context
from bff.domain.profiles import FrontendProfile, load_profiles
from bff.health import probe_all, readiness_targets
from bff.resilience import Resilience
from bff.resilience.deadline import deadline_scope
from bff.schema import schema
from bff.services import Backends
from bff.settings import BACKENDS, Settings

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """The long-lived parts of one app; handlers reach it as `request.app.state.runtime`."""

    settings: Settings
    clients: dict[str, httpx.AsyncClient]  # one pooled client per back-office system
    identity_http: httpx.AsyncClient  # to the identity providers
    backends: Backends
    sessions: SessionStore
    broker_tokens: BrokerTokenValidator
    profiles: dict[str, FrontendProfile]
    resilience: Resilience  # per system: breaker, retry budget, outcome counters
    redis: AnyRedis | None = None  # when REDIS_URL is set: sessions live there
    cache: Cache | None = None  # read-through, in front of the loaders (bff/cache)
    cache_redis: AnyRedis | None = None  # the cache's own client: shorter timeouts

    async def aclose(self) -> None:
        if self.cache is not None:
            await self.cache.aclose()
        for client in (*self.clients.values(), self.identity_http):
            await client.aclose()
        for redis in (self.redis, self.cache_redis):
            if redis is not None:
                await redis.aclose()


@functools.cache
def _tls() -> ssl.SSLContext:
    """One verifying TLS context for all clients: loading the CA store takes ~70 ms a time."""
    return ssl.create_default_context()


def backend_clients(settings: Settings) -> dict[str, httpx.AsyncClient]:
    timeout = httpx.Timeout(settings.backend_timeout_s, connect=settings.backend_connect_timeout_s)
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)
    return {
        name: httpx.AsyncClient(
            base_url=settings.backend_url(name), timeout=timeout, limits=limits, verify=_tls()
        )
        for name in BACKENDS
    }


def _bearer(request: Request | WebSocket) -> str:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


async def authenticate(request: Request | WebSocket, runtime: Runtime) -> Principal | None:
    """The caller's principal, or None. A JWT bearer is a broker token; any other bearer, or
    the session cookie, names a server-side session."""
    secret = _bearer(request) or request.cookies.get(SESSION_COOKIE, "")
    if not secret:
        return None
    if secret.count(".") == 2:
        try:
            claims = await runtime.broker_tokens.validate(secret)
        except AuthError as exc:
            log.info("broker token refused: %s", exc.reason)
            return None
        return Principal(
            kind=PrincipalKind.BROKER,
            subject=claims.fsma,
            profile=Profile.BROKER,
            method=AuthMethod.CLIENT_CREDENTIALS,
            assurance=Assurance.HIGH,
            auth_time=datetime.now(UTC),
        )
    session = await runtime.sessions.get(secret)
    return session.principal if session else None


class GraphQLApp(GraphQL[Context, None]):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        runtime: Runtime = scope["app"].state.runtime
        # every backend call this operation makes shares one deadline (bff/resilience);
        # data served stale from the cache is reported in the response (bff/cache)
        with deadline_scope(runtime.settings.request_deadline_s), stale_scope():
            await super().__call__(scope, receive, send)

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        response = await super().process_result(request, result)
        stale = current_stale_report()
        if stale:
            extensions = dict(response.get("extensions") or {})
            extensions["stale"] = stale.extension()
            response["extensions"] = extensions
        return response

    async def render_graphql_ide(self, request: Request) -> Response:
        runtime: Runtime = request.app.state.runtime
        return HTMLResponse(graphiql_html(self.graphql_ide_html, runtime.settings.csrf_header))

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        runtime: Runtime = request.app.state.runtime
        assert isinstance(request, Request) and isinstance(response, Response)
        return Context(
            request=request,
            response=response,
            principal=await authenticate(request, runtime),
            backends=runtime.backends,
            profiles=runtime.profiles,
            cache=runtime.cache,
        )


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    failures = await probe_all(
        readiness_targets(runtime.settings, runtime.clients, runtime.identity_http)
    )
    body = {
        "status": "ok" if not failures else "unavailable",
        "failing": sorted(failures),
        "systems": runtime.resilience.snapshot(),  # outcomes and breaker state per system
        "cache": runtime.cache.snapshot() if runtime.cache is not None else None,
    }
    return JSONResponse(body, status_code=200 if not failures else 503)


async def auth_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AuthError)
    level = logging.INFO if exc.status < 500 else logging.WARNING
    log.log(level, "%s %s refused: %s (%s)", request.method, request.url.path, exc.code, exc.reason)
    return error_response(exc)


def create_app(settings: Settings) -> Starlette:
    clients = backend_clients(settings)
    resilience = Resilience.from_settings(settings)
    resilience.attach(clients)
    identity_http = httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=3.0), verify=_tls())
    backends = Backends(
        policy=PolicyAdapter(clients["policy"]),
        life=LifeAdapter(clients["life"]),
        nonlife=NonLifeAdapter(clients["nonlife"]),
        documents=DocumentsAdapter(clients["documents"]),
        brokers=BrokersAdapter(clients["brokers"]),
        crm=CrmAdapter(clients["crm"]),
    )
    ttl_s, idle_s = settings.session_ttl_s, settings.session_idle_s
    session_cipher = load_session_cipher(settings)
    redis = (
        connect_redis(settings.redis_url, cluster=settings.redis_cluster)
        if settings.redis_url
        else None
    )
    cache_redis = (
        connect_cache_redis(
            settings.redis_url,
            cluster=settings.redis_cluster,
            timeout_s=settings.cache_redis_timeout_s,
        )
        if settings.redis_url and settings.cache_enabled
        else None
    )
    sessions: SessionStore = (
        ResilientSessionStore(
            RedisSessionStore(redis, ttl_s, idle_s, session_cipher),
            idle_s,
            settings.session_outage_grace_s,
        )
        if redis is not None
        else MemorySessionStore(ttl_s, idle_s)
    )
    runtime = Runtime(
        settings=settings,
        clients=clients,
        identity_http=identity_http,
        backends=backends,
        sessions=sessions,
        broker_tokens=BrokerTokenValidator.from_settings(settings, identity_http),
        profiles=load_profiles(),
        resilience=resilience,
        redis=redis,
        cache=build_cache(settings, cache_redis),
        cache_redis=cache_redis,
    )
    opener = SessionOpener(backends.crm, sessions, settings.session_ttl_s)
    keys = load_key_set(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await runtime.aclose()

    ide: Literal["graphiql"] | None = "graphiql" if settings.environment != "production" else None
    routes = [
        # POST only for operations (CSRF applies); GET serves GraphiQL, never an operation
        Route(
            "/graphql",
            GraphQLApp(schema, graphql_ide=ide, allow_queries_via_get=False),
            methods=["GET", "POST"],
        ),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        *auth_routes(settings, keys, MemoryFlowStore(), opener, identity_http),
        *sms_routes(backends.crm, opener, **sms_stores(redis, session_cipher)),
        *session_routes(sessions),
    ]
    app = Starlette(
        routes=routes,
        middleware=browser_middleware(settings),
        lifespan=lifespan,
        exception_handlers={AuthError: auth_error},  # e.g. the session store is unreachable
    )
    app.state.runtime = runtime
    return app
