"""The Starlette application: GraphQL, health, and the long-lived clients of the lifespan."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from bff.adapters.crm import CrmAdapter
from bff.adapters.policy import PolicyAdapter
from bff.auth.principal import Principal
from bff.auth.sessions import MemorySessionStore, SessionStore
from bff.context import Context
from bff.health import probe_backends
from bff.schema import schema
from bff.services import Backends
from bff.settings import BACKENDS, Settings

SESSION_COOKIE = "__Host-bff_session"


@dataclass
class Runtime:
    """What the lifespan builds; handlers reach it through `request.app.state.runtime`."""

    settings: Settings
    clients: dict[str, httpx.AsyncClient]
    backends: Backends
    sessions: SessionStore


def backend_clients(settings: Settings) -> dict[str, httpx.AsyncClient]:
    timeout = httpx.Timeout(settings.backend_timeout_s, connect=settings.backend_connect_timeout_s)
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)
    return {
        name: httpx.AsyncClient(base_url=settings.backend_url(name), timeout=timeout, limits=limits)
        for name in BACKENDS
    }


async def authenticate(request: Request | WebSocket, runtime: Runtime) -> Principal | None:
    secret = ""
    authorization = request.headers.get("authorization", "")
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() == "bearer" and value:
        secret = value.strip()
    elif SESSION_COOKIE in request.cookies:
        secret = request.cookies[SESSION_COOKIE]
    if not secret:
        return None
    session = await runtime.sessions.get(secret)
    return session.principal if session else None


class GraphQLApp(GraphQL[Context, None]):
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
        )


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    failures = await probe_backends(runtime.clients)
    body = {"status": "ready" if not failures else "unavailable", "failing": sorted(failures)}
    return JSONResponse(body, status_code=200 if not failures else 503)


def create_app(settings: Settings) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        clients = backend_clients(settings)
        app.state.runtime = Runtime(
            settings=settings,
            clients=clients,
            backends=Backends(
                crm=CrmAdapter(clients["crm"]), policy=PolicyAdapter(clients["policy"])
            ),
            sessions=MemorySessionStore(settings.session_ttl_s, settings.session_idle_s),
        )
        try:
            yield
        finally:
            for client in clients.values():
                await client.aclose()

    graphql = GraphQLApp(
        schema, graphql_ide="graphiql" if settings.environment != "production" else None
    )
    routes = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
    ]
    return Starlette(routes=routes, lifespan=lifespan)
