"""The read-through cache between the loaders and the adapters.

`Cache.get_many` answers a loader batch: one store round trip for all its keys, then one
call to the system for the keys that are missing or past their freshness. Around that:

single flight   within a process a key is fetched by one caller at a time; concurrent callers
                wait for that fetch and share its answer (so a hot key that expires costs
                one call, not one per request).
early refresh   a fresh entry may be refreshed in the background before it expires (XFetch);
                the caller is answered with the entry at once (stale-while-revalidate).
serve stale     when the system is unavailable (down, in maintenance, timing out, breaker
                open), an entry past its freshness but within its policy's stale window is
                served, and the request's stale report names the system.
negative        a key the system does not know is remembered as absent for a short while.

Authorization is decided before a loader is asked, so the cache never decides who may see
what; it only keeps one owner's private entries under that owner's keys.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import weakref
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from bff.adapters.errors import BackendUnavailable
from bff.cache.codec import Codec, CodecError, codec_for
from bff.cache.crypto import CacheCipher, SealError
from bff.cache.entry import Entry, EntryError
from bff.cache.keys import KeySpace
from bff.cache.policies import Policy
from bff.cache.stale import report_stale
from bff.cache.store import CacheStore, GuardedStore

log = logging.getLogger(__name__)

K = TypeVar("K")
V = TypeVar("V")
Fetch = Callable[[list[K]], Awaitable[Mapping[K, V]]]
SETTLE_S = 1.0  # how long a finished fetch's answer is still shared with late joiners


@dataclass(frozen=True)
class _Answer(Generic[V]):
    found: bool
    value: V | None
    stale_since: float | None = None  # set when served past freshness


_ABSENT: _Answer[object] = _Answer(False, None)


class CacheStats:
    """Counts per (policy, outcome): hit, miss, stale, negative_hit, refresh, undecodable."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, str]] = Counter()

    def add(self, policy: str, outcome: str, n: int = 1) -> None:
        if n:
            self.counts[(policy, outcome)] += n

    def total(self, outcome: str) -> int:
        return sum(n for (_, o), n in self.counts.items() if o == outcome)


class Cache:
    def __init__(
        self,
        store: CacheStore,
        keys: KeySpace,
        cipher: CacheCipher,
        policies: Mapping[str, Policy],
        *,
        clock: Callable[[], float] = time.time,
        random_unit: Callable[[], float] = random.random,
        beta: float = 1.0,
    ) -> None:
        self.store = store
        self.keys = keys
        self.policies = dict(policies)
        self.cipher = cipher
        self.stats = CacheStats()
        self._clock = clock
        self._random = random_unit
        self._beta = beta
        self._inflight: dict[str, asyncio.Task[dict[str, _Answer[object]]]] = {}
        self._finished_at: weakref.WeakKeyDictionary[asyncio.Task[Any], float] = (
            weakref.WeakKeyDictionary()
        )
        self.settle_s = SETTLE_S
        self._background: set[asyncio.Task[dict[str, _Answer[object]]]] = set()

    async def get_many(
        self,
        policy: Policy,
        keys: Sequence[K],
        fetch: Fetch[K, V],
        *,
        ident: Callable[[K], str] = str,
        owner: str | None = None,
    ) -> dict[K, V]:
        """The values of `keys` that exist (absent keys are left out), fetching what the cache
        cannot answer with `fetch` in one call; raises the system's error when a key can be
        answered neither by the system nor from a stale entry. Private entries are kept under
        `owner` (whose data it is), or under each key's own id when it names the owner (a
        party id, an enterprise number)."""
        codec: Codec[V] = codec_for(policy.value_type)
        names = {key: self.keys.key(policy, owner or ident(key), ident(key)) for key in keys}
        read_at = time.monotonic()
        raws = await self.store.get_many(list(names.values()))
        now = self._clock()
        answers: dict[K, _Answer[object]] = {}
        stale: dict[str, _Answer[object]] = {}
        early: list[K] = []
        for key, raw in zip(names, raws, strict=True):
            opened = self._open(policy, codec, names[key], raw)
            if opened is None:
                continue
            entry, answer = opened
            if entry.is_fresh(now):
                answers[key] = answer
                if answer.found and entry.refresh_early(now, self._beta, self._random):
                    early.append(key)
            elif answer.found:
                stale[names[key]] = _Answer(True, answer.value, stale_since=entry.fetched_at)
        found = sum(1 for a in answers.values() if a.found)
        self.stats.add(policy.name, "hit", found)
        self.stats.add(policy.name, "negative_hit", len(answers) - found)
        missing = [key for key in names if key not in answers]
        self.stats.add(policy.name, "miss", len(missing))
        if missing:
            answers.update(await self._load(policy, codec, missing, names, fetch, stale, read_at))
        if early:
            self._refresh_in_background(policy, codec, early, names, fetch)
        result: dict[K, V] = {}
        for key, answer in answers.items():
            if answer.stale_since is not None:
                report_stale(policy.system, answer.stale_since)
            if answer.found:
                result[key] = answer.value  # type: ignore[assignment]
        return result

    async def invalidate(self, policy: Policy, owner: str, idents: Sequence[str]) -> None:
        """Drop entries (after a write), in one round trip."""
        await self.forget([self.keys.key(policy, owner, i) for i in idents])

    async def forget(self, names: Sequence[str]) -> None:
        """Drop entries by key name, in one round trip; answers of finished fetches of them
        are no longer shared either."""
        for name in names:
            task = self._inflight.get(name)
            if task is not None and task.done():
                del self._inflight[name]
        await self.store.delete(names)

    def snapshot(self) -> dict[str, object]:
        """For operators (/readyz): the store's breaker and the counts per outcome."""
        breaker = self.store.breaker.state.value if isinstance(self.store, GuardedStore) else None
        outcomes = ("hit", "miss", "negative_hit", "stale", "refresh", "undecodable")
        return {
            "breaker": breaker or "closed",
            "roundtrips": self.store.roundtrips,
            **{outcome: self.stats.total(outcome) for outcome in outcomes},
        }

    async def aclose(self) -> None:
        for task in list(self._background):
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)

    # --- reading ---------------------------------------------------------------------------

    def _open(
        self, policy: Policy, codec: Codec[V], name: str, raw: bytes | None
    ) -> tuple[Entry, _Answer[object]] | None:
        """The stored entry and its value, or None when there is none or it does not open or
        decode (sealed under a retired key, tampered with, or of an older shape)."""
        if raw is None:
            return None
        try:
            entry = Entry.decode(self.cipher.open(raw, name) if policy.private else raw)
            if entry.payload is None:
                return entry, _ABSENT
            return entry, _Answer(True, codec.loads(entry.payload))
        except (SealError, EntryError, CodecError):
            self.stats.add(policy.name, "undecodable")
            return None

    # --- fetching --------------------------------------------------------------------------

    async def _load(
        self,
        policy: Policy,
        codec: Codec[V],
        keys: list[K],
        names: Mapping[K, str],
        fetch: Fetch[K, V],
        stale: Mapping[str, _Answer[object]],
        read_at: float,
    ) -> dict[K, _Answer[object]]:
        """Single flight: join the fetches already running for some keys, start one for the rest."""
        waiting: dict[K, asyncio.Task[dict[str, _Answer[object]]]] = {}
        for key in keys:
            task = self._joinable(names[key], read_at)
            if task is not None:
                waiting[key] = task
        own = [key for key in keys if key not in waiting]
        if own:
            task = self._start(policy, codec, own, names, fetch, stale)
            for key in own:
                waiting[key] = task
        answers: dict[K, _Answer[object]] = {}
        for task in set(waiting.values()):
            mine = {names[key]: key for key, awaited in waiting.items() if awaited is task}
            try:
                # shielded: a caller that gives up does not cancel a fetch others wait for
                done = await asyncio.shield(task)
            except BackendUnavailable as exc:
                # a joined fetch (an early refresh, another caller's) had none of this
                # caller's stale entries to fall back on
                done = self._stale_or_raise(policy, mine, stale, exc)
            for name, key in mine.items():
                answers[key] = done[name]
        return answers

    def _joinable(
        self, name: str, read_at: float
    ) -> asyncio.Task[dict[str, _Answer[object]]] | None:
        """The fetch of `name` running now, or one that finished after the caller read the
        store (so the caller missed its write): either answers the caller as well."""
        task = self._inflight.get(name)
        if task is None or not task.done():
            return task
        if task.cancelled() or task.exception() is not None:
            return None
        finished = self._finished_at.get(task)
        # None: finished in this turn of the loop, its `settle` callback not run yet
        return task if finished is None or finished > read_at else None

    def _running(self, name: str) -> bool:
        task = self._inflight.get(name)
        return task is not None and not task.done()

    def _start(
        self,
        policy: Policy,
        codec: Codec[V],
        keys: list[K],
        names: Mapping[K, str],
        fetch: Fetch[K, V],
        stale: Mapping[str, _Answer[object]],
    ) -> asyncio.Task[dict[str, _Answer[object]]]:
        own = {names[key]: key for key in keys}
        task = asyncio.ensure_future(self._fetch(policy, codec, own, fetch, stale))
        for name in own:
            self._inflight[name] = task

        def forget() -> None:
            self._finished_at.pop(task, None)
            for name in own:
                if self._inflight.get(name) is task:
                    del self._inflight[name]

        def settle(done: asyncio.Task[dict[str, _Answer[object]]]) -> None:
            # A caller whose store read came before this fetch's write would start another
            # fetch; the answer stays joinable a moment for such callers (`_joinable`). A
            # failure is forgotten at once: the next caller tries the system again.
            if done.cancelled() or done.exception() is not None:
                forget()
                return
            self._finished_at[done] = time.monotonic()
            asyncio.get_running_loop().call_later(self.settle_s, forget)

        task.add_done_callback(settle)
        return task

    async def _fetch(
        self,
        policy: Policy,
        codec: Codec[V],
        own: Mapping[str, K],
        fetch: Fetch[K, V],
        stale: Mapping[str, _Answer[object]],
    ) -> dict[str, _Answer[object]]:
        started = time.monotonic()
        try:
            found = await fetch(list(own.values()))
        except BackendUnavailable as exc:
            return self._stale_or_raise(policy, own, stale, exc)
        delta = time.monotonic() - started
        now = self._clock()
        writes = []
        answers: dict[str, _Answer[object]] = {}
        for name, key in own.items():
            if key in found:
                value = found[key]
                payload = codec.dumps(value)
                entry = Entry(now, now + policy.ttl_s, delta, payload)
                live_s = policy.ttl_s + policy.stale_s
                answers[name] = _Answer(True, value)
            else:
                entry = Entry(now, now + policy.negative_ttl_s, delta, None)
                live_s = policy.negative_ttl_s
                answers[name] = _ABSENT
            raw = entry.encode()
            writes.append((name, self.cipher.seal(raw, name) if policy.private else raw, live_s))
        await self.store.set_many(writes)
        return answers

    def _stale_or_raise(
        self,
        policy: Policy,
        own: Mapping[str, K],
        stale: Mapping[str, _Answer[object]],
        exc: BackendUnavailable,
    ) -> dict[str, _Answer[object]]:
        """The system is unavailable: answer every key from its stale entry, or fail."""
        oldest_allowed = self._clock() - policy.ttl_s - policy.stale_s
        answers: dict[str, _Answer[object]] = {}
        for name in own:
            answer = stale.get(name)
            if answer is None or answer.stale_since is None or answer.stale_since < oldest_allowed:
                raise exc
            answers[name] = answer
        self.stats.add(policy.name, "stale", len(answers))
        return answers

    def _refresh_in_background(
        self,
        policy: Policy,
        codec: Codec[V],
        keys: list[K],
        names: Mapping[K, str],
        fetch: Fetch[K, V],
    ) -> None:
        own = [key for key in keys if not self._running(names[key])]
        if not own:
            return
        self.stats.add(policy.name, "refresh", len(own))
        task = self._start(policy, codec, own, names, fetch, {})
        self._background.add(task)

        def settle(done: asyncio.Task[dict[str, _Answer[object]]]) -> None:
            self._background.discard(done)
            if not done.cancelled() and done.exception() is not None:
                log.info("early refresh of %s failed: %s", policy.name, type(done.exception()))

        task.add_done_callback(settle)
