"""Sessions survive a Redis outage for a grace window (issue 4), against a real redis-server
that the tests kill with SIGKILL and start again (append-only file, so its data survives like
a production Redis's would). Also: a scan of Redis finds no personal data or token in clear,
and /graphql never answers 5xx because Redis died."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import anyio
import httpx
import pytest
import redis as redis_sync
from redis.asyncio import Redis
from starlette.requests import Request

from bff.app import authenticate, create_app
from bff.auth.errors import ServiceUnavailable
from bff.auth.id_tokens import IdentityClaims
from bff.auth.login import SessionOpener
from bff.auth.principal import Assurance, AuthMethod, Principal, PrincipalKind, Profile
from bff.auth.redis_sessions import SESSION_PREFIX, RedisSessionStore, connect_redis
from bff.auth.resilient_sessions import ResilientSessionStore, SessionStoreUnavailable
from bff.auth.session_crypto import SessionCipher, key_id
from bff.auth.sessions import _digest
from bff.domain.records import Language, Party, PostalAddress
from bff.settings import Settings
from tests.redis_server import MISSING, free_port

pytestmark = [pytest.mark.anyio, pytest.mark.redis]

TTL_S = 8 * 3600
IDLE_S = 30 * 60
GRACE_S = 60.0
T0 = 1_700_000_000.0
CIPHER = SessionCipher(bytes(range(32)))


def person(subject: str, profile: Profile = Profile.MOBILE) -> Principal:
    return Principal(
        kind=PrincipalKind.CUSTOMER,
        subject=subject,
        profile=profile,
        method=AuthMethod.ITSME,
        assurance=Assurance.HIGH,
        auth_time=datetime(2024, 5, 1, 9, 30, tzinfo=UTC),
    )


ALICE = person("P-000123")
BOB = person("P-000456")
ALICE_WEB = person("P-000123", Profile.WEB)


class Clock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Server:
    """A redis-server of this test's own that can die (SIGKILL) and come back on its port."""

    def __init__(self, binary: str, directory: Path) -> None:
        self.binary = binary
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        argv = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        argv += ["--appendonly", "yes", "--appendfsync", "always", "--dir", str(self.directory)]
        log = (self.directory / "redis.log").open("ab")
        with log:
            self.process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
        client = redis_sync.Redis(port=self.port, socket_timeout=0.5)
        try:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and self.process.poll() is None:
                try:
                    if client.ping():
                        return
                except redis_sync.exceptions.ConnectionError:
                    time.sleep(0.02)
        finally:
            client.close()
        raise RuntimeError((self.directory / "redis.log").read_text(errors="replace")[-2000:])

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
        if self.process is not None:
            self.process.wait(timeout=10)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail(MISSING, pytrace=False)
    server = Server(binary, tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture
async def redis(server: Server) -> AsyncIterator[Redis]:
    client = connect_redis(server.url)
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@dataclass
class Stores:
    redis_store: RedisSessionStore
    store: ResilientSessionStore


@pytest.fixture
def stores(redis: Redis, clock: Clock) -> Stores:
    inner = RedisSessionStore(redis, TTL_S, IDLE_S, CIPHER, clock=clock)
    return Stores(inner, ResilientSessionStore(inner, IDLE_S, GRACE_S, clock=clock))


async def test_a_session_seen_before_the_outage_authenticates_within_the_window(
    stores: Stores, server: Server, clock: Clock
) -> None:
    store = stores.store
    secret, created = await store.create(ALICE, "phone-1")
    unseen_secret, _ = await stores.redis_store.create(BOB, "phone-2")  # another instance's
    server.kill()

    clock.now += 1  # the first failed call starts the window
    got = await store.get(secret)
    assert got is not None
    assert (got.handle, got.principal, got.last_seen) == (
        created.handle,
        created.principal,
        T0 + 1,
    )
    assert store.down_since == T0 + 1
    assert await store.get(unseen_secret) is None  # never confirmed to this process

    clock.now = T0 + 1 + GRACE_S
    assert await store.get(secret) is not None
    clock.now += 0.5  # past the window: refused, not an error
    assert await store.get(secret) is None


async def test_after_the_window_redis_alone_confirms_sessions_again(
    stores: Stores, server: Server, clock: Clock
) -> None:
    store = stores.store
    secret, _ = await store.create(ALICE, None)
    server.kill()
    assert await store.get(secret) is not None
    clock.now += GRACE_S + 1
    assert await store.get(secret) is None

    server.start()  # the append-only file kept the session
    assert await store.get(secret) is not None
    assert store.down_since is None
    server.kill()  # a second outage opens a new window
    clock.now += 10
    assert await store.get(secret) is not None


async def test_new_logins_during_the_outage_get_service_unavailable(
    stores: Stores, server: Server
) -> None:
    server.kill()
    with pytest.raises(ServiceUnavailable) as info:
        await stores.store.create(ALICE, "phone-1")
    assert (info.value.status, info.value.code) == (503, "service_unavailable")

    server.start()
    secret, _ = await stores.store.create(ALICE, "phone-1")
    assert await stores.store.get(secret) is not None


async def test_a_revocation_during_the_outage_is_refused_dropped_here_and_replayed(
    stores: Stores, server: Server, redis: Redis
) -> None:
    store = stores.store
    secret, created = await store.create(ALICE, "phone-1")
    other_secret, _ = await store.create(BOB, "phone-2")
    server.kill()

    with pytest.raises(SessionStoreUnavailable) as info:
        await store.revoke(created.handle)
    assert info.value.status == 503
    assert store.pending_revocations == 1
    assert await store.get(secret) is None  # this process stops honouring it at once
    assert await store.get(other_secret) is not None

    server.start()
    assert await redis.exists(SESSION_PREFIX + _digest(secret)) == 1  # not yet replayed
    assert await store.get(other_secret) is not None  # the first call replays the queue
    assert store.pending_revocations == 0
    assert await redis.exists(SESSION_PREFIX + _digest(secret)) == 0
    assert await stores.redis_store.get(secret) is None


async def test_revoke_all_and_listing_during_the_outage(
    stores: Stores, server: Server, redis: Redis
) -> None:
    store = stores.store
    phone, created = await store.create(ALICE, "phone-1")
    web, _ = await store.create(ALICE_WEB, None)
    bob, _ = await store.create(BOB, "phone-2")
    server.kill()

    with pytest.raises(SessionStoreUnavailable):
        await store.sessions_of(created.owner)  # a list from the copy would be incomplete
    with pytest.raises(SessionStoreUnavailable):
        await store.revoke_all(created.owner)
    assert [await store.get(s) is not None for s in (phone, web, bob)] == [False, False, True]

    server.start()
    assert await store.sessions_of(created.owner) == []  # replayed before listing
    assert await stores.redis_store.get(phone) is None
    assert await stores.redis_store.get(web) is None
    assert await stores.redis_store.get(bob) is not None


async def test_a4_sessions_ended_by_device_binding_are_not_served_from_the_copy(
    stores: Stores, server: Server
) -> None:
    store = stores.store
    alice_phone, _ = await store.create(ALICE, "phone-1")
    alice_web, _ = await store.create(ALICE_WEB, None)
    assert await store.get(alice_phone) is not None
    bob_phone, _ = await store.create(BOB, "phone-1")  # A4: ends Alice's phone session
    server.kill()
    assert await store.get(alice_phone) is None
    assert await store.get(alice_web) is not None
    assert await store.get(bob_phone) is not None


async def test_the_copy_is_bounded_and_its_entries_expire_with_the_session(
    redis: Redis, server: Server, clock: Clock
) -> None:
    inner = RedisSessionStore(redis, 100, IDLE_S, CIPHER, clock=clock)  # 100 s lifetime
    store = ResilientSessionStore(inner, IDLE_S, GRACE_S, max_entries=2, clock=clock)
    first, _ = await store.create(ALICE, None)
    second, _ = await store.create(BOB, None)
    clock.now += 50
    third, _ = await store.create(person("P-000789"), None)  # pushes out the least recent
    server.kill()

    clock.now += 1
    assert [await store.get(s) is not None for s in (first, second, third)] == [
        False,
        True,
        True,
    ]
    clock.now = T0 + 100  # the second session's absolute expiry, inside the window
    assert await store.get(second) is None
    assert await store.get(third) is not None


class Crm:
    """The one CRM call a login makes."""

    def __init__(self, party: Party) -> None:
        self.party = party

    async def party_by_national_number(self, national_number: str) -> Party | None:
        return self.party if national_number == self.party.national_number else None


NATIONAL_NUMBER = "85073100130"  # 85.07.31-001.30


def claims(subject: str) -> IdentityClaims:
    return IdentityClaims(
        provider="itsme",
        issuer="https://itsme.sandbox.test",
        subject=subject,
        national_number=NATIONAL_NUMBER,
        given_name="Anna",
        family_name="Peeters",
        acr="http://itsme.services/v2/claim/acr_advanced",
        level_of_assurance=Assurance.HIGH,
        auth_time=datetime(2024, 5, 1, 9, 30, tzinfo=UTC),
    )


async def test_a_scan_of_redis_finds_no_party_id_national_number_device_id_or_token(
    stores: Stores, redis: Redis
) -> None:
    party = Party(
        id="P-004242",
        national_number=NATIONAL_NUMBER,
        first_name="Anna",
        last_name="Peeters",
        birth_date=date(1985, 7, 31),
        language=Language.NL,
        resident=True,
        address=PostalAddress("Kerkstraat", "1", "2000", "Antwerpen", "BE"),
        email=None,
        phone=None,
        contact_version="1",
    )
    opener = SessionOpener(Crm(party), stores.store, TTL_S)  # type: ignore[arg-type]
    app_secret, _ = await opener(claims("itsme-pairwise-77"), Profile.MOBILE, "device-9f2c41")
    web_secret, _ = await opener(claims("itsme-pairwise-77"), Profile.WEB, None)
    bob_secret, _ = await stores.store.create(BOB, "device-b0b5e7")
    for secret in (app_secret, web_secret, bob_secret):
        assert await stores.store.get(secret) is not None  # the rewritten records too

    forbidden = [
        party.id,
        party.id.removeprefix("P-"),
        BOB.subject,
        NATIONAL_NUMBER,
        "itsme-pairwise-77",
        "Peeters",
        "device-9f2c41",
        "device-b0b5e7",
        app_secret,
        web_secret,
        bob_secret,
    ]
    keys = [key async for key in redis.scan_iter(match="*")]
    assert len(keys) == 3 * 2 + 2 + 2  # session + handle each; 2 owners; 2 devices
    seen: list[bytes] = []
    for key in keys:
        is_set = await redis.type(key) == b"set"
        values = list(await redis.smembers(key)) if is_set else [await redis.get(key)]
        assert values and None not in values
        if key.startswith(SESSION_PREFIX.encode()):
            assert all(v.startswith(f"{key_id(bytes(range(32)))}.".encode()) for v in values)
        seen += [key, *values]
    for blob in seen:
        for text in forbidden:
            assert text.encode() not in blob, "found in clear in Redis"


def bearer_request(secret: str) -> Request:
    return Request({"type": "http", "headers": [(b"authorization", f"Bearer {secret}".encode())]})


async def test_graphql_never_answers_5xx_when_redis_dies(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REDIS_URL", server.url)
    app = create_app(Settings(environment="demo", session_outage_grace_s=0.5))
    runtime = app.state.runtime
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://bff.test") as client,
    ):
        secret, created = await runtime.sessions.create(ALICE, "phone-1")
        web_secret, web = await runtime.sessions.create(ALICE_WEB, None)
        headers = {"Authorization": f"Bearer {secret}"}

        async def typename() -> httpx.Response:
            return await client.post("/graphql", json={"query": "{ __typename }"}, headers=headers)

        assert (await typename()).json() == {"data": {"__typename": "Query"}}
        assert await authenticate(bearer_request(secret), runtime) == created.principal
        assert await authenticate(bearer_request(web_secret), runtime) == web.principal

        server.kill()
        started = time.monotonic()
        response = await typename()
        assert response.status_code == 200
        assert response.json() == {"data": {"__typename": "Query"}}
        assert time.monotonic() - started < 2  # a dead Redis fails fast, not after retries
        assert await authenticate(bearer_request(secret), runtime) == created.principal

        logout = await client.post("/auth/logout", headers=headers)
        assert logout.status_code == 503
        assert logout.json()["error"] == "service_unavailable"
        assert secret not in logout.text
        assert await authenticate(bearer_request(secret), runtime) is None  # dropped here

        assert await authenticate(bearer_request(web_secret), runtime) == web.principal
        await anyio.sleep(0.6)  # past the window: anonymous, still no 5xx
        assert await authenticate(bearer_request(web_secret), runtime) is None
        response = await typename()
        assert response.status_code == 200
        assert response.json() == {"data": {"__typename": "Query"}}
