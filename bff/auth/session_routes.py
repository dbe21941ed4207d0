"""The signed-in person's own sessions (the app mounts the list `session_routes` gives).

    GET    /auth/sessions            the caller's sessions, the current one marked
    DELETE /auth/sessions/{handle}   revoke one of them; a foreign or unknown handle is 404
    POST   /auth/logout              revoke the current session, clear the cookie
    POST   /auth/logout-all          revoke all the caller's sessions, clear the cookie

Callers authenticate as for /graphql: the session bearer or the session cookie (the latter
with the CSRF header on POST and DELETE, see `bff.auth.csrf`). A broker token has no session
here and gets 401.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bff.auth.csrf import bearer
from bff.auth.routes import NO_STORE, SESSION_COOKIE
from bff.auth.sessions import Session, SessionStore


def _time(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds")


def describe(session: Session, current: Session) -> dict[str, Any]:
    return {
        "handle": session.handle,
        "created": _time(session.created),
        "last_seen": _time(session.last_seen),
        "profile": session.principal.profile.value,
        "method": session.principal.method.value,
        "assurance": session.principal.assurance.value,
        "device_id": session.device_id,
        "current": session.handle == current.handle,
    }


def _unauthenticated() -> Response:
    body = {"error": "unauthenticated", "message": "Sign in first."}
    headers = NO_STORE | {"WWW-Authenticate": "Bearer"}
    return JSONResponse(body, status_code=401, headers=headers)


def clear_session_cookie(response: Response) -> None:
    """Expire the session cookie; the attributes are those it was set with."""
    response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="strict")


class SessionEndpoints:
    def __init__(self, store: SessionStore) -> None:
        self.store = store

    async def current(self, request: Request) -> Session | None:
        secret = bearer(request) or request.cookies.get(SESSION_COOKIE, "")
        return await self.store.get(secret) if secret else None

    async def list_sessions(self, request: Request) -> Response:
        current = await self.current(request)
        if current is None:
            return _unauthenticated()
        found = await self.store.sessions_of(current.owner)
        body = {"sessions": [describe(session, current) for session in found]}
        return JSONResponse(body, headers=NO_STORE)

    async def revoke_one(self, request: Request) -> Response:
        current = await self.current(request)
        if current is None:
            return _unauthenticated()
        handle = request.path_params["handle"]
        own = {session.handle for session in await self.store.sessions_of(current.owner)}
        if handle not in own:
            body = {"error": "not_found", "message": "No such session."}
            return JSONResponse(body, status_code=404, headers=NO_STORE)
        await self.store.revoke(handle)
        response = Response(status_code=204, headers=NO_STORE)
        if handle == current.handle and SESSION_COOKIE in request.cookies:
            clear_session_cookie(response)
        return response

    async def logout(self, request: Request) -> Response:
        current = await self.current(request)
        if current is None:
            return _unauthenticated()
        await self.store.revoke(current.handle)
        response = Response(status_code=204, headers=NO_STORE)
        if SESSION_COOKIE in request.cookies:
            clear_session_cookie(response)
        return response

    async def logout_all(self, request: Request) -> Response:
        current = await self.current(request)
        if current is None:
            return _unauthenticated()
        revoked = await self.store.revoke_all(current.owner)
        response = JSONResponse({"revoked": revoked}, headers=NO_STORE)
        if SESSION_COOKIE in request.cookies:
            clear_session_cookie(response)
        return response


def session_routes(store: SessionStore) -> list[Route]:
    endpoints = SessionEndpoints(store)
    return [
        Route("/auth/sessions", endpoints.list_sessions, methods=["GET"]),
        Route("/auth/sessions/{handle}", endpoints.revoke_one, methods=["DELETE"]),
        Route("/auth/logout", endpoints.logout, methods=["POST"]),
        Route("/auth/logout-all", endpoints.logout_all, methods=["POST"]),
    ]
