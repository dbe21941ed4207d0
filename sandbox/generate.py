"""The deterministic data generator of the sandbox back office.

`build_world(seed, as_of)` builds one `World`: funds with business-day NAVs, brokers,
households of customers, companies with their mandates, life and non-life contracts,
documents, notifications and activation codes. The named personas (sandbox.personas) are
placed deliberately on top of the random population, which never touches them. The same seed
and as_of always give an equal world.

Identity and structure do not depend on as_of. Everything that identifies or shapes the world
(party ids, names, birth dates, national numbers, contact details, company and broker numbers
and secrets, ISINs, contract numbers, products, roles, brokers, statuses, fund choices, persona
assignments) comes from one `random.Random(seed)` (`Builder.rng`) in a fixed order, and the
number of draws made from it never depends on as_of. Structural dates (birth dates, contract
starts, ends of ended contracts) are drawn against the fixed `REFERENCE_DAY`, not against
as_of. Only time-dependent facts follow as_of: NAVs and the window shown, premiums and other
transactions, reserves, documents, notifications and activation codes, and the dates of
contracts in acceptance or suspended. Each such series has its own `random.Random` derived
from the seed and a stable key (`Builder.series_rng`), so the length of one series never
shifts another, and a series is the same on the days two worlds share (a fund's NAV on a
given day is the same whatever the as_of).
"""

from __future__ import annotations

import calendar
import hashlib
import math
import random
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from operator import attrgetter

from sandbox import catalogue as cat
from sandbox import ids
from sandbox.world import (
    ActivationCode,
    Address,
    Broker,
    Building,
    Company,
    Contract,
    ContractRole,
    ContractStatus,
    Coverage,
    Delivery,
    Document,
    DocumentType,
    Family,
    Fund,
    Gender,
    Holding,
    IndexLink,
    Language,
    Mandate,
    MandateRole,
    Notification,
    Party,
    PaymentFrequency,
    Role,
    Transaction,
    TransactionState,
    TransactionType,
    Vehicle,
    World,
)

CENT = Decimal("0.01")
UNIT = Decimal("0.000001")
HUNDRED = Decimal(100)
TRANSACTIONS_SINCE = date(2016, 1, 1)  # the oldest transactions the life platform keeps
HISTORY_MONTHS = 27  # month-end reserves kept per contract (F4 shows 12)
DETAILS_MISSING_BEFORE = date(2008, 1, 1)  # C5: some contracts older than this lack details
DETAILS_MISSING_RATE = 0.11  # per older head-only-able contract: about 5% of all older ones
PERIODS_PER_YEAR = {
    PaymentFrequency.YEARLY: 1,
    PaymentFrequency.HALF_YEARLY: 2,
    PaymentFrequency.QUARTERLY: 4,
    PaymentFrequency.MONTHLY: 12,
}
INACTIVE = frozenset({ContractStatus.SURRENDERED, ContractStatus.EXPIRED, ContractStatus.CANCELLED})
DEFAULT_PARTIES = 800
DEFAULT_COMPANIES = 56
DEFAULT_BROKERS = 34
NON_RESIDENTS = 5
# The fixed day structure is drawn against: ages (who is adult, who may manage a company, who
# holds which product), birth dates and so national numbers, contract starts and the ends of
# ended contracts all sit before it. A world exists for any as_of on or after it.
REFERENCE_DAY = date(2024, 1, 1)
# Whoever is 18 by this day has an adult's contact details (e-mail, mobile, IBAN), so every
# adult has them for any as_of before it.
CONTACT_HORIZON = date(2031, 1, 1)
SRI_CHANGE_RATE = 0.3  # per fund and calendar year


# Dates


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def days_in_month(year: int, month: int) -> int:
    if month == 2 and calendar.isleap(year):
        return 29
    return _MONTH_DAYS[month - 1]


def add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, days_in_month(year, month)))


def month_end(year: int, month: int) -> date:
    return date(year, month, days_in_month(year, month))


def month_ends_between(first: date, last: date) -> list[date]:
    """Every month end m with first <= m <= last."""
    ends: list[date] = []
    cursor = month_end(first.year, first.month)
    while cursor <= last:
        if cursor >= first:
            ends.append(cursor)
        nxt = add_months(date(cursor.year, cursor.month, 1), 1)
        cursor = month_end(nxt.year, nxt.month)
    return ends


# The fund NAV random walks start here (the first day shown for as_of = REFERENCE_DAY), so a
# fund's NAV on a given day is the same for every as_of.
NAV_SINCE = add_months(REFERENCE_DAY, -(HISTORY_MONTHS + 2))


def shift_years(day: date, years: int) -> date:
    year = day.year + years
    return date(year, day.month, min(day.day, days_in_month(year, day.month)))


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def business_days(first: date, last: date) -> list[date]:
    days: list[date] = []
    day = first
    while day <= last:
        if day.weekday() < 5 and (day.month, day.day) not in {(1, 1), (12, 25)}:
            days.append(day)
        day += timedelta(days=1)
    return days


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum())


@dataclass
class Household:
    language: Language
    address: Address
    broker: str
    adults: list[Party]
    children: list[Party] = field(default_factory=list)

    @property
    def members(self) -> list[Party]:
        return [*self.adults, *self.children]


Holder = Party | Company


class Builder:
    """The world under construction plus the primitives the population and personas use."""

    def __init__(self, seed: int, as_of: date) -> None:
        self.seed = seed
        self.as_of = as_of
        self.rng = random.Random(seed)
        self.parties: dict[str, Party] = {}
        self.companies: dict[str, Company] = {}
        self.brokers: dict[str, Broker] = {}
        self.funds: dict[str, Fund] = {}
        self.contracts: dict[tuple[int, int], Contract] = {}
        self.documents: dict[str, Document] = {}
        self.notifications: dict[str, Notification] = {}
        self.activation_codes: list[ActivationCode] = []
        self._nrns: set[str] = set()
        self._emails: set[str] = set()
        self._enterprise_numbers: set[str] = set()
        self._isins: set[str] = set()
        self._plates: set[str] = set()
        self._transactions = 0
        self._life_bases = self.rng.sample(range(3_000_000, 9_999_999), 8000)
        self._nonlife_bases = self.rng.sample(range(10_000, 2_999_999), 8000)
        self.month_ends: list[date] = []
        self._month_navs: dict[str, list[int]] = {}  # NAV x 10**4 at each of month_ends
        self.funds_by_product: dict[str, list[str]] = {}
        self._series: dict[tuple[str, object], random.Random] = {}

    def series_rng(self, kind: str, key: object) -> random.Random:
        """The own generator of one time-dependent series, e.g. ("tx", base) for a contract's
        transactions: its draws never shift the structure's or another series' draws. The
        same (kind, key) gives the same generator, which continues where it stopped."""
        found = self._series.get((kind, key))
        if found is None:
            found = self._series[kind, key] = random.Random(f"{self.seed}:{kind}:{key}")
        return found

    # identifiers

    def enterprise_number(self) -> str:
        while True:
            number = ids.generate_enterprise_number(self.rng)
            if number not in self._enterprise_numbers:
                self._enterprise_numbers.add(number)
                return number

    def nrn(self, birth: date, gender: Gender) -> str:
        while True:
            number = ids.generate_nrn(self.rng, birth, gender is Gender.MALE)
            if number not in self._nrns:
                self._nrns.add(number)
                return number

    def email(self, first: str, last: str) -> str:
        stem = f"{slug(first)}.{slug(last)}"
        domain = self.rng.choice(cat.EMAIL_DOMAINS)
        candidate, n = f"{stem}@{domain}", 1
        while candidate in self._emails:
            n += 1
            candidate = f"{stem}{n}@{domain}"
        self._emails.add(candidate)
        return candidate

    def plate(self) -> str:
        while True:
            plate = ids.generate_belgian_plate(self.rng)
            if plate not in self._plates:
                self._plates.add(plate)
                return plate

    def transaction_id(self) -> str:
        self._transactions += 1
        return f"T{self._transactions:08d}"

    def base(self, family: Family) -> int:
        return (self._life_bases if family is Family.LIFE else self._nonlife_bases).pop()

    # funds

    def build_funds(self) -> None:
        """ISINs from the structure's generator; each fund's NAVs and SRI changes from its own
        series (see `_nav_walk`), the same on a given day whatever the as_of. The last
        HISTORY_MONTHS + 2 months before as_of are kept."""
        rng = self.rng
        specs: list[tuple[str, cat.FundSpec]] = []
        for spec in cat.FUNDS:
            country = "LU" if spec.name.startswith("NN (L)") else rng.choice(("BE", "LU", "IE"))
            isin = ids.generate_isin(rng, country)
            while isin in self._isins:
                isin = ids.generate_isin(rng, country)
            self._isins.add(isin)
            specs.append((isin, spec))
        first = add_months(date(self.as_of.year, self.as_of.month, 1), -(HISTORY_MONTHS + 2))
        last = self.as_of - timedelta(days=1)
        months: list[list[date]] = []  # the business days of every month since NAV_SINCE
        for day in business_days(NAV_SINCE, month_end(last.year, last.month)):
            if not months or months[-1][0].month != day.month:
                months.append([])
            months[-1].append(day)
        self.month_ends = month_ends_between(first, last)
        for isin, spec in specs:
            navs = self._nav_walk(isin, spec, months, first, last)
            sri = self._sri_history(isin, spec.sri, navs[0][0], navs[-1][0])
            self.funds[isin] = Fund(isin, spec.name, "EUR", sri, navs)
            self._month_navs[isin] = [
                int(nav.scaleb(4)) for nav in self._navs_at(navs, self.month_ends)
            ]
        for product, prefixes in cat.FUND_FAMILIES.items():
            self.funds_by_product[product] = [
                f.isin for f in self.funds.values() if f.name.startswith(prefixes)
            ]

    def _nav_walk(
        self, isin: str, spec: cat.FundSpec, months: list[list[date]], first: date, last: date
    ) -> list[tuple[date, Decimal]]:
        """A geometric random walk over business days since NAV_SINCE, NAVs from first to last.

        The fund's generator draws each month's total shock in calendar order, and a year's
        generator the daily shocks of its months in order; a month's daily shocks are shifted
        to add up to its total (a Brownian bridge). So a NAV depends only on the seed, the
        ISIN and its day, and the years before the window cost one draw a month.
        """
        step = 1 / 252
        drift = (spec.drift - spec.volatility**2 / 2) * step
        shock = spec.volatility * math.sqrt(step)
        totals = self.series_rng("nav", isin)
        log_level = math.log(float(spec.start_nav))  # at the start of the month
        navs: list[tuple[date, Decimal]] = []
        places = spec.decimals
        for days in months:
            n = len(days)
            total = totals.gauss(0.0, 1.0) * math.sqrt(n)
            if days[0].year >= first.year:
                gauss = self.series_rng("nav", f"{isin}:{days[0].year}").gauss
                daily = [gauss(0.0, 1.0) for _ in range(n)]
                if days[0] >= first:  # first is the first day of a month
                    move = drift + shock * (total - sum(daily)) / n  # the day's move less z
                    level = log_level
                    for day, z in zip(days, daily, strict=True):
                        if day > last:
                            break
                        level += move + shock * z
                        navs.append((day, Decimal(f"{math.exp(level):.{places}f}")))
            log_level += n * drift + shock * total
        return navs

    def _sri_history(
        self, isin: str, start: int, first: date, last: date
    ) -> list[tuple[date, int]]:
        """The SRI on `first`, then its changes up to `last`: at most one change per calendar
        year since NAV_SINCE, so a change does not depend on as_of."""
        changes: list[tuple[date, int]] = []
        level = start
        draw = self.series_rng("sri", isin)  # year after year: a later as_of only adds years
        for year in range(NAV_SINCE.year, last.year + 1):
            if draw.random() >= SRI_CHANGE_RATE:
                continue
            day = date(year, 1, 1) + timedelta(days=draw.randint(0, 364))
            while day.weekday() >= 5:
                day += timedelta(days=1)
            moved = min(7, max(1, level + draw.choice((-1, 1))))
            if day >= NAV_SINCE + timedelta(days=90) and moved != level:
                changes.append((day, moved))
                level = moved
        current = start
        for day, sri in changes:
            if day <= first:
                current = sri
        return [(first, current), *((d, s) for d, s in changes if first < d <= last)]

    @staticmethod
    def _navs_at(navs: list[tuple[date, Decimal]], days: list[date]) -> list[Decimal]:
        """The NAV published on or before each of the ascending days."""
        found: list[Decimal] = []
        index = 0
        for day in days:
            while index + 1 < len(navs) and navs[index + 1][0] <= day:
                index += 1
            found.append(navs[index][1])
        return found

    def current_nav(self, isin: str) -> Decimal:
        return self.funds[isin].navs[-1][1]

    # people, companies, brokers

    def address(self, city: cat.City) -> Address:
        street = self.rng.choice(cat.STREETS.get(city.language, cat.STREETS[Language.NL]))
        number = str(self.rng.randint(1, 180))
        if self.rng.random() < 0.15:
            box = "bus" if city.language is Language.NL else "bte"
            number = f"{number} {box} {self.rng.randint(1, 12)}"
        return Address(street, number, city.postcode, city.name)

    def city(self, language: Language) -> cat.City:
        cities = [c for c in cat.CITIES if c.language is language] or list(cat.CITIES)
        return self.rng.choice(cities)

    def person(
        self,
        *,
        language: Language,
        address: Address,
        birth: date,
        gender: Gender,
        last_name: str | None = None,
        resident: bool = True,
    ) -> Party:
        rng = self.rng
        males, females = cat.FIRST_NAMES[language]
        first = rng.choice(males if gender is Gender.MALE else females)
        last = last_name or rng.choice(cat.LAST_NAMES[language])
        # fixed days, not as_of, decide which details a person has: the draws never move
        grown = age_on(birth, CONTACT_HORIZON) >= 18
        adult = age_on(birth, REFERENCE_DAY) >= 18
        email = self.email(first, last) if grown and rng.random() < 0.93 else None
        phone = ids.generate_belgian_mobile(rng) if grown or rng.random() < 0.3 else None
        party = Party(
            id=f"P{len(self.parties) + 1:07d}",
            nrn=self.nrn(birth, gender) if resident else None,
            first_name=first,
            last_name=last,
            birth_date=birth,
            gender=gender,
            language=language,
            address=Address(
                address.street, address.number, address.postcode, address.city, address.country
            ),
            email=email,
            phone=phone,
            iban=ids.generate_belgian_iban(rng) if grown else None,
            resident=resident,
        )
        if adult and rng.random() < 0.12:
            party.delivery = Delivery.PAPER
            party.delivery_changed_by = rng.choice(("customer", "broker"))
            changed = REFERENCE_DAY - timedelta(days=rng.randint(20, 900))
            party.delivery_changed_at = datetime.combine(changed, time(9, 0), UTC) + timedelta(
                minutes=rng.randint(0, 600)
            )
        self.parties[party.id] = party
        return party

    def non_resident(self, *, birth: date | None = None, gender: Gender | None = None) -> Party:
        """A customer living in the Netherlands: no national register number, a Dutch mobile."""
        rng = self.rng
        city = rng.choice(cat.DUTCH_CITIES)
        postcode = ids.generate_dutch_postcode(rng, city.low, city.high)
        address = Address(
            rng.choice(cat.DUTCH_STREETS), str(rng.randint(1, 250)), postcode, city.name, "NL"
        )
        person = self.person(
            language=Language.NL,
            address=address,
            birth=birth or self.birth_for_age(25, 75),
            gender=gender or rng.choice((Gender.MALE, Gender.FEMALE)),
            resident=False,
        )
        person.phone = ids.generate_dutch_mobile(rng)
        person.iban = ids.generate_dutch_iban(rng)
        if person.email is None:
            person.email = self.email(person.first_name, person.last_name)
        return person

    def birth_for_age(self, low: int, high: int) -> date:
        """A birth date for an age from low to high on REFERENCE_DAY (not as_of: birth dates
        and so national register numbers must not move with the day)."""
        years = self.rng.randint(low, high)
        return REFERENCE_DAY - timedelta(days=365 * years + self.rng.randint(30, 330))

    def household(
        self,
        language: Language,
        broker: str,
        *,
        adults: int,
        children: int,
        adult_age: tuple[int, int] = (24, 84),
        city: cat.City | None = None,
    ) -> Household:
        rng = self.rng
        place = city or self.city(language)
        address = self.address(place)
        last = rng.choice(cat.LAST_NAMES[language])
        first_gender = rng.choice((Gender.MALE, Gender.FEMALE))
        first = self.person(
            language=language,
            address=address,
            birth=self.birth_for_age(*adult_age),
            gender=first_gender,
            last_name=last,
        )
        members = [first]
        if adults > 1:
            partner_age = max(
                19, min(90, age_on(first.birth_date, REFERENCE_DAY) + rng.randint(-5, 5))
            )
            partner_gender = (
                first_gender
                if rng.random() < 0.05
                else (Gender.FEMALE if first_gender is Gender.MALE else Gender.MALE)
            )
            same_name = language is not Language.FR and rng.random() < 0.2
            members.append(
                self.person(
                    language=language,
                    address=address,
                    birth=self.birth_for_age(partner_age, partner_age),
                    gender=partner_gender,
                    last_name=last if same_name else None,
                )
            )
        house = Household(language, address, broker, members)
        parent_age = age_on(first.birth_date, REFERENCE_DAY)
        for _ in range(children):
            oldest = min(parent_age - 21, 30)
            if oldest < 0:
                break
            house.children.append(
                self.person(
                    language=language,
                    address=address,
                    birth=self.birth_for_age(0, oldest),
                    gender=rng.choice((Gender.MALE, Gender.FEMALE)),
                    last_name=last,
                )
            )
        return house

    def broker(self, name: str) -> Broker:
        rng = self.rng
        french = any(w in name for w in ("Assurances", "Courtage", "Cabinet", "Bureau", "Fils"))
        place = self.city(Language.FR if french else Language.NL)
        fsma = self.enterprise_number()
        digits = ids.normalise_reference(fsma)
        area = {
            "1": "2",
            "2": "3",
            "3": "16",
            "4": "4",
            "5": "81",
            "6": "71",
            "7": "65",
            "8": "50",
            "9": "9",
        }[place.postcode[0]]
        local = rng.randrange(10 ** (7 - len(area) + 1) // 10, 10 ** (7 - len(area) + 1))
        host = f"{slug(name)}.example.com"
        secret_seed = f"SANDBOX ONLY broker secret|{self.seed}|{digits}".encode()
        broker = Broker(
            fsma=fsma,
            name=name,
            address=self.address(place),
            phone=f"+32{area}{local}",
            email=f"info@{host}",
            website=f"https://www.{host}",
            client_id=f"broker-{digits}",
            client_secret=hashlib.sha256(secret_seed).hexdigest()[:40],  # SANDBOX ONLY
        )
        self.brokers[fsma] = broker
        return broker

    def company(self, manager: Party, language: Language, near: Address) -> Company:
        rng = self.rng
        stems = cat.COMPANY_STEMS_FR if language is Language.FR else cat.COMPANY_STEMS
        form = rng.choice(cat.LEGAL_FORMS[language])
        name = f"{rng.choice(stems)} {manager.last_name} {form}"
        place = cat.City(near.postcode, near.city, language)
        company = Company(
            enterprise_number=self.enterprise_number(),
            name=name,
            legal_form=form,
            address=self.address(place),
            language=language,
            mandates=[Mandate(manager.id, MandateRole.DIGITAL_MANAGER)],
        )
        self.companies[company.enterprise_number] = company
        return company

    # contracts

    def contract(
        self,
        product: str,
        *,
        status: ContractStatus,
        start: date,
        language: Language,
        broker: str,
        roles: list[ContractRole],
        frequency: PaymentFrequency,
        premium: Decimal,
        status_date: date | None = None,
        end: date | None = None,
    ) -> Contract:
        family = cat.PRODUCTS[product].family
        base = self.base(family)
        suffix = 1 if self.rng.random() < 0.7 else self.rng.randint(2, 14)
        contract = Contract(
            base=base,
            suffix=suffix,
            product=product,
            status=status,
            start_date=start,
            end_date=end,
            status_date=status_date or start,
            payment_frequency=frequency,
            premium=premium,
            language=language,
            broker_fsma=broker,
            roles=roles,
        )
        self.contracts[(base, suffix)] = contract
        return contract

    def status_dates(self, status: ContractStatus, start: date) -> tuple[date, date, date | None]:
        """(start, status date, end date) consistent with the status.

        A contract in acceptance started around as_of and a suspended one was suspended
        recently, relative to as_of; every other date is fixed (ended contracts ended before
        REFERENCE_DAY). The draws are the same whatever the as_of.
        """
        rng = self.rng
        if status is ContractStatus.IN_ACCEPTANCE:
            start = self.as_of + timedelta(days=rng.randint(-20, 30))
            return start, self.as_of - timedelta(days=rng.randint(0, 25)), None
        if status in INACTIVE:
            latest = REFERENCE_DAY - timedelta(days=10)
            if start > latest - timedelta(days=200):
                start = latest - timedelta(days=rng.randint(200, 3000))
            ended = start + timedelta(days=rng.randint(180, max(181, (latest - start).days)))
            return start, ended, ended
        if status is ContractStatus.SUSPENDED:
            suspended = self.as_of - timedelta(days=rng.randint(15, 300))
            return start, max(start, suspended), None
        return start, start, None

    def random_start(self, earliest: date, latest: date | None = None) -> date:
        latest = latest or REFERENCE_DAY - timedelta(days=30)
        span = max(1, (latest - earliest).days)
        # more recent contracts are more frequent
        return latest - timedelta(days=int(span * (1 - math.sqrt(self.rng.random()))))

    def beneficiaries(
        self, holder: Party, house: Household | None, language: Language
    ) -> list[ContractRole]:
        rng = self.rng
        clauses = cat.CLAUSES[language]
        partner = [p for p in (house.adults if house else []) if p.id != holder.id]
        kids = house.children if house else []
        roles = [ContractRole(Role.BENEFICIARY_LIFE, party_id=holder.id, share_percent=HUNDRED)]
        if partner and rng.random() < 0.7:
            roles.append(
                ContractRole(
                    Role.BENEFICIARY_DEATH,
                    party_id=partner[0].id,
                    share_percent=HUNDRED,
                    clause=clauses[0],
                )
            )
        elif kids and rng.random() < 0.8:
            roles.extend(
                ContractRole(
                    Role.BENEFICIARY_DEATH, party_id=kid.id, share_percent=share, clause=clauses[2]
                )
                for kid, share in zip(kids, split_percent(len(kids)), strict=True)
            )
        else:
            roles.append(
                ContractRole(Role.BENEFICIARY_DEATH, share_percent=HUNDRED, clause=clauses[1])
            )
        return roles

    def fill_unit_linked(
        self,
        contract: Contract,
        *,
        funds: list[str] | None = None,
        holdings: int | None = None,
        reserve: Decimal | None = None,
        extras: bool = True,
    ) -> None:
        """Holdings, allocation, month-end reserves (current units x month-end NAVs), moves.

        Without `extras` the contract gets only its premiums and an even allocation: the
        batch personas' contracts must all have the same shape.
        """
        rng = self.rng
        pool = self.funds_by_product[contract.product]
        chosen = funds or rng.sample(pool, holdings or rng.randint(2, min(6, len(pool))))
        if contract.status is ContractStatus.IN_ACCEPTANCE:
            contract.allocation = allocation(rng, chosen[: rng.randint(1, len(chosen))])
            self.premium_transactions(contract, chosen, pending=extras)
            return
        paid = self.premiums_paid(contract)
        target = reserve or money(max(paid, Decimal(1500)) * Decimal(rng.uniform(0.85, 1.45)))
        weights = [rng.uniform(0.5, 3.0) for _ in chosen]
        total_weight = sum(weights)
        units = {
            isin: (target * Decimal(w / total_weight) / self.current_nav(isin)).quantize(UNIT)
            for isin, w in zip(chosen, weights, strict=True)
        }
        ended = contract.status in INACTIVE
        last = contract.status_date if ended else self.as_of
        # sum(units x NAV) rounded half up to cents, in exact integers (1e-10 EUR) for speed
        columns = [(int(units[isin].scaleb(6)), self._month_navs[isin]) for isin in chosen]
        history: list[tuple[date, Decimal]] = []
        ends = self.month_ends
        for i in range(bisect_left(ends, contract.start_date), bisect_right(ends, last)):
            total = sum(u * navs[i] for u, navs in columns)
            history.append((ends[i], Decimal((total + 50_000_000) // 100_000_000).scaleb(-2)))
        contract.reserve_history = history
        if not ended:
            contract.holdings = [Holding(isin, units[isin]) for isin in chosen]
            contract.allocation = (
                even_allocation(chosen)
                if not extras
                else allocation(
                    rng,
                    chosen
                    if rng.random() < 0.6
                    else rng.sample(chosen, rng.randint(1, len(chosen))),
                )
            )
        self.premium_transactions(contract, chosen, pending=extras)
        if extras:
            self.other_transactions(contract, chosen, history[-1][1] if history else target)

    def fill_branch21(self, contract: Contract, *, reserve: Decimal | None = None) -> None:
        rng = self.rng
        start = contract.start_date
        rate = (
            Decimal("3.25")
            if start.year < 2004
            else Decimal("2.25")
            if start.year < 2013
            else Decimal("1.50")
            if start.year < 2016
            else Decimal("0.75")
            if start.year < 2022
            else Decimal("1.00")
        )
        contract.guaranteed_rate = rate
        if contract.status is ContractStatus.IN_ACCEPTANCE:
            self.premium_transactions(contract, [])
            return
        paid = self.premiums_paid(contract)
        current = reserve or money(max(paid, Decimal(800)) * Decimal(rng.uniform(1.0, 1.3)))
        ended = contract.status in INACTIVE
        yearly = self.yearly_premium(contract)
        monthly_rate = rate / HUNDRED / 12
        history: list[tuple[date, Decimal]] = []
        value = current
        for day in reversed(self.month_ends):
            if day < start:
                break
            if ended and day > contract.status_date:
                continue
            history.append((day, money(value)))
            value = max(Decimal(0), value / (1 + monthly_rate) - yearly / 12)
        history.reverse()
        contract.reserve_history = history
        if not ended:
            contract.guaranteed_reserve = current
        self.premium_transactions(contract, [])
        self.other_transactions(contract, [], current)

    def yearly_premium(self, contract: Contract) -> Decimal:
        n = PERIODS_PER_YEAR.get(contract.payment_frequency)
        return contract.premium * n if n else Decimal(0)

    def premiums_paid(self, contract: Contract) -> Decimal:
        end = contract.status_date if contract.status in INACTIVE else self.as_of
        years = Decimal(max(0, (end - contract.start_date).days)) / Decimal("365.25")
        frequency = contract.payment_frequency
        if frequency is PaymentFrequency.SINGLE:
            return contract.premium
        if frequency is PaymentFrequency.FREE:
            return contract.premium * (1 + years)
        return self.yearly_premium(contract) * max(years, Decimal("0.1"))

    def premium_transactions(
        self, contract: Contract, funds: list[str], *, pending: bool = True
    ) -> None:
        rng = self.series_rng("tx", contract.base)
        start = max(contract.start_date, TRANSACTIONS_SINCE)
        if contract.status is ContractStatus.IN_ACCEPTANCE:
            if not pending:
                return
            contract.transactions.append(
                Transaction(
                    self.transaction_id(),
                    self.as_of - timedelta(days=rng.randint(0, 3)),
                    TransactionType.PREMIUM,
                    contract.premium,
                    TransactionState.PENDING,
                )
            )
            return
        stop = contract.status_date if contract.status in INACTIVE else self.as_of
        if contract.status is ContractStatus.SUSPENDED:
            stop = contract.status_date
        frequency = contract.payment_frequency
        days: list[date] = []
        if frequency is PaymentFrequency.SINGLE:
            if contract.start_date >= TRANSACTIONS_SINCE:
                days.append(contract.start_date)
        elif frequency is PaymentFrequency.FREE:
            day = start + timedelta(days=rng.randint(0, 60))
            while day < stop:
                days.append(day)
                day += timedelta(days=rng.randint(90, 400))
        elif frequency in PERIODS_PER_YEAR:
            # collected on the start's day of the month (28 at the latest), every step months
            step = 12 // PERIODS_PER_YEAR[frequency]
            collect_day = min(contract.start_date.day, 28)
            index = contract.start_date.year * 12 + contract.start_date.month - 1
            begin = start.year * 12 + start.month - 1
            if index < begin:
                index += (begin - index) // step * step
            while True:
                day = date(index // 12, index % 12 + 1, collect_day)
                if day >= stop:
                    break
                if day >= start:
                    days.append(day)
                index += step
        premium, kind = contract.premium, TransactionType.PREMIUM
        first_id = self._transactions + 1
        self._transactions += len(days)
        contract.transactions.extend(
            Transaction(f"T{first_id + i:08d}", day, kind, premium) for i, day in enumerate(days)
        )
        if pending and contract.status is ContractStatus.ACTIVE and rng.random() < 0.08:
            contract.transactions.append(
                Transaction(
                    self.transaction_id(),
                    self.as_of - timedelta(days=rng.randint(0, 4)),
                    rng.choice((TransactionType.PREMIUM, TransactionType.SWITCH)),
                    contract.premium if contract.premium else Decimal(250),
                    TransactionState.PENDING,
                    rng.choice(funds) if funds else None,
                )
            )
            contract.transactions.sort(key=attrgetter("day"))

    def other_transactions(self, contract: Contract, funds: list[str], reserve: Decimal) -> None:
        rng = self.series_rng("tx", contract.base)
        product = cat.PRODUCTS[contract.product]
        first = max(contract.start_date, TRANSACTIONS_SINCE)
        end = contract.status_date if contract.status in INACTIVE else self.as_of
        if end <= first + timedelta(days=40):
            return
        span = (end - first).days

        def some_day() -> date:
            return first + timedelta(days=rng.randint(20, span - 1))

        def some_amount(low: str, high: str) -> Decimal:
            return money(reserve * Decimal(rng.uniform(float(low), float(high))))

        extra: list[Transaction] = []
        if funds:
            for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
                extra.append(
                    Transaction(
                        self.transaction_id(),
                        some_day(),
                        TransactionType.SWITCH,
                        some_amount("0.05", "0.4"),
                        isin=rng.choice(funds),
                    )
                )
            if contract.product == cat.NN_STRATEGY and rng.random() < 0.25:
                kind = rng.choice(
                    (
                        TransactionType.AUTO_SWITCH_STOP_LOSS,
                        TransactionType.AUTO_SWITCH_SECURE_GAINS,
                        TransactionType.AUTO_SWITCH_DRIP_FEED,
                        TransactionType.AUTO_SWITCH_PROFIT_DYNAMISATION,
                    )
                )
                for _ in range(rng.randint(1, 4)):
                    extra.append(
                        Transaction(
                            self.transaction_id(),
                            some_day(),
                            kind,
                            some_amount("0.02", "0.15"),
                            isin=rng.choice(funds),
                        )
                    )
        if product.unit_linked or contract.product == cat.DEATH_COVER:
            for year in range(first.year, end.year + 1):
                day = date(year, min(12, contract.start_date.month), 1)
                if first <= day < end:
                    extra.append(
                        Transaction(
                            self.transaction_id(),
                            day,
                            TransactionType.RISK_PREMIUM,
                            money(Decimal(rng.uniform(8, 120))),
                        )
                    )
        if product.a509 == "21" and contract.guaranteed_rate is not None:
            for year in range(first.year + 1, end.year + 1):
                day = date(year, 3, 31)
                if first <= day < end and rng.random() < 0.7:
                    extra.append(
                        Transaction(
                            self.transaction_id(),
                            day,
                            TransactionType.PROFIT_SHARING,
                            some_amount("0.002", "0.01"),
                        )
                    )
        if product.tax_regime in {"4", "6"}:
            holder = self._first_person(contract)
            if holder is not None:
                sixty = shift_years(holder.birth_date, 60)
                if first <= sixty < end:
                    levy = Decimal("0.08") if product.tax_regime == "6" else Decimal("0.10")
                    extra.append(
                        Transaction(
                            self.transaction_id(),
                            sixty,
                            TransactionType.ADVANCE_LEVY,
                            money(reserve * levy),
                        )
                    )
        if contract.product in cat.SCALA_PRODUCTS and rng.random() < 0.06:
            extra.append(
                Transaction(
                    self.transaction_id(),
                    some_day(),
                    TransactionType.ADVANCE,
                    some_amount("0.1", "0.3"),
                )
            )
        if rng.random() < 0.04:
            extra.append(
                Transaction(
                    self.transaction_id(),
                    some_day(),
                    TransactionType.TRANSFER,
                    some_amount("0.3", "0.9"),
                )
            )
        if contract.status is ContractStatus.ACTIVE and rng.random() < 0.05:
            extra.append(
                Transaction(
                    self.transaction_id(),
                    some_day(),
                    TransactionType.PARTIAL_SURRENDER,
                    some_amount("0.05", "0.25"),
                )
            )
        if contract.status is ContractStatus.SURRENDERED:
            extra.append(
                Transaction(
                    self.transaction_id(), contract.status_date, TransactionType.SURRENDER, reserve
                )
            )
        contract.transactions.extend(extra)
        if extra:
            # stable: ids grow in creation order, so this is the order of (day, id)
            contract.transactions.sort(key=attrgetter("day"))

    def _first_person(self, contract: Contract) -> Party | None:
        for role in (Role.POLICYHOLDER, Role.INSURED):
            for party_id in contract.parties_with(role):
                return self.parties[party_id]
        return None

    # non-life

    def fill_nonlife(self, contract: Contract, house_address: Address) -> None:
        rng = self.rng
        lang = contract.language
        product = contract.product
        covers: list[Coverage] = []

        def cover(code: str, low: int, high: int, **extra: object) -> Coverage:
            exclusions = [e[lang] for e in cat.COVERAGE_EXCLUSIONS.get(code, ())]
            c = Coverage(
                code,
                cat.COVERAGE_NAMES[code][lang],
                money(Decimal(rng.randint(low * 100, high * 100)) / HUNDRED),
                exclusions=exclusions,
            )
            for key, value in extra.items():
                setattr(c, key, value)
            covers.append(c)
            return c

        legal_deductible = Decimal("289.61")
        if product in {cat.CAR, cat.CAR_LEGACY, cat.MOTORCYCLE}:
            makes = cat.MOTORCYCLE_MAKES if product == cat.MOTORCYCLE else cat.CAR_MAKES
            make = rng.choice(makes)
            # a contract in acceptance starts around as_of, any other before REFERENCE_DAY;
            # the vehicle's age is counted from that same day, so the cover is always the same
            now = self.as_of if contract.status is ContractStatus.IN_ACCEPTANCE else REFERENCE_DAY
            registered = min(
                contract.start_date + timedelta(days=rng.randint(-3000, 20)),
                now - timedelta(days=30),
            )
            contract.insured_object = Vehicle(
                self.plate(),
                ids.generate_vin(rng, make.wmi),
                make.name,
                rng.choice(make.models),
                registered,
            )
            cover("510", 280, 900)
            age = (now - registered).days / 365
            value = Decimal(rng.randrange(8_000, 65_000, 500))
            if age < 5 and product != cat.MOTORCYCLE:
                cover(
                    "540",
                    350,
                    1100,
                    insured_amount=value,
                    deductible=Decimal(rng.choice((250, 500, 750, 1000))),
                )
            elif age < 10:
                cover("550", 90, 300, insured_amount=value / 2, deductible=Decimal(250))
            if rng.random() < 0.5:
                cover("960", 40, 110, insured_amount=Decimal(100_000))
            contract.bonus_malus = rng.choice(
                (0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 16, 22, -1, -2)
            )
        elif product == cat.HOME:
            owner_house = rng.random() < 0.8
            building_address = (
                house_address
                if rng.random() < 0.85
                else self.address(
                    self.city(lang if lang in (Language.NL, Language.FR) else Language.NL)
                )
            )
            contract.insured_object = Building(
                Address(
                    building_address.street,
                    building_address.number,
                    building_address.postcode,
                    building_address.city,
                ),
                "house" if owner_house else "apartment",
                rng.randint(4, 10) if owner_house else rng.randint(2, 5),
            )
            base_date, base_value = cat.ABEX[0]
            for since, value in cat.ABEX:
                if since <= contract.start_date:
                    base_date, base_value = since, value
            capital = Decimal(rng.randrange(180_000, 650_000, 5_000))
            cover(
                "310",
                180,
                520,
                insured_amount=capital,
                deductible=legal_deductible,
                index=IndexLink("ABEX", base_value, base_date),
            )
            cover("312", 20, 60, insured_amount=capital, deductible=legal_deductible)
            cover("340", 40, 120, insured_amount=capital, deductible=legal_deductible)
            cover("350", 15, 45, deductible=legal_deductible)
            if rng.random() < 0.6:
                cover(
                    "360",
                    60,
                    180,
                    insured_amount=Decimal(rng.randrange(15_000, 80_000, 5_000)),
                    deductible=legal_deductible,
                )
        elif product == cat.FAMILY_LIABILITY:
            cover("411", 70, 160, insured_amount=Decimal(26_000_000), deductible=legal_deductible)
        elif product == cat.PRIVATE_ACCIDENT:
            cover("610", 80, 260, insured_amount=Decimal(rng.randrange(25_000, 150_000, 5_000)))
        elif product == cat.LEGAL_ASSISTANCE:
            cover(
                "960",
                120,
                320,
                insured_amount=Decimal(rng.choice((50_000, 75_000, 100_000))),
                deductible=Decimal(rng.choice((0, 150, 250))),
            )
        elif product == cat.BICYCLE:
            cover(
                "590",
                60,
                240,
                insured_amount=Decimal(rng.randrange(800, 7_000, 100)),
                deductible=Decimal(100),
            )
        elif product == cat.HUNTING_LIABILITY:
            cover("420", 90, 200, insured_amount=Decimal(2_500_000), deductible=Decimal(250))
        contract.coverages = covers
        contract.exclusions = [e[lang] for e in rng.sample(cat.CONTRACT_EXCLUSIONS, 2)]
        yearly = sum((c.premium for c in covers), Decimal(0))
        periods = PERIODS_PER_YEAR.get(contract.payment_frequency, 1)
        contract.premium = money(yearly / periods)

    def drop_details(self, contract: Contract) -> None:
        """C5: the back office keeps only the contract's head."""
        contract.details_available = False
        contract.holdings = []
        contract.allocation = []
        contract.guaranteed_reserve = None
        contract.guaranteed_rate = None
        contract.reserve_history = []
        contract.transactions = []
        contract.coverages = []
        contract.exclusions = []
        contract.insured_object = None
        contract.bonus_malus = None

    # life contract in one call

    def life(
        self,
        product: str,
        *,
        holder: Holder,
        insured: Party,
        broker: str,
        language: Language,
        status: ContractStatus = ContractStatus.ACTIVE,
        start: date | None = None,
        frequency: PaymentFrequency | None = None,
        premium: Decimal | None = None,
        house: Household | None = None,
        funds: list[str] | None = None,
        holdings: int | None = None,
        beneficiaries: list[ContractRole] | None = None,
        extras: bool = True,
    ) -> Contract:
        rng = self.rng
        spec = cat.PRODUCTS[product]
        first_start = start or self.random_start(
            max(date(1998, 1, 1), shift_years(insured.birth_date, 18))
        )
        first_start, status_date, end = self.status_dates(status, first_start)
        frequency = frequency or life_frequency(rng, product)
        premium = premium or life_premium(rng, product, frequency)
        if product in {cat.PENSION_SAVINGS, cat.LONG_TERM_SAVINGS} and end is None:
            end = shift_years(insured.birth_date, 65)
        holder_role = (
            ContractRole(Role.POLICYHOLDER, party_id=holder.id)
            if isinstance(holder, Party)
            else ContractRole(Role.POLICYHOLDER, company_number=holder.enterprise_number)
        )
        roles = [holder_role, ContractRole(Role.INSURED, party_id=insured.id)]
        roles.extend(
            beneficiaries
            if beneficiaries is not None
            else self.beneficiaries(insured, house, language)
        )
        contract = self.contract(
            product,
            status=status,
            start=first_start,
            language=language,
            broker=broker,
            roles=roles,
            frequency=frequency,
            premium=premium,
            status_date=status_date,
            end=end,
        )
        if spec.unit_linked:
            self.fill_unit_linked(contract, funds=funds, holdings=holdings, extras=extras)
        elif product in {cat.DEATH_COVER, cat.GUARANTEED_INCOME}:
            code, name = ("120", "death") if product == cat.DEATH_COVER else ("221", "income")
            amount = (
                Decimal(rng.randrange(50_000, 300_000, 5_000))
                if name == "death"
                else (Decimal(rng.randrange(12_000, 48_000, 1_000)))
            )
            contract.coverages = [
                Coverage(
                    code,
                    spec.name,
                    self.yearly_premium(contract) or contract.premium,
                    insured_amount=amount,
                )
            ]
            self.premium_transactions(contract, [])
            self.other_transactions(contract, [], amount / 100)
        else:
            self.fill_branch21(contract)
        return contract

    def nonlife(
        self,
        product: str,
        *,
        holder: Holder,
        house: Household | None,
        address: Address,
        broker: str,
        language: Language,
        status: ContractStatus = ContractStatus.ACTIVE,
        start: date | None = None,
        drivers: list[Party] | None = None,
        insured: list[Party] | None = None,
    ) -> Contract:
        rng = self.rng
        first_start = start or self.random_start(
            date(2004, 1, 1) if product == cat.CAR_LEGACY else date(1996, 1, 1),
            date(2011, 12, 31) if product == cat.CAR_LEGACY else None,
        )
        first_start, status_date, end = self.status_dates(status, first_start)
        frequency = rng.choice(
            (
                PaymentFrequency.YEARLY,
                PaymentFrequency.YEARLY,
                PaymentFrequency.YEARLY,
                PaymentFrequency.MONTHLY,
                PaymentFrequency.QUARTERLY,
                PaymentFrequency.HALF_YEARLY,
            )
        )
        holder_role = (
            ContractRole(Role.POLICYHOLDER, party_id=holder.id)
            if isinstance(holder, Party)
            else ContractRole(Role.POLICYHOLDER, company_number=holder.enterprise_number)
        )
        roles = [holder_role]
        if product in {cat.CAR, cat.CAR_LEGACY, cat.MOTORCYCLE}:
            roles.extend(ContractRole(Role.DRIVER, party_id=p.id) for p in drivers or [])
            if isinstance(holder, Party):
                roles.append(ContractRole(Role.OWNER, party_id=holder.id))
        elif product == cat.HOME and house and len(house.adults) > 1 and rng.random() < 0.4:
            partner = house.adults[1] if house.adults[0] is holder else house.adults[0]
            roles.append(ContractRole(Role.CO_POLICYHOLDER, party_id=partner.id))
        else:
            covered = insured if insured is not None else (house.members if house else [])
            roles.extend(ContractRole(Role.INSURED, party_id=p.id) for p in covered)
        contract = self.contract(
            product,
            status=status,
            start=first_start,
            language=language,
            broker=broker,
            roles=roles,
            frequency=frequency,
            premium=Decimal(0),
            status_date=status_date,
            end=end,
        )
        self.fill_nonlife(contract, address)
        return contract

    def activation_code(
        self,
        party: Party,
        issued: date,
        *,
        used: bool = False,
        rng: random.Random | None = None,
    ) -> None:
        alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
        draw = rng or self.rng
        raw = "".join(draw.choice(alphabet) for _ in range(12))
        self.activation_codes.append(
            ActivationCode(
                f"{raw[:4]}-{raw[4:8]}-{raw[8:]}",
                party.id,
                issued,
                add_months(issued, 3),
                used=used,
            )
        )


# Small pure helpers


def split_percent(n: int) -> list[Decimal]:
    """n shares summing to exactly 100.00, the first one taking the rounding."""
    share = (HUNDRED / n).quantize(CENT, rounding=ROUND_DOWN)
    return [HUNDRED - share * (n - 1), *([share] * (n - 1))]


def allocation(rng: random.Random, funds: list[str]) -> list[tuple[str, Decimal]]:
    """Whole percentages in steps of 5 (at least 5 each) summing to exactly 100 (F3)."""
    steps = 20 - len(funds)
    cuts = sorted(rng.randint(0, steps) for _ in range(len(funds) - 1))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, steps], strict=True)]
    return [(isin, Decimal(5 * (1 + p))) for isin, p in zip(funds, parts, strict=True)]


def even_allocation(funds: list[str]) -> list[tuple[str, Decimal]]:
    """Equal whole percentages, the first fund taking the remainder (34/33/33)."""
    share = HUNDRED // len(funds)
    return [
        (isin, HUNDRED - share * (len(funds) - 1) if i == 0 else share)
        for i, isin in enumerate(funds)
    ]


_SCALA_FREQUENCIES = (
    PaymentFrequency.YEARLY,
    PaymentFrequency.QUARTERLY,
    PaymentFrequency.MONTHLY,
    PaymentFrequency.FREE,
)
_INVESTMENT_FREQUENCIES = (
    PaymentFrequency.MONTHLY,
    PaymentFrequency.MONTHLY,
    PaymentFrequency.SINGLE,
    PaymentFrequency.SINGLE,
    PaymentFrequency.YEARLY,
    PaymentFrequency.FREE,
)
_SAVINGS_FREQUENCIES = (
    PaymentFrequency.MONTHLY,
    PaymentFrequency.YEARLY,
    PaymentFrequency.YEARLY,
    PaymentFrequency.QUARTERLY,
)


def life_frequency(rng: random.Random, product: str) -> PaymentFrequency:
    if product in cat.SCALA_PRODUCTS:
        return rng.choice(_SCALA_FREQUENCIES)
    if product in {cat.NN_STRATEGY, cat.STAR_INVEST}:
        return rng.choice(_INVESTMENT_FREQUENCIES)
    return rng.choice(_SAVINGS_FREQUENCIES)


def life_premium(rng: random.Random, product: str, frequency: PaymentFrequency) -> Decimal:
    yearly_range = {
        cat.NN_STRATEGY: (600, 6000),
        cat.STAR_INVEST: (600, 5000),
        cat.SCALA_VAPZ: (1200, 3800),
        cat.SCALA_IPT: (2000, 24000),
        cat.SCALA_EXECUTIVE: (3000, 30000),
        cat.SCALA_POZ: (1000, 3500),
        cat.LIFE_PLAN: (300, 3600),
        cat.PENSION_SAVINGS: (600, 1020),
        cat.LONG_TERM_SAVINGS: (600, 2450),
        cat.DEATH_COVER: (120, 900),
        cat.GUARANTEED_INCOME: (300, 1800),
    }
    low, high = yearly_range[product]
    if frequency is PaymentFrequency.SINGLE:
        return Decimal(rng.randrange(5_000, 100_000, 1_000))
    if frequency is PaymentFrequency.FREE:
        return Decimal(rng.randrange(500, 10_000, 250))
    periods = PERIODS_PER_YEAR[frequency]
    return money(Decimal(rng.randrange(low, high, 5 * periods)) / periods)


# The random population


def _populate(b: Builder, parties: int, companies: int) -> None:
    rng = b.rng
    brokers = list(b.brokers)
    large, small, others = brokers[0], brokers[1], brokers[2:]
    houses: list[Household] = []
    plan = [small, small, *others]  # every broker gets customers; the small one only these
    while len(b.parties) < parties:
        broker = (
            plan[len(houses)]
            if len(houses) < len(plan)
            else (large if rng.random() < 0.22 else rng.choice(others))
        )
        language = rng.choices(
            (Language.NL, Language.FR, Language.EN, Language.DE), (55, 38, 4, 3)
        )[0]
        size = 1 if rng.random() < 0.35 else 2
        children = rng.choice((0, 0, 1, 2, 2, 3))
        houses.append(b.household(language, broker, adults=size, children=children))
    for _ in range(NON_RESIDENTS):
        person = b.non_resident()
        houses.append(Household(Language.NL, person.address, rng.choice(others), [person]))
        for product in (cat.NN_STRATEGY, cat.LIFE_PLAN):
            if product == cat.NN_STRATEGY or rng.random() < 0.5:
                b.life(
                    product,
                    holder=person,
                    insured=person,
                    broker=houses[-1].broker,
                    language=Language.NL,
                    house=houses[-1],
                )
    for house in houses:
        if house.address.country == "BE":
            _household_contracts(b, house)
    adults = [
        p
        for h in houses
        for p in h.adults
        if p.resident and age_on(p.birth_date, REFERENCE_DAY) < 67
    ]
    broker_of = {p.id: h.broker for h in houses for p in h.members}
    made: list[Company] = []
    for manager in rng.sample(adults, companies):
        company = b.company(manager, manager.language, manager.address)
        made.append(company)
        _company_contracts(b, company, manager, broker_of[manager.id])
    # A10: users, some of whom act for several companies
    for company in made:
        for user in rng.sample(adults, rng.choice((0, 0, 1, 1, 2, 3))):
            if all(m.party_id != user.id for m in company.mandates):
                company.mandates.append(Mandate(user.id, MandateRole.USER))
    for company, other in zip(made[:8], made[8:16], strict=True):
        manager_id = other.mandates[0].party_id
        if all(m.party_id != manager_id for m in company.mandates):
            company.mandates.append(Mandate(manager_id, MandateRole.USER))


def _household_contracts(b: Builder, house: Household) -> None:
    rng = b.rng
    lang, broker = house.language, house.broker
    head = house.adults[0]
    adults_18 = [p for p in house.members if age_on(p.birth_date, REFERENCE_DAY) >= 18]
    drivers = [p for p in adults_18 if rng.random() < 0.85] or [head]

    def nonlife(
        product: str,
        holder: Party | None = None,
        drivers: list[Party] | None = None,
        insured: list[Party] | None = None,
    ) -> None:
        contract = b.nonlife(
            product,
            holder=holder or head,
            house=house,
            address=house.address,
            broker=broker,
            language=lang,
            status=pick_status(rng, False),
            drivers=drivers,
            insured=insured,
        )
        _maybe_drop_details(b, contract)

    if rng.random() < 0.78:
        nonlife(cat.CAR_LEGACY if rng.random() < 0.08 else cat.CAR, drivers=drivers)
        if len(house.adults) > 1 and rng.random() < 0.35:
            nonlife(cat.CAR, holder=house.adults[1], drivers=[house.adults[1]])
    if rng.random() < 0.1:
        nonlife(cat.MOTORCYCLE, drivers=[head])
    if rng.random() < 0.75:
        nonlife(cat.HOME)
    if rng.random() < 0.7:
        nonlife(cat.FAMILY_LIABILITY)
    if rng.random() < 0.35:
        nonlife(cat.LEGAL_ASSISTANCE)
    if rng.random() < 0.14:
        nonlife(cat.PRIVATE_ACCIDENT)
    if rng.random() < 0.07:
        nonlife(cat.BICYCLE)
    if rng.random() < 0.03:
        nonlife(cat.HUNTING_LIABILITY, insured=[head])
    for _ in range(rng.choice((0, 1, 1, 2))):  # contracts that ended before
        product = rng.choice((cat.CAR, cat.HOME, cat.FAMILY_LIABILITY, cat.LEGAL_ASSISTANCE))
        b.nonlife(
            product,
            holder=head,
            house=house,
            address=house.address,
            broker=broker,
            language=lang,
            drivers=drivers,
            status=rng.choice((ContractStatus.EXPIRED, ContractStatus.CANCELLED)),
        )
    for person in house.adults:
        age = age_on(person.birth_date, REFERENCE_DAY)
        choices: list[tuple[str, float]] = [
            (cat.NN_STRATEGY, 0.5),
            (cat.LIFE_PLAN, 0.35),
            (cat.STAR_INVEST, 0.12),
            (cat.DEATH_COVER, 0.08),
            (cat.GUARANTEED_INCOME, 0.06),
        ]
        if age < 64:
            choices += [(cat.PENSION_SAVINGS, 0.45), (cat.LONG_TERM_SAVINGS, 0.25)]
        if age < 66 and rng.random() < 0.18:  # self-employed without a company
            choices += [(cat.SCALA_VAPZ, 0.8), (cat.SCALA_POZ, 0.3)]
        for product, chance in choices:
            if rng.random() >= chance:
                continue
            count = rng.choice((1, 1, 1, 2, 3)) if product == cat.NN_STRATEGY else 1
            for _ in range(count):
                contract = b.life(
                    product,
                    holder=person,
                    insured=person,
                    broker=broker,
                    language=lang,
                    status=pick_status(rng, True),
                    house=house,
                )
                _maybe_drop_details(b, contract)


def _company_contracts(b: Builder, company: Company, manager: Party, broker: str) -> None:
    rng = b.rng
    lang = company.language
    b.life(
        cat.SCALA_IPT,
        holder=company,
        insured=manager,
        broker=broker,
        language=lang,
        start=b.random_start(date(2005, 1, 1)),
    )
    if rng.random() < 0.45:
        b.life(cat.SCALA_VAPZ, holder=company, insured=manager, broker=broker, language=lang)
    if rng.random() < 0.3:
        b.life(cat.SCALA_EXECUTIVE, holder=company, insured=manager, broker=broker, language=lang)
    for _ in range(rng.choice((0, 1, 1, 2))):
        b.nonlife(
            cat.CAR,
            holder=company,
            house=None,
            address=company.address,
            broker=broker,
            language=lang,
            drivers=[manager],
        )
    if rng.random() < 0.4:
        b.nonlife(
            cat.HOME,
            holder=company,
            house=None,
            address=company.address,
            broker=broker,
            language=lang,
        )


def pick_status(rng: random.Random, life: bool) -> ContractStatus:
    """Mostly active; the rest in acceptance, suspended or ended the family's usual way."""
    roll = rng.random()
    if roll < 0.86:
        return ContractStatus.ACTIVE
    if roll < 0.90:
        return ContractStatus.IN_ACCEPTANCE
    if roll < 0.92:
        return ContractStatus.SUSPENDED
    if life:
        return ContractStatus.SURRENDERED if roll < 0.97 else ContractStatus.EXPIRED
    return ContractStatus.CANCELLED if roll < 0.96 else ContractStatus.EXPIRED


def _maybe_drop_details(b: Builder, contract: Contract) -> None:
    product = cat.PRODUCTS[contract.product]
    if (
        contract.start_date < DETAILS_MISSING_BEFORE
        and contract.product not in cat.MOBILE_PRODUCTS
        and not product.unit_linked
        and b.rng.random() < DETAILS_MISSING_RATE
    ):
        b.drop_details(contract)


# Documents, notifications, activation codes


def _documents(b: Builder) -> None:
    """Each contract's documents up to as_of, none dated before the contract's start."""
    rng = b.series_rng("documents", "all")  # the same draws for any as_of
    counter = 0
    for contract in b.contracts.values():
        recipient = _recipient(b, contract)
        if recipient is None or contract.status is ContractStatus.IN_ACCEPTANCE:
            continue
        product = cat.PRODUCTS[contract.product]
        last_year = contract.status_date.year if contract.status in INACTIVE else b.as_of.year - 1
        docs: list[tuple[DocumentType, date, int | None]] = []
        if product.family is Family.LIFE:
            for year in range(max(contract.start_date.year, b.as_of.year - 4), last_year + 1):
                if year >= b.as_of.year:
                    continue
                docs.append((DocumentType.ANNUAL_STATEMENT, date(year + 1, 1, 20), year))
                docs.append((DocumentType.PREMIUM_PROOF, date(year + 1, 2, 10), year))
                if product.tax_regime:
                    docs.append((DocumentType.TAX_CERTIFICATE, date(year + 1, 2, 25), year))
        else:
            docs.append((DocumentType.POLICY, contract.start_date, None))
            if product.a502 in {"510", "542"} and contract.status is ContractStatus.ACTIVE:
                # this year's card, sent on 1 December before, or with a new contract
                sent = max(date(b.as_of.year - 1, 12, 1), contract.start_date)
                docs.append((DocumentType.GREEN_CARD, sent, b.as_of.year))
            if product.a502 == "510" and rng.random() < 0.12:
                asked = b.as_of - timedelta(days=rng.randint(5, 400))
                docs.append((DocumentType.CLAIMS_HISTORY, max(asked, contract.start_date), None))
        for kind, day, doc_year in docs:
            if day > b.as_of or day < contract.start_date:
                continue
            counter += 1
            title = cat.DOCUMENT_TITLES[kind][contract.language]
            b.documents[f"D{counter:08d}"] = Document(
                f"D{counter:08d}",
                kind,
                recipient,
                (contract.base, contract.suffix),
                day,
                contract.language,
                title.format(year=doc_year) if doc_year else title,
            )


def _recipient(b: Builder, contract: Contract) -> str | None:
    holders = contract.parties_with(Role.POLICYHOLDER)
    if holders:
        return holders[0]
    for role in contract.roles:
        if role.company_number:
            if cat.PRODUCTS[contract.product].family is Family.LIFE:
                insured = contract.parties_with(Role.INSURED)
                if insured:
                    return insured[0]
            company = b.companies[role.company_number]
            return company.mandates[0].party_id
    return None


def _notifications(b: Builder) -> None:
    """Notifications of the adults on as_of, created in the last 120 days before it. One
    generator runs over every party, adult or not, so each party's draws are fixed."""
    rng = b.series_rng("notifications", "all")
    counter = len(b.notifications)
    for party in list(b.parties.values()):
        adult = age_on(party.birth_date, b.as_of) >= 18
        for _ in range(rng.choice((0, 1, 1, 2, 3, 4))):
            category, titles, bodies = rng.choice(cat.NOTIFICATIONS)
            created = datetime.combine(
                b.as_of - timedelta(days=rng.randint(0, 120)), time(7, 0), UTC
            ) + timedelta(minutes=rng.randint(0, 720))
            read = rng.random() < 0.6
            if adult:
                counter += 1
                b.notifications[f"N{counter:08d}"] = Notification(
                    f"N{counter:08d}",
                    party.id,
                    created,
                    category,
                    titles[party.language],
                    bodies[party.language],
                    read=read,
                )


def _activation_codes(b: Builder, parties: list[Party]) -> None:
    """Activation codes some of the adults on as_of asked for in the last 400 days; one
    generator runs over all the given parties, adult or not."""
    rng = b.series_rng("activation", "all")
    for party in parties:
        if rng.random() >= 0.12:
            continue
        issued = b.as_of - timedelta(days=rng.randint(1, 400))
        expired = add_months(issued, 3) < b.as_of
        used, blocked = rng.random() < 0.4, rng.random() < 0.1
        b.activation_code(party, issued, used=used and not expired, rng=rng)
        b.activation_codes[-1].blocked = blocked
        if age_on(party.birth_date, b.as_of) < 18:
            b.activation_codes.pop()  # drawn all the same, so the next party's are fixed


def build_world(seed: int = 42, as_of: date | None = None) -> World:
    from sandbox.personas import place_personas  # personas builds on this module

    day = as_of or date.today()
    if day < REFERENCE_DAY:
        raise ValueError(f"as_of must be {REFERENCE_DAY.isoformat()} or later, not {day}")
    b = Builder(seed, day)
    b.build_funds()
    for name in cat.BROKER_NAMES[:DEFAULT_BROKERS]:
        b.broker(name)
    _populate(b, DEFAULT_PARTIES, DEFAULT_COMPANIES)
    population = list(b.parties.values())  # the personas get their activation codes apart
    personas = place_personas(b)
    _documents(b)
    _notifications(b)
    _activation_codes(b, population)
    return World(
        seed=seed,
        as_of=day,
        products=dict(cat.PRODUCTS),
        parties=b.parties,
        companies=b.companies,
        brokers=b.brokers,
        funds=b.funds,
        contracts=b.contracts,
        documents=b.documents,
        notifications=b.notifications,
        activation_codes=b.activation_codes,
        personas=personas,
    )
