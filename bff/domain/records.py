"""Canonical records the adapters return: plain, typed, free of any backend's codes or formats.

Numbers: a contract is identified across systems by `ContractKey` (its digits: 7-digit base and
2-digit suffix); each adapter maps its own system's number format to and from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum


class Language(StrEnum):
    NL = "nl"
    FR = "fr"
    EN = "en"
    DE = "de"


class ContractStatus(StrEnum):
    ACTIVE = "active"
    IN_ACCEPTANCE = "in_acceptance"
    SURRENDERED = "surrendered"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    SUSPENDED = "suspended"


class PartyRole(StrEnum):
    POLICYHOLDER = "policyholder"
    CO_POLICYHOLDER = "co_policyholder"
    INSURED = "insured"
    BENEFICIARY = "beneficiary"
    BENEFICIARY_LIFE = "beneficiary_life"
    BENEFICIARY_DEATH = "beneficiary_death"
    DRIVER = "driver"
    OWNER = "owner"
    INTERMEDIARY = "intermediary"


@dataclass(frozen=True, order=True)
class ContractKey:
    base: int
    suffix: int

    @classmethod
    def from_digits(cls, text: str) -> ContractKey:
        """A8: separators ('/', '-', '.', spaces) are not significant; the last 9 digits are."""
        digits = "".join(ch for ch in text if ch.isdigit())
        if len(digits) < 3:
            raise ValueError(f"not a contract number: {text!r}")
        return cls(int(digits[-9:-2] or "0"), int(digits[-2:]))

    @property
    def digits(self) -> str:
        return f"{self.base:07d}{self.suffix:02d}"


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str = "EUR"


@dataclass(frozen=True)
class PostalAddress:
    street: str
    number: str
    postcode: str
    city: str
    country: str


@dataclass(frozen=True)
class Party:
    """A person as the CRM knows them."""

    id: str
    national_number: str | None  # 11 digits, no separators; personal data, never logged
    first_name: str
    last_name: str
    birth_date: date
    language: Language
    resident: bool
    address: PostalAddress
    email: str | None
    phone: str | None
    contact_version: str  # the CRM's ETag, opaque


@dataclass(frozen=True)
class ContractHeader:
    """What the policy administration says of a contract, in canonical terms."""

    key: ContractKey
    number: str  # as printed on the policy (A7)
    product_type: str  # the sector's product type code, mapped further by the domain layer
    family: str  # "life" or "nonlife"
    status: ContractStatus
    start_date: date
    end_date: date | None
    roles: frozenset[PartyRole]  # the roles of the party the headers were asked for
