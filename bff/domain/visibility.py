"""Which contracts a frontend shows (C1, C3, C6, A10) and who may use the mobile app (A3)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol, TypeVar

from bff.domain.profiles import FrontendProfile, LocalizedText, NotShownRule, VisibilityRule
from bff.domain.records import ContractStatus, PartyRole, Product


class ContractFacts(Protocol):
    """What visibility looks at: a ContractHeader or a broker's PortfolioContract."""

    @property
    def number(self) -> str: ...
    @property
    def product(self) -> Product: ...
    @property
    def status(self) -> ContractStatus: ...


C = TypeVar("C", bound=ContractFacts)


@dataclass(frozen=True)
class NotShown:
    """A contract the viewer holds that this frontend does not show yet, and why (C3)."""

    number: str
    product: Product
    explanation: LocalizedText


class AccessReason(StrEnum):
    OK = "ok"
    MINOR = "minor"
    NO_VISIBLE_CONTRACT = "no_visible_contract"


@dataclass(frozen=True)
class AccessDecision:
    reason: AccessReason

    @property
    def allowed(self) -> bool:
        return self.reason is AccessReason.OK


def visible(profile: FrontendProfile, header: ContractFacts, roles: frozenset[PartyRole]) -> bool:
    """True when a rule of the profile lists the contract's product and status and one of the
    viewer's roles on it."""
    return any(
        header.product in rule.products and _status_and_role(rule, header, roles)
        for rule in profile.rules
    )


def split_visible(
    profile: FrontendProfile,
    headers: Iterable[C],
    roles_of: Callable[[C], frozenset[PartyRole]],
) -> tuple[list[C], list[NotShown]]:
    """The visible contracts in their given order, and the not-shown ones with their
    explanation. A contract is explained only when a not-shown rule lists its product and a
    visibility rule would accept its status and the viewer's roles; the rest (other products,
    ended contracts, mere beneficiaries) are silently left out."""
    shown: list[C] = []
    explained: list[NotShown] = []
    for header in headers:
        roles = roles_of(header)
        if visible(profile, header, roles):
            shown.append(header)
        elif (rule := _not_shown_rule(profile, header, roles)) is not None:
            explained.append(NotShown(header.number, header.product, rule.explanation))
    return shown, explained


def age_on(birth_date: date, today: date) -> int:
    """Completed years; someone born on 29 February gets a year older on 1 March in other
    years."""
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - before_birthday


def mobile_access(
    profile: FrontendProfile, birth_date: date, today: date, visible_count: int
) -> AccessDecision:
    """A3: the profile's minimum age first, then at least one visible contract if required."""
    if profile.minimum_age is not None and age_on(birth_date, today) < profile.minimum_age:
        return AccessDecision(AccessReason.MINOR)
    if profile.requires_visible_contract and visible_count < 1:
        return AccessDecision(AccessReason.NO_VISIBLE_CONTRACT)
    return AccessDecision(AccessReason.OK)


def _status_and_role(
    rule: VisibilityRule, header: ContractFacts, roles: frozenset[PartyRole]
) -> bool:
    return header.status in rule.statuses and not rule.roles.isdisjoint(roles)


def _not_shown_rule(
    profile: FrontendProfile, header: ContractFacts, roles: frozenset[PartyRole]
) -> NotShownRule | None:
    if not any(_status_and_role(rule, header, roles) for rule in profile.rules):
        return None
    return next((r for r in profile.not_shown if header.product in r.products), None)
