"""The sandbox's single source of truth.

Every simulated system reads these records and renders them in its own protocol, numbers and
codes; no system owns data of its own except the mutable state a real one would keep (CRM
writes, one-time codes). Records use canonical values (enums, Decimal, date); the systems
translate them into Telebib2 codes, cents, decimal commas or whatever their convention is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum


class Language(StrEnum):
    NL = "nl"
    FR = "fr"
    EN = "en"
    DE = "de"


class Gender(StrEnum):
    MALE = "M"
    FEMALE = "F"


class Family(StrEnum):
    LIFE = "life"
    NONLIFE = "nonlife"


class ContractStatus(StrEnum):
    ACTIVE = "active"
    IN_ACCEPTANCE = "in_acceptance"
    SURRENDERED = "surrendered"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    SUSPENDED = "suspended"


class Role(StrEnum):
    """A party's role on a contract (Telebib2 X043 in the policy administration)."""

    POLICYHOLDER = "policyholder"
    CO_POLICYHOLDER = "co_policyholder"
    INSURED = "insured"
    BENEFICIARY = "beneficiary"
    BENEFICIARY_LIFE = "beneficiary_life"
    BENEFICIARY_DEATH = "beneficiary_death"
    DRIVER = "driver"
    OWNER = "owner"


class PaymentFrequency(StrEnum):
    """Telebib2 A325, by meaning."""

    NONE = "none"
    YEARLY = "yearly"
    HALF_YEARLY = "half_yearly"
    QUARTERLY = "quarterly"
    MONTHLY = "monthly"
    SINGLE = "single"
    FREE = "free"


class TransactionType(StrEnum):
    """F6: the transaction kinds a life contract shows."""

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


class DocumentType(StrEnum):
    """D2: life documents of the web zone, then the non-life ones that come later."""

    PREMIUM_PROOF = "premium_proof"
    TAX_CERTIFICATE = "tax_certificate"
    ANNUAL_STATEMENT = "annual_statement"
    POLICY = "policy"
    GREEN_CARD = "green_card"
    CLAIMS_HISTORY = "claims_history"


class MandateRole(StrEnum):
    """A10: a person's role for a company."""

    DIGITAL_MANAGER = "digital_manager"
    USER = "user"


class Delivery(StrEnum):
    """D3: how documents reach the customer."""

    DIGITAL = "digital"
    PAPER = "paper"


class LoginMethod(StrEnum):
    ITSME = "itsme"
    EID = "eid"
    SMS = "sms"
    CLIENT_CREDENTIALS = "client_credentials"


class PersonaKind(StrEnum):
    CUSTOMER = "customer"
    BROKER = "broker"
    COMPANY = "company"


class Profile(StrEnum):
    MOBILE = "mobile"
    WEB = "web"
    BROKER = "broker"


@dataclass(frozen=True)
class Product:
    """One commercial product. The Telebib2 codes are what the policy administration stores."""

    code: str
    name: str
    family: Family
    a502: str  # product type
    a509: str  # legal branch
    tax_regime: str | None = None  # Telebib2 1400
    unit_linked: bool = False  # has fund holdings (branch 23 or multi-branch)
    legacy: bool = False  # an old product the web zone does not show yet (C3)


@dataclass
class Address:
    street: str
    number: str
    postcode: str
    city: str
    country: str = "BE"


@dataclass
class Party:
    """A natural person as the CRM knows them."""

    id: str  # CRM party id, e.g. "P0000123"
    nrn: str | None  # national register number YY.MM.DD-SSS.CC; None for non-residents
    first_name: str
    last_name: str
    birth_date: date
    gender: Gender
    language: Language
    address: Address
    email: str | None
    phone: str | None  # E.164, e.g. "+32470123456"
    iban: str | None
    delivery: Delivery = Delivery.DIGITAL
    delivery_changed_by: str | None = None
    delivery_changed_at: datetime | None = None
    resident: bool = True
    contact_version: int = 1  # bumped by every contact-details write; the ETag derives from it


@dataclass
class Mandate:
    party_id: str
    role: MandateRole


@dataclass
class Company:
    enterprise_number: str  # KBO/BCE "0403.019.261"
    name: str
    legal_form: str  # "BV", "NV", "SRL", ...
    address: Address
    language: Language
    mandates: list[Mandate] = field(default_factory=list)


@dataclass
class Broker:
    fsma: str  # the broker's enterprise number, "0xxx.xxx.xxx"
    name: str
    address: Address
    phone: str
    email: str
    website: str
    client_id: str  # for the broker token issuer (client credentials)
    client_secret: str  # SANDBOX ONLY: derived from the seed, worthless outside the sandbox


@dataclass
class Fund:
    isin: str
    name: str
    currency: str
    sri_history: list[tuple[date, int]]  # (valid from, SRI 1..7), ascending (F5)
    navs: list[tuple[date, Decimal]]  # business-day NAVs, ascending, >= 2 years (F5)

    def sri_on(self, day: date) -> int:
        current = self.sri_history[0][1]
        for since, sri in self.sri_history:
            if since <= day:
                current = sri
        return current

    def nav_on(self, day: date) -> tuple[date, Decimal]:
        """The latest NAV published on or before `day`."""
        found = self.navs[0]
        for point in self.navs:
            if point[0] > day:
                break
            found = point
        return found


@dataclass
class ContractRole:
    role: Role
    party_id: str | None = None
    company_number: str | None = None  # a company as party (e.g. policyholder of a Scala IPT)
    share_percent: Decimal | None = None  # for beneficiaries
    clause: str | None = None  # free text beneficiary clause, e.g. "spouse, failing that children"


@dataclass
class Holding:
    isin: str
    units: Decimal


@dataclass
class Transaction:
    id: str
    day: date
    type: TransactionType
    amount: Decimal  # positive, in EUR; direction follows from the type
    state: TransactionState = TransactionState.EXECUTED
    isin: str | None = None  # fund concerned, when one is


@dataclass
class IndexLink:
    name: str  # "ABEX"
    base_value: Decimal  # index value at the base date
    base_date: date


@dataclass
class Coverage:
    x058: str  # Telebib2 guarantee code
    name: str
    premium: Decimal  # yearly, EUR
    insured_amount: Decimal | None = None
    deductible: Decimal | None = None
    index: IndexLink | None = None
    exclusions: list[str] = field(default_factory=list)


@dataclass
class Vehicle:
    plate: str
    vin: str
    make: str
    model: str
    first_registration: date


@dataclass
class Building:
    address: Address
    kind: str  # "house", "apartment"
    rooms: int


@dataclass
class Contract:
    """One contract. Its number exists in every system in that system's own format."""

    base: int  # 7-digit contract number
    suffix: int  # 2-digit suffix
    product: str  # Product.code
    status: ContractStatus
    start_date: date
    end_date: date | None
    status_date: date  # when the current status took effect
    payment_frequency: PaymentFrequency
    premium: Decimal  # per period, EUR
    language: Language  # correspondence language chosen at signature (S3)
    broker_fsma: str
    roles: list[ContractRole]
    details_available: bool = True  # False: the back office has no details (C5)
    # life
    holdings: list[Holding] = field(default_factory=list)
    allocation: list[tuple[str, Decimal]] = field(default_factory=list)  # (isin, percent) F3
    guaranteed_reserve: Decimal | None = None  # branch 21 reserve, EUR
    guaranteed_rate: Decimal | None = None  # branch 21 technical rate, percent
    reserve_history: list[tuple[date, Decimal]] = field(default_factory=list)  # month ends, F4
    transactions: list[Transaction] = field(default_factory=list)
    # non-life
    coverages: list[Coverage] = field(default_factory=list)
    exclusions: list[str] = field(default_factory=list)
    insured_object: Vehicle | Building | None = None
    bonus_malus: int | None = None

    @property
    def number_digits(self) -> str:
        return f"{self.base:07d}{self.suffix:02d}"

    def parties_with(self, role: Role) -> list[str]:
        return [r.party_id for r in self.roles if r.role is role and r.party_id]


@dataclass
class Document:
    id: str
    type: DocumentType
    party_id: str
    contract: tuple[int, int] | None  # (base, suffix)
    day: date
    language: Language
    title: str


@dataclass
class Notification:
    id: str
    party_id: str
    created: datetime
    category: str  # "contract", "document", "payment", "info"
    title: str
    body: str
    read: bool = False


@dataclass
class ActivationCode:
    """A5: sent by post, one per person per request, single use, expiring."""

    code: str
    party_id: str
    issued: date
    expires: date
    used: bool = False
    blocked: bool = False


@dataclass(frozen=True)
class Persona:
    id: str
    kind: PersonaKind
    profile: Profile
    description: str
    login: LoginMethod
    party_id: str | None = None  # customer and company personas: the person who logs in
    company_number: str | None = None  # company personas
    broker_fsma: str | None = None  # broker personas


@dataclass
class World:
    seed: int
    as_of: date
    products: dict[str, Product]
    parties: dict[str, Party]
    companies: dict[str, Company]  # by enterprise number
    brokers: dict[str, Broker]  # by FSMA number
    funds: dict[str, Fund]  # by ISIN
    contracts: dict[tuple[int, int], Contract]  # by (base, suffix)
    documents: dict[str, Document]
    notifications: dict[str, Notification]
    activation_codes: list[ActivationCode]
    personas: dict[str, Persona]

    def party_by_nrn(self, nrn: str) -> Party | None:
        digits = "".join(c for c in nrn if c.isdigit())
        for party in self.parties.values():
            if party.nrn and "".join(c for c in party.nrn if c.isdigit()) == digits:
                return party
        return None

    def contracts_of_party(self, party_id: str) -> list[Contract]:
        return [c for c in self.contracts.values() if any(r.party_id == party_id for r in c.roles)]

    def contracts_of_company(self, number: str) -> list[Contract]:
        return [
            c for c in self.contracts.values() if any(r.company_number == number for r in c.roles)
        ]

    def contracts_of_broker(self, fsma: str) -> list[Contract]:
        return [c for c in self.contracts.values() if c.broker_fsma == fsma]
