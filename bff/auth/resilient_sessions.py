"""A session store that rides out a short Redis outage.

`ResilientSessionStore` wraps the Redis store and keeps an in-process copy of the session
records Redis has confirmed to it (bounded, least recently used first out; an entry lives no
longer than its session). While Redis answers, Redis alone decides: the copy is refreshed on
every read and dropped when Redis no longer has the session. When a call fails because Redis
is unreachable:

- `get` answers from the copy for `grace_s` seconds after the first failed call, with the
  usual idle and absolute expiry; after that window no session is honoured (the caller is
  anonymous, never a server error) until Redis confirms it again;
- `create` raises `ServiceUnavailable` (503 service_unavailable): a new login needs Redis;
- `revoke` and `revoke_all` first drop the local copy, so this process stops honouring the
  session at once; they then queue the revocation, replayed before any other call reaches
  Redis again, and still raise `SessionStoreUnavailable` (503), because the revocation is not
  yet durable: the queue lives in this process only, and other instances keep honouring
  their own copy until their window ends. The caller is told to try again rather than
  told it is signed out;
- `sessions_of` raises `SessionStoreUnavailable`: a list from the copy would be incomplete.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace

from redis.exceptions import RedisClusterException, RedisError

from bff.auth.errors import ServiceUnavailable
from bff.auth.principal import Principal
from bff.auth.sessions import Session, SessionStore, _digest, ended_by, is_live

log = logging.getLogger(__name__)

# what an unreachable Redis raises through redis-py (connection refused, timeouts, resets; a
# cluster client with no reachable node raises RedisClusterException, not a RedisError)
OUTAGE_ERRORS: tuple[type[Exception], ...] = (RedisError, RedisClusterException, OSError)
DEFAULT_MAX_ENTRIES = 10_000


class SessionStoreUnavailable(ServiceUnavailable):
    @property
    def public_message(self) -> str:
        return "Sessions cannot be changed right now; try again shortly."


class ResilientSessionStore:
    """A `SessionStore` over another (Redis) store; see the module's docstring."""

    def __init__(
        self,
        inner: SessionStore,
        idle_s: int,
        grace_s: float,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.inner = inner
        self.idle_s = idle_s
        self.grace_s = grace_s
        self.max_entries = max_entries
        self.clock = clock
        self._copy: OrderedDict[str, Session] = OrderedDict()  # secret's digest -> session
        self._pending: dict[tuple[str, str], None] = {}  # ("handle" | "owner", value), ordered
        self.down_since: float | None = None  # first failed call of the current outage

    async def create(self, principal: Principal, device_id: str | None) -> tuple[str, Session]:
        try:
            await self._replay()
            secret, session = await self.inner.create(principal, device_id)
        except OUTAGE_ERRORS as exc:
            self._failed(exc)
            raise ServiceUnavailable("the session store is unreachable") from None
        self._reachable()
        if device_id is not None:  # the device binding (A4) just ended these in Redis
            self._forget(lambda other: ended_by(session, other))
        self._remember(_digest(secret), session)
        return secret, session

    async def get(self, secret: str) -> Session | None:
        digest = _digest(secret)
        try:
            await self._replay()
            session = await self.inner.get(secret)
        except OUTAGE_ERRORS as exc:
            self._failed(exc)
            return self._from_copy(digest)
        self._reachable()
        if session is None:
            self._copy.pop(digest, None)
        else:
            self._remember(digest, session)
        return session

    async def revoke(self, handle: str) -> None:
        self._forget(lambda session: session.handle == handle)
        try:
            await self._replay()
            await self.inner.revoke(handle)
        except OUTAGE_ERRORS as exc:
            self._failed(exc)
            self._pending[("handle", handle)] = None
            raise SessionStoreUnavailable("revocation queued: session store unreachable") from None
        self._reachable()

    async def sessions_of(self, owner: str) -> list[Session]:
        try:
            await self._replay()
            found = await self.inner.sessions_of(owner)
        except OUTAGE_ERRORS as exc:
            self._failed(exc)
            raise SessionStoreUnavailable("sessions not listed: store unreachable") from None
        self._reachable()
        return found

    async def revoke_all(self, owner: str) -> int:
        self._forget(lambda session: session.owner == owner)
        try:
            await self._replay()
            count = await self.inner.revoke_all(owner)
        except OUTAGE_ERRORS as exc:
            self._failed(exc)
            self._pending[("owner", owner)] = None
            raise SessionStoreUnavailable("revocation queued: session store unreachable") from None
        self._reachable()
        return count

    @property
    def pending_revocations(self) -> int:
        return len(self._pending)

    def _from_copy(self, digest: str) -> Session | None:
        now = self.clock()
        if self.down_since is None or now - self.down_since > self.grace_s:
            self._copy.clear()  # past the window: only Redis may confirm a session again
            return None
        session = self._copy.get(digest)
        if session is None:
            return None
        if not is_live(session, now, self.idle_s):
            del self._copy[digest]
            return None
        session = replace(session, last_seen=now)
        self._copy[digest] = session
        self._copy.move_to_end(digest)
        return session

    def _remember(self, digest: str, session: Session) -> None:
        self._copy[digest] = session
        self._copy.move_to_end(digest)
        while len(self._copy) > self.max_entries:
            self._copy.popitem(last=False)

    def _forget(self, ends: Callable[[Session], bool]) -> None:
        for digest, session in list(self._copy.items()):
            if ends(session):
                del self._copy[digest]

    async def _replay(self) -> None:
        """Revocations queued during an outage reach Redis before anything else does."""
        for kind, value in list(self._pending):
            if kind == "handle":
                await self.inner.revoke(value)
            else:
                await self.inner.revoke_all(value)
            del self._pending[(kind, value)]
            log.info("queued session revocation replayed")

    def _failed(self, exc: Exception) -> None:
        if self.down_since is None:
            self.down_since = self.clock()
            log.warning(
                "session store unreachable (%s); known sessions honoured for %s s",
                type(exc).__name__,
                self.grace_s,
            )

    def _reachable(self) -> None:
        if self.down_since is not None:
            log.warning("session store reachable again")
            self.down_since = None
