"""S2/A10 writes make stale what they change: `drop_party` forgets every entry keyed by the
party itself (contact details, mandates, contract list, document list) and nothing of
another party; `drop_company` a company's details and contract list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from bff.cache.invalidation import COMPANY_POLICIES, PARTY_POLICIES, drop_company, drop_party
from bff.cache.read_through import Cache
from tests.bff.cache.samples import Samples, samples
from tests.bff.cache.test_read_through import make_cache

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def real() -> Samples:
    return samples()


class Counting:
    """A batch function answering from fixed values and counting the keys it was asked."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self.values = values
        self.asked: list[str] = []

    async def __call__(self, keys: Sequence[str]) -> Mapping[str, Any]:
        self.asked += keys
        return {k: self.values[k] for k in keys if k in self.values}


def sample_of(real: Samples, policy: str) -> Any:
    return real[policy][0]


async def fill(cache: Cache, policy: str, owners: list[str], value: Any) -> Counting:
    fetch = Counting(dict.fromkeys(owners, value))
    await cache.get_many(cache.policies[policy], owners, fetch)
    return fetch


async def test_drop_party_forgets_that_partys_own_entries_only(real: Samples) -> None:
    cache = make_cache()
    fetches = {
        name: await fill(cache, name, ["P1", "P2"], sample_of(real, name))
        for name in PARTY_POLICIES
    }
    await drop_party(cache, "P1")
    for name, fetch in fetches.items():
        fetch.asked.clear()
        await cache.get_many(cache.policies[name], ["P1", "P2"], fetch)
        assert fetch.asked == ["P1"], name  # P1 is asked again, P2 still answered from cache


async def test_drop_company_forgets_the_companys_details_and_contract_list(
    real: Samples,
) -> None:
    cache = make_cache()
    number = "0812828227"
    fetches = {
        name: await fill(cache, name, [number], sample_of(real, name)) for name in COMPANY_POLICIES
    }
    await drop_company(cache, number)
    for name, fetch in fetches.items():
        fetch.asked.clear()
        await cache.get_many(cache.policies[name], [number], fetch)
        assert fetch.asked == [number], name


async def test_without_a_cache_dropping_is_a_no_op() -> None:
    await drop_party(None, "P1")
    await drop_company(None, "0812828227")
