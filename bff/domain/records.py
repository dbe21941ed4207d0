"""Canonical records the adapters return: plain, typed, free of any backend's codes or formats.

Numbers: a contract is identified across systems by `ContractKey` (7-digit base and 2-digit
suffix); each adapter maps its own system's number format to and from it. Codes: every backend
code list (Telebib2, the life platform's, the non-life system's French ones, the document
store's) is mapped by its adapter to the enums here. Money is `Money` (Decimal + currency).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Generic, TypeVar

T = TypeVar("T")


class Language(StrEnum):
    NL = "nl"
    FR = "fr"
    EN = "en"
    DE = "de"


class Family(StrEnum):
    LIFE = "life"
    NONLIFE = "nonlife"


class Product(StrEnum):
    """The insurer's products, as the domain rules need to tell them apart (C1, C3)."""

    NN_STRATEGY = "nn_strategy"
    SCALA_VAPZ = "scala_vapz"
    SCALA_IPT = "scala_ipt"
    SCALA_EXECUTIVE = "scala_executive"
    SCALA_POZ = "scala_poz"
    LIFE_PLAN = "life_plan"  # branch 21 savings
    PENSION_SAVINGS = "pension_savings"
    LONG_TERM_SAVINGS = "long_term_savings"
    INVESTMENT_PLAN = "investment_plan"  # branch 23, other brand
    DEATH_COVER = "death_cover"  # standalone
    GUARANTEED_INCOME = "guaranteed_income"  # standalone
    CAR = "car"
    CAR_LEGACY = "car_legacy"
    MOTORCYCLE = "motorcycle"
    HOME = "home"  # fire
    FAMILY_LIABILITY = "family_liability"
    PRIVATE_ACCIDENT = "private_accident"
    LEGAL_ASSISTANCE = "legal_assistance"
    BICYCLE = "bicycle"
    HUNTING_LIABILITY = "hunting_liability"
    OTHER = "other"  # a product this BFF does not know yet


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


class PaymentFrequency(StrEnum):
    NONE = "none"
    YEARLY = "yearly"
    HALF_YEARLY = "half_yearly"
    QUARTERLY = "quarterly"
    MONTHLY = "monthly"
    SINGLE = "single"
    FREE = "free"


class TaxRegime(StrEnum):
    """Telebib2 1400, by meaning."""

    LONG_TERM_SAVINGS = "long_term_savings"
    PENSION_SAVINGS = "pension_savings"
    VAPZ = "vapz"
    IPT = "ipt"
    POZ = "poz"
    OTHER = "other"


class TransactionType(StrEnum):
    """F6."""

    PREMIUM = "premium"
    SURRENDER = "surrender"
    PARTIAL_SURRENDER = "partial_surrender"
    SWITCH = "switch"
    AUTO_SWITCH_STOP_LOSS = "auto_switch_stop_loss"
    AUTO_SWITCH_SECURE_GAINS = "auto_switch_secure_gains"
    AUTO_SWITCH_DRIP_FEED = "auto_switch_drip_feed"
    AUTO_SWITCH_PROFIT_DYNAMISATION = "auto_switch_profit_dynamisation"
    RISK_PREMIUM = "risk_premium"
    TRANSFER = "transfer"
    ADVANCE_LEVY = "advance_levy"
    PROFIT_SHARING = "profit_sharing"
    ADVANCE = "advance"


class TransactionState(StrEnum):
    EXECUTED = "executed"
    PENDING = "pending"


class Guarantee(StrEnum):
    """Coverages (Telebib2 X058, by meaning)."""

    FIRE = "fire"
    STORM_HAIL = "storm_hail"
    WATER_DAMAGE = "water_damage"
    GLASS = "glass"
    THEFT = "theft"
    FAMILY_LIABILITY = "family_liability"
    HUNTING_LIABILITY = "hunting_liability"
    MOTOR_LIABILITY = "motor_liability"
    FULL_OMNIUM = "full_omnium"
    PARTIAL_OMNIUM = "partial_omnium"
    LEGAL_ASSISTANCE = "legal_assistance"
    BICYCLE = "bicycle"
    PRIVATE_ACCIDENT = "private_accident"
    DEATH = "death"
    PENSION = "pension"
    GUARANTEED_INCOME = "guaranteed_income"
    OTHER = "other"


class DocumentType(StrEnum):
    PREMIUM_PROOF = "premium_proof"
    TAX_CERTIFICATE = "tax_certificate"
    ANNUAL_STATEMENT = "annual_statement"
    POLICY = "policy"
    GREEN_CARD = "green_card"
    CLAIMS_HISTORY = "claims_history"
    OTHER = "other"


class NotificationCategory(StrEnum):
    CONTRACT = "contract"
    DOCUMENT = "document"
    PAYMENT = "payment"
    INFO = "info"


class MandateRole(StrEnum):
    """A10."""

    DIGITAL_MANAGER = "digital_manager"
    USER = "user"


class CustomerKind(StrEnum):
    PERSON = "person"
    COMPANY = "company"


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


# --- CRM -----------------------------------------------------------------------------------


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
    iban: str | None = None
    paper_delivery: bool = False  # D3: digital by default


@dataclass(frozen=True)
class Notification:
    id: str
    category: NotificationCategory
    title: str
    body: str
    created_at: datetime
    read: bool


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a backend listing; `next` is the backend's own continuation (cursor, offset
    or page number as text), None on the last page."""

    items: tuple[T, ...]
    next: str | None
    total: int | None = None


@dataclass(frozen=True)
class Mandate:
    party_id: str
    role: MandateRole


@dataclass(frozen=True)
class Company:
    enterprise_number: str  # 10 digits, no separators
    name: str
    legal_form: str
    address: PostalAddress
    language: Language
    mandates: tuple[Mandate, ...]


@dataclass(frozen=True)
class CompanyMandate:
    """A company a person acts for (A10)."""

    enterprise_number: str
    name: str
    role: MandateRole


# --- policy administration -----------------------------------------------------------------


@dataclass(frozen=True)
class ContractParty:
    """One role on a contract: a person (party id) or a company (enterprise number), or a
    beneficiary known only by a clause."""

    role: PartyRole
    party_id: str | None = None
    enterprise_number: str | None = None
    name: str | None = None
    share_percent: Decimal | None = None
    clause: str | None = None


@dataclass(frozen=True)
class ContractHeader:
    """What the policy administration says of a contract, in canonical terms."""

    key: ContractKey
    number: str  # as printed on the policy (A7)
    product: Product
    product_name: str  # the commercial name
    family: Family
    status: ContractStatus
    status_date: date
    start_date: date
    end_date: date | None
    payment_frequency: PaymentFrequency
    premium: Money  # per payment period
    language: Language  # correspondence language chosen at signature (S3)
    tax_regime: TaxRegime | None
    broker_fsma: str | None  # 10 digits
    parties: tuple[ContractParty, ...]  # all roles the answer carried (broker excluded)

    def roles_of(self, party_id: str) -> frozenset[PartyRole]:
        return frozenset(p.role for p in self.parties if p.party_id == party_id)

    def company_roles_of(self, enterprise_number: str) -> frozenset[PartyRole]:
        return frozenset(p.role for p in self.parties if p.enterprise_number == enterprise_number)


# --- life platform -------------------------------------------------------------------------


@dataclass(frozen=True)
class NavPoint:
    day: date
    value: Decimal


@dataclass(frozen=True)
class Fund:
    isin: str
    name: str
    currency: str
    risk_class: int  # SRI 1..7 today (F5)
    risk_class_history: tuple[tuple[date, int], ...]  # (valid from, SRI), ascending
    latest_nav: NavPoint | None


@dataclass(frozen=True)
class Holding:
    isin: str
    units: Decimal


@dataclass(frozen=True)
class LifeDetails:
    key: ContractKey
    details_available: bool  # C5
    holdings: tuple[Holding, ...] = ()
    reserve: Money | None = None  # current reserve, F2
    reserve_date: date | None = None
    guaranteed_reserve: Money | None = None  # branch 21 part
    guaranteed_rate: Decimal | None = None  # percent


@dataclass(frozen=True)
class AllocationShare:
    isin: str
    percent: Decimal


@dataclass(frozen=True)
class Allocation:
    """F3: how future premiums are invested."""

    key: ContractKey
    details_available: bool
    shares: tuple[AllocationShare, ...] = ()


@dataclass(frozen=True)
class ReservePoint:
    day: date
    amount: Money


@dataclass(frozen=True)
class ReserveHistory:
    """F4: month-end reserves, ascending."""

    key: ContractKey
    details_available: bool
    points: tuple[ReservePoint, ...] = ()


@dataclass(frozen=True)
class Transaction:
    id: str
    day: date
    type: TransactionType
    state: TransactionState
    amount: Money  # positive; the type says which way it goes
    isin: str | None = None


# --- non-life system -----------------------------------------------------------------------


@dataclass(frozen=True)
class IndexLink:
    name: str  # "ABEX"
    base_value: Decimal
    base_date: date


@dataclass(frozen=True)
class Coverage:
    guarantee: Guarantee
    annual_premium: Money
    insured_amount: Money | None = None
    deductible: Money | None = None
    index: IndexLink | None = None
    exclusions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Vehicle:
    plate: str
    vin: str
    make: str
    model: str
    first_registration: date


@dataclass(frozen=True)
class Building:
    address: PostalAddress
    kind: str  # "house" | "apartment"
    rooms: int


@dataclass(frozen=True)
class NonLifeDetails:
    key: ContractKey
    details_available: bool  # C5
    annual_premium: Money | None = None
    bonus_malus: int | None = None
    insured_object: Vehicle | Building | None = None
    exclusions: tuple[str, ...] = ()  # contract-level exclusions, in the contract language
    coverages: tuple[Coverage, ...] = ()


# --- document store ------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentMeta:
    id: str
    type: DocumentType
    title: str
    issued_on: date
    language: Language
    contract: ContractKey | None
    party_id: str
    mime_type: str
    size_bytes: int


# --- broker registry -----------------------------------------------------------------------


@dataclass(frozen=True)
class Broker:
    fsma: str  # 10 digits
    name: str
    address: PostalAddress
    phone: str
    email: str
    website: str


@dataclass(frozen=True)
class PortfolioContract:
    key: ContractKey
    number: str
    product: Product
    family: Family
    status: ContractStatus
    parties: tuple[ContractParty, ...]


@dataclass(frozen=True)
class PortfolioCustomer:
    kind: CustomerKind
    party_id: str | None
    enterprise_number: str | None
    contracts: tuple[PortfolioContract, ...] = field(default=())
