import json
from datetime import date

import pytest

from sandbox import ids
from sandbox.generate import build_world
from sandbox.personas import persona_records
from sandbox.world import (
    Contract,
    ContractStatus,
    Family,
    LoginMethod,
    MandateRole,
    Persona,
    PersonaKind,
    Profile,
    Role,
    World,
)

MOBILE_PRODUCTS = {"nn-strategy", "scala-vapz", "scala-ipt", "scala-executive", "scala-poz"}

EXPECTED = {
    "strategy-investor": (PersonaKind.CUSTOMER, Profile.MOBILE, LoginMethod.ITSME),
    "scala-self-employed": (PersonaKind.CUSTOMER, Profile.MOBILE, LoginMethod.EID),
    "web-life-nonlife": (PersonaKind.CUSTOMER, Profile.WEB, LoginMethod.ITSME),
    "hidden-products": (PersonaKind.CUSTOMER, Profile.MOBILE, LoginMethod.ITSME),
    "minor": (PersonaKind.CUSTOMER, Profile.MOBILE, LoginMethod.ITSME),
    "non-resident-sms": (PersonaKind.CUSTOMER, Profile.WEB, LoginMethod.SMS),
    "company-manager": (PersonaKind.COMPANY, Profile.WEB, LoginMethod.ITSME),
    "company-user": (PersonaKind.COMPANY, Profile.WEB, LoginMethod.EID),
    "broker-large": (PersonaKind.BROKER, Profile.BROKER, LoginMethod.CLIENT_CREDENTIALS),
    "broker-small": (PersonaKind.BROKER, Profile.BROKER, LoginMethod.CLIENT_CREDENTIALS),
    "batch-1": (PersonaKind.CUSTOMER, Profile.MOBILE, LoginMethod.ITSME),
    "batch-10": (PersonaKind.CUSTOMER, Profile.MOBILE, LoginMethod.ITSME),
    "batch-50": (PersonaKind.CUSTOMER, Profile.MOBILE, LoginMethod.ITSME),
}


# a leap day as_of checks the date arithmetic of ages and anniversaries; the seed-42 days
# check that the guarantees hold whatever the day (identity does not move with it)
@pytest.fixture(
    scope="module",
    params=[
        (42, date(2025, 6, 30)),
        (7, date(2024, 2, 29)),
        (42, date(2026, 1, 15)),
        (42, date(2026, 11, 23)),
        (42, date(2028, 6, 30)),
        (42, date(2030, 12, 31)),
    ],
    ids=lambda param: f"{param[0]}-{param[1]}",
)
def world(request: pytest.FixtureRequest) -> World:
    seed, as_of = request.param
    return build_world(seed=seed, as_of=as_of)


def _age(world: World, party_id: str) -> int:
    birth, day = world.parties[party_id].birth_date, world.as_of
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _person(world: World, persona_id: str) -> str:
    party_id = world.personas[persona_id].party_id
    assert party_id is not None and party_id in world.parties
    return party_id


def _as(world: World, party_id: str, role: Role) -> list[Contract]:
    return [c for c in world.contracts_of_party(party_id) if party_id in c.parties_with(role)]


def _customers(world: World, fsma: str) -> set[str]:
    return {r.party_id for c in world.contracts_of_broker(fsma) for r in c.roles if r.party_id}


def test_persona_ids_kinds_profiles_and_logins(world: World) -> None:
    assert set(world.personas) == set(EXPECTED)
    for persona_id, persona in world.personas.items():
        assert persona.id == persona_id
        assert (persona.kind, persona.profile, persona.login) == EXPECTED[persona_id]
        assert persona.description.endswith(".") and persona.description.count(". ") == 0
        if persona.kind is PersonaKind.BROKER:
            assert persona.broker_fsma in world.brokers and persona.party_id is None
        else:
            assert persona.party_id in world.parties


def test_strategy_investor(world: World) -> None:
    party = _person(world, "strategy-investor")
    assert _age(world, party) >= 18
    strategy = [c for c in _as(world, party, Role.POLICYHOLDER) if c.product == "nn-strategy"]
    statuses = [c.status for c in strategy]
    assert statuses.count(ContractStatus.ACTIVE) >= 3
    assert statuses.count(ContractStatus.SURRENDERED) == 1
    assert statuses.count(ContractStatus.IN_ACCEPTANCE) == 1
    for contract in strategy:
        if contract.status is ContractStatus.ACTIVE:
            assert contract.holdings and contract.reserve_history
        if contract.status is ContractStatus.IN_ACCEPTANCE:  # recent whatever the day
            assert abs((contract.start_date - world.as_of).days) <= 31
            assert all(0 <= (world.as_of - t.day).days <= 5 for t in contract.transactions)


def test_scala_self_employed(world: World) -> None:
    party = _person(world, "scala-self-employed")
    assert _age(world, party) >= 18
    insured = [c for c in _as(world, party, Role.INSURED) if c.status is ContractStatus.ACTIVE]
    by_product = {c.product: c for c in insured}
    assert {"scala-vapz", "scala-ipt"} <= set(by_product)
    for product in ("scala-vapz", "scala-ipt"):
        holder = next(r for r in by_product[product].roles if r.role is Role.POLICYHOLDER)
        assert holder.party_id is None and holder.company_number in world.companies
        company = world.companies[holder.company_number]
        assert any(m.party_id == party for m in company.mandates)


def test_web_life_nonlife(world: World) -> None:
    party = _person(world, "web-life-nonlife")
    held = _as(world, party, Role.POLICYHOLDER)
    products = {c.product for c in held}
    assert {"life-plan", "star-invest", "car", "home", "family-liability"} <= products
    assert {"car-legacy", "hunting-liability"} <= products
    assert {Family.LIFE, Family.NONLIFE} == {world.products[p].family for p in products}
    assert any(not c.details_available for c in held)
    car = next(c for c in held if c.product == "car")
    assert car.parties_with(Role.DRIVER) and car.details_available
    home = next(c for c in held if c.product == "home")
    assert home.coverages[0].index is not None and home.coverages[0].index.name == "ABEX"
    assert world.products["car-legacy"].legacy


def test_hidden_products(world: World) -> None:
    party = _person(world, "hidden-products")
    assert _age(world, party) >= 18
    contracts = world.contracts_of_party(party)
    assert contracts
    assert all(c.status is ContractStatus.ACTIVE for c in contracts)
    assert not {c.product for c in contracts} & MOBILE_PRODUCTS


def test_minor(world: World) -> None:
    party = _person(world, "minor")
    assert _age(world, party) < 18
    birth = world.parties[party].birth_date
    assert birth < world.as_of
    assert (birth.year, birth.month, birth.day) > (2030 - 18, 12, 31)  # a minor up to 2030
    roles = {
        r.role for c in world.contracts_of_party(party) for r in c.roles if r.party_id == party
    }
    assert roles & {Role.INSURED, Role.BENEFICIARY_DEATH, Role.BENEFICIARY_LIFE}
    assert Role.POLICYHOLDER not in roles
    nrn = world.parties[party].nrn
    assert nrn is not None and ids.nrn_birth_date(nrn) == world.parties[party].birth_date


def test_non_resident_sms(world: World) -> None:
    party_id = _person(world, "non-resident-sms")
    party = world.parties[party_id]
    assert not party.resident and party.nrn is None and party.phone
    assert party.address.country == "NL" and ids.is_valid_dutch_postcode(party.address.postcode)
    codes = [c for c in world.activation_codes if c.party_id == party_id]
    assert any(not c.used and not c.blocked and c.expires > world.as_of for c in codes)
    life = [
        c
        for c in _as(world, party_id, Role.POLICYHOLDER)
        if world.products[c.product].family is Family.LIFE
    ]
    assert life and all(c.status is ContractStatus.ACTIVE for c in life)


def test_company_personas(world: World) -> None:
    manager = world.personas["company-manager"]
    user = world.personas["company-user"]
    assert manager.company_number is not None and manager.company_number == user.company_number
    company = world.companies[manager.company_number]
    roles = {m.party_id: m.role for m in company.mandates}
    assert roles[_person(world, "company-manager")] is MandateRole.DIGITAL_MANAGER
    assert roles[_person(world, "company-user")] is MandateRole.USER
    held = [
        c
        for c in world.contracts_of_company(company.enterprise_number)
        if any(r.role is Role.POLICYHOLDER and r.company_number for r in c.roles)
    ]
    assert len(held) >= 3
    elsewhere = [
        c
        for c in world.companies.values()
        if c is not company
        and any(m.party_id == manager.party_id and m.role is MandateRole.USER for m in c.mandates)
    ]
    assert elsewhere


def test_brokers(world: World) -> None:
    large = world.personas["broker-large"].broker_fsma
    small = world.personas["broker-small"].broker_fsma
    assert large and small and large != small
    assert len(_customers(world, large)) >= 50
    families = {world.products[c.product].family for c in world.contracts_of_broker(large)}
    assert families == {Family.LIFE, Family.NONLIFE}
    assert 1 <= len(_customers(world, small)) <= 10


def test_batch_personas_differ_only_in_count(world: World) -> None:
    shapes = set()
    for size in (1, 10, 50):
        party = _person(world, f"batch-{size}")
        assert _age(world, party) >= 18
        contracts = world.contracts_of_party(party)
        assert len(contracts) == size
        for contract in contracts:
            assert contract.product == "nn-strategy"
            assert contract.status is ContractStatus.ACTIVE
            assert contract.parties_with(Role.POLICYHOLDER) == [party]
            assert {r.party_id for r in contract.roles} == {party}
            shapes.add(
                (
                    tuple(sorted(h.isin for h in contract.holdings)),
                    tuple(contract.allocation),
                    len(contract.transactions),
                    len(contract.reserve_history),
                    contract.payment_frequency,
                    contract.premium,
                )
            )
    assert len(shapes) == 1
    (holdings, allocation, transactions, history, _, _) = shapes.pop()
    assert len(holdings) == 3 and sum(p for _, p in allocation) == 100
    assert transactions > 0 and history >= 24


def test_persona_records(world: World) -> None:
    records = persona_records(world)
    json.dumps(records)
    assert [r["id"] for r in records] == list(world.personas)
    for record in records:
        persona: Persona = world.personas[str(record["id"])]
        assert record["kind"] == persona.kind.value
        assert record["profile"] == persona.profile.value
        assert record["login"] == persona.login.value
        assert record["description"] == persona.description
        assert record["party_id"] == persona.party_id
        assert record["company_number"] == persona.company_number
        assert record["broker_fsma"] == persona.broker_fsma
        if persona.party_id:
            assert record["nrn"] == world.parties[persona.party_id].nrn
        else:
            assert record["nrn"] is None
        if persona.kind is PersonaKind.BROKER:
            assert persona.broker_fsma is not None
            broker = world.brokers[persona.broker_fsma]
            assert record["client_id"] == broker.client_id
            assert record["client_secret"] == broker.client_secret
        else:
            assert "client_secret" not in record
    nrn = next(r["nrn"] for r in records if r["id"] == "strategy-investor")
    assert isinstance(nrn, str) and ids.is_valid_nrn(nrn) and nrn[2] == "."
