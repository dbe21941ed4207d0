"""DataLoaders, one per key kind, created per request (see bff.context): a loader's cache
never outlives the request nor crosses users. Each batch is one backend call (or one per
backend chunk), whatever the number of keys."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Generic, TypeVar

from aiodataloader import DataLoader

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
    Party,
    ReserveHistory,
)

if TYPE_CHECKING:
    from bff.services import Backends

K = TypeVar("K")
V = TypeVar("V")


class BatchLoader(DataLoader[K, V | None], Generic[K, V]):
    """Loads many keys with one call to a batch function returning a mapping; missing keys
    load as None."""

    def __init__(self, fetch: Callable[[Sequence[K]], Awaitable[Mapping[K, V]]]) -> None:
        super().__init__()
        self.fetch = fetch

    async def batch_load_fn(self, keys: Sequence[K]) -> list[V | None]:
        found = await self.fetch(list(keys))
        return [found.get(key) for key in keys]


class EachLoader(DataLoader[K, V], Generic[K, V]):
    """For lookups the backend only answers one key at a time: concurrent calls per batch."""

    def __init__(self, fetch: Callable[[K], Awaitable[V]]) -> None:
        super().__init__()
        self.fetch = fetch

    async def batch_load_fn(self, keys: Sequence[K]) -> list[V]:
        return list(await asyncio.gather(*(self.fetch(key) for key in keys)))


class Loaders:
    def __init__(self, backends: Backends, reserve_months: int) -> None:
        b = backends
        self.party_by_id: BatchLoader[str, Party] = BatchLoader(b.crm.parties)
        self.mandates_by_party: EachLoader[str, list[CompanyMandate]] = EachLoader(b.crm.mandates)
        self.company_by_number: EachLoader[str, Company | None] = EachLoader(b.crm.company)
        self.contracts_by_party: EachLoader[str, list[ContractHeader]] = EachLoader(
            b.policy.contracts_of_party
        )
        self.contracts_by_company: EachLoader[str, list[ContractHeader]] = EachLoader(
            b.policy.contracts_of_company
        )
        self.contract_by_key: BatchLoader[ContractKey, ContractHeader] = BatchLoader(
            b.policy.contracts
        )
        self.life_by_key: BatchLoader[ContractKey, LifeDetails] = BatchLoader(b.life.contracts)
        self.allocation_by_key: BatchLoader[ContractKey, Allocation] = BatchLoader(
            b.life.allocations
        )
        self.reserve_history_by_key: BatchLoader[ContractKey, ReserveHistory] = BatchLoader(
            lambda keys: b.life.reserve_histories(keys, reserve_months)
        )
        self.fund_by_isin: BatchLoader[str, Fund] = BatchLoader(b.life.funds)
        self.nonlife_by_key: BatchLoader[ContractKey, NonLifeDetails] = BatchLoader(
            b.nonlife.policies
        )
        self.broker_by_fsma: BatchLoader[str, Broker] = BatchLoader(b.brokers.brokers)
        self.documents_by_party: BatchLoader[str, list[DocumentMeta]] = BatchLoader(
            b.documents.documents_of_parties
        )
