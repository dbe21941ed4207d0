"""Browser defences around the app: CSRF for cookie sessions and the CORS allowlist.

A request is cookie-authenticated when it carries the session cookie and no bearer. Such a
request with an unsafe method (POST, PUT, PATCH, DELETE, including POST /graphql) must carry
the custom header `settings.csrf_header` with any non-empty value: a cross-site page cannot
add a custom header without a CORS preflight, which only the allowlisted origins pass.
Bearer requests are not affected: a browser never adds an Authorization header by itself.
"""

from __future__ import annotations

import json

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from bff.auth.routes import NO_STORE, SESSION_COOKIE
from bff.settings import Settings

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_GRAPHIQL_HEADERS = "const defaultHeaders = {};"


def bearer(connection: HTTPConnection) -> str:
    scheme, _, value = connection.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def cookie_authenticated(connection: HTTPConnection) -> bool:
    return not bearer(connection) and bool(connection.cookies.get(SESSION_COOKIE))


class CsrfMiddleware:
    """403 for a cookie-authenticated unsafe request without the custom header."""

    def __init__(self, app: ASGIApp, header: str) -> None:
        self.app = app
        self.header = header

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in UNSAFE_METHODS:
            connection = HTTPConnection(scope)
            if cookie_authenticated(connection) and not connection.headers.get(self.header):
                body = {
                    "error": "csrf_header_missing",
                    "message": f"Requests with the session cookie need the {self.header} header.",
                }
                response = JSONResponse(body, status_code=403, headers=NO_STORE)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def browser_middleware(settings: Settings) -> list[Middleware]:
    """CORS (outermost, so refusals carry CORS headers too), then CSRF. With no allowed
    origins there is no CORS middleware: browsers then refuse every cross-origin call."""
    stack: list[Middleware] = []
    if settings.cors_allowed_origins:
        stack.append(
            Middleware(
                CORSMiddleware,
                allow_origins=settings.cors_allowed_origins,
                allow_credentials=True,
                allow_methods=["GET", "POST", "DELETE"],
                allow_headers=["authorization", "content-type", settings.csrf_header],
                max_age=600,
            )
        )
    stack.append(Middleware(CsrfMiddleware, header=settings.csrf_header))
    return stack


def graphiql_html(html: str, header: str) -> str:
    """Strawberry's GraphiQL page, sending the CSRF header with every operation, so it works
    with the cookie session."""
    if _GRAPHIQL_HEADERS not in html:
        raise ValueError("GraphiQL page without the expected default headers")
    headers = f"const defaultHeaders = {json.dumps({header: '1'})};"
    return html.replace(_GRAPHIQL_HEADERS, headers, 1)
