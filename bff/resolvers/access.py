"""Who may see what: the principal, the viewer's visible contracts, and ownership of ids.

Ownership is decided here, from the policy administration's contract headers and the
profile's rules, before any detail is read from another system or a cache; a contract the
principal may not see is answered exactly like one that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bff.auth.permissions import SIGN_IN
from bff.auth.principal import Principal, PrincipalKind
from bff.domain.records import ContractHeader, ContractKey, MandateRole, Party, PartyRole
from bff.domain.visibility import NotShown, mobile_access, split_visible, visible
from bff.resolvers.guard import backend
from bff.schema.errors import FeatureNotAvailable, NoAccess, NotFound, Unauthenticated

if TYPE_CHECKING:
    from bff.context import Info

COMPANY_PROFILE = "company"


@dataclass(frozen=True)
class ViewerContracts:
    visible: list[ContractHeader]
    not_shown: list[NotShown]


def require_feature(info: Info, feature: str) -> None:
    """A profile's features are configuration (bff/profiles.toml), e.g. D1: no contract
    documents in the mobile app."""
    require_principal(info)
    if feature not in info.context.profile.features:
        raise FeatureNotAvailable(f"This is not available in this app ({feature}).")


def require_principal(info: Info) -> Principal:
    principal = info.context.principal
    if principal is None:
        raise Unauthenticated(SIGN_IN)
    return principal


def require_broker(info: Info) -> str:
    """The FSMA number (10 digits) of the broker asking."""
    principal = require_principal(info)
    if principal.kind is not PrincipalKind.BROKER:
        raise NoAccess("Only broker software may use the broker portfolio.")
    return "".join(ch for ch in principal.subject if ch.isdigit())


async def viewer_party(info: Info) -> Party:
    principal = require_principal(info)
    if principal.kind is not PrincipalKind.CUSTOMER or not principal.subject:
        raise NoAccess("This login is not linked to a customer.", reason="NOT_A_CUSTOMER")
    party = await backend(info.context.loaders.party_by_id.load(principal.subject))
    if party is None:
        raise NoAccess("This login is not linked to a customer.", reason="NOT_A_CUSTOMER")
    info.context.party_language = party.language
    return party


async def viewer_contracts(info: Info, party: Party) -> ViewerContracts:
    """The contracts this frontend shows the viewer (C1/C3), and those it explains (C3)."""
    headers = await backend(info.context.loaders.contracts_by_party.load(party.id))
    shown, not_shown = split_visible(
        info.context.profile, sorted(headers, key=lambda h: h.key), lambda h: h.roles_of(party.id)
    )
    return ViewerContracts(shown, not_shown)


async def check_access(info: Info, party: Party) -> None:
    """A3: the profile may require an adult holding at least one visible contract."""
    profile = info.context.profile
    if profile.minimum_age is None and not profile.requires_visible_contract:
        return
    contracts = await viewer_contracts(info, party)
    decision = mobile_access(profile, party.birth_date, info.context.today, len(contracts.visible))
    if not decision.allowed:
        raise NoAccess(
            "This app is for adult customers holding a contract it shows; "
            "please contact your broker.",
            reason=decision.reason.value.upper(),
        )


async def company_mandate(info: Info, enterprise_number: str) -> tuple[MandateRole | None, str]:
    """A10: the viewer's role for that company (None: no mandate) and the company's name."""
    party = await viewer_party(info)
    mandates = await backend(info.context.loaders.mandates_by_party.load(party.id))
    for mandate in mandates:
        if mandate.enterprise_number == enterprise_number:
            return mandate.role, mandate.name
    return None, ""


async def company_contracts(info: Info, enterprise_number: str) -> list[ContractHeader]:
    """A10: the company's contracts a mandate holder sees (company profile rules applied to
    the company's own roles)."""
    profile = info.context.profiles[COMPANY_PROFILE]
    headers = await backend(info.context.loaders.contracts_by_company.load(enterprise_number))
    shown, _ = split_visible(
        profile,
        sorted(headers, key=lambda h: h.key),
        lambda h: h.company_roles_of(enterprise_number),
    )
    return shown


def _all_roles(header: ContractHeader) -> frozenset[PartyRole]:
    return frozenset(p.role for p in header.parties)


async def owned_contract(info: Info, key: ContractKey) -> ContractHeader:
    """The contract behind an id, if the principal may see it; NOT_FOUND otherwise (the same
    answer for a foreign id as for an unknown one)."""
    principal = require_principal(info)
    context = info.context
    if principal.kind is PrincipalKind.BROKER:
        fsma = require_broker(info)
        header = await backend(context.loaders.contract_by_key.load(key))
        if (
            header
            and header.broker_fsma == fsma
            and visible(context.profile, header, _all_roles(header))
        ):
            return header
        raise NotFound()
    party = await viewer_party(info)
    await check_access(info, party)
    mine = await viewer_contracts(info, party)
    for header in mine.visible:
        if header.key == key:
            return header
    if "company_view" in context.profile.features:
        mandates = await backend(context.loaders.mandates_by_party.load(party.id))
        for mandate in mandates:
            for header in await company_contracts(info, mandate.enterprise_number):
                if header.key == key:
                    return header
    raise NotFound()
