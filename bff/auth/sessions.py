"""Server-side sessions: the browser holds a cookie, the app a bearer; both are opaque secrets.

Only a SHA-256 of the secret is stored, so the store (or a dump of it) cannot be replayed.
Sessions expire after an absolute lifetime and after an idle period.

Every store keeps two indexes besides the sessions: by owner (the person) and by device, so
a person can list and revoke their sessions, and device binding (A4) holds on creation:

- one active user per device: a session on device D ends every other person's sessions on D;
- one device per account: a session for person P on device D ends P's sessions on any other
  device (P's web sessions, which have no device, stay);
- a second session for the same person on the same device leaves the first alone.
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

    @property
    def owner(self) -> str:
        return owner_key(self.principal, self.handle)


def owner_key(principal: Principal, handle: str) -> str:
    """Whose session it is: the principal's kind and subject (the CRM party id); for a person
    the CRM does not know, their identity at the provider (a digest of issuer and subject);
    failing both, each session stands alone."""
    if principal.subject:
        return f"{principal.kind.value}:{principal.subject}"
    if principal.identity:
        return f"identity:{principal.identity}"
    return f"session:{handle}"


def ended_by(new: Session, other: Session) -> bool:
    """Whether creating `new` ends `other` (A4 device binding)."""
    if new.device_id is None or other.handle == new.handle:
        return False
    if other.device_id == new.device_id:
        return other.owner != new.owner  # one active user per device
    return other.device_id is not None and other.owner == new.owner  # one device per account


def new_session(principal: Principal, device_id: str | None, now: float, ttl_s: int) -> Session:
    handle = secrets.token_urlsafe(12)
    return Session(
        handle=handle,
        principal=replace(principal, session_id=handle),
        device_id=device_id,
        created=now,
        last_seen=now,
        expires=now + ttl_s,
    )


def is_live(session: Session, now: float, idle_s: int) -> bool:
    return now < session.expires and now - session.last_seen < idle_s


class SessionStore(Protocol):
    async def create(self, principal: Principal, device_id: str | None) -> tuple[str, Session]:
        """A new session (always a new secret and handle); applies device binding (A4)."""
        ...

    async def get(self, secret: str) -> Session | None: ...

    async def revoke(self, handle: str) -> None: ...

    async def sessions_of(self, owner: str) -> list[Session]:
        """The owner's live sessions (see `owner_key`), most recently used first."""
        ...

    async def revoke_all(self, owner: str) -> int:
        """Ends all of the owner's sessions; how many there were."""
        ...


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class MemorySessionStore:
    """Sessions in this process: the demo's and the tests' store."""

    def __init__(self, ttl_s: int, idle_s: int, clock: Callable[[], float] = time.time) -> None:
        self.ttl_s = ttl_s
        self.idle_s = idle_s
        self.clock = clock
        self._by_digest: dict[str, Session] = {}
        self._digest_of: dict[str, str] = {}  # handle -> digest
        self._by_owner: dict[str, set[str]] = {}  # owner -> handles
        self._by_device: dict[str, set[str]] = {}  # device id -> handles

    async def create(self, principal: Principal, device_id: str | None) -> tuple[str, Session]:
        self._purge()
        secret = secrets.token_urlsafe(32)
        session = new_session(principal, device_id, self.clock(), self.ttl_s)
        if device_id is not None:
            candidates = self._by_device.get(device_id, set()) | self._by_owner.get(
                session.owner, set()
            )
            for handle in candidates:
                other = self._by_digest[self._digest_of[handle]]
                if ended_by(session, other):
                    self._drop(handle)
        digest = _digest(secret)
        self._by_digest[digest] = session
        self._digest_of[session.handle] = digest
        self._by_owner.setdefault(session.owner, set()).add(session.handle)
        if device_id is not None:
            self._by_device.setdefault(device_id, set()).add(session.handle)
        return secret, session

    async def get(self, secret: str) -> Session | None:
        key = _digest(secret)
        session = self._by_digest.get(key)
        if session is None:
            return None
        now = self.clock()
        if not is_live(session, now, self.idle_s):
            self._drop(session.handle)
            return None
        session = replace(session, last_seen=now)
        self._by_digest[key] = session
        return session

    async def revoke(self, handle: str) -> None:
        self._drop(handle)

    async def sessions_of(self, owner: str) -> list[Session]:
        self._purge()
        found = [self._by_digest[self._digest_of[h]] for h in self._by_owner.get(owner, ())]
        return sorted(found, key=lambda s: (-s.last_seen, s.handle))

    async def revoke_all(self, owner: str) -> int:
        self._purge()
        handles = list(self._by_owner.get(owner, ()))
        for handle in handles:
            self._drop(handle)
        return len(handles)

    def _drop(self, handle: str) -> None:
        digest = self._digest_of.pop(handle, None)
        if digest is None:
            return
        session = self._by_digest.pop(digest)
        _discard(self._by_owner, session.owner, handle)
        if session.device_id is not None:
            _discard(self._by_device, session.device_id, handle)

    def _purge(self) -> None:
        now = self.clock()
        for session in list(self._by_digest.values()):
            if not is_live(session, now, self.idle_s):
                self._drop(session.handle)


def _discard(index: dict[str, set[str]], key: str, handle: str) -> None:
    members = index.get(key)
    if members is not None:
        members.discard(handle)
        if not members:
            del index[key]
