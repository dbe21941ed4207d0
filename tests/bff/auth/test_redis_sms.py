"""The SMS login's enrolments and pending logins in Redis (bff/auth/redis_sms.py), on a real
single redis-server and a real three-node cluster alike: shared by every BFF instance, with
nothing personal or secret in clear, and a Redis outage answered 503, never 500."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import cast

import anyio
import httpx
import pytest
from redis.asyncio import Redis
from starlette.applications import Starlette

from bff.adapters.crm import CrmPort
from bff.auth.errors import ServiceUnavailable
from bff.auth.login import SessionOpener
from bff.auth.redis_sms import (
    ENROLMENT_PREFIX,
    LOGIN_PREFIX,
    RedisPendingSmsLogins,
    RedisSmsEnrolments,
)
from bff.auth.session_crypto import SessionCipher, generate_key, load_session_cipher, parse_key
from bff.auth.sessions import MemorySessionStore
from bff.auth.sms import LOGIN_TTL_S, PendingSmsLogin
from bff.auth.sms_routes import sms_routes, sms_stores
from bff.cache.redis_store import AnyRedis
from bff.settings import Settings
from tests.bff.auth.test_redis_sessions import cluster_url, redis
from tests.bff.auth.test_sms import LETTER, PARTY, FakeCrm, activation, verify

pytestmark = [pytest.mark.anyio, pytest.mark.redis]

__all__ = ["cluster_url", "redis"]  # fixtures: each test runs on a single node and a cluster

OTHER_PARTY = "P0000003"
DEVICE = "device-5e1f"
OTP_ID = "otp-7731"


def new_cipher(*retired: bytes) -> SessionCipher:
    return SessionCipher(parse_key(generate_key()), *retired)


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def dump(client: AnyRedis) -> dict[str, bytes]:
    """Every key and its string value."""
    found = {}
    async for key in client.scan_iter(match="*"):
        value = await client.get(key)
        assert value is not None
        found[key.decode()] = value
    return found


async def test_an_enrolment_is_seen_by_every_instance_and_only_for_its_party(
    redis: AnyRedis,
) -> None:
    cipher = new_cipher()
    here, there = RedisSmsEnrolments(redis, cipher), RedisSmsEnrolments(redis, cipher)
    assert not await there.is_enrolled(PARTY)
    await here.enrol(PARTY)
    assert await there.is_enrolled(PARTY)
    assert not await there.is_enrolled(OTHER_PARTY)
    assert not await RedisSmsEnrolments(redis, new_cipher()).is_enrolled(PARTY)  # other key


async def test_an_enrolment_never_expires_and_shows_no_party_id(redis: AnyRedis) -> None:
    cipher = new_cipher()
    enrolments = RedisSmsEnrolments(redis, cipher)
    await enrolments.enrol(PARTY)
    [(key, value)] = (await dump(redis)).items()
    assert key.startswith(ENROLMENT_PREFIX)
    assert PARTY not in key and PARTY.encode() not in value
    assert value.startswith(cipher.kid.encode() + b".")  # sealed
    assert await redis.pttl(key) == -1


async def test_an_enrolment_value_copied_to_another_party_does_not_enrol_it(
    redis: AnyRedis,
) -> None:
    enrolments = RedisSmsEnrolments(redis, new_cipher())
    await enrolments.enrol(PARTY)
    value = await redis.get(enrolments.keys(PARTY)[0])
    await redis.set(enrolments.keys(OTHER_PARTY)[0], value)
    assert not await enrolments.is_enrolled(OTHER_PARTY)
    assert await enrolments.is_enrolled(PARTY)


async def test_enrolments_made_under_a_retired_key_still_count(redis: AnyRedis) -> None:
    old_key = parse_key(generate_key())
    await RedisSmsEnrolments(redis, SessionCipher(old_key)).enrol(PARTY)
    rotated = RedisSmsEnrolments(redis, new_cipher(old_key))
    assert await rotated.is_enrolled(PARTY)
    assert not await rotated.is_enrolled(OTHER_PARTY)


def pending(clock: Clock, ttl_s: float = LOGIN_TTL_S) -> PendingSmsLogin:
    return PendingSmsLogin(PARTY, OTP_ID, DEVICE, clock() + ttl_s)


async def test_a_pending_login_put_on_one_instance_is_read_on_another_with_its_own_clock(
    redis: AnyRedis,
) -> None:
    cipher = new_cipher()
    here_clock, there_clock = Clock(1_000.0), Clock(987_654.0)  # monotonic clocks differ
    here = RedisPendingSmsLogins(redis, cipher, clock=here_clock)
    there = RedisPendingSmsLogins(redis, cipher, clock=there_clock)
    login = pending(here_clock)
    await here.put("login-a", login)
    got = await there.get("login-a")
    assert got is not None
    assert (got.party_id, got.otp_id, got.device_id, got.wrong_codes) == (
        PARTY,
        OTP_ID,
        DEVICE,
        0,
    )
    assert there_clock() + LOGIN_TTL_S - 2 < got.expires <= there_clock() + LOGIN_TTL_S
    assert await there.get("login-b") is None

    decoy = PendingSmsLogin(None, None, None, here_clock() + LOGIN_TTL_S)
    await here.put("login-decoy", decoy)
    got = await there.get("login-decoy")
    assert got is not None and (got.party_id, got.otp_id, got.device_id) == (None, None, None)


async def test_redis_drops_a_pending_login_at_its_expiry(redis: AnyRedis) -> None:
    clock = Clock(50.0)
    logins = RedisPendingSmsLogins(redis, new_cipher(), clock=clock)
    await logins.put("login-a", pending(clock, 0.3))
    assert 0 < await redis.pttl(logins.key("login-a")) <= 300
    await anyio.sleep(0.5)
    assert await logins.get("login-a") is None  # whatever this store's clock says
    await logins.put("login-b", pending(clock, 0))
    assert await logins.get("login-b") is None
    assert await dump(redis) == {}


async def test_a_wrong_code_counted_late_does_not_bring_back_an_ended_login(
    redis: AnyRedis,
) -> None:
    clock = Clock(50.0)
    logins = RedisPendingSmsLogins(redis, new_cipher(), clock=clock)
    login = pending(clock)
    await logins.put("login-a", login)
    await logins.put("login-a", dataclasses.replace(login, wrong_codes=1))
    got = await logins.get("login-a")
    assert got is not None and got.wrong_codes == 1
    await logins.drop("login-a")  # e.g. the right code, on another instance
    await logins.put("login-a", dataclasses.replace(login, wrong_codes=2))
    assert await logins.get("login-a") is None


async def test_pending_logins_show_no_login_id_party_otp_or_device(redis: AnyRedis) -> None:
    cipher = new_cipher()
    clock = Clock(50.0)
    logins = RedisPendingSmsLogins(redis, cipher, clock=clock)
    login_id = "Zq8v3JmW0aT6p1LrYc2Nx9KsB4dE7fGh"
    await logins.put(login_id, pending(clock))
    [(key, value)] = (await dump(redis)).items()
    assert key == logins.key(login_id) and key.startswith(LOGIN_PREFIX)
    assert value.startswith(cipher.kid.encode() + b".")
    for secret in (login_id, PARTY, OTP_ID, DEVICE):
        assert secret not in key and secret.encode() not in value
    moved = logins.key("another-login")
    await redis.set(moved, value, px=60_000)
    assert await logins.get("another-login") is None  # sealed to its own key


async def test_a_redis_outage_is_service_unavailable(redis_url: str) -> None:
    client = Redis.from_url(redis_url, socket_timeout=1, socket_connect_timeout=1)
    cipher, clock = new_cipher(), Clock(50.0)
    enrolments = RedisSmsEnrolments(client, cipher)
    logins = RedisPendingSmsLogins(client, cipher, clock=clock)
    await enrolments.enrol(PARTY)
    await client.shutdown(nosave=True)
    try:
        for call in (
            enrolments.enrol(PARTY),
            enrolments.is_enrolled(PARTY),
            logins.put("login-a", pending(clock)),
            logins.get("login-a"),
            logins.drop("login-a"),
        ):
            with pytest.raises(ServiceUnavailable) as info:
                await call
            assert (info.value.status, info.value.code) == (503, "service_unavailable")
    finally:
        await client.aclose()


def instance(fake: FakeCrm, redis: AnyRedis, settings: Settings) -> httpx.AsyncClient:
    """One BFF instance's SMS routes over the shared Redis, wired as create_app wires them."""
    crm = cast(CrmPort, fake)
    opener = SessionOpener(crm, MemorySessionStore(3600, 600), 3600)
    stores = sms_stores(redis, load_session_cipher(settings))
    app = Starlette(routes=sms_routes(crm, opener, **stores))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bff.test")


@pytest.fixture
async def two_instances(
    redis: AnyRedis,
) -> AsyncIterator[tuple[FakeCrm, httpx.AsyncClient, httpx.AsyncClient]]:
    settings = Settings(environment="demo", session_encryption_key=generate_key())
    fake = FakeCrm()
    async with instance(fake, redis, settings) as a, instance(fake, redis, settings) as b:
        yield fake, a, b


async def test_a_login_started_on_one_instance_finishes_on_another(
    two_instances: tuple[FakeCrm, httpx.AsyncClient, httpx.AsyncClient], redis: AnyRedis
) -> None:
    fake, a, b = two_instances
    activated = await a.post("/auth/sms/activate", json=activation())
    first = await verify(b, activated.json()["login_id"], fake.last_code())
    assert first.status_code == 200
    assert len(fake.sent) == 1

    start = await b.post("/auth/sms/start", json={"customer_number": PARTY})  # enrolled on a
    assert len(fake.sent) == 2
    code = fake.last_code()
    assert (await verify(b, start.json()["login_id"], "000000")).status_code == 400
    second = await verify(a, start.json()["login_id"], code)
    assert second.status_code == 200
    again = await verify(b, start.json()["login_id"], code)  # single use on every instance
    assert again.json()["error"] == "code_invalid"

    values = await dump_all(redis)
    for secret in (PARTY, LETTER, code, start.json()["login_id"], first.json()["access_token"]):
        assert secret not in values


async def test_attempt_limits_are_shared_by_the_instances(
    two_instances: tuple[FakeCrm, httpx.AsyncClient, httpx.AsyncClient],
) -> None:
    _, a, b = two_instances
    for bff in (a, b, a, b, a):  # five per customer number, whichever instance is asked
        ok = await bff.post("/auth/sms/start", json={"customer_number": "P0000001"})
        assert ok.status_code == 200
    over = await b.post("/auth/sms/start", json={"customer_number": "P0000001"})
    assert over.status_code == 429
    assert 890 <= int(over.headers["retry-after"]) <= 900
    assert (await a.post("/auth/sms/start", json={"customer_number": "P0000002"})).is_success


def test_without_redis_the_sms_login_keeps_its_state_in_the_process() -> None:
    assert sms_stores(None, load_session_cipher(Settings(environment="demo"))) == {}


async def dump_all(client: AnyRedis) -> str:
    """Every key and value of every type, as one text to search."""
    parts = []
    async for key in client.scan_iter(match="*"):
        parts.append(key.decode())
        kind = (await client.type(key)).decode()
        if kind == "string":
            parts.append((await client.get(key)).decode())
        elif kind == "set":
            parts += [member.decode() for member in await client.smembers(key)]
        else:
            raise AssertionError(f"unexpected {kind} at {key!r}")
    return "\n".join(parts)
