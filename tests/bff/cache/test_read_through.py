"""The read-through cache over an in-process store and over a real Redis: hits, misses and
remembered absences; single flight under a stampede; XFetch early refresh in the background;
stale answers (flagged with the system and the fetch time) when a system is unavailable, within
the stale window only; invalidation; one owner's entries never open for another; no plaintext
of a private record in the store; and a Redis that dies or stalls costs no request."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
import redis

from bff.adapters.errors import BackendProtocolError, BackendUnavailable
from bff.cache.codec import codec_for
from bff.cache.crypto import KEY_BYTES, CacheCipher
from bff.cache.keys import KeySpace, namespace
from bff.cache.policies import Policy, policies
from bff.cache.read_through import Cache
from bff.cache.redis_store import RedisStore, connect_cache_redis
from bff.cache.stale import stale_scope
from bff.cache.store import CacheStore, GuardedStore, MemoryStore
from bff.domain.records import Fund, Party
from bff.resilience.breaker import BreakerPolicy
from tests.bff.cache.samples import Samples, samples
from tests.bff.resilience.fakes import FakeClock
from tests.bff.schema.harness import shared_world
from tests.redis_server import MISSING, redis_cluster, redis_server

pytestmark = pytest.mark.anyio

TTL_S, STALE_S, NEGATIVE_S = 60.0, 600.0, 30.0
POLICIES = policies({"party": TTL_S, "fund": TTL_S}, stale_s=STALE_S, negative_ttl_s=NEGATIVE_S)
PARTY, FUND = POLICIES["party"], POLICIES["fund"]
T0 = 1_700_000_000.0  # a wall-clock second (the cache's clock is wall time)
HIGHEST_DRAW = 1.0 - 2**-53  # the largest random() returns: XFetch's earliest refresh
BREAKER = BreakerPolicy(consecutive_failures=3, cool_down_s=5.0)


@pytest.fixture(scope="module")
def real() -> Samples:
    return samples()


@pytest.fixture(scope="module")
def single_url() -> Iterator[str]:
    if shutil.which("redis-server") is None:
        pytest.fail(MISSING, pytrace=False)
    with redis_server() as url:
        yield url


@pytest.fixture
async def redis_store(single_url: str) -> AsyncIterator[GuardedStore]:
    """The app's Redis store: RedisStore behind the breaker, over an emptied redis-server."""
    with redis.Redis.from_url(single_url) as admin:
        admin.flushall()
    client = connect_cache_redis(single_url, cluster=False)
    try:
        yield GuardedStore(RedisStore(client), BREAKER, FakeClock())
    finally:
        await client.aclose()


@pytest.fixture(params=["memory", "redis"])
def any_store(request: pytest.FixtureRequest) -> CacheStore:
    if request.param == "memory":
        return GuardedStore(MemoryStore(), BREAKER, FakeClock())
    store: CacheStore = request.getfixturevalue("redis_store")
    return store


class Draws:
    """The cache's random unit, set by the test: 0.0 never refreshes early."""

    def __init__(self) -> None:
        self.value = 0.0

    def __call__(self) -> float:
        return self.value


@dataclass
class Backend:
    """A system's batch function: answers from `values`, counts calls, and can be told to fail
    or to wait at a gate."""

    values: dict[str, Any]
    delay_s: float = 0.0
    error: Exception | None = None
    gate: asyncio.Event | None = None
    on_return: Callable[[], object] | None = None
    calls: list[list[str]] = field(default_factory=list)
    finished: int = 0

    async def __call__(self, keys: list[str]) -> Mapping[str, Any]:
        self.calls.append(list(keys))
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        if self.gate is not None:
            await self.gate.wait()
        self.finished += 1
        if self.on_return is not None:
            self.on_return()
        if self.error is not None:
            raise self.error
        return {k: self.values[k] for k in keys if k in self.values}


def make_cache(
    store: CacheStore | None = None,
    clock: FakeClock | None = None,
    draws: Draws | None = None,
    cipher: CacheCipher | None = None,
) -> Cache:
    cipher = cipher or CacheCipher(os.urandom(KEY_BYTES))
    shapes = [f"{p.name}={codec_for(p.value_type).shape}" for p in POLICIES.values()]
    return Cache(
        store or GuardedStore(MemoryStore(), BREAKER, FakeClock()),
        KeySpace(namespace("1", shapes), cipher),
        cipher,
        POLICIES,
        clock=clock or wall(),
        random_unit=draws or Draws(),
    )


def wall() -> FakeClock:
    clock = FakeClock()
    clock.now = T0
    return clock


def parties(real: Samples) -> dict[str, Party]:
    return {p.id: p for p in real["party"]}


def funds(real: Samples) -> dict[str, Fund]:
    return {f.isin: f for f in real["fund"]}


async def until(condition: Any, attempts: int = 200) -> None:
    """Let background work run until `condition()` holds (bounded, not a timing assertion)."""
    for _ in range(attempts):
        if await condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the background work never finished")


# --- hits, misses, absences ----------------------------------------------------------------


async def test_a_miss_is_fetched_once_then_answered_from_the_store(
    any_store: CacheStore, real: Samples
) -> None:
    by_id = parties(real)
    backend = Backend(dict(by_id))
    cache = make_cache(any_store)
    ids = sorted(by_id)
    assert await cache.get_many(PARTY, ids, backend) == by_id
    assert backend.calls == [ids]
    again = await cache.get_many(PARTY, ids, backend)
    assert again == by_id and len(backend.calls) == 1
    assert cache.stats.total("hit") == len(ids) and cache.stats.total("miss") == len(ids)


async def test_a_batch_costs_one_store_read_and_one_fetch_of_only_the_missing_keys(
    any_store: CacheStore, real: Samples
) -> None:
    by_isin = funds(real)
    isins = sorted(by_isin)[:6]
    backend = Backend(dict(by_isin))
    cache = make_cache(any_store)
    await cache.get_many(FUND, isins[:2], backend)
    before = any_store.roundtrips
    answer = await cache.get_many(FUND, isins, backend)
    assert answer == {i: by_isin[i] for i in isins}
    assert backend.calls[-1] == isins[2:]
    assert any_store.roundtrips - before == 2  # one read, one write of the fetched


async def test_an_unknown_key_is_remembered_absent_until_the_negative_ttl(
    any_store: CacheStore, real: Samples
) -> None:
    clock = wall()
    by_id = parties(real)
    backend = Backend(dict(by_id))
    cache = make_cache(any_store, clock)
    known = sorted(by_id)[0]
    asked = [known, "P9999999"]
    assert await cache.get_many(PARTY, asked, backend) == {known: by_id[known]}
    clock.advance(NEGATIVE_S - 1)
    assert await cache.get_many(PARTY, asked, backend) == {known: by_id[known]}
    assert len(backend.calls) == 1 and cache.stats.total("negative_hit") == 1
    clock.advance(1)
    await cache.get_many(PARTY, asked, backend)
    assert backend.calls[-1] == ["P9999999"]


async def test_an_entry_past_its_ttl_is_fetched_again(real: Samples) -> None:
    clock = wall()
    by_isin = funds(real)
    isin = sorted(by_isin)[0]
    backend = Backend(dict(by_isin))
    cache = make_cache(GuardedStore(MemoryStore(clock=clock), BREAKER, clock), clock)
    await cache.get_many(FUND, [isin], backend)
    clock.advance(TTL_S - 0.001)
    await cache.get_many(FUND, [isin], backend)
    assert len(backend.calls) == 1
    clock.advance(0.001)
    await cache.get_many(FUND, [isin], backend)
    assert len(backend.calls) == 2


# --- single flight --------------------------------------------------------------------------


async def test_a_stampede_on_a_missing_key_makes_one_fetch(
    any_store: CacheStore, real: Samples
) -> None:
    by_isin = funds(real)
    isin = sorted(by_isin)[0]
    backend = Backend(dict(by_isin), delay_s=0.05)
    cache = make_cache(any_store)
    answers = await asyncio.gather(*(cache.get_many(FUND, [isin], backend) for _ in range(100)))
    assert all(a == {isin: by_isin[isin]} for a in answers)
    assert len(backend.calls) == 1


async def test_a_stampede_on_an_expired_key_makes_at_most_two_fetches(
    any_store: CacheStore, real: Samples
) -> None:
    clock = wall()
    by_id = parties(real)
    party_id = sorted(by_id)[0]
    backend = Backend(dict(by_id), delay_s=0.05)
    draws = Draws()
    draws.value = 0.5
    cache = make_cache(any_store, clock, draws)
    await cache.get_many(PARTY, [party_id], backend)
    clock.advance(TTL_S + 1)  # expired, still in the store for its stale window
    answers = await asyncio.gather(
        *(cache.get_many(PARTY, [party_id], backend) for _ in range(100))
    )
    assert all(a == {party_id: by_id[party_id]} for a in answers)
    assert 2 <= len(backend.calls) <= 3  # the first fill, then at most two


async def test_concurrent_batches_share_the_fetch_of_their_common_keys(real: Samples) -> None:
    by_isin = funds(real)
    a, b, c = sorted(by_isin)[:3]
    backend = Backend(dict(by_isin), delay_s=0.05)
    cache = make_cache()
    first, second = await asyncio.gather(
        cache.get_many(FUND, [a, b], backend), cache.get_many(FUND, [b, c], backend)
    )
    assert first == {a: by_isin[a], b: by_isin[b]} and second == {b: by_isin[b], c: by_isin[c]}
    assert sorted(k for call in backend.calls for k in call) == [a, b, c]


async def test_a_caller_that_gives_up_does_not_cancel_the_fetch_others_wait_for(
    real: Samples,
) -> None:
    by_isin = funds(real)
    isin = sorted(by_isin)[0]
    backend = Backend(dict(by_isin), gate=asyncio.Event())
    cache = make_cache()
    quitter = asyncio.ensure_future(cache.get_many(FUND, [isin], backend))
    stayer = asyncio.ensure_future(cache.get_many(FUND, [isin], backend))
    await until(lambda: _true(len(backend.calls) == 1))
    quitter.cancel()
    assert backend.gate is not None
    backend.gate.set()
    assert await stayer == {isin: by_isin[isin]}
    assert len(backend.calls) == 1


async def _true(value: bool) -> bool:
    return value


class HeldReads(MemoryStore):
    """An in-process store whose next read, once `hold` is set, reads at once but answers
    only when the event is set: a Redis reply still on its way."""

    def __init__(self) -> None:
        super().__init__()
        self.hold: asyncio.Event | None = None

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        found = await super().get_many(keys)
        hold, self.hold = self.hold, None
        if hold is not None:
            await hold.wait()
        return found


async def test_a_read_answered_as_the_fetch_finishes_joins_that_fetch(real: Samples) -> None:
    """A caller read the store before the fetch wrote it, and its answer arrives in the same
    turn of the event loop as the fetch's end: it takes the fetch's answer, no second call."""
    by_isin = funds(real)
    isin = sorted(by_isin)[0]
    store = HeldReads()
    reply = asyncio.Event()
    backend = Backend(dict(by_isin), gate=asyncio.Event(), on_return=reply.set)
    cache = make_cache(store)
    first = asyncio.ensure_future(cache.get_many(FUND, [isin], backend))
    await until(lambda: _true(len(backend.calls) == 1))
    store.hold = reply
    late = asyncio.ensure_future(cache.get_many(FUND, [isin], backend))
    await until(lambda: _true(store.hold is None))  # read, its reply held
    assert backend.gate is not None
    backend.gate.set()
    assert await first == await late == {isin: by_isin[isin]}
    assert len(backend.calls) == 1


# --- early refresh (XFetch) -----------------------------------------------------------------


async def fill_then_near_expiry(
    cache: Cache, clock: FakeClock, backend: Backend, key: str, policy: Policy = FUND
) -> None:
    """An entry fetched in ~50 ms, then the clock half a second before its expiry."""
    backend.delay_s = 0.05
    await cache.get_many(policy, [key], backend)
    backend.delay_s = 0.0
    clock.advance(TTL_S - 0.5)


async def test_early_refresh_answers_the_old_value_at_once_and_refreshes_in_background(
    real: Samples,
) -> None:
    clock, draws = wall(), Draws()
    by_isin = funds(real)
    isin, other = sorted(by_isin)[:2]
    backend = Backend({isin: by_isin[isin]})
    cache = make_cache(clock=clock, draws=draws)
    await fill_then_near_expiry(cache, clock, backend, isin)
    backend.values[isin] = by_isin[other]  # the system has a newer value
    backend.gate = asyncio.Event()
    draws.value = HIGHEST_DRAW  # 0.05 s x ln(2**53) > 0.5 s: refresh now
    assert await cache.get_many(FUND, [isin], backend) == {isin: by_isin[isin]}
    await until(lambda: _true(len(backend.calls) == 2))  # started, held at the gate
    assert backend.finished == 1
    draws.value = 0.0
    assert await cache.get_many(FUND, [isin], backend) == {isin: by_isin[isin]}
    backend.gate.set()

    async def refreshed() -> bool:
        return await cache.get_many(FUND, [isin], backend) == {isin: by_isin[other]}

    await until(refreshed)
    assert len(backend.calls) == 2 and cache.stats.total("refresh") == 1


async def test_no_early_refresh_while_the_draw_says_it_is_not_due(real: Samples) -> None:
    clock, draws = wall(), Draws()
    by_isin = funds(real)
    isin = sorted(by_isin)[0]
    backend = Backend(dict(by_isin))
    cache = make_cache(clock=clock, draws=draws)
    await fill_then_near_expiry(cache, clock, backend, isin)
    for draw in (0.0, 0.5, 0.9):  # 0.05 s x -ln(1 - 0.9) = 0.115 s < 0.5 s
        draws.value = draw
        await cache.get_many(FUND, [isin], backend)
    await asyncio.sleep(0.01)
    assert len(backend.calls) == 1


async def test_many_callers_due_for_early_refresh_start_one_refresh(real: Samples) -> None:
    clock, draws = wall(), Draws()
    by_isin = funds(real)
    isin = sorted(by_isin)[0]
    backend = Backend(dict(by_isin))
    cache = make_cache(clock=clock, draws=draws)
    await fill_then_near_expiry(cache, clock, backend, isin)
    backend.gate = asyncio.Event()
    draws.value = HIGHEST_DRAW
    await asyncio.gather(*(cache.get_many(FUND, [isin], backend) for _ in range(50)))
    backend.gate.set()
    await until(lambda: _true(backend.finished == 2))
    assert len(backend.calls) == 2


# --- stale answers --------------------------------------------------------------------------


def as_of(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).isoformat(timespec="seconds")


async def test_an_unavailable_system_is_answered_from_the_stale_entry_and_flagged(
    any_store: CacheStore, real: Samples
) -> None:
    clock = wall()
    by_id = parties(real)
    ids = sorted(by_id)[:2]
    backend = Backend(dict(by_id))
    cache = make_cache(any_store, clock)
    await cache.get_many(PARTY, ids, backend)
    clock.advance(TTL_S + STALE_S - 1)
    backend.error = BackendUnavailable("crm", "maintenance", retry_after_s=600)
    with stale_scope() as report:
        answer = await cache.get_many(PARTY, ids, backend)
    assert answer == {i: by_id[i] for i in ids}
    assert report.extension() == [{"system": "crm", "asOf": as_of(T0)}]
    assert cache.stats.total("stale") == 2


async def test_the_report_names_the_oldest_fetch_per_system(real: Samples) -> None:
    clock = wall()
    by_id = parties(real)
    first, second = sorted(by_id)[:2]
    backend = Backend(dict(by_id))
    cache = make_cache(clock=clock)
    await cache.get_many(PARTY, [first], backend)
    clock.advance(30)
    await cache.get_many(PARTY, [second], backend)
    clock.advance(TTL_S + 1)
    backend.error = BackendUnavailable("crm", "down")
    with stale_scope() as report:
        await cache.get_many(PARTY, [second], backend)
        await cache.get_many(PARTY, [first], backend)
    assert report.extension() == [{"system": "crm", "asOf": as_of(T0)}]


async def test_fresh_answers_are_not_flagged(real: Samples) -> None:
    by_id = parties(real)
    backend = Backend(dict(by_id))
    cache = make_cache()
    with stale_scope() as report:
        await cache.get_many(PARTY, sorted(by_id), backend)
        await cache.get_many(PARTY, sorted(by_id), backend)
    assert not report and report.extension() == []


async def test_nothing_is_served_stale_beyond_the_stale_window(real: Samples) -> None:
    clock = wall()
    by_id = parties(real)
    party_id = sorted(by_id)[0]
    backend = Backend(dict(by_id))
    cache = make_cache(GuardedStore(MemoryStore(clock=clock), BREAKER, clock), clock)
    await cache.get_many(PARTY, [party_id], backend)
    clock.advance(TTL_S + STALE_S + 0.001)
    backend.error = BackendUnavailable("crm", "down")
    with stale_scope() as report, pytest.raises(BackendUnavailable):
        await cache.get_many(PARTY, [party_id], backend)
    assert not report


async def test_an_entry_a_store_still_keeps_is_not_served_beyond_the_stale_window(
    real: Samples,
) -> None:
    clock = wall()  # the store's own clock stays behind: it still has the entry
    by_id = parties(real)
    party_id = sorted(by_id)[0]
    backend = Backend(dict(by_id))
    cache = make_cache(clock=clock)
    await cache.get_many(PARTY, [party_id], backend)
    clock.advance(TTL_S + STALE_S + 1)
    backend.error = BackendUnavailable("crm", "down")
    with pytest.raises(BackendUnavailable):
        await cache.get_many(PARTY, [party_id], backend)


async def test_a_protocol_error_is_raised_even_with_a_stale_entry(real: Samples) -> None:
    clock = wall()
    by_id = parties(real)
    party_id = sorted(by_id)[0]
    backend = Backend(dict(by_id))
    cache = make_cache(clock=clock)
    await cache.get_many(PARTY, [party_id], backend)
    clock.advance(TTL_S + 1)
    backend.error = BackendProtocolError("crm", "malformed answer")
    with stale_scope() as report, pytest.raises(BackendProtocolError):
        await cache.get_many(PARTY, [party_id], backend)
    assert not report


async def test_an_unavailable_system_without_a_stale_entry_is_an_error(real: Samples) -> None:
    backend = Backend(dict(parties(real)), error=BackendUnavailable("crm", "down"))
    with pytest.raises(BackendUnavailable):
        await make_cache().get_many(PARTY, sorted(parties(real))[:1], backend)


async def test_a_caller_joining_a_failing_early_refresh_still_gets_the_stale_entry(
    real: Samples,
) -> None:
    """An early refresh starts just before expiry; the system is down; a request after the
    expiry joins that refresh (single flight) and must still be answered from its entry."""
    clock, draws = wall(), Draws()
    by_isin = funds(real)
    isin = sorted(by_isin)[0]
    backend = Backend(dict(by_isin))
    cache = make_cache(clock=clock, draws=draws)
    await fill_then_near_expiry(cache, clock, backend, isin)
    backend.gate = asyncio.Event()
    backend.error = BackendUnavailable("life", "down")
    draws.value = HIGHEST_DRAW
    assert await cache.get_many(FUND, [isin], backend) == {isin: by_isin[isin]}
    await until(lambda: _true(len(backend.calls) == 2))
    clock.advance(1)  # now expired
    draws.value = 0.0
    with stale_scope() as report:
        late = asyncio.ensure_future(cache.get_many(FUND, [isin], backend))
        await asyncio.sleep(0.01)
        backend.gate.set()
        assert await late == {isin: by_isin[isin]}
    assert report.extension() == [{"system": "life", "asOf": as_of(T0)}]


# --- invalidation and owners -----------------------------------------------------------------


async def test_invalidate_drops_the_entries_and_the_next_read_asks_the_system(
    any_store: CacheStore, real: Samples
) -> None:
    by_id = parties(real)
    first, second = sorted(by_id)[:2]
    backend = Backend(dict(by_id))
    cache = make_cache(any_store)
    await cache.get_many(PARTY, [first, second], backend)
    changed = Party(**{**by_id[first].__dict__, "email": "new.address@example.org"})
    backend.values[first] = changed
    await cache.invalidate(PARTY, first, [first])
    assert await cache.get_many(PARTY, [first, second], backend) == {
        first: changed,
        second: by_id[second],
    }
    assert backend.calls[-1] == [first]


async def test_one_id_under_two_owners_is_two_entries(real: Samples) -> None:
    details = real["life_details"][0]
    life = POLICIES["life_details"]
    ident = str(details.key)
    backend = Backend({ident: details})
    cache = make_cache()
    await cache.get_many(life, [ident], backend, owner="customer:A")
    await cache.get_many(life, [ident], backend, owner="customer:A")
    assert len(backend.calls) == 1
    await cache.get_many(life, [ident], backend, owner="broker:B")
    assert len(backend.calls) == 2


async def test_a_value_copied_under_another_owners_key_does_not_open(real: Samples) -> None:
    by_id = parties(real)
    mine, theirs = sorted(by_id)[:2]
    memory = MemoryStore()
    cache = make_cache(memory)
    backend = Backend(dict(by_id))
    await cache.get_many(PARTY, [mine], backend)
    my_key = cache.keys.key(PARTY, mine, mine)
    their_key = cache.keys.key(PARTY, theirs, theirs)
    [sealed] = await memory.get_many([my_key])
    assert sealed is not None
    await memory.set_many([(their_key, sealed, 60)])  # an attacker's or a bug's copy
    assert await cache.get_many(PARTY, [theirs], backend) == {theirs: by_id[theirs]}
    assert backend.calls[-1] == [theirs]
    assert cache.stats.total("undecodable") == 1


async def test_a_new_cache_key_starts_on_an_empty_cache(real: Samples) -> None:
    by_id = parties(real)
    memory = MemoryStore()
    backend = Backend(dict(by_id))
    await make_cache(memory).get_many(PARTY, sorted(by_id), backend)
    rotated = make_cache(memory)  # another key: other names, nothing of the old one opens
    assert await rotated.get_many(PARTY, sorted(by_id), backend) == by_id
    assert len(backend.calls) == 2 and rotated.stats.total("undecodable") == 0


# --- no plaintext at rest -------------------------------------------------------------------


def personal_texts() -> list[bytes]:
    """What must never be readable in the store: the personas' names, national register
    numbers (printed and bare), IBANs, e-mail addresses, phones and amounts of their
    contracts, from the sandbox's own records."""
    world = shared_world()
    texts: set[str] = set()
    for persona in world.personas.values():
        if persona.party_id is None:
            continue
        party = world.parties[persona.party_id]
        texts |= {party.first_name, party.last_name, party.email or "", party.phone or ""}
        texts |= {party.iban or "", party.nrn or ""}
        if party.nrn:
            texts.add("".join(ch for ch in party.nrn if ch.isdigit()))
        for contract in world.contracts_of_party(persona.party_id):
            texts.add(str(contract.premium))
            texts |= {str(amount) for _, amount in contract.reserve_history[-3:]}
    return sorted(t.encode() for t in texts if len(t) >= 4)


async def fill_private(cache: Cache, real: Samples) -> None:
    """Every private record the loaders would cache, through the cache, under its owner."""
    for policy in POLICIES.values():
        if not policy.private:
            continue
        values: dict[str, Any] = {str(i): v for i, v in enumerate(real[policy.name])}

        async def fetch(keys: list[str], values: dict[str, Any] = values) -> Mapping[str, Any]:
            return {k: values[k] for k in keys}

        await cache.get_many(policy, sorted(values), fetch, owner="customer:P0000807")


async def test_private_values_in_memory_hold_no_personal_data_in_clear(real: Samples) -> None:
    memory = MemoryStore()
    cache = make_cache(memory)
    await fill_private(cache, real)
    stored = memory.values()
    assert len(stored) >= sum(len(real[p.name]) for p in POLICIES.values() if p.private) // 2
    blob = b"\n".join(stored)
    texts = personal_texts()
    assert len(texts) > 50
    assert [t for t in texts if t in blob] == []


async def test_a_dump_of_redis_holds_no_personal_data_in_clear(
    redis_store: GuardedStore, single_url: str, real: Samples
) -> None:
    cache = make_cache(redis_store)
    await fill_private(cache, real)
    await cache.get_many(FUND, sorted(funds(real)), Backend(dict(funds(real))))
    with redis.Redis.from_url(single_url) as admin:
        names = list(admin.scan_iter(count=1000))
        assert {admin.type(n) for n in names} == {b"string"}
        dump = b"\n".join([*names, *(admin.get(n) or b"" for n in names)])
    texts = personal_texts()
    assert [t for t in texts if t in dump] == []
    # the scan would see clear text: shared reference data (fund names) is stored as is
    assert any(f.name.encode() in dump for f in real["fund"])


# --- Redis failing ----------------------------------------------------------------------------


async def test_a_redis_shut_down_mid_run_costs_no_request(redis_url: str, real: Samples) -> None:
    by_id = parties(real)
    ids = sorted(by_id)
    backend = Backend(dict(by_id))
    client = connect_cache_redis(redis_url, cluster=False)
    store = GuardedStore(RedisStore(client), BREAKER, FakeClock())
    cache = make_cache(store)
    try:
        assert await cache.get_many(PARTY, ids, backend) == by_id
        assert await cache.get_many(PARTY, ids, backend) == by_id
        assert len(backend.calls) == 1
        with redis.Redis.from_url(redis_url) as admin:
            admin.shutdown(nosave=True)
        for _ in range(5):
            assert await cache.get_many(PARTY, ids, backend) == by_id
        assert len(backend.calls) == 6
        assert store.failures >= 1
    finally:
        await client.aclose()


async def test_a_stalled_redis_costs_a_short_timeout_not_a_failed_request(
    redis_url: str, real: Samples
) -> None:
    by_isin = funds(real)
    isin = sorted(by_isin)[0]
    backend = Backend(dict(by_isin))
    client = connect_cache_redis(redis_url, cluster=False, timeout_s=0.2)
    store = GuardedStore(RedisStore(client), BREAKER, FakeClock())
    cache = make_cache(store)
    try:
        await cache.get_many(FUND, [isin], backend)
        with redis.Redis.from_url(redis_url) as admin:
            admin.client_pause(800)  # longer than a read and a write timeout; ends by itself
        assert await cache.get_many(FUND, [isin], backend) == {isin: by_isin[isin]}
        assert len(backend.calls) == 2 and store.failures >= 1
    finally:
        await client.aclose()


async def test_a_redis_cluster_shut_down_mid_run_costs_no_request(real: Samples) -> None:
    if shutil.which("redis-server") is None:
        pytest.fail(MISSING, pytrace=False)
    by_id = parties(real)
    ids = sorted(by_id)
    backend = Backend(dict(by_id))
    with redis_cluster() as urls:
        client = connect_cache_redis(urls[0], cluster=True)
        store = GuardedStore(RedisStore(client), BREAKER, FakeClock())
        cache = make_cache(store)
        try:
            assert await cache.get_many(PARTY, ids, backend) == by_id
            assert await cache.get_many(PARTY, ids, backend) == by_id
            assert len(backend.calls) == 1
            for url in urls:
                with redis.Redis.from_url(url) as admin:
                    admin.shutdown(nosave=True)
            for _ in range(5):
                assert await cache.get_many(PARTY, ids, backend) == by_id
            assert len(backend.calls) == 6
        finally:
            await client.aclose()
