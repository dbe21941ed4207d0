"""The cache in front of the loaders, over the sandbox systems running in process: a second
request is answered from the cache without one backend call; contract-keyed entries are kept
per viewer, so another viewer's request fetches its own; reserve histories of different
windows are different entries. Calls are counted by the sandbox systems themselves."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
from starlette.requests import Request
from starlette.responses import Response

from bff.auth.principal import Principal
from bff.cache.codec import codec_for
from bff.cache.crypto import KEY_BYTES, CacheCipher
from bff.cache.keys import KeySpace, namespace
from bff.cache.policies import policies
from bff.cache.read_through import Cache
from bff.cache.store import GuardedStore, MemoryStore
from bff.context import Context
from bff.domain.records import ContractKey, Family
from bff.resilience.breaker import BreakerPolicy
from bff.resolvers.loaders import Loaders
from bff.schema import schema
from sandbox.world import Role, World
from tests.bff.schema.harness import Harness, shared_world

pytestmark = pytest.mark.anyio

MONTHS = 24
DASHBOARD = """{ viewer { displayName totalWealth { total { amount } }
  contracts { id number status broker { name }
    ... on LifeContract { reserve { amount { amount } funds { fund { name } value { amount } } } }
  } } }"""


@pytest.fixture
async def harness() -> AsyncIterator[Harness]:
    h = Harness(shared_world())
    yield h
    await h.aclose()


def new_cache() -> Cache:
    cipher = CacheCipher(os.urandom(KEY_BYTES))
    by_name = policies()
    shapes = [f"{p.name}={codec_for(p.value_type).shape}" for p in by_name.values()]
    store = GuardedStore(MemoryStore(), BreakerPolicy(), lambda: 0.0)
    return Cache(store, KeySpace(namespace("1", shapes), cipher), cipher, by_name)


def party_of(world: World, persona: str) -> str:
    party_id = world.personas[persona].party_id
    assert party_id is not None
    return party_id


def viewer(party_id: str) -> str:
    return f"customer:{party_id}"


async def read_everything(loaders: Loaders, party_id: str) -> dict[str, Any]:
    """What a customer's screens read through the loaders: party, mandates, contract list,
    contract headers, life and non-life details, allocations, histories, funds, brokers,
    documents, notifications and a page of transactions."""
    party = await loaders.party_by_id.load(party_id)
    mandates = await loaders.mandates_by_party.load(party_id)
    headers = await loaders.contracts_by_party.load(party_id)
    keys = [h.key for h in headers]
    life = [h.key for h in headers if h.family is Family.LIFE]
    nonlife = [h.key for h in headers if h.family is Family.NONLIFE]
    details = await loaders.life_by_key.load_many(life)
    isins = sorted({h.isin for d in details if d is not None for h in d.holdings})
    fsmas = sorted({h.broker_fsma for h in headers if h.broker_fsma})
    return {
        "party": party,
        "mandates": mandates,
        "headers": headers,
        "contracts": await loaders.contract_by_key.load_many(keys),
        "life": details,
        "allocations": await loaders.allocation_by_key.load_many(life),
        "histories": await loaders.reserve_history_by_key.load_many(life),
        "nonlife": await loaders.nonlife_by_key.load_many(nonlife),
        "funds": await loaders.fund_by_isin.load_many(isins),
        "brokers": await loaders.broker_by_fsma.load_many(fsmas),
        "documents": await loaders.documents_by_party.load(party_id),
        "notifications": await loaders.notifications(party_id, unread_only=False, page=1, size=20),
        "transactions": [await loaders.transactions(key, None, 20) for key in life],
    }


async def test_a_second_request_reads_everything_from_the_cache_without_backend_calls(
    harness: Harness,
) -> None:
    world, cache = harness.world, new_cache()
    for persona in ("web-life-nonlife", "strategy-investor"):
        party_id = party_of(world, persona)
        first = await read_everything(
            Loaders(harness.backends, MONTHS, cache, viewer(party_id)), party_id
        )
        # the answers are the world's: the party and all its contracts
        record = world.parties[party_id]
        assert (first["party"].first_name, first["party"].last_name) == (
            record.first_name,
            record.last_name,
        )
        expected = {(c.base, c.suffix) for c in world.contracts_of_party(party_id)}
        assert {(h.key.base, h.key.suffix) for h in first["headers"]} == expected
        assert first["life"] and first["nonlife"] and first["funds"] and first["brokers"]
        harness.reset_calls()
        second = await read_everything(
            Loaders(harness.backends, MONTHS, cache, viewer(party_id)), party_id
        )
        assert second == first
        assert sum(harness.calls().values()) == 0, harness.calls()


async def test_a_second_dashboard_request_makes_no_backend_call(harness: Harness) -> None:
    world, cache = harness.world, new_cache()
    principal = harness.customer("strategy-investor")
    first = await run(harness, cache, principal, DASHBOARD)
    assert "errors" not in first
    names = {c.broker_fsma for c in world.contracts_of_party(principal.subject or "")}
    assert {c["broker"]["name"] for c in first["data"]["viewer"]["contracts"]} <= {
        world.brokers[f].name for f in names
    }
    harness.reset_calls()
    second = await run(harness, cache, principal, DASHBOARD)
    assert second == first
    assert sum(harness.calls().values()) == 0, harness.calls()


async def run(harness: Harness, cache: Cache, principal: Principal, document: str) -> Any:
    request = Request({"type": "http", "method": "POST", "path": "/graphql", "headers": []})
    context = Context(
        request=request,
        response=Response(),
        principal=principal,
        backends=harness.backends,
        profiles=harness.profiles,
        cache=cache,
        today=harness.world.as_of,
    )
    result = await schema.execute(document, context_value=context)
    body: dict[str, Any] = {"data": result.data}
    if result.errors:
        body["errors"] = [e.formatted for e in result.errors]
    return body


def shared_contract(world: World) -> tuple[ContractKey, str, str]:
    """A life contract of the minor persona held by another person (a parent): two parties
    who may both look at it."""
    minor = party_of(world, "minor")
    for contract in world.contracts_of_party(minor):
        holders = [p for p in contract.parties_with(Role.POLICYHOLDER) if p != minor]
        if holders and contract.holdings:
            return ContractKey(contract.base, contract.suffix), minor, holders[0]
    raise AssertionError("the world has no life contract of the minor held by a parent")


async def test_contract_entries_of_one_viewer_are_not_read_by_another(
    harness: Harness,
) -> None:
    world, cache = harness.world, new_cache()
    key, minor, parent = shared_contract(world)
    mine = await Loaders(harness.backends, MONTHS, cache, viewer(parent)).life_by_key.load(key)
    assert mine is not None
    expected_units = {h.isin: h.units for h in world.contracts[(key.base, key.suffix)].holdings}
    assert {h.isin: h.units for h in mine.holdings} == expected_units
    harness.reset_calls()
    theirs = await Loaders(harness.backends, MONTHS, cache, viewer(minor)).life_by_key.load(key)
    assert theirs == mine
    assert harness.calls()["life"] == 1  # the minor's view fetched its own
    harness.reset_calls()
    for who in (parent, minor):
        await Loaders(harness.backends, MONTHS, cache, viewer(who)).life_by_key.load(key)
    broker = f"broker:{world.contracts[(key.base, key.suffix)].broker_fsma}"
    await Loaders(harness.backends, MONTHS, cache, broker).life_by_key.load(key)
    assert harness.calls()["life"] == 1  # both cached now; the broker's view is a third


async def test_reserve_histories_of_different_windows_are_different_entries(
    harness: Harness,
) -> None:
    world, cache = harness.world, new_cache()
    party_id = party_of(world, "strategy-investor")
    contract = max(
        (c for c in world.contracts_of_party(party_id) if c.reserve_history),
        key=lambda c: len(c.reserve_history),
    )
    key = ContractKey(contract.base, contract.suffix)
    known = sorted(p for p in contract.reserve_history if p[0] <= world.as_of)
    assert len(known) > 12
    fetched = []
    for months in (12, 24, 12, 24):
        harness.reset_calls()
        loaders = Loaders(harness.backends, months, cache, viewer(party_id))
        history = await loaders.reserve_history_by_key.load(key)
        assert history is not None
        expected: list[tuple[Any, Decimal]] = known[-months:]
        assert [(p.day, p.amount.amount) for p in history.points] == expected
        fetched.append(harness.calls()["life"])
    assert fetched == [1, 1, 0, 0]  # each window fetched once, then read from the cache
