"""The cache in Redis: one MGET per batch on a single Redis; on a Redis Cluster one MGET per
slot group (the keys of one party share a hash tag, so a party's batch is one group). Writes
go in one pipeline of SET ... PX. The client is the cache's own, with short timeouts and no
retries: a Redis that fails costs a request at most one short timeout before the breaker in
`bff.cache.store.GuardedStore` takes it out of the path."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.cluster import RedisCluster
from redis.crc import key_slot

from bff.cache.store import Item

AnyRedis: TypeAlias = "Redis | RedisCluster"

CACHE_TIMEOUT_S = 0.25
# A burst opens many connections at once on a loaded event loop: a refused connection fails
# at once anyway, so a longer connect timeout only spares a cold pool spurious failures.
CONNECT_S = 1.0
MAX_CONNECTIONS = 128  # per BFF process
POOL_WAIT_S = 1.0  # a burst queues for a connection; a loaded event loop is slow to hand one


def connect_cache_redis(url: str, *, cluster: bool, timeout_s: float = CACHE_TIMEOUT_S) -> AnyRedis:
    if cluster:
        return RedisCluster.from_url(
            url, socket_timeout=timeout_s, socket_connect_timeout=max(CONNECT_S, timeout_s)
        )
    # Blocking: under a burst, a read waits (up to the timeout) for a free connection
    # instead of failing at once as redis-py's default pool does past its size.
    pool = BlockingConnectionPool.from_url(
        url,
        max_connections=MAX_CONNECTIONS,
        timeout=max(POOL_WAIT_S, timeout_s),
        socket_timeout=timeout_s,
        socket_connect_timeout=max(CONNECT_S, timeout_s),
    )
    return Redis.from_pool(pool)  # the client owns the pool: aclose disconnects it


class RedisStore:
    def __init__(self, client: AnyRedis) -> None:
        self.client = client
        self.roundtrips = 0

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        if not keys:
            return []
        if isinstance(self.client, RedisCluster):
            self.roundtrips += len({key_slot(k.encode()) for k in keys})
            return _bytes(await self.client.mget_nonatomic(list(keys)))
        self.roundtrips += 1
        return _bytes(await self.client.mget(list(keys)))

    async def set_many(self, items: Sequence[Item]) -> None:
        if not items:
            return
        self.roundtrips += 1
        async with self.client.pipeline(transaction=False) as pipe:
            for key, value, ttl_s in items:
                pipe.set(key, value, px=max(1, int(ttl_s * 1000)))
            await pipe.execute()

    async def delete(self, keys: Sequence[str]) -> None:
        if not keys:
            return
        self.roundtrips += 1
        async with self.client.pipeline(transaction=False) as pipe:
            for key in keys:  # one DEL per key: a cluster refuses DEL across slots
                pipe.delete(key)
            await pipe.execute()


def _bytes(values: Sequence[bytes | str | None]) -> list[bytes | None]:
    return [v.encode() if isinstance(v, str) else v for v in values]
