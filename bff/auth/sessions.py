"""Server-side sessions: the browser holds a cookie, the app a bearer; both are opaque secrets.

Only a SHA-256 of the secret is stored, so the store (or a dump of it) cannot be replayed.
Sessions expire after an absolute lifetime and after an idle period.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol

from bff.auth.principal import Principal


@dataclass(frozen=True)
class Session:
    handle: str  # public id, for listing and revoking; not a credential
    principal: Principal
    device_id: str | None
    created: float
    last_seen: float
    expires: float  # absolute expiry


class SessionStore(Protocol):
    async def create(self, principal: Principal, device_id: str | None) -> tuple[str, Session]: ...

    async def get(self, secret: str) -> Session | None: ...

    async def revoke(self, handle: str) -> None: ...


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class MemorySessionStore:
    """Sessions in this process: the demo's and the tests' store."""

    def __init__(self, ttl_s: int, idle_s: int, clock: Callable[[], float] = time.time) -> None:
        self.ttl_s = ttl_s
        self.idle_s = idle_s
        self.clock = clock
        self._by_digest: dict[str, Session] = {}

    async def create(self, principal: Principal, device_id: str | None) -> tuple[str, Session]:
        self._purge()
        secret = secrets.token_urlsafe(32)
        now = self.clock()
        handle = secrets.token_urlsafe(12)
        session = Session(
            handle=handle,
            principal=replace(principal, session_id=handle),
            device_id=device_id,
            created=now,
            last_seen=now,
            expires=now + self.ttl_s,
        )
        self._by_digest[_digest(secret)] = session
        return secret, session

    async def get(self, secret: str) -> Session | None:
        key = _digest(secret)
        session = self._by_digest.get(key)
        if session is None:
            return None
        now = self.clock()
        if now >= session.expires or now - session.last_seen >= self.idle_s:
            del self._by_digest[key]
            return None
        session = replace(session, last_seen=now)
        self._by_digest[key] = session
        return session

    async def revoke(self, handle: str) -> None:
        for key, session in list(self._by_digest.items()):
            if session.handle == handle:
                del self._by_digest[key]

    def _purge(self) -> None:
        now = self.clock()
        for key, session in list(self._by_digest.items()):
            if now >= session.expires or now - session.last_seen >= self.idle_s:
                del self._by_digest[key]
