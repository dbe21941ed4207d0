"""The read-through cache between the loaders and the adapters (docs/operations.md).

`build_cache` assembles it from the settings: policies and TTLs, the cipher for private
entries, the key namespace, and the store: Redis (single or Cluster) when REDIS_URL is set,
else a bounded in-process store, both behind a breaker.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import time

from bff.cache.codec import codec_for
from bff.cache.crypto import KEY_BYTES, CacheCipher
from bff.cache.keys import KeySpace, namespace
from bff.cache.policies import policies
from bff.cache.read_through import Cache
from bff.cache.redis_store import AnyRedis, RedisStore
from bff.cache.store import CacheStore, GuardedStore, MemoryStore
from bff.resilience.breaker import BreakerPolicy
from bff.settings import Settings

__all__ = ["Cache", "build_cache", "cache_cipher"]

log = logging.getLogger(__name__)


class CacheConfigError(ValueError):
    pass


def cache_cipher(settings: Settings) -> CacheCipher:
    text = settings.cache_encryption_key.get_secret_value().strip()
    if not text:
        if settings.environment != "demo":
            log.warning(
                "cache encryption key generated at start-up (BFF_CACHE_ENCRYPTION_KEY not "
                "set): instances sharing a Redis do not share private entries; set it"
            )
        return CacheCipher(os.urandom(KEY_BYTES))
    try:
        key = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise CacheConfigError("BFF_CACHE_ENCRYPTION_KEY is not base64url") from None
    if len(key) != KEY_BYTES:
        raise CacheConfigError(f"BFF_CACHE_ENCRYPTION_KEY must be {KEY_BYTES} bytes")
    return CacheCipher(key)


def build_cache(settings: Settings, redis: AnyRedis | None) -> Cache | None:
    """The app's cache, or None when `cache_enabled` is off."""
    if not settings.cache_enabled:
        return None
    try:
        by_name = policies(
            settings.cache_ttl_s, settings.cache_stale_s, settings.cache_negative_ttl_s
        )
    except ValueError as exc:
        raise CacheConfigError(str(exc)) from None
    cipher = cache_cipher(settings)
    shapes = [f"{p.name}={codec_for(p.value_type).shape}" for p in by_name.values()]
    keys = KeySpace(namespace(settings.cache_version, shapes), cipher)
    inner: CacheStore = (
        RedisStore(redis) if redis is not None else MemoryStore(settings.cache_max_entries)
    )
    # a dead Redis refuses at once: three failures in a row take it out of the path
    breaker = BreakerPolicy(consecutive_failures=3, cool_down_s=settings.cache_breaker_cool_down_s)
    store = GuardedStore(inner, breaker, time.monotonic)
    return Cache(store, keys, cipher, by_name)
