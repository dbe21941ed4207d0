"""The SMS login's state in Redis (a single node or a cluster), shared by every BFF instance:
which parties enrolled (`RedisSmsEnrolments`) and the logins waiting for their code
(`RedisPendingSmsLogins`), so a login started on one instance can be finished on another.

Nothing personal or secret in clear: a key is named by a keyed digest (HMAC under the session
key, `SessionCipher.index_digests`) of the party id or of the login id, and a value is sealed
with the `SessionCipher` (AES-GCM, the Redis key as associated data, so a value copied under
another key does not open). Each is one key, so a cluster needs no hash tag.

Lifetimes are those of the in-memory versions: an enrolment does not expire (a restart no
longer forgets it); a pending login lives until its `expires`, which Redis enforces with the
key's TTL. On reading, `expires` is rebuilt from the remaining TTL against this store's own
clock (monotonic, like `SmsLogin`'s), so instances whose clocks differ agree. Updating a login
after a wrong code (`wrong_codes` > 0) only replaces a login that is still there: one ended
meanwhile by another instance stays ended.

A Redis that fails gives `ServiceUnavailable` (503): like a new session, an SMS login needs
Redis, and the answer says nothing about the customer number.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
import math
import time
from collections.abc import Callable, Iterator

from bff.auth.errors import ServiceUnavailable
from bff.auth.resilient_sessions import OUTAGE_ERRORS
from bff.auth.session_crypto import SealError, SessionCipher
from bff.auth.sms import PendingSmsLogin
from bff.cache.redis_store import AnyRedis

log = logging.getLogger(__name__)

ENROLMENT_PREFIX = "bff:v1:sms-enrolment:"
LOGIN_PREFIX = "bff:v1:sms-login:"


@contextlib.contextmanager
def _reachable(what: str) -> Iterator[None]:
    try:
        yield
    except OUTAGE_ERRORS as exc:
        log.warning("SMS login store unreachable (%s)", type(exc).__name__)
        raise ServiceUnavailable(f"the SMS login store is unreachable ({what})") from None


class RedisSmsEnrolments:
    """An `SmsEnrolments` in Redis: one sealed key per enrolled party."""

    def __init__(self, redis: AnyRedis, cipher: SessionCipher) -> None:
        self.redis = redis
        self.cipher = cipher

    def keys(self, party_id: str) -> list[str]:
        """The party's key under the current encryption key first, then under retired ones."""
        return [ENROLMENT_PREFIX + d for d in self.cipher.index_digests("sms-enrolment", party_id)]

    async def enrol(self, party_id: str) -> None:
        key = self.keys(party_id)[0]
        with _reachable("enrol"):
            await self.redis.set(key, self.cipher.seal(party_id.encode(), key))

    async def is_enrolled(self, party_id: str) -> bool:
        for key in self.keys(party_id):
            with _reachable("enrolment"):
                raw = await self.redis.get(key)
            if raw is None:
                continue
            try:
                sealed = self.cipher.open(raw, key)
            except SealError as exc:
                log.warning("SMS enrolment refused: %s", exc)
                continue
            if hmac.compare_digest(sealed, party_id.encode()):
                return True
        return False


def _encode(login: PendingSmsLogin) -> bytes:
    record = [login.party_id, login.otp_id, login.device_id, login.wrong_codes]
    return json.dumps(record, separators=(",", ":")).encode()


def _decode(raw: bytes, expires: float) -> PendingSmsLogin:
    party_id, otp_id, device_id, wrong_codes = json.loads(raw)
    return PendingSmsLogin(
        party_id=None if party_id is None else str(party_id),
        otp_id=None if otp_id is None else str(otp_id),
        device_id=None if device_id is None else str(device_id),
        expires=expires,
        wrong_codes=int(wrong_codes),
    )


class RedisPendingSmsLogins:
    """A `PendingSmsLogins` in Redis: one sealed key per login, living as long as the login."""

    def __init__(
        self,
        redis: AnyRedis,
        cipher: SessionCipher,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.redis = redis
        self.cipher = cipher
        self.clock = clock

    def key(self, login_id: str) -> str:
        # only under the current key: a key rotation restarts the logins of the last minutes
        return LOGIN_PREFIX + self.cipher.index_digests("sms-login", login_id)[0]

    async def put(self, login_id: str, login: PendingSmsLogin) -> None:
        key = self.key(login_id)
        ttl_ms = math.ceil((login.expires - self.clock()) * 1000)
        if ttl_ms <= 0:
            await self.drop(login_id)
            return
        sealed = self.cipher.seal(_encode(login), key)
        with _reachable("put"):
            # an update (a wrong code counted) must not bring back a login ended meanwhile
            await self.redis.set(key, sealed, px=ttl_ms, xx=login.wrong_codes > 0)

    async def get(self, login_id: str) -> PendingSmsLogin | None:
        key = self.key(login_id)
        with _reachable("get"):
            async with self.redis.pipeline(transaction=False) as pipe:  # one key: one node
                pipe.get(key)
                pipe.pttl(key)
                raw, left_ms = await pipe.execute()
        if raw is None or left_ms <= 0:  # gone, or (never written so) without a TTL
            return None
        try:
            return _decode(self.cipher.open(raw, key), self.clock() + left_ms / 1000)
        except SealError as exc:
            log.warning("pending SMS login refused: %s", exc)
            return None

    async def drop(self, login_id: str) -> None:
        with _reachable("drop"):
            await self.redis.delete(self.key(login_id))
