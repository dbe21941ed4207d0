"""The cache as the app builds it from its settings (bff/cache/__init__.py): in process without
Redis, off when disabled, configuration errors named; and BFF instances sharing one Redis
share private entries exactly when they share the encryption key and the version."""

from __future__ import annotations

import base64
import logging
import os
from collections.abc import Mapping
from typing import Any

import pytest

from bff.cache import CacheConfigError, build_cache
from bff.cache.crypto import KEY_BYTES
from bff.cache.read_through import Cache
from bff.cache.redis_store import RedisStore, connect_cache_redis
from bff.cache.store import GuardedStore, MemoryStore
from bff.settings import Settings
from tests.bff.schema.harness import shared_world

pytestmark = pytest.mark.anyio


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode().rstrip("=")


def settings(**values: Any) -> Settings:
    return Settings(environment="demo", **values)


def built(config: Settings, redis: Any = None) -> Cache:
    cache = build_cache(config, redis)
    assert cache is not None
    return cache


def test_without_redis_the_policies_run_on_a_bounded_in_process_store() -> None:
    cache = built(settings(cache_max_entries=1234))
    assert isinstance(cache.store, GuardedStore)
    assert isinstance(cache.store.inner, MemoryStore)
    assert cache.store.inner.max_entries == 1234


def test_configured_ttls_reach_the_policies() -> None:
    cache = built(settings(cache_ttl_s={"fund": 120, "party": 30}, cache_stale_s=900))
    assert cache.policies["fund"].ttl_s == 120 and cache.policies["party"].ttl_s == 30
    assert {p.stale_s for p in cache.policies.values()} == {900}


def test_a_disabled_cache_is_none() -> None:
    assert build_cache(settings(cache_enabled=False), None) is None


def test_an_unknown_policy_in_the_ttls_is_a_configuration_error() -> None:
    with pytest.raises(CacheConfigError, match="'navs'"):
        build_cache(settings(cache_ttl_s={"navs": 60}), None)


@pytest.mark.parametrize(
    "key",
    [
        base64.urlsafe_b64encode(os.urandom(16)).decode(),
        base64.urlsafe_b64encode(os.urandom(KEY_BYTES + 1)).decode(),
        "%%%%",
    ],
    ids=["short", "long", "not-base64url"],
)
def test_a_bad_encryption_key_is_a_configuration_error(key: str) -> None:
    with pytest.raises(CacheConfigError, match="BFF_CACHE_ENCRYPTION_KEY"):
        build_cache(settings(cache_encryption_key=key), None)


def test_a_missing_key_outside_the_demo_is_generated_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="bff.cache"):
        assert build_cache(Settings(environment="development"), None) is not None
    assert "BFF_CACHE_ENCRYPTION_KEY" in caplog.text


async def test_instances_share_private_entries_over_one_redis_only_with_one_key_and_version(
    redis_url: str,
) -> None:
    key = new_key()
    clients = [connect_cache_redis(redis_url, cluster=False) for _ in range(4)]
    try:
        first, same, other_key, other_version = (
            built(settings(cache_encryption_key=key), clients[0]),
            built(settings(cache_encryption_key=key), clients[1]),
            built(settings(cache_encryption_key=new_key()), clients[2]),
            built(settings(cache_encryption_key=key, cache_version="2"), clients[3]),
        )
        assert isinstance(first.store, GuardedStore)
        assert isinstance(first.store.inner, RedisStore)
        mandates = first.policies["mandates"]
        owners = sorted(p.party_id for p in shared_world().personas.values() if p.party_id)
        calls: list[list[str]] = []

        async def fetch(keys: list[str]) -> Mapping[str, Any]:
            calls.append(keys)
            return {k: [] for k in keys}  # an empty list is a value like any other

        for cache in (first, same, other_key, other_version):
            assert await cache.get_many(mandates, owners, fetch) == {k: [] for k in owners}
        # the second instance read the first one's entries; another key or version did not
        assert len(calls) == 3
    finally:
        for client in clients:
            await client.aclose()
