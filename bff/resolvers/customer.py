"""Resolvers for the viewer and their contracts: thin, loaders and rules only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bff.adapters.errors import BackendError
from bff.auth.principal import PrincipalKind
from bff.domain.records import ContractHeader, Party
from bff.schema.errors import NoAccess, Unauthenticated, as_client_error

if TYPE_CHECKING:
    from bff.context import Info


async def viewer_party(info: Info) -> Party:
    principal = info.context.principal
    if principal is None:
        raise Unauthenticated("Sign in first.")
    if principal.kind is not PrincipalKind.CUSTOMER or not principal.subject:
        raise NoAccess("This login is not linked to a customer.")
    try:
        party = await info.context.loaders.party_by_id.load(principal.subject)
    except BackendError as exc:
        raise as_client_error(exc) from None
    if party is None:
        raise NoAccess("This login is not linked to a customer.")
    return party


async def contracts_of(info: Info, party_id: str) -> list[ContractHeader]:
    try:
        headers = await info.context.loaders.contract_headers_by_party.load(party_id)
    except BackendError as exc:
        raise as_client_error(exc) from None
    return sorted(headers, key=lambda header: header.key)
