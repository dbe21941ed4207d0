"""The cache store in a real Redis (single node) and a real Redis Cluster: batches read and
written whole, TTLs honoured by Redis itself (SET ... PX), one MGET for a batch on a single
node, and on a cluster one MGET per distinct slot, so keys sharing a hash tag cost one. Round
trips are counted where Redis counts them (INFO commandstats) and on the client's socket."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import redis
from redis.asyncio.cluster import RedisCluster
from redis.asyncio.connection import AbstractConnection
from redis.crc import key_slot

from bff.cache.redis_store import AnyRedis, RedisStore, connect_cache_redis
from tests.redis_server import MISSING, redis_cluster, redis_server

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def single_url() -> Iterator[str]:
    """One redis-server for the module; each test empties it first (see `url_of`)."""
    if shutil.which("redis-server") is None:
        pytest.fail(MISSING, pytrace=False)
    with redis_server() as url:
        yield url


@pytest.fixture(scope="module")
def cluster_url() -> Iterator[str]:
    """One three-node Redis Cluster for the module (starting one takes seconds)."""
    if shutil.which("redis-server") is None:
        pytest.fail(MISSING, pytrace=False)
    with redis_cluster() as urls:
        yield urls[0]


def node_clients(url: str, *, cluster: bool) -> list[redis.Redis]:
    if not cluster:
        return [redis.Redis.from_url(url)]
    with redis.RedisCluster.from_url(url) as discovery:
        nodes = [(n.host, n.port) for n in discovery.get_nodes()]
    return [redis.Redis(host=host, port=port) for host, port in nodes]


def emptied(url: str, *, cluster: bool) -> str:
    for node in node_clients(url, cluster=cluster):
        with node:
            node.flushall()
    return url


@pytest.fixture
def empty_single(single_url: str) -> str:
    return emptied(single_url, cluster=False)


@pytest.fixture
def empty_cluster(cluster_url: str) -> str:
    return emptied(cluster_url, cluster=True)


@pytest.fixture(params=["single", "cluster"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[RedisStore]:
    cluster = request.param == "cluster"
    url = request.getfixturevalue("empty_cluster" if cluster else "empty_single")
    client = connect_cache_redis(url, cluster=cluster, timeout_s=2.0)
    try:
        yield RedisStore(client)
    finally:
        await client.aclose()


class ServerCounts:
    """Commands the Redis servers executed, summed over every node."""

    def __init__(self, url: str, *, cluster: bool) -> None:
        self.nodes = node_clients(url, cluster=cluster)
        for node in self.nodes:
            node.config_resetstat()

    def calls(self, command: str) -> int:
        total = 0
        for node in self.nodes:
            stats: dict[str, Any] = node.info("commandstats")
            total += int(stats.get(f"cmdstat_{command}", {}).get("calls", 0))
        return total

    def close(self) -> None:
        for node in self.nodes:
            node.close()


@pytest.fixture
def sends(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How many times a client wrote to a socket (a round trip each)."""
    counted: list[int] = []
    original = AbstractConnection.send_packed_command

    async def counting(self: AbstractConnection, *args: Any, **kwargs: Any) -> None:
        counted.append(1)
        await original(self, *args, **kwargs)

    monkeypatch.setattr(AbstractConnection, "send_packed_command", counting)
    yield counted


def keys_of(n: int, tag: str | None = None) -> list[str]:
    return [f"bff:t:{{{tag}}}:{i}" if tag else f"bff:t:key-{i}" for i in range(n)]


async def test_a_batch_is_written_and_read_back_in_key_order(store: RedisStore) -> None:
    keys = keys_of(40)
    await store.set_many([(k, f"v{i}".encode() + b"\x00\xff", 60) for i, k in enumerate(keys)])
    wanted = [keys[3], "bff:t:absent", keys[0], keys[39]]
    assert await store.get_many(wanted) == [b"v3\x00\xff", None, b"v0\x00\xff", b"v39\x00\xff"]
    assert await store.get_many([]) == []


async def test_delete_drops_keys_across_slots(store: RedisStore) -> None:
    keys = keys_of(20)
    await store.set_many([(k, b"x", 60) for k in keys])
    await store.delete([*keys[:15], "bff:t:absent"])
    assert await store.get_many(keys) == [None] * 15 + [b"x"] * 5
    await store.delete([])


async def test_the_ttl_is_set_in_milliseconds_and_redis_expires_the_entry(
    store: RedisStore,
) -> None:
    await store.set_many([("bff:t:short", b"s", 0.3), ("bff:t:long", b"l", 120.5)])
    client: AnyRedis = store.client
    assert 0 < await client.pttl("bff:t:short") <= 300
    assert 120_000 < await client.pttl("bff:t:long") <= 120_500
    for _ in range(100):  # Redis expires it, nothing on our side does
        if await client.exists("bff:t:short") == 0:
            break
        await asyncio.sleep(0.02)
    assert await store.get_many(["bff:t:short", "bff:t:long"]) == [None, b"l"]


async def test_a_ttl_under_a_millisecond_is_written_as_one_millisecond(
    store: RedisStore,
) -> None:
    await store.set_many([("bff:t:tiny", b"t", 0.0001)])  # PX 0 would be refused by Redis
    assert await store.client.pttl("bff:t:tiny") in (-2, 0, 1)  # -2: already expired


async def test_a_batch_on_a_single_redis_is_one_mget_and_one_round_trip(
    empty_single: str, sends: list[int]
) -> None:
    client = connect_cache_redis(empty_single, cluster=False)
    counts = ServerCounts(empty_single, cluster=False)
    try:
        store = RedisStore(client)
        await client.ping()  # the connection's own handshake is not the batch's
        keys = keys_of(50)
        sends.clear()
        await store.set_many([(k, b"v", 60) for k in keys])
        assert len(sends) == 1
        sends.clear()
        assert await store.get_many(keys) == [b"v"] * 50
        assert len(sends) == 1
        sends.clear()
        await store.delete(keys)
        assert len(sends) == 1
        assert counts.calls("mget") == 1 and counts.calls("get") == 0
        assert store.roundtrips == 3
    finally:
        counts.close()
        await client.aclose()


async def test_on_a_cluster_a_batch_costs_one_mget_per_distinct_slot(
    empty_cluster: str,
) -> None:
    client = connect_cache_redis(empty_cluster, cluster=True)
    counts = ServerCounts(empty_cluster, cluster=True)
    try:
        assert isinstance(client, RedisCluster)
        store = RedisStore(client)
        keys = keys_of(30)
        slots = {key_slot(k.encode()) for k in keys}
        assert len(slots) > 3  # spread over the slots, and over the nodes
        await store.set_many([(k, k.encode(), 60) for k in keys])
        before = store.roundtrips
        assert await store.get_many(keys) == [k.encode() for k in keys]
        assert counts.calls("mget") == len(slots)
        assert store.roundtrips - before == len(slots)
    finally:
        counts.close()
        await client.aclose()


async def test_on_a_cluster_keys_with_one_hash_tag_cost_one_mget_and_one_round_trip(
    empty_cluster: str, sends: list[int]
) -> None:
    client = connect_cache_redis(empty_cluster, cluster=True)
    counts = ServerCounts(empty_cluster, cluster=True)
    try:
        store = RedisStore(client)
        keys = keys_of(30, tag="p:owner-digest")
        assert len({key_slot(k.encode()) for k in keys}) == 1
        await store.set_many([(k, b"v", 60) for k in keys])
        await client.ping()  # every node's connection is set up before counting
        before = store.roundtrips
        sends.clear()
        assert await store.get_many([*keys, "bff:t:{p:owner-digest}:absent"]) == [b"v"] * 30 + [
            None
        ]
        assert len(sends) == 1
        assert counts.calls("mget") == 1
        assert store.roundtrips - before == 1
    finally:
        counts.close()
        await client.aclose()
