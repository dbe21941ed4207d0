"""The policy administration (the legacy core): SOAP 1.1, ISO-8859-1, Telebib2 codes."""

from __future__ import annotations

from typing import Protocol

from bff.domain.records import ContractHeader


class PolicyPort(Protocol):
    async def contracts_of_party(self, party_id: str) -> list[ContractHeader]: ...
