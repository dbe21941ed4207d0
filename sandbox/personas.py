"""The named personas: customers, company users and brokers whose data is placed on purpose.

`place_personas` runs inside `build_world` after the random population (which never touches a
persona's party) and returns `World.personas`. Like the population, the personas' parties,
contracts and numbers do not depend on as_of: their birth dates and contract starts are fixed
days before `REFERENCE_DAY`; only the in-acceptance contract (started around as_of) and the
non-resident's activation code (issued ten days before as_of) follow the day.
`persona_records` is the JSON-ready list the sandbox publishes at `/_sandbox/personas` and
prints with `python -m sandbox personas`.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sandbox import catalogue as cat
from sandbox.generate import REFERENCE_DAY, Builder, Household, shift_years
from sandbox.world import (
    ContractRole,
    ContractStatus,
    Gender,
    Language,
    LoginMethod,
    Mandate,
    MandateRole,
    Party,
    PaymentFrequency,
    Persona,
    PersonaKind,
    Profile,
    Role,
    World,
)

BATCH_SIZES = (1, 10, 50)
BATCH_HOLDINGS = 3

DESCRIPTIONS = {
    "strategy-investor": (
        "An adult NN Strategy investor with four active contracts, one surrendered and one "
        "in acceptance, who uses the mobile app with itsme."
    ),
    "scala-self-employed": (
        "A self-employed adult insured on active Scala VAPZ and Scala IPT contracts held by "
        "their own company, who uses the mobile app with the eID card."
    ),
    "web-life-nonlife": (
        "A web client-zone customer with life and non-life contracts (one without back-office "
        "details) plus a legacy car and a hunting liability contract the web zone does not show."
    ),
    "hidden-products": (
        "An adult who holds only active products the mobile app does not show (life plan, car, "
        "home), so the app answers that there is no access."
    ),
    "minor": (
        "A child born in February 2013 (under 18 until February 2031) who is insured and death "
        "beneficiary on their parents' contracts and may not use the mobile app."
    ),
    "non-resident-sms": (
        "A customer living in the Netherlands without a Belgian national register number who "
        "activates with a posted code and logs in to the web zone by SMS."
    ),
    "company-manager": (
        "The digital manager of a company that holds several contracts, who is also a user "
        "of a second company."
    ),
    "company-user": "A user, not the manager, of the company-manager persona's first company.",
    "broker-large": (
        "A broker with more than fifty customers and their life and non-life contracts."
    ),
    "broker-small": "A broker with a handful of customers.",
    "batch-1": "An adult with exactly one active NN Strategy contract and nothing else.",
    "batch-10": "An adult with exactly ten active NN Strategy contracts and nothing else.",
    "batch-50": "An adult with exactly fifty active NN Strategy contracts and nothing else.",
}


def _persona(
    persona_id: str,
    kind: PersonaKind,
    profile: Profile,
    login: LoginMethod,
    *,
    party_id: str | None = None,
    company_number: str | None = None,
    broker_fsma: str | None = None,
) -> Persona:
    return Persona(
        persona_id,
        kind,
        profile,
        DESCRIPTIONS[persona_id],
        login,
        party_id=party_id,
        company_number=company_number,
        broker_fsma=broker_fsma,
    )


# under 18 on any as_of from REFERENCE_DAY to 14 February 2031
MINOR_BIRTH = date(2013, 2, 15)


def _years_ago(years: int, days: int = 0) -> date:
    """A fixed day: `years` years and `days` days before REFERENCE_DAY (never as_of)."""
    return shift_years(REFERENCE_DAY, -years) - timedelta(days=days)


def place_personas(b: Builder) -> dict[str, Persona]:
    brokers = list(b.brokers)
    large, small, regular = brokers[0], brokers[1], brokers[2:]
    customer, mobile = PersonaKind.CUSTOMER, Profile.MOBILE
    personas = [
        _strategy_investor(b, large),
        _scala_self_employed(b, regular[0]),
        _web_life_nonlife(b, large),
        _hidden_products(b, regular[1]),
        _minor(b, regular[2]),
        _non_resident(b, regular[3]),
        *_company_personas(b, regular[4]),
        _persona(
            "broker-large",
            PersonaKind.BROKER,
            Profile.BROKER,
            LoginMethod.CLIENT_CREDENTIALS,
            broker_fsma=large,
        ),
        _persona(
            "broker-small",
            PersonaKind.BROKER,
            Profile.BROKER,
            LoginMethod.CLIENT_CREDENTIALS,
            broker_fsma=small,
        ),
    ]
    funds = b.funds_by_product[cat.NN_STRATEGY][:BATCH_HOLDINGS]
    for size in BATCH_SIZES:
        house = b.household(Language.NL, regular[5], adults=1, children=0, adult_age=(30, 60))
        person = house.adults[0]
        for _ in range(size):
            b.life(
                cat.NN_STRATEGY,
                holder=person,
                insured=person,
                broker=house.broker,
                language=house.language,
                start=_years_ago(5, 40),
                frequency=PaymentFrequency.MONTHLY,
                premium=Decimal("100.00"),
                funds=funds,
                beneficiaries=[],
                extras=False,
            )
        personas.append(
            _persona(f"batch-{size}", customer, mobile, LoginMethod.ITSME, party_id=person.id)
        )
    return {p.id: p for p in personas}


def _strategy_investor(b: Builder, broker: str) -> Persona:
    house = b.household(Language.NL, broker, adults=2, children=1, adult_age=(38, 55))
    person = house.adults[0]
    for years in (9, 6, 3, 1):
        b.life(
            cat.NN_STRATEGY,
            holder=person,
            insured=person,
            broker=broker,
            language=house.language,
            house=house,
            start=_years_ago(years, 20),
        )
    for status in (ContractStatus.SURRENDERED, ContractStatus.IN_ACCEPTANCE):
        b.life(
            cat.NN_STRATEGY,
            holder=person,
            insured=person,
            broker=broker,
            language=house.language,
            house=house,
            status=status,
            start=_years_ago(7, 100),
        )
    b.nonlife(
        cat.FAMILY_LIABILITY,
        holder=house.adults[1],
        house=house,
        address=house.address,
        broker=broker,
        language=house.language,
    )
    return _persona(
        "strategy-investor",
        PersonaKind.CUSTOMER,
        Profile.MOBILE,
        LoginMethod.ITSME,
        party_id=person.id,
    )


def _scala_self_employed(b: Builder, broker: str) -> Persona:
    house = b.household(Language.FR, broker, adults=1, children=0, adult_age=(32, 55))
    person = house.adults[0]
    company = b.company(person, Language.FR, person.address)
    for product, years in ((cat.SCALA_VAPZ, 8), (cat.SCALA_IPT, 6)):
        b.life(
            product,
            holder=company,
            insured=person,
            broker=broker,
            language=Language.FR,
            house=house,
            start=_years_ago(years, 45),
        )
    return _persona(
        "scala-self-employed",
        PersonaKind.CUSTOMER,
        Profile.MOBILE,
        LoginMethod.EID,
        party_id=person.id,
    )


def _web_life_nonlife(b: Builder, broker: str) -> Persona:
    house = b.household(Language.NL, broker, adults=2, children=1, adult_age=(40, 58))
    person, partner = house.adults
    lang, address = house.language, house.address
    b.life(
        cat.LIFE_PLAN,
        holder=person,
        insured=person,
        broker=broker,
        language=lang,
        house=house,
        start=_years_ago(12, 10),
    )
    b.life(
        cat.STAR_INVEST,
        holder=person,
        insured=person,
        broker=broker,
        language=lang,
        house=house,
        start=_years_ago(4, 70),
    )
    old = b.life(
        cat.LONG_TERM_SAVINGS,
        holder=person,
        insured=person,
        broker=broker,
        language=lang,
        house=house,
        start=date(2003, 3, 1),
    )
    b.drop_details(old)

    def nonlife(
        product: str,
        start: date,
        drivers: list[Party] | None = None,
        insured: list[Party] | None = None,
    ) -> None:
        b.nonlife(
            product,
            holder=person,
            house=house,
            address=address,
            broker=broker,
            language=lang,
            start=start,
            drivers=drivers,
            insured=insured,
        )

    nonlife(cat.CAR, _years_ago(3, 15), drivers=[person, partner])
    nonlife(cat.HOME, _years_ago(10, 0))
    nonlife(cat.FAMILY_LIABILITY, _years_ago(10, 0))
    nonlife(cat.CAR_LEGACY, date(2009, 6, 1), drivers=[partner])
    nonlife(cat.HUNTING_LIABILITY, _years_ago(6, 0), insured=[person])
    return _persona(
        "web-life-nonlife", PersonaKind.CUSTOMER, Profile.WEB, LoginMethod.ITSME, party_id=person.id
    )


def _hidden_products(b: Builder, broker: str) -> Persona:
    house = b.household(Language.FR, broker, adults=1, children=0, adult_age=(30, 60))
    person = house.adults[0]
    b.life(
        cat.LIFE_PLAN,
        holder=person,
        insured=person,
        broker=broker,
        language=house.language,
        house=house,
        start=_years_ago(7, 0),
    )
    b.nonlife(
        cat.CAR,
        holder=person,
        house=house,
        address=house.address,
        broker=broker,
        language=house.language,
        start=_years_ago(2, 0),
        drivers=[person],
    )
    b.nonlife(
        cat.HOME,
        holder=person,
        house=house,
        address=house.address,
        broker=broker,
        language=house.language,
        start=_years_ago(9, 0),
    )
    return _persona(
        "hidden-products",
        PersonaKind.CUSTOMER,
        Profile.MOBILE,
        LoginMethod.ITSME,
        party_id=person.id,
    )


def _minor(b: Builder, broker: str) -> Persona:
    house = b.household(Language.NL, broker, adults=2, children=0, adult_age=(40, 48))
    minor = b.person(
        language=house.language,
        address=house.address,
        birth=MINOR_BIRTH,
        gender=Gender.FEMALE,
        last_name=house.adults[0].last_name,
    )
    house.children.append(minor)
    parent = house.adults[0]
    death = ContractRole(
        Role.BENEFICIARY_DEATH,
        party_id=minor.id,
        share_percent=Decimal(100),
        clause=cat.CLAUSES[house.language][2],
    )
    life = ContractRole(Role.BENEFICIARY_LIFE, party_id=parent.id, share_percent=Decimal(100))
    b.life(
        cat.NN_STRATEGY,
        holder=parent,
        insured=parent,
        broker=broker,
        language=house.language,
        start=_years_ago(5, 0),
        beneficiaries=[life, death],
    )
    b.life(
        cat.LIFE_PLAN,
        holder=parent,
        insured=minor,
        broker=broker,
        language=house.language,
        start=_years_ago(10, 0),
        beneficiaries=[
            ContractRole(Role.BENEFICIARY_LIFE, party_id=minor.id, share_percent=Decimal(100)),
            ContractRole(
                Role.BENEFICIARY_DEATH,
                party_id=parent.id,
                share_percent=Decimal(100),
                clause=cat.CLAUSES[house.language][1],
            ),
        ],
    )
    b.nonlife(
        cat.FAMILY_LIABILITY,
        holder=parent,
        house=house,
        address=house.address,
        broker=broker,
        language=house.language,
        start=_years_ago(8, 0),
    )
    return _persona(
        "minor", PersonaKind.CUSTOMER, Profile.MOBILE, LoginMethod.ITSME, party_id=minor.id
    )


def _non_resident(b: Builder, broker: str) -> Persona:
    person = b.non_resident(birth=_years_ago(46, 200), gender=Gender.MALE)
    house = Household(Language.NL, person.address, broker, [person])
    b.life(
        cat.NN_STRATEGY,
        holder=person,
        insured=person,
        broker=broker,
        language=Language.NL,
        house=house,
        start=_years_ago(4, 0),
    )
    b.life(
        cat.LIFE_PLAN,
        holder=person,
        insured=person,
        broker=broker,
        language=Language.NL,
        house=house,
        start=_years_ago(11, 0),
    )
    b.activation_code(person, b.as_of - timedelta(days=10))
    return _persona(
        "non-resident-sms", PersonaKind.CUSTOMER, Profile.WEB, LoginMethod.SMS, party_id=person.id
    )


def _company_personas(b: Builder, broker: str) -> list[Persona]:
    house = b.household(Language.NL, broker, adults=2, children=1, adult_age=(38, 58))
    manager = house.adults[0]
    company = b.company(manager, Language.NL, manager.address)
    colleague: Household = b.household(
        Language.NL, broker, adults=1, children=0, adult_age=(28, 50)
    )
    user = colleague.adults[0]
    company.mandates.append(Mandate(user.id, MandateRole.USER))
    number, lang = company.enterprise_number, company.language
    b.life(
        cat.SCALA_IPT,
        holder=company,
        insured=manager,
        broker=broker,
        language=lang,
        house=house,
        start=_years_ago(9, 0),
    )
    b.life(
        cat.SCALA_EXECUTIVE,
        holder=company,
        insured=user,
        broker=broker,
        language=lang,
        house=colleague,
        start=_years_ago(3, 0),
    )
    for driver, years in ((manager, 2), (user, 1)):
        b.nonlife(
            cat.CAR,
            holder=company,
            house=None,
            address=company.address,
            broker=broker,
            language=lang,
            start=_years_ago(years, 30),
            drivers=[driver],
        )
    b.nonlife(
        cat.HOME,
        holder=company,
        house=None,
        address=company.address,
        broker=broker,
        language=lang,
        start=_years_ago(6, 0),
    )
    second_manager = b.household(Language.FR, broker, adults=1, children=0).adults[0]
    second = b.company(second_manager, Language.FR, second_manager.address)
    second.mandates.append(Mandate(manager.id, MandateRole.USER))
    b.life(
        cat.SCALA_IPT,
        holder=second,
        insured=second_manager,
        broker=broker,
        language=Language.FR,
        start=_years_ago(5, 0),
    )
    return [
        _persona(
            "company-manager",
            PersonaKind.COMPANY,
            Profile.WEB,
            LoginMethod.ITSME,
            party_id=manager.id,
            company_number=number,
        ),
        _persona(
            "company-user",
            PersonaKind.COMPANY,
            Profile.WEB,
            LoginMethod.EID,
            party_id=user.id,
            company_number=number,
        ),
    ]


def persona_records(world: World) -> list[dict[str, object]]:
    """JSON-ready personas; broker personas carry their SANDBOX ONLY client credentials."""
    records: list[dict[str, object]] = []
    for persona in world.personas.values():
        party = world.parties.get(persona.party_id) if persona.party_id else None
        record: dict[str, object] = {
            "id": persona.id,
            "kind": persona.kind.value,
            "profile": persona.profile.value,
            "description": persona.description,
            "login": persona.login.value,
            "party_id": persona.party_id,
            "company_number": persona.company_number,
            "broker_fsma": persona.broker_fsma,
            "nrn": party.nrn if party else None,
        }
        if persona.broker_fsma:
            broker = world.brokers[persona.broker_fsma]
            record["client_id"] = broker.client_id
            record["client_secret"] = broker.client_secret  # SANDBOX ONLY
        records.append(record)
    return records
