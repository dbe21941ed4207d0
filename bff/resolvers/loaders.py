"""DataLoaders, one per key kind, created per request (see bff.context)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING

from aiodataloader import DataLoader

from bff.domain.records import ContractHeader, Party

if TYPE_CHECKING:
    from bff.services import Backends


class PartyByIdLoader(DataLoader[str, Party | None]):
    def __init__(self, backends: Backends) -> None:
        super().__init__()
        self.backends = backends

    async def batch_load_fn(self, keys: Sequence[str]) -> list[Party | None]:
        found = await self.backends.crm.parties(list(keys))
        return [found.get(key) for key in keys]


class ContractHeadersByPartyLoader(DataLoader[str, list[ContractHeader]]):
    def __init__(self, backends: Backends) -> None:
        super().__init__()
        self.backends = backends

    async def batch_load_fn(self, keys: Sequence[str]) -> list[list[ContractHeader]]:
        return list(
            await asyncio.gather(*(self.backends.policy.contracts_of_party(k) for k in keys))
        )


class Loaders:
    def __init__(self, backends: Backends) -> None:
        self.party_by_id = PartyByIdLoader(backends)
        self.contract_headers_by_party = ContractHeadersByPartyLoader(backends)
