"""Server-side sessions in Redis, for `bff serve` and `bff demo` when REDIS_URL is set.

The record is keyed by the SHA-256 of the secret (the secret itself is never stored) and
holds a compact JSON record. Its Redis TTL is the shorter of the remaining absolute lifetime
and the idle timeout, refreshed on every read, so Redis drops a session as soon as either
expires; the store checks both against its own clock too. A second key maps the public
handle to the digest, for revoking.

Two kinds of sets index the handles, by owner and by device (see `bff.auth.sessions` for
the device binding they serve). Each set lives the absolute session lifetime from its last
addition, which outlives every member; members whose session has gone are removed when met.
"""

from __future__ import annotations

import json
import math
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime

from redis.asyncio import Redis

from bff.auth.principal import Assurance, AuthMethod, Principal, PrincipalKind, Profile
from bff.auth.sessions import Session, _digest, ended_by, is_live, new_session

SESSION_PREFIX = "bff:v1:session:"
HANDLE_PREFIX = "bff:v1:session-handle:"
OWNER_PREFIX = "bff:v1:session-owner:"
DEVICE_PREFIX = "bff:v1:session-device:"


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


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


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
        session = new_session(principal, device_id, now, self.ttl_s)
        if device_id is not None:
            others: dict[str, Session] = {}
            for key in (DEVICE_PREFIX + device_id, OWNER_PREFIX + session.owner):
                for other in await self._load_all(key, await self.redis.smembers(key)):
                    others[other.handle] = other
            for other in others.values():
                if ended_by(session, other):
                    await self._delete(other)
        digest = _digest(secret)
        ttl_ms = self._ttl_ms(session, now)
        index_ms = self.ttl_s * 1000
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(SESSION_PREFIX + digest, _encode(session), px=ttl_ms)
            pipe.set(HANDLE_PREFIX + session.handle, digest, px=ttl_ms)
            for key in self._index_keys(session):
                pipe.sadd(key, session.handle)
                pipe.pexpire(key, index_ms)
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
        if not is_live(session, now, self.idle_s):
            await self._delete(session)
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
        raw = await self.redis.get(SESSION_PREFIX + _text(digest))
        if raw is None:
            await self.redis.delete(handle_key)
            return
        await self._delete(_decode(raw))

    async def sessions_of(self, owner: str) -> list[Session]:
        key = OWNER_PREFIX + owner
        found = await self._load_all(key, await self.redis.smembers(key))
        return sorted(found, key=lambda s: (-s.last_seen, s.handle))

    async def revoke_all(self, owner: str) -> int:
        found = await self.sessions_of(owner)
        for session in found:
            await self._delete(session)
        return len(found)

    def _index_keys(self, session: Session) -> list[str]:
        keys = [OWNER_PREFIX + session.owner]
        if session.device_id is not None:
            keys.append(DEVICE_PREFIX + session.device_id)
        return keys

    async def _load_all(self, index_key: str, handles: Iterable[str | bytes]) -> list[Session]:
        """The live sessions of `handles`; members found gone are dropped from `index_key`."""
        now = self.clock()
        found: list[Session] = []
        for member in handles:
            handle = _text(member)
            digest = await self.redis.get(HANDLE_PREFIX + handle)
            raw = None if digest is None else await self.redis.get(SESSION_PREFIX + _text(digest))
            if raw is None:
                await self.redis.srem(index_key, handle)
                continue
            session = _decode(raw)
            if is_live(session, now, self.idle_s):
                found.append(session)
            else:
                await self._delete(session)
        return found

    async def _delete(self, session: Session) -> None:
        handle_key = HANDLE_PREFIX + session.handle
        digest = await self.redis.get(handle_key)
        async with self.redis.pipeline(transaction=True) as pipe:
            if digest is not None:
                pipe.delete(SESSION_PREFIX + _text(digest))
            pipe.delete(handle_key)
            for key in self._index_keys(session):
                pipe.srem(key, session.handle)
            await pipe.execute()
