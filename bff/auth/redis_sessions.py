"""Server-side sessions in Redis, a single node or a Redis Cluster, for `bff serve` and
`bff demo` when REDIS_URL is set (BFF_REDIS_CLUSTER=true for a cluster).

The record is keyed by the SHA-256 of the secret (the secret itself is never stored) and
holds a compact JSON record, sealed with AES-GCM to its key (`bff.auth.session_crypto`): a
dump of Redis shows neither the party id nor the device id. Its Redis TTL is the shorter of
the remaining absolute lifetime and the idle timeout, refreshed on every read, so Redis drops
a session as soon as either expires; the store checks both against its own clock too. A
second key, with the same TTL, maps the public handle to the digest, for revoking.

Two kinds of sets index the handles, by owner and by device (see `bff.auth.sessions` for
the device binding they serve); their keys are named by keyed digests (HMAC) of the owner
and of the device id, never by the values themselves. Each set lives the absolute session
lifetime from its last addition, which outlives every member. A record that does not open
(sealed by an unknown key, or tampered with) counts as no session.

Cluster: the keys of one session are named by different things (the secret's digest, the
handle, the owner, the device), so no hash tag can put them on one slot, and a Redis Cluster
refuses MULTI/EXEC across slots. The store therefore uses no transaction at all, on a single
node or a cluster alike, and writes in an order whose every prefix is safe
(`in_order`):

- create: the handle key, then the index sets, then the record. The record is what makes a
  session usable, so a usable session is always indexed and revocable; a create that stops
  part-way leaves only a handle key and index members that lead nowhere.
- read: the handle key's TTL is refreshed first, then the record is rewritten only if it
  still exists (SET XX). A session revoked meanwhile stays revoked; a record whose handle
  key has gone is deleted and refused, so a usable session always has its handle key.
- delete: the record first (the session is refused from then on), then the handle key, then
  the index members.
- an index member is removed when its handle key has gone. A handle key without its record
  is left alone: it may be a create between its first and last step; it expires with the
  record's TTL anyway.
"""

from __future__ import annotations

import json
import logging
import math
import secrets
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, TypeAlias

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.cluster import RedisCluster
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff

from bff.auth.principal import Assurance, AuthMethod, Principal, PrincipalKind, Profile
from bff.auth.session_crypto import SealError, SessionCipher
from bff.auth.sessions import Session, _digest, ended_by, is_live, new_session
from bff.cache.redis_store import AnyRedis

log = logging.getLogger(__name__)

# Records written before they were sealed do not open and so count as no session; the
# owner and device indexes they were in had other names and simply expire.
SESSION_PREFIX = "bff:v1:session:"
HANDLE_PREFIX = "bff:v1:session-handle:"
OWNER_PREFIX = "bff:v1:session-owner:"
DEVICE_PREFIX = "bff:v1:session-device:"

# A Redis that does not answer must fail a call fast (the sessions then come from the
# in-process copy of `bff.auth.resilient_sessions`), not after redis-py's default retries.
REDIS_TIMEOUT_S = 1.0
REDIS_RETRIES = 1
MAX_CONNECTIONS = 128  # per BFF process

Command: TypeAlias = tuple[str | int, ...]


def connect_redis(url: str, *, cluster: bool = False) -> AnyRedis:
    """The app's Redis client (sessions, SMS login state, rate limits): short timeouts, one
    quick retry; a Redis Cluster client when `cluster` (the URL names any one node)."""
    if cluster:
        return RedisCluster.from_url(
            url,
            socket_timeout=REDIS_TIMEOUT_S,
            socket_connect_timeout=REDIS_TIMEOUT_S,
            retry=Retry(ExponentialBackoff(cap=0.05, base=0.01), REDIS_RETRIES),
        )
    # Blocking: a burst of requests queues for a connection (up to the timeout) instead of
    # failing past the pool's size, as redis-py's default pool does.
    pool = BlockingConnectionPool.from_url(
        url,
        max_connections=MAX_CONNECTIONS,
        timeout=REDIS_TIMEOUT_S,
        socket_timeout=REDIS_TIMEOUT_S,
        socket_connect_timeout=REDIS_TIMEOUT_S,
        retry=Retry(ExponentialBackoff(cap=0.05, base=0.01), REDIS_RETRIES),
    )
    return Redis.from_pool(pool)


async def in_order(redis: AnyRedis, commands: Sequence[Command]) -> list[Any]:
    """Run single-key `commands` one after the other, so that a failure part-way leaves a
    prefix of them applied. A single node gets them in one pipeline (one connection runs
    them in order: one round trip); a cluster one at a time, because a cluster pipeline
    sends to each node concurrently."""
    if isinstance(redis, RedisCluster):
        return [await redis.execute_command(*command) for command in commands]
    async with redis.pipeline(transaction=False) as pipe:
        for command in commands:
            pipe.execute_command(*command)
        return list(await pipe.execute())


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
    """A `SessionStore` over a Redis or Redis Cluster client that the caller owns and closes."""

    def __init__(
        self,
        redis: AnyRedis,
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
        commands: list[Command] = [("SET", HANDLE_PREFIX + session.handle, digest, "PX", ttl_ms)]
        for index_key in self._index_keys(session, current_only=True):
            commands += [("SADD", index_key, session.handle), ("PEXPIRE", index_key, index_ms)]
        commands.append(("SET", key, self._seal(session, key), "PX", ttl_ms))  # usable from here
        await in_order(self.redis, commands)
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
        handle_kept, stored = await in_order(
            self.redis,
            [
                ("PEXPIRE", HANDLE_PREFIX + session.handle, ttl_ms),
                # XX: a session revoked since the read above stays revoked
                ("SET", key, self._seal(session, key), "PX", ttl_ms, "XX"),
            ],
        )
        if not handle_kept:  # neither revocable nor listed any more: not a session either
            await self.redis.delete(key)
            return None
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
            await in_order(self.redis, [("DEL", key), ("DEL", handle_key)])
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
        """The live sessions of `handles`; members whose handle key has gone are dropped from
        `index_key` (one with a handle key but no record may be a create in progress)."""
        now = self.clock()
        found: list[Session] = []
        for member in handles:
            handle = _text(member)
            digest = await self.redis.get(HANDLE_PREFIX + handle)
            if digest is None:
                await self.redis.srem(index_key, handle)
                continue
            key = SESSION_PREFIX + _text(digest)
            raw = await self.redis.get(key)
            session = None if raw is None else self._open(raw, key)
            if session is None:
                continue  # not yet or no longer usable, or sealed by a newer key: left alone
            if is_live(session, now, self.idle_s):
                found.append(session)
            else:
                await self._delete(session)
        return found

    async def _delete(self, session: Session) -> None:
        handle_key = HANDLE_PREFIX + session.handle
        digest = await self.redis.get(handle_key)
        commands: list[Command] = []
        if digest is not None:
            commands.append(("DEL", SESSION_PREFIX + _text(digest)))  # refused from here on
        commands.append(("DEL", handle_key))
        commands += [("SREM", key, session.handle) for key in self._index_keys(session)]
        await in_order(self.redis, commands)
