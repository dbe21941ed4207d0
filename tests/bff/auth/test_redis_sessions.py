"""RedisSessionStore against real redis-servers (tests/redis_server.py), a single node and a
three-node Redis Cluster alike (the `redis` fixture runs each test on both), and create_app's
choice of it (inside the outage-resilient wrapper) when REDIS_URL is set. The records are
sealed (test_session_crypto.py); the scan for personal data in clear is in
test_resilient_sessions.py. Without transactions (a cluster refuses them across slots), the
order of writes keeps a usable session indexed and a revoked one refused: the tests cut a
create and a delete after every prefix of their commands."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import anyio
import pytest
from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster
from redis.exceptions import ConnectionError as RedisConnectionError
from starlette.requests import Request

from bff.app import authenticate, create_app
from bff.auth import redis_sessions
from bff.auth.errors import ServiceUnavailable
from bff.auth.principal import Assurance, AuthMethod, Principal, PrincipalKind, Profile
from bff.auth.redis_sessions import (
    DEVICE_PREFIX,
    HANDLE_PREFIX,
    OWNER_PREFIX,
    SESSION_PREFIX,
    Command,
    RedisSessionStore,
    connect_redis,
)
from bff.auth.resilient_sessions import ResilientSessionStore
from bff.auth.session_crypto import SessionCipher
from bff.auth.sessions import SessionStore
from bff.cache.redis_store import AnyRedis
from bff.settings import Settings
from tests.bff.auth.test_sessions import CASES
from tests.redis_server import free_port, redis_cluster

pytestmark = [pytest.mark.anyio, pytest.mark.redis]

TTL_S = 8 * 3600
IDLE_S = 30 * 60
T0 = 1_700_000_000.0
CIPHER = SessionCipher(bytes(range(32)))

ALICE = Principal(
    kind=PrincipalKind.CUSTOMER,
    subject="P-000123",
    profile=Profile.WEB,
    method=AuthMethod.ITSME,
    assurance=Assurance.HIGH,
    auth_time=datetime(2024, 5, 1, 9, 30, 12, 345678, tzinfo=UTC),
)
BOB = Principal(
    kind=PrincipalKind.CUSTOMER,
    subject="P-000456",
    profile=Profile.MOBILE,
    method=AuthMethod.EID,
    assurance=Assurance.SUBSTANTIAL,
    auth_time=datetime(2024, 5, 2, 18, 0, tzinfo=UTC),
)


class Clock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def cluster_url() -> Iterator[str]:
    """One three-node cluster for the module (starting one takes seconds); each test using
    it starts from an empty cluster (see `redis`)."""
    with redis_cluster() as urls:
        yield urls[0]


@pytest.fixture(params=["single", "cluster"])
async def redis(request: pytest.FixtureRequest) -> AsyncIterator[AnyRedis]:
    """A client of a fresh single redis-server, or of the module's emptied cluster."""
    client: AnyRedis
    if request.param == "single":
        client = Redis.from_url(request.getfixturevalue("redis_url"))
    else:
        client = RedisCluster.from_url(request.getfixturevalue("cluster_url"))
        await client.flushall()
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
async def single_redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(redis: AnyRedis, clock: Clock) -> RedisSessionStore:
    return RedisSessionStore(redis, TTL_S, IDLE_S, CIPHER, clock=clock)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def session_key(secret: str) -> str:
    return SESSION_PREFIX + digest(secret)


async def use_until(store: RedisSessionStore, secret: str, clock: Clock, until: float) -> None:
    """Use the session every half idle timeout, then once at `until`."""
    while clock.now + IDLE_S // 2 < until:
        clock.now += IDLE_S // 2
        assert await store.get(secret) is not None
    clock.now = until
    assert await store.get(secret) is not None


async def test_create_then_get_round_trips_the_principal(
    store: RedisSessionStore, redis: AnyRedis, clock: Clock
) -> None:
    secret, created = await store.create(ALICE, "device-7f3a")

    assert created.principal == replace(ALICE, session_id=created.handle)
    assert (created.created, created.last_seen, created.expires) == (T0, T0, T0 + TTL_S)
    assert await redis.exists(session_key(secret)) == 1
    assert await redis.get(HANDLE_PREFIX + created.handle) == digest(secret).encode()

    clock.now += 60
    # nothing kept in the process
    again = RedisSessionStore(redis, TTL_S, IDLE_S, CIPHER, clock=clock)
    got = await again.get(secret)
    assert got == replace(created, last_seen=T0 + 60)
    assert got.principal.auth_time == ALICE.auth_time
    assert got.principal.auth_time.tzinfo is not None
    assert isinstance(got.principal.kind, PrincipalKind)


async def test_a_session_without_device_round_trips(store: RedisSessionStore) -> None:
    secret, created = await store.create(BOB, None)
    got = await store.get(secret)
    assert got is not None
    assert got.device_id is None
    assert got.principal == replace(BOB, session_id=created.handle)


async def test_the_secret_is_in_no_key_and_no_value(
    store: RedisSessionStore, redis: AnyRedis, clock: Clock
) -> None:
    secrets = [(await store.create(p, f"device-{i}"))[0] for i, p in enumerate([ALICE, BOB])]
    clock.now += 5
    for secret in secrets:
        assert await store.get(secret) is not None  # the rewritten record too

    keys = [key async for key in redis.scan_iter(match="*")]
    assert len(keys) == 8  # a session, a handle, an owner and a device key each
    for key in keys:
        if key.startswith((OWNER_PREFIX.encode(), DEVICE_PREFIX.encode())):
            values = list(await redis.smembers(key))
        else:
            values = [await redis.get(key)]
        assert values and None not in values
        for secret in secrets:
            assert secret.encode() not in key
            for value in values:
                assert secret.encode() not in value


async def test_the_redis_ttl_is_the_idle_timeout_then_the_remaining_lifetime(
    store: RedisSessionStore, redis: AnyRedis, clock: Clock
) -> None:
    secret, created = await store.create(ALICE, None)
    handle_key = HANDLE_PREFIX + created.handle
    assert IDLE_S * 1000 - 2000 < await redis.pttl(session_key(secret)) <= IDLE_S * 1000
    assert IDLE_S * 1000 - 2000 < await redis.pttl(handle_key) <= IDLE_S * 1000

    await use_until(store, secret, clock, created.expires - 100)  # less than idle left
    await redis.pexpire(session_key(secret), 5000)
    assert await store.get(secret) is not None  # refreshes the TTL
    assert 98_000 < await redis.pttl(session_key(secret)) <= 100_000
    assert 98_000 < await redis.pttl(handle_key) <= 100_000


async def test_redis_itself_drops_the_session_at_its_ttl(
    store: RedisSessionStore, redis: AnyRedis, clock: Clock
) -> None:
    secret, created = await store.create(ALICE, None)
    await use_until(store, secret, clock, created.expires - 0.2)
    await anyio.sleep(0.4)
    assert await redis.exists(session_key(secret), HANDLE_PREFIX + created.handle) == 0
    clock.now = T0  # even to a store whose clock says it is still valid
    assert await store.get(secret) is None


async def test_idle_expiry(store: RedisSessionStore, redis: AnyRedis, clock: Clock) -> None:
    secret, created = await store.create(ALICE, None)
    clock.now += IDLE_S - 1
    assert await store.get(secret) is not None
    clock.now += IDLE_S - 1  # measured from the last use, not from creation
    assert await store.get(secret) is not None
    clock.now += IDLE_S
    assert await store.get(secret) is None
    assert await redis.exists(session_key(secret), HANDLE_PREFIX + created.handle) == 0
    clock.now -= IDLE_S  # gone for good, not merely refused
    assert await store.get(secret) is None


async def test_absolute_expiry_despite_use(
    store: RedisSessionStore, redis: AnyRedis, clock: Clock
) -> None:
    secret, created = await store.create(ALICE, None)
    await use_until(store, secret, clock, created.expires - 1)
    clock.now = created.expires
    assert await store.get(secret) is None
    assert await redis.exists(session_key(secret), HANDLE_PREFIX + created.handle) == 0


async def test_revoke_by_handle(store: RedisSessionStore, redis: AnyRedis) -> None:
    alice_secret, alice = await store.create(ALICE, "device-a")
    bob_secret, bob = await store.create(BOB, "device-b")

    await store.revoke(alice.handle)

    assert await store.get(alice_secret) is None
    assert await redis.exists(session_key(alice_secret), HANDLE_PREFIX + alice.handle) == 0
    got = await store.get(bob_secret)
    assert got is not None and got.handle == bob.handle
    await store.revoke(alice.handle)  # again: nothing to do
    await store.revoke("no-such-handle")
    assert await store.get(bob_secret) is not None


async def test_two_sessions_never_cross(store: RedisSessionStore, clock: Clock) -> None:
    alice_secret, alice = await store.create(ALICE, "device-a")
    bob_secret, bob = await store.create(BOB, "device-b")
    alice_again_secret, alice_again = await store.create(ALICE, "device-a")
    assert len({alice_secret, bob_secret, alice_again_secret}) == 3
    assert len({alice.handle, bob.handle, alice_again.handle}) == 3

    clock.now += 10
    for secret, created in [(alice_secret, alice), (bob_secret, bob)] * 2 + [
        (alice_again_secret, alice_again)
    ]:
        got = await store.get(secret)
        assert got is not None
        assert (got.handle, got.principal, got.device_id) == (
            created.handle,
            created.principal,
            created.device_id,
        )
    assert await store.get(alice_secret[:-1]) is None
    assert await store.get("") is None


def bearer_request(secret: str) -> Request:
    return Request({"type": "http", "headers": [(b"authorization", f"Bearer {secret}".encode())]})


async def test_create_app_keeps_sessions_in_redis_when_redis_url_is_set(
    redis_url: str, single_redis: Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    redis = single_redis
    monkeypatch.setenv("REDIS_URL", redis_url)
    settings = Settings(environment="demo")
    assert settings.redis_url == redis_url
    app = create_app(settings)
    runtime = app.state.runtime
    assert isinstance(runtime.sessions, ResilientSessionStore)
    assert isinstance(runtime.sessions.inner, RedisSessionStore)

    async with app.router.lifespan_context(app):
        secret, created = await runtime.sessions.create(ALICE, "device-7f3a")
        assert await redis.exists(session_key(secret)) == 1
        assert await authenticate(bearer_request(secret), runtime) == created.principal
        await redis.delete(session_key(secret))  # while Redis answers, it alone decides
        assert await authenticate(bearer_request(secret), runtime) is None
        assert len(await redis.client_list()) == 2  # the app's connection and this test's

    # the lifespan closed the app's client
    for _ in range(500):
        if len(await redis.client_list()) == 1:
            break
        await anyio.sleep(0.01)
    assert len(await redis.client_list()) == 1


@pytest.mark.parametrize("case", CASES, ids=[case.__name__ for case in CASES])
async def test_redis_store(
    case: Callable[[SessionStore], Awaitable[None]], redis: AnyRedis
) -> None:
    """The device binding (A4), listing and revoke-all cases of the memory store, in Redis."""
    await case(RedisSessionStore(redis, TTL_S, IDLE_S, CIPHER, clock=Clock()))


async def test_a4_indexes_are_sets_with_ttls_and_lose_ended_sessions(
    store: RedisSessionStore, redis: AnyRedis
) -> None:
    _, alice = await store.create(ALICE, "phone-1")
    bob_secret, bob = await store.create(BOB, "phone-1")  # ends Alice's session on phone-1
    [device_key] = store.device_keys("phone-1")
    [alice_key], [bob_key] = store.owner_keys(alice.owner), store.owner_keys(bob.owner)
    assert device_key.startswith(DEVICE_PREFIX) and "phone-1" not in device_key
    assert bob_key.startswith(OWNER_PREFIX) and bob.principal.subject not in bob_key
    assert await redis.smembers(device_key) == {bob.handle.encode()}
    assert await redis.smembers(alice_key) == set()
    assert await redis.smembers(bob_key) == {bob.handle.encode()}
    assert TTL_S * 1000 - 2000 < await redis.pttl(device_key) <= TTL_S * 1000
    assert TTL_S * 1000 - 2000 < await redis.pttl(bob_key) <= TTL_S * 1000

    await redis.delete(session_key(bob_secret), HANDLE_PREFIX + bob.handle)  # Redis expired it
    assert await store.sessions_of(bob.owner) == []
    assert await redis.exists(bob_key) == 0  # the stale member went too


async def test_expired_sessions_are_not_listed(
    store: RedisSessionStore, redis: AnyRedis, clock: Clock
) -> None:
    secret, created = await store.create(ALICE, "phone-1")
    clock.now += IDLE_S  # Redis has not dropped it yet; the store's clock has
    assert await store.sessions_of(created.owner) == []
    assert await redis.exists(session_key(secret), HANDLE_PREFIX + created.handle) == 0
    assert await store.revoke_all(created.owner) == 0


async def test_create_app_keeps_sessions_in_the_cluster_when_told_it_is_one(
    cluster_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REDIS_URL", cluster_url)
    monkeypatch.setenv("BFF_REDIS_CLUSTER", "true")
    app = create_app(Settings(environment="demo"))
    runtime = app.state.runtime
    assert isinstance(runtime.redis, RedisCluster)
    async with app.router.lifespan_context(app), RedisCluster.from_url(cluster_url) as cluster:
        secret, created = await runtime.sessions.create(ALICE, "device-7f3a")
        assert await cluster.exists(session_key(secret), HANDLE_PREFIX + created.handle) == 2
        assert await authenticate(bearer_request(secret), runtime) == created.principal
        await runtime.sessions.revoke(created.handle)
        assert await authenticate(bearer_request(secret), runtime) is None


def test_connect_redis_gives_a_cluster_client_only_when_asked() -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"  # nothing is asked of it
    assert type(connect_redis(url)) is Redis
    assert isinstance(connect_redis(url, cluster=True), RedisCluster)


async def test_a_record_whose_handle_key_has_gone_is_refused_and_deleted(
    store: RedisSessionStore, redis: AnyRedis
) -> None:
    secret, created = await store.create(ALICE, "phone-1")
    await redis.delete(HANDLE_PREFIX + created.handle)  # it could be neither listed nor revoked
    assert await store.get(secret) is None
    assert await redis.exists(session_key(secret)) == 0


async def test_an_index_member_is_kept_while_its_handle_key_is_there(
    store: RedisSessionStore, redis: AnyRedis
) -> None:
    """A handle key without a record is what a create looks like before its last step."""
    secret, created = await store.create(ALICE, "phone-1")
    [owner_key] = store.owner_keys(created.owner)
    await redis.delete(session_key(secret))
    assert await store.sessions_of(created.owner) == []
    assert await redis.smembers(owner_key) == {created.handle.encode()}
    await redis.delete(HANDLE_PREFIX + created.handle)
    assert await store.sessions_of(created.owner) == []
    assert await redis.exists(owner_key) == 0


async def test_a_session_revoked_between_its_read_and_its_rewrite_stays_revoked(
    store: RedisSessionStore, redis: AnyRedis, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret, created = await store.create(ALICE, "phone-1")
    original = redis_sessions.in_order

    async def revoked_meanwhile(client: AnyRedis, commands: Sequence[Command]) -> list[Any]:
        monkeypatch.setattr(redis_sessions, "in_order", original)
        await RedisSessionStore(redis, TTL_S, IDLE_S, CIPHER).revoke(created.handle)  # elsewhere
        return await original(client, commands)

    monkeypatch.setattr(redis_sessions, "in_order", revoked_meanwhile)
    clock.now += 10
    assert await store.get(secret) is None
    assert await redis.exists(session_key(secret), HANDLE_PREFIX + created.handle) == 0
    assert await store.get(secret) is None


def cut_after(count: int) -> Callable[[AnyRedis, Sequence[Command]], Awaitable[list[Any]]]:
    """An `in_order` that runs the first `count` commands, then loses the connection."""
    original = redis_sessions.in_order

    async def cut(client: AnyRedis, commands: Sequence[Command]) -> list[Any]:
        assert count < len(commands)
        await original(client, commands[:count])
        raise RedisConnectionError("connection lost part-way")

    return cut


CREATE_COMMANDS = 6  # handle key, owner set (SADD, PEXPIRE), device set (SADD, PEXPIRE), record
DELETE_COMMANDS = 4  # record, handle key, owner set, device set


@pytest.mark.parametrize("done", range(CREATE_COMMANDS))
async def test_a_create_cut_part_way_leaves_no_usable_session_and_loses_no_index_member(
    store: RedisSessionStore, redis: AnyRedis, monkeypatch: pytest.MonkeyPatch, done: int
) -> None:
    monkeypatch.setattr(redis_sessions, "in_order", cut_after(done))
    with pytest.raises(RedisConnectionError):
        await store.create(ALICE, "phone-1")
    monkeypatch.undo()

    keys = [key.decode() async for key in redis.scan_iter(match="*")]
    assert not [key for key in keys if key.startswith(SESSION_PREFIX)]  # the record comes last
    handles = [key.removeprefix(HANDLE_PREFIX) for key in keys if key.startswith(HANDLE_PREFIX)]
    assert len(handles) == (1 if done else 0)  # the handle key comes first
    owner = f"customer:{ALICE.subject}"
    assert await store.sessions_of(owner) == []
    [owner_key] = store.owner_keys(owner)
    # a member whose handle key is there is left alone: the create might still finish
    assert await redis.smembers(owner_key) == ({handles[0].encode()} if done >= 2 else set())

    secret, created = await store.create(ALICE, "phone-1")  # the next login works as usual
    assert [s.handle for s in await store.sessions_of(owner)] == [created.handle]
    assert await store.get(secret) is not None


@pytest.mark.parametrize("done", range(DELETE_COMMANDS))
async def test_a_revocation_cut_part_way_leaves_the_session_refused_once_begun(
    store: RedisSessionStore, redis: AnyRedis, monkeypatch: pytest.MonkeyPatch, done: int
) -> None:
    secret, created = await store.create(ALICE, "phone-1")
    monkeypatch.setattr(redis_sessions, "in_order", cut_after(done))
    with pytest.raises(RedisConnectionError):  # the caller learns it is not done
        await store.revoke(created.handle)
    monkeypatch.undo()

    if done == 0:
        assert await store.get(secret) is not None
    else:  # the record went first
        assert await store.get(secret) is None
    await store.revoke(created.handle)  # tried again
    assert await store.get(secret) is None
    assert await store.sessions_of(created.owner) == []
    assert await redis.exists(session_key(secret), HANDLE_PREFIX + created.handle) == 0
    [owner_key] = store.owner_keys(created.owner)
    assert await redis.exists(owner_key) == 0


async def test_an_unreachable_cluster_is_an_outage_not_a_server_error() -> None:
    client = connect_redis(f"redis://127.0.0.1:{free_port()}/0", cluster=True)
    store = ResilientSessionStore(
        RedisSessionStore(client, TTL_S, IDLE_S, CIPHER), IDLE_S, 60, clock=Clock()
    )
    try:
        assert await store.get("a-secret-never-issued") is None
        with pytest.raises(ServiceUnavailable):
            await store.create(ALICE, "phone-1")
        assert store.down_since == T0
    finally:
        await client.aclose()
