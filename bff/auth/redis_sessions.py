"""Server-side sessions in Redis, for `bff serve` and `bff demo` when REDIS_URL is set.

The record is keyed by the SHA-256 of the secret (the secret itself is never stored) and
holds a compact JSON record. Its Redis TTL is the shorter of the remaining absolute lifetime
and the idle timeout, refreshed on every read, so Redis drops a session as soon as either
expires; the store checks both against its own clock too. A second key maps the public
handle to the digest, for revoking.
"""

from __future__ import annotations

import json
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from redis.asyncio import Redis

from bff.auth.principal import Assurance, AuthMethod, Principal, PrincipalKind, Profile
from bff.auth.sessions import Session, _digest

SESSION_PREFIX = "bff:v1:session:"
HANDLE_PREFIX = "bff:v1:session-handle:"


def _encode(session: Session) -> str:
    p = session.principal
    record = {
        "handle": session.handle,
        "kind": p.kind.value,
        "subject": p.subject,
        "profile": p.profile.value,
        "method": p.method.value,
        "assurance": p.assurance.value,
        "auth_time": p.auth_time.isoformat(),
        "device_id": session.device_id,
        "created": session.created,
        "last_seen": session.last_seen,
        "expires": session.expires,
    }
    return json.dumps(record, separators=(",", ":"))


def _decode(raw: str | bytes) -> Session:
    r = json.loads(raw)
    handle = str(r["handle"])
    principal = Principal(
        kind=PrincipalKind(r["kind"]),
        subject=str(r["subject"]),
        profile=Profile(r["profile"]),
        method=AuthMethod(r["method"]),
        assurance=Assurance(r["assurance"]),
        auth_time=datetime.fromisoformat(r["auth_time"]),
        session_id=handle,
    )
    device_id = r["device_id"]
    return Session(
        handle=handle,
        principal=principal,
        device_id=None if device_id is None else str(device_id),
        created=float(r["created"]),
        last_seen=float(r["last_seen"]),
        expires=float(r["expires"]),
    )


class RedisSessionStore:
    """A `SessionStore` over a `redis.asyncio.Redis` that the caller owns and closes."""

    def __init__(
        self,
        redis: Redis,
        ttl_s: int,
        idle_s: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.redis = redis
        self.ttl_s = ttl_s
        self.idle_s = idle_s
        self.clock = clock

    def _ttl_ms(self, session: Session, now: float) -> int:
        remaining = min(session.expires - now, self.idle_s)
        return max(1, math.ceil(remaining * 1000))

    async def create(self, principal: Principal, device_id: str | None) -> tuple[str, Session]:
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
        digest = _digest(secret)
        ttl_ms = self._ttl_ms(session, now)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(SESSION_PREFIX + digest, _encode(session), px=ttl_ms)
            pipe.set(HANDLE_PREFIX + handle, digest, px=ttl_ms)
            await pipe.execute()
        return secret, session

    async def get(self, secret: str) -> Session | None:
        digest = _digest(secret)
        key = SESSION_PREFIX + digest
        raw = await self.redis.get(key)
        if raw is None:
            return None
        session = _decode(raw)
        now = self.clock()
        if now >= session.expires or now - session.last_seen >= self.idle_s:
            await self.redis.delete(key, HANDLE_PREFIX + session.handle)
            return None
        session = replace(session, last_seen=now)
        ttl_ms = self._ttl_ms(session, now)
        async with self.redis.pipeline(transaction=True) as pipe:
            # xx: a session revoked since the read above stays revoked
            pipe.set(key, _encode(session), px=ttl_ms, xx=True)
            pipe.pexpire(HANDLE_PREFIX + session.handle, ttl_ms)
            stored, _ = await pipe.execute()
        return session if stored else None

    async def revoke(self, handle: str) -> None:
        handle_key = HANDLE_PREFIX + handle
        digest = await self.redis.get(handle_key)
        if digest is None:
            return
        if isinstance(digest, bytes):
            digest = digest.decode()
        await self.redis.delete(SESSION_PREFIX + digest, handle_key)
