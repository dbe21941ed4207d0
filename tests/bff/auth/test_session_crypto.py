"""Session records are sealed with AES-256-GCM, bound to their Redis key, under a key id that
lets keys rotate (issue 4: "session records in Redis are encrypted")."""

from __future__ import annotations

import base64
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from redis.asyncio import Redis

from bff.auth.errors import KeyConfigError
from bff.auth.principal import Assurance, AuthMethod, Principal, PrincipalKind, Profile
from bff.auth.redis_sessions import SESSION_PREFIX, RedisSessionStore
from bff.auth.session_crypto import (
    KEY_BYTES,
    SealError,
    SessionCipher,
    generate_key,
    key_id,
    load_session_cipher,
    parse_key,
)
from bff.auth.sessions import _digest
from bff.settings import Settings

OLD = bytes(range(32))
NEW = bytes(range(32, 64))
KEY_A = SESSION_PREFIX + "a" * 64
KEY_B = SESSION_PREFIX + "b" * 64
RECORD = b'{"subject":"P-000123","device_id":"phone-1"}'

ALICE = Principal(
    kind=PrincipalKind.CUSTOMER,
    subject="P-000123",
    profile=Profile.MOBILE,
    method=AuthMethod.ITSME,
    assurance=Assurance.HIGH,
    auth_time=datetime(2024, 5, 1, 9, 30, tzinfo=UTC),
)


def b64(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).rstrip(b"=").decode()


def test_seal_round_trips_and_hides_the_record() -> None:
    cipher = SessionCipher(NEW)
    sealed = cipher.seal(RECORD, KEY_A)
    assert sealed.startswith(key_id(NEW) + ".")
    assert b"P-000123" not in sealed.encode() and "phone-1" not in sealed
    assert cipher.open(sealed, KEY_A) == RECORD
    assert cipher.open(sealed.encode(), KEY_A) == RECORD  # as Redis returns it
    assert cipher.seal(RECORD, KEY_A) != sealed  # a fresh nonce every time


def test_a_value_moved_to_another_key_does_not_open() -> None:
    cipher = SessionCipher(NEW)
    with pytest.raises(SealError):
        cipher.open(cipher.seal(RECORD, KEY_A), KEY_B)


@pytest.mark.parametrize("position", [0, 20, -1], ids=["nonce", "ciphertext", "tag"])
def test_a_tampered_value_does_not_open(position: int) -> None:
    cipher = SessionCipher(NEW)
    kid, _, body = cipher.seal(RECORD, KEY_A).partition(".")
    raw = bytearray(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    raw[position] ^= 0x01
    with pytest.raises(SealError):
        cipher.open(f"{kid}.{b64(bytes(raw))}", KEY_A)


MALFORMED = ["", "no-dot", "x.y", f"{key_id(NEW)}.!!!", f"{key_id(NEW)}.AAAA"]


@pytest.mark.parametrize("value", MALFORMED)
def test_malformed_values_are_refused(value: str) -> None:
    with pytest.raises(SealError):
        SessionCipher(NEW).open(value, KEY_A)


def test_rotation_seals_with_the_new_key_and_still_opens_the_old() -> None:
    old_sealed = SessionCipher(OLD).seal(RECORD, KEY_A)
    rotated = SessionCipher(NEW, OLD)
    assert rotated.open(old_sealed, KEY_A) == RECORD
    assert rotated.seal(RECORD, KEY_A).startswith(key_id(NEW) + ".")
    with pytest.raises(SealError, match="unknown key id"):
        SessionCipher(NEW).open(old_sealed, KEY_A)  # the old key retired for good


def test_index_digests_are_keyed_and_hold_no_value() -> None:
    [digest] = SessionCipher(NEW).index_digests("owner", "customer:P-000123")
    assert "P-000123" not in digest
    assert SessionCipher(NEW).index_digests("owner", "customer:P-000123") == [digest]
    assert SessionCipher(OLD).index_digests("owner", "customer:P-000123") != [digest]
    assert SessionCipher(NEW).index_digests("device", "customer:P-000123") != [digest]
    assert SessionCipher(NEW, OLD).index_digests("owner", "customer:P-000123") == [
        digest,
        *SessionCipher(OLD).index_digests("owner", "customer:P-000123"),
    ]


def test_parse_key_wants_32_bytes_of_base64url_and_never_echoes_it() -> None:
    assert parse_key(b64(NEW)) == NEW
    assert len(parse_key(generate_key())) == KEY_BYTES
    short = b64(NEW[:16])
    with pytest.raises(KeyConfigError) as info:
        parse_key(short)
    assert short not in str(info.value)
    with pytest.raises(KeyConfigError):
        parse_key("not base64 at all!")
    with pytest.raises(KeyConfigError):
        SessionCipher(NEW[:31])


def test_the_configured_key_is_used(caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings(environment="production", session_encryption_key=b64(NEW))
    with caplog.at_level(logging.WARNING):
        cipher = load_session_cipher(settings)
    assert cipher.kid == key_id(NEW)
    assert caplog.records == []
    assert b64(NEW) not in repr(settings)


def test_a_generated_key_is_quiet_in_the_demo_and_warned_about_elsewhere(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        demo = load_session_cipher(Settings(environment="demo"))
    assert caplog.records == []
    with caplog.at_level(logging.WARNING):
        development = load_session_cipher(Settings(environment="development"))
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    assert "BFF_SESSION_ENCRYPTION_KEY" in caplog.text
    assert demo.kid != development.kid  # one key per process start


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    try:
        yield client
    finally:
        await client.aclose()


@pytest.mark.anyio
@pytest.mark.redis
async def test_a_record_moved_to_another_session_key_is_no_session(redis: Redis) -> None:
    store = RedisSessionStore(redis, 3600, 600, SessionCipher(NEW))
    alice_secret, _ = await store.create(ALICE, None)
    mallory_secret, _ = await store.create(ALICE, None)
    record = await redis.get(SESSION_PREFIX + _digest(alice_secret))
    assert record is not None
    await redis.set(SESSION_PREFIX + _digest(mallory_secret), record)
    assert await store.get(mallory_secret) is None
    assert await store.get(alice_secret) is not None


@pytest.mark.anyio
@pytest.mark.redis
async def test_a4_sessions_sealed_with_a_retired_key_stay_readable_listable_and_bound(
    redis: Redis,
) -> None:
    before = RedisSessionStore(redis, 3600, 600, SessionCipher(OLD))
    old_secret, old = await before.create(ALICE, "phone-1")
    after = RedisSessionStore(redis, 3600, 600, SessionCipher(NEW, OLD))
    got = await after.get(old_secret)
    assert got is not None and got.handle == old.handle
    assert [s.handle for s in await after.sessions_of(old.owner)] == [old.handle]
    # A4: a new session of Alice's on another device still ends the old-key one
    await after.create(ALICE, "phone-2")
    assert await after.get(old_secret) is None
    # a store that knows only another key sees no session, and raises nothing
    new_secret, _ = await after.create(ALICE, "phone-2")
    assert await RedisSessionStore(redis, 3600, 600, SessionCipher(OLD)).get(new_secret) is None


@pytest.mark.anyio
@pytest.mark.redis
async def test_a_record_written_before_sealing_is_no_session_and_not_logged(
    redis: Redis, caplog: pytest.LogCaptureFixture
) -> None:
    store = RedisSessionStore(redis, 3600, 600, SessionCipher(NEW))
    secret = "an-old-bearer-secret"
    plain = b'{"handle":"h1","kind":"customer","subject":"P-000123","device_id":"phone-1"}'
    await redis.set(SESSION_PREFIX + _digest(secret), plain)
    with caplog.at_level(logging.INFO):
        assert await store.get(secret) is None
    assert "session record refused" in caplog.text
    for text in ("P-000123", "phone-1", "handle", secret):
        assert text not in caplog.text
