"""The domain rules (../shared/docs/domain.md), restated over the sandbox's own records, to
compute what each operation must answer. Nothing here comes from bff/: a rule the BFF gets
wrong shows as a difference with these."""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sandbox.ids import policy_number
from sandbox.world import (
    Company,
    Contract,
    ContractStatus,
    Document,
    DocumentType,
    Family,
    Fund,
    Notification,
    Role,
    Transaction,
    TransactionState,
    World,
)

CENT = Decimal("0.01")
SCALA = frozenset({"scala-vapz", "scala-ipt", "scala-executive", "scala-poz"})
# C3: what the web client zone shows, life and non-life for private persons
WEB_LIFE = frozenset(
    {
        "nn-strategy",
        *SCALA,
        "life-plan",
        "pension-savings",
        "long-term-savings",
        "star-invest",
    }
)
WEB_NONLIFE = frozenset(
    {"car", "motorcycle", "home", "family-liability", "private-accident", "legal-assistance"}
)
# C3: not shown yet, with an explanation
NOT_SHOWN_YET = frozenset(
    {"death-cover", "guaranteed-income", "car-legacy", "bicycle", "hunting-liability"}
)
IN_FORCE = frozenset({ContractStatus.ACTIVE, ContractStatus.SUSPENDED})
HOLDER_OR_INSURED = frozenset({Role.POLICYHOLDER, Role.CO_POLICYHOLDER, Role.INSURED})
BENEFICIARIES = frozenset({Role.BENEFICIARY, Role.BENEFICIARY_LIFE, Role.BENEFICIARY_DEATH})
TRANSACTIONS_SINCE = date(2020, 1, 1)  # F6
HISTORY_MONTHS = 12  # F4
WEB_DOCUMENTS = frozenset(  # D2
    {DocumentType.PREMIUM_PROOF, DocumentType.TAX_CERTIFICATE, DocumentType.ANNUAL_STATEMENT}
)

# The public schema's product lines: pension, savings and investment for life (C3), and the
# kind of cover for non-life.
PRODUCT_LINES = {
    "nn-strategy": "INVESTMENT",
    "star-invest": "INVESTMENT",
    "scala-vapz": "PENSION",
    "scala-ipt": "PENSION",
    "scala-executive": "PENSION",
    "scala-poz": "PENSION",
    "pension-savings": "PENSION",
    "life-plan": "SAVINGS",
    "long-term-savings": "SAVINGS",
    "death-cover": "DEATH_COVER",
    "guaranteed-income": "GUARANTEED_INCOME",
    "car": "CAR",
    "car-legacy": "CAR",
    "motorcycle": "MOTORCYCLE",
    "home": "FIRE",
    "family-liability": "FAMILY_LIABILITY",
    "private-accident": "ACCIDENT",
    "legal-assistance": "LEGAL_ASSISTANCE",
    "bicycle": "BICYCLE",
    "hunting-liability": "OTHER_LIABILITY",
}
# Telebib2 1400 tax regimes and X058 guarantees (domain.md), by their public names
TAX_REGIMES = {
    "4": "LONG_TERM_SAVINGS",
    "6": "PENSION_SAVINGS",
    "15": "VAPZ",
    "16": "IPT",
    "21": "POZ",
}
GUARANTEES = {
    "310": "FIRE",
    "312": "STORM_HAIL",
    "340": "WATER_DAMAGE",
    "350": "GLASS",
    "360": "THEFT",
    "411": "FAMILY_LIABILITY",
    "420": "HUNTING_LIABILITY",
    "510": "MOTOR_LIABILITY",
    "540": "FULL_OMNIUM",
    "550": "PARTIAL_OMNIUM",
    "590": "BICYCLE",
    "610": "PRIVATE_ACCIDENT",
    "960": "LEGAL_ASSISTANCE",
}
PERIODS_PER_YEAR = {"yearly": 1, "half_yearly": 2, "quarterly": 4, "monthly": 12}


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def global_id(type_name: str, key: str) -> str:
    """Relay global ids: base64 of `TypeName:key`."""
    return base64.b64encode(f"{type_name}:{key}".encode()).decode()


def decode_global_id(value: str) -> tuple[str, str]:
    type_name, _, key = base64.b64decode(value).decode().partition(":")
    return type_name, key


def digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def printed(world: World, contract: Contract) -> str:
    """The number as the policy administration prints it (the sandbox's own formatter)."""
    return policy_number(world.products[contract.product].a509, contract.base, contract.suffix)


def contract_id(world: World, contract: Contract) -> str:
    life = world.products[contract.product].family is Family.LIFE
    return global_id("LifeContract" if life else "NonLifeContract", contract.number_digits)


def contract_by_id(world: World, value: str) -> Contract:
    _, key = decode_global_id(value)
    return world.contracts[(int(key[:-2]), int(key[-2:]))]


def roles_of(contract: Contract, party_id: str) -> frozenset[Role]:
    return frozenset(r.role for r in contract.roles if r.party_id == party_id)


def mobile_visible(world: World, party_id: str) -> list[Contract]:
    """C1: every active NN Strategy where the person is policyholder, every active Scala
    where the person is insured."""
    return [
        c
        for c in _by_number(world.contracts_of_party(party_id))
        if c.status is ContractStatus.ACTIVE
        and (
            (c.product == "nn-strategy" and Role.POLICYHOLDER in roles_of(c, party_id))
            or (c.product in SCALA and Role.INSURED in roles_of(c, party_id))
        )
    ]


def web_visible(world: World, party_id: str) -> list[Contract]:
    """C3: life and private non-life in force (or suspended) where the person is
    policyholder, co-policyholder or insured."""
    return [
        c
        for c in _by_number(world.contracts_of_party(party_id))
        if c.product in WEB_LIFE | WEB_NONLIFE and _held(c, roles_of(c, party_id))
    ]


def web_not_shown(world: World, party_id: str) -> list[Contract]:
    """C3: the contracts the zone would show but for their product, which it explains."""
    return [
        c
        for c in _by_number(world.contracts_of_party(party_id))
        if c.product in NOT_SHOWN_YET and _held(c, roles_of(c, party_id))
    ]


def company_visible(world: World, company: Company) -> list[Contract]:
    """A10: the company's contracts where the company itself is policyholder, of the web
    zone's products, in force."""
    return [
        c
        for c in _by_number(world.contracts_of_company(company.enterprise_number))
        if c.product in WEB_LIFE | WEB_NONLIFE
        and c.status in IN_FORCE
        and any(
            r.role is Role.POLICYHOLDER and r.company_number == company.enterprise_number
            for r in c.roles
        )
    ]


def companies_of(world: World, party_id: str) -> list[Company]:
    return [c for c in world.companies.values() if any(m.party_id == party_id for m in c.mandates)]


def _held(contract: Contract, roles: frozenset[Role]) -> bool:
    return contract.status in IN_FORCE and not roles.isdisjoint(HOLDER_OR_INSURED)


def _by_number(contracts: Iterable[Contract]) -> list[Contract]:
    return sorted(contracts, key=lambda c: c.number_digits)


@dataclass(frozen=True)
class Position:
    """F2/F5: one fund of a contract, valued at the latest NAV on or before today."""

    fund: Fund
    units: Decimal
    nav: Decimal
    nav_date: date
    value: Decimal


def positions(world: World, contract: Contract) -> list[Position]:
    found = []
    for holding in contract.holdings:
        fund = world.funds[holding.isin]
        nav_date, nav = fund.nav_on(world.as_of)
        found.append(Position(fund, holding.units, nav, nav_date, cents(holding.units * nav)))
    return found


def reserve(world: World, contract: Contract) -> Decimal | None:
    """F2: the guaranteed (branch 21) part plus units x NAV; None without details (C5) or
    without a savings part."""
    if not contract.details_available:
        return None
    if not contract.holdings and contract.guaranteed_reserve is None:
        return None
    total = contract.guaranteed_reserve or Decimal(0)
    for holding in contract.holdings:
        total += holding.units * world.funds[holding.isin].nav_on(world.as_of)[1]
    return cents(total)


def total_wealth(world: World, contracts: Iterable[Contract]) -> tuple[Decimal, int]:
    """F1: the sum of the visible savings contracts' reserves, and how many have none."""
    total, left_out = Decimal(0), 0
    for contract in contracts:
        if PRODUCT_LINES[contract.product] not in {"INVESTMENT", "PENSION", "SAVINGS"}:
            continue
        amount = reserve(world, contract)
        if amount is None:
            left_out += 1
        else:
            total += amount
    return cents(total), left_out


def month_index(day: date) -> int:
    return day.year * 12 + day.month


def last_month_end(today: date) -> date:
    if (today + timedelta(days=1)).day == 1:
        return today
    return today.replace(day=1) - timedelta(days=1)


def reserve_window(world: World, contract: Contract) -> list[tuple[date, Decimal]]:
    """F4: the month-end reserves of the 12 months up to the last month end on or before
    today, oldest first."""
    last = month_index(last_month_end(world.as_of))
    return sorted(
        (day, amount)
        for day, amount in contract.reserve_history
        if 0 <= last - month_index(day) < HISTORY_MONTHS
    )


def shown_transactions(contract: Contract) -> list[Transaction]:
    """F6: executed ones since 1 January 2020, newest first (the life platform's order: by
    date, then by its id)."""
    return sorted(
        (
            t
            for t in contract.transactions
            if t.state is TransactionState.EXECUTED and t.day >= TRANSACTIONS_SINCE
        ),
        key=lambda t: (t.day, t.id),
        reverse=True,
    )


def notifications_of(world: World, party_id: str, unread_only: bool) -> list[Notification]:
    """Newest first, as the CRM lists them (by time, then id)."""
    return sorted(
        (
            n
            for n in world.notifications.values()
            if n.party_id == party_id and not (unread_only and n.read)
        ),
        key=lambda n: (n.created, n.id),
        reverse=True,
    )


def web_documents(
    world: World, party_id: str, types: Iterable[str] | None = None
) -> list[Document]:
    """D2: the person's premium proofs, tax certificates and annual statements."""
    wanted = {DocumentType(t.lower()) for t in types} if types else WEB_DOCUMENTS
    return [
        d
        for d in world.documents.values()
        if d.party_id == party_id and d.type in WEB_DOCUMENTS and d.type in wanted
    ]


def annual_premium(contract: Contract) -> Decimal:
    """The premium per period times the periods per year; single and free count once."""
    return cents(contract.premium * PERIODS_PER_YEAR.get(contract.payment_frequency.value, 1))


@dataclass(frozen=True)
class PortfolioCustomer:
    kind: str  # "person" or "company"
    key: str  # party id or enterprise number digits
    contracts: list[Contract]


def broker_portfolio(world: World, fsma: str) -> list[PortfolioCustomer]:
    """C6: the broker's customers (each contract's policyholder), persons first then
    companies, each by id; per customer the contracts the client zone shows them (C3's
    products), in every status, by printed number."""
    grouped: dict[tuple[str, str], list[Contract]] = {}
    for contract in world.contracts_of_broker(fsma):
        if contract.product not in WEB_LIFE | WEB_NONLIFE:
            continue
        holder = next(r for r in contract.roles if r.role is Role.POLICYHOLDER)
        key = (
            ("person", holder.party_id)
            if holder.party_id
            else ("company", digits(holder.company_number or ""))
        )
        grouped.setdefault(key, []).append(contract)
    return [
        PortfolioCustomer(kind, key, sorted(grouped[kind, key], key=lambda c: printed(world, c)))
        for kind, key in sorted(grouped, key=lambda k: (k[0] != "person", k[1]))
    ]
