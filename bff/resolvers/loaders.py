"""DataLoaders, one per key kind, created per request (see bff.context): a loader's memo
never outlives the request nor crosses users. Each batch is one cache round trip and, for
what the cache cannot answer, one backend call (or one per backend chunk), whatever the
number of keys. Backends that answer one key at a time are asked concurrently (`each`)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Generic, TypeVar

from aiodataloader import DataLoader

from bff.cache.policies import Policy
from bff.domain.records import (
    Allocation,
    Broker,
    Company,
    CompanyMandate,
    ContractHeader,
    ContractKey,
    DocumentMeta,
    Fund,
    LifeDetails,
    NonLifeDetails,
    Notification,
    Page,
    Party,
    PortfolioCustomer,
    ReserveHistory,
    Transaction,
)

if TYPE_CHECKING:
    from bff.cache.read_through import Cache
    from bff.services import Backends

K = TypeVar("K")
V = TypeVar("V")
FetchMany = Callable[[Sequence[K]], Awaitable[Mapping[K, V]]]


class BatchLoader(DataLoader[K, V | None], Generic[K, V]):
    """Loads many keys with one call to a batch function returning a mapping; missing keys
    load as None."""

    def __init__(self, fetch: FetchMany[K, V]) -> None:
        super().__init__()
        self.fetch = fetch

    async def batch_load_fn(self, keys: Sequence[K]) -> list[V | None]:
        found = await self.fetch(list(keys))
        return [found.get(key) for key in keys]


class ListLoader(DataLoader[K, list[V]], Generic[K, V]):
    """Loads a list per key with one batch call; a key the answer leaves out has none."""

    def __init__(self, fetch: FetchMany[K, list[V]]) -> None:
        super().__init__()
        self.fetch = fetch

    async def batch_load_fn(self, keys: Sequence[K]) -> list[list[V]]:
        found = await self.fetch(list(keys))
        return [found.get(key, []) for key in keys]


def each(fetch: Callable[[K], Awaitable[V | None]]) -> FetchMany[K, V]:
    """A batch function over a backend that answers one key at a time (None: not found)."""

    async def fetch_many(keys: Sequence[K]) -> dict[K, V]:
        values = await asyncio.gather(*(fetch(key) for key in keys))
        return {key: value for key, value in zip(keys, values, strict=True) if value is not None}

    return fetch_many


class Caching:
    """Puts the request's cache in front of batch functions. `viewer` names whose view the
    request is (a customer's party, a broker's FSMA number): entries keyed by a contract are
    kept under it, entries keyed by a party or company under that party or company."""

    def __init__(self, cache: Cache | None, viewer: str) -> None:
        self.cache = cache
        self.viewer = viewer

    def own(self, policy: str, fetch: FetchMany[str, V]) -> FetchMany[str, V]:
        """Keys that name their owner (party ids, enterprise numbers) or shared reference data."""
        return self._wrap(policy, fetch, str, None)

    def viewed(
        self, policy: str, fetch: FetchMany[ContractKey, V], variant: str = ""
    ) -> FetchMany[ContractKey, V]:
        """Contract keys, under the viewer; `variant` tells apart answers to other arguments."""
        return self._wrap(policy, fetch, lambda key: f"{key}{variant}", self.viewer)

    async def one(
        self, policy: str, ident: str, fetch: Callable[[], Awaitable[V]], owner: str | None
    ) -> V:
        """A read that is not batched (a page of a listing), cached under `ident`."""
        if self.cache is None:
            return await fetch()

        async def fetch_one(keys: Sequence[str]) -> dict[str, V]:
            return {ident: await fetch()}

        found = await self._wrap(policy, fetch_one, str, owner)([ident])
        return found[ident]

    def _wrap(
        self,
        name: str,
        fetch: FetchMany[K, V],
        ident: Callable[[K], str],
        owner: str | None,
    ) -> FetchMany[K, V]:
        cache = self.cache
        if cache is None:
            return fetch
        policy: Policy = cache.policies[name]

        async def cached(keys: Sequence[K]) -> Mapping[K, V]:
            return await cache.get_many(policy, keys, fetch, ident=ident, owner=owner)

        return cached


class Loaders:
    def __init__(
        self,
        backends: Backends,
        reserve_months: int,
        cache: Cache | None = None,
        viewer: str = "",
    ) -> None:
        b, c = backends, Caching(cache, viewer)
        self._backends, self._caching = b, c
        self.party_by_id: BatchLoader[str, Party] = BatchLoader(c.own("party", b.crm.parties))
        self.mandates_by_party: ListLoader[str, CompanyMandate] = ListLoader(
            c.own("mandates", each(b.crm.mandates))
        )
        self.company_by_number: BatchLoader[str, Company] = BatchLoader(
            c.own("company", each(b.crm.company))
        )
        self.contracts_by_party: ListLoader[str, ContractHeader] = ListLoader(
            c.own("contracts_of_party", each(b.policy.contracts_of_party))
        )
        self.contracts_by_company: ListLoader[str, ContractHeader] = ListLoader(
            c.own("contracts_of_company", each(b.policy.contracts_of_company))
        )
        self.contract_by_key: BatchLoader[ContractKey, ContractHeader] = BatchLoader(
            c.viewed("contract", b.policy.contracts)
        )
        self.life_by_key: BatchLoader[ContractKey, LifeDetails] = BatchLoader(
            c.viewed("life_details", b.life.contracts)
        )
        self.allocation_by_key: BatchLoader[ContractKey, Allocation] = BatchLoader(
            c.viewed("allocation", b.life.allocations)
        )
        self.reserve_history_by_key: BatchLoader[ContractKey, ReserveHistory] = BatchLoader(
            c.viewed(
                "reserve_history",
                lambda keys: b.life.reserve_histories(keys, reserve_months),
                variant=f"/{reserve_months}m",
            )
        )
        self.fund_by_isin: BatchLoader[str, Fund] = BatchLoader(c.own("fund", b.life.funds))
        self.nonlife_by_key: BatchLoader[ContractKey, NonLifeDetails] = BatchLoader(
            c.viewed("nonlife_details", b.nonlife.policies)
        )
        self.broker_by_fsma: BatchLoader[str, Broker] = BatchLoader(
            c.own("broker", b.brokers.brokers)
        )
        self.documents_by_party: ListLoader[str, DocumentMeta] = ListLoader(
            c.own("documents_of_party", b.documents.documents_of_parties)
        )

    async def notifications(
        self, party_id: str, *, unread_only: bool, page: int, size: int
    ) -> tuple[Page[Notification], int]:
        """One page of the person's messages and their unread count (cached briefly)."""
        return await self._caching.one(
            "notifications",
            f"{party_id}/{int(unread_only)}/{page}/{size}",
            lambda: self._backends.crm.notifications(
                party_id, unread_only=unread_only, page=page, size=size
            ),
            owner=party_id,
        )

    async def transactions(
        self, key: ContractKey, cursor: str | None, limit: int
    ) -> Page[Transaction]:
        """One page of the life platform's listing of a contract's transactions."""
        return await self._caching.one(
            "transactions",
            f"{key}/{cursor or ''}/{limit}",
            lambda: self._backends.life.transactions(key, cursor, limit),
            owner=self._caching.viewer,
        )

    async def portfolio(self, fsma: str, page: int, size: int) -> Page[PortfolioCustomer]:
        """One page of a broker's portfolio in the broker registry."""
        return await self._caching.one(
            "portfolio",
            f"{fsma}/{page}/{size}",
            lambda: self._backends.brokers.portfolio(fsma, page, size),
            owner=fsma,
        )
