"""Server-side sessions in Redis, for `bff serve` and `bff demo` when REDIS_URL is set.

The record is keyed by the SHA-256 of the secret (the secret itself is never stored) and
holds a compact JSON record, sealed with AES-GCM to its key (`bff.auth.session_crypto`): a
dump of Redis shows neither the party id nor the device id. Its Redis TTL is the shorter of
the remaining absolute lifetime and the idle timeout, refreshed on every read, so Redis drops
a session as soon as either expires; the store checks both against its own clock too. A
second key maps the public handle to the digest, for revoking.

Two kinds of sets index the handles, by owner and by device (see `bff.auth.sessions` for
the device binding they serve); their keys are named by keyed digests (HMAC) of the owner
and of the device id, never by the values themselves. Each set lives the absolute session
lifetime from its last addition, which outlives every member; members whose session has
gone are removed when met. A record that does not open (sealed by an unknown key, or
tampered with) counts as no session.
"""

from __future__ import annotations

import json
import logging
import math
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff

from bff.auth.principal import Assurance, AuthMethod, Principal, PrincipalKind, Profile
from bff.auth.session_crypto import SealError, SessionCipher
from bff.auth.sessions import Session, _digest, ended_by, is_live, new_session

log = logging.getLogger(__name__)

# Records written before they were sealed do not open and so count as no session; the
# owner and device indexes they were in had other names and simply expire.
SESSION_PREFIX = "bff:v1:session:"
HANDLE_PREFIX = "bff:v1:session-handle:"
OWNER_PREFIX = "bff:v1:session-owner:"
DEVICE_PREFIX = "bff:v1:session-device:"

# A Redis that does not answer must fail a call fast (the sessions then come from the
# in-process copy of `bff.auth.resilient_sessions`), not after redis-py's default ten retries.
REDIS_TIMEOUT_S = 1.0
REDIS_RETRIES = 1


def connect_redis(url: str) -> Redis:
    """The app's Redis client: short timeouts, one quick retry."""
    return Redis.from_url(
        url,
        socket_timeout=REDIS_TIMEOUT_S,
        socket_connect_timeout=REDIS_TIMEOUT_S,
        retry=Retry(ExponentialBackoff(cap=0.05, base=0.01), REDIS_RETRIES),
    )


def _encode(session: Session) -> bytes:
    p = session.principal
    record = {
        "handle": session.handle,
        "kind": p.kind.value,
        "subject": p.subject,
        "profile": p.profile.value,
        "method": p.method.value,
        "assurance": p.assurance.value,
        "auth_time": p.auth_time.isoformat(),
        "identity": p.identity,
        "device_id": session.device_id,
        "created": session.created,
        "last_seen": session.last_seen,
        "expires": session.expires,
    }
    return json.dumps(record, separators=(",", ":")).encode()


def _decode(raw: bytes) -> Session:
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
        identity=str(r.get("identity", "")),
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
        cipher: SessionCipher,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.redis = redis
        self.ttl_s = ttl_s
        self.idle_s = idle_s
        self.cipher = cipher
        self.clock = clock

    def _ttl_ms(self, session: Session, now: float) -> int:
        remaining = min(session.expires - now, self.idle_s)
        return max(1, math.ceil(remaining * 1000))

    def _seal(self, session: Session, key: str) -> str:
        return self.cipher.seal(_encode(session), key)

    def _open(self, raw: str | bytes, key: str) -> Session | None:
        try:
            return _decode(self.cipher.open(raw, key))
        except SealError as exc:
            log.warning("session record refused: %s", exc)
            return None

    def owner_keys(self, owner: str) -> list[str]:
        """The owner's index keys: the current one first, then those of retired keys."""
        return [OWNER_PREFIX + d for d in self.cipher.index_digests("owner", owner)]

    def device_keys(self, device_id: str) -> list[str]:
        return [DEVICE_PREFIX + d for d in self.cipher.index_digests("device", device_id)]

    async def create(self, principal: Principal, device_id: str | None) -> tuple[str, Session]:
        secret = secrets.token_urlsafe(32)
        now = self.clock()
        session = new_session(principal, device_id, now, self.ttl_s)
        if device_id is not None:
            others: dict[str, Session] = {}
            for key in (*self.device_keys(device_id), *self.owner_keys(session.owner)):
                for other in await self._load_all(key, await self.redis.smembers(key)):
                    others[other.handle] = other
            for other in others.values():
                if ended_by(session, other):
                    await self._delete(other)
        digest = _digest(secret)
        key = SESSION_PREFIX + digest
        ttl_ms = self._ttl_ms(session, now)
        index_ms = self.ttl_s * 1000
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(key, self._seal(session, key), px=ttl_ms)
            pipe.set(HANDLE_PREFIX + session.handle, digest, px=ttl_ms)
            for index_key in self._index_keys(session, current_only=True):
                pipe.sadd(index_key, session.handle)
                pipe.pexpire(index_key, index_ms)
            await pipe.execute()
        return secret, session

    async def get(self, secret: str) -> Session | None:
        digest = _digest(secret)
        key = SESSION_PREFIX + digest
        raw = await self.redis.get(key)
        if raw is None:
            return None
        session = self._open(raw, key)
        if session is None:
            return None
        now = self.clock()
        if not is_live(session, now, self.idle_s):
            await self._delete(session)
            return None
        session = replace(session, last_seen=now)
        ttl_ms = self._ttl_ms(session, now)
        async with self.redis.pipeline(transaction=True) as pipe:
            # xx: a session revoked since the read above stays revoked
            pipe.set(key, self._seal(session, key), px=ttl_ms, xx=True)
            pipe.pexpire(HANDLE_PREFIX + session.handle, ttl_ms)
            stored, _ = await pipe.execute()
        return session if stored else None

    async def revoke(self, handle: str) -> None:
        handle_key = HANDLE_PREFIX + handle
        digest = await self.redis.get(handle_key)
        if digest is None:
            return
        key = SESSION_PREFIX + _text(digest)
        raw = await self.redis.get(key)
        session = None if raw is None else self._open(raw, key)
        if session is None:  # gone, or unreadable: its keys go; stale index members later
            await self.redis.delete(key, handle_key)
            return
        await self._delete(session)

    async def sessions_of(self, owner: str) -> list[Session]:
        found: dict[str, Session] = {}
        for key in self.owner_keys(owner):
            for session in await self._load_all(key, await self.redis.smembers(key)):
                found[session.handle] = session
        return sorted(found.values(), key=lambda s: (-s.last_seen, s.handle))

    async def revoke_all(self, owner: str) -> int:
        found = await self.sessions_of(owner)
        for session in found:
            await self._delete(session)
        return len(found)

    def _index_keys(self, session: Session, current_only: bool = False) -> list[str]:
        """The index keys the session may be a member of: those named under the current
        encryption key (where it is added), or those under every key (where it is removed)."""
        keys = self.owner_keys(session.owner)[: 1 if current_only else None]
        if session.device_id is not None:
            keys += self.device_keys(session.device_id)[: 1 if current_only else None]
        return keys

    async def _load_all(self, index_key: str, handles: Iterable[str | bytes]) -> list[Session]:
        """The live sessions of `handles`; members found gone are dropped from `index_key`."""
        now = self.clock()
        found: list[Session] = []
        for member in handles:
            handle = _text(member)
            digest = await self.redis.get(HANDLE_PREFIX + handle)
            key = "" if digest is None else SESSION_PREFIX + _text(digest)
            raw = None if digest is None else await self.redis.get(key)
            if raw is None:
                await self.redis.srem(index_key, handle)
                continue
            session = self._open(raw, key)
            if session is None:
                continue  # perhaps sealed by a newer key of another instance: left alone
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
