import time
from bisect import bisect_right
from collections import Counter
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest

from sandbox import catalogue as cat
from sandbox import generate, ids
from sandbox.generate import REFERENCE_DAY, Builder, build_world
from sandbox.world import (
    Building,
    ContractStatus,
    DocumentType,
    Family,
    Gender,
    Language,
    MandateRole,
    Role,
    TransactionState,
    Vehicle,
    World,
)

AS_OF = date(2025, 6, 30)


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(seed=42, as_of=AS_OF)


def _age(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_same_seed_and_day_give_equal_worlds(world: World) -> None:
    assert build_world(seed=42, as_of=AS_OF) == world


def test_other_seed_default_day_and_build_time(world: World) -> None:
    started = time.process_time()
    other = build_world(seed=5)
    elapsed = time.process_time() - started
    assert other.as_of == date.today()
    assert other != world
    assert set(other.personas) == set(world.personas)
    # about 0.9 s of CPU; this guard only catches gross regressions
    assert elapsed < 3.0


def test_scale(world: World) -> None:
    assert world.seed == 42
    assert world.as_of == AS_OF
    assert len(world.parties) >= 500
    assert len(world.contracts) >= 2000
    assert len(world.funds) >= 40
    assert len(world.brokers) >= 30
    assert len(world.companies) >= 50


def test_every_identifier_passes_its_check(world: World) -> None:
    nrns = [p.nrn for p in world.parties.values() if p.nrn is not None]
    assert len(nrns) == len(set(nrns))
    for party in world.parties.values():
        if party.nrn is not None:
            assert ids.is_valid_nrn(party.nrn), party.nrn
            assert ids.nrn_birth_date(party.nrn) == party.birth_date
            assert ids.nrn_is_male(party.nrn) is (party.gender is Gender.MALE)
        if party.iban is not None:
            assert ids.is_valid_iban(party.iban), party.iban
            if party.resident:
                assert ids.is_valid_belgian_iban(party.iban)
        if party.address.country == "BE":
            assert ids.is_valid_belgian_postcode(party.address.postcode)
        else:
            assert party.address.country == "NL"
            assert ids.is_valid_dutch_postcode(party.address.postcode)
    numbers = [*world.companies, *world.brokers]
    assert len(numbers) == len(set(numbers))
    for number, company in world.companies.items():
        assert number == company.enterprise_number
        assert ids.is_valid_enterprise_number(number), number
    for fsma, broker in world.brokers.items():
        assert fsma == broker.fsma
        assert ids.is_valid_enterprise_number(fsma), fsma
        assert broker.client_id == "broker-" + ids.normalise_reference(fsma)
    for isin, fund in world.funds.items():
        assert isin == fund.isin
        assert ids.is_valid_isin(isin), isin
    for contract in world.contracts.values():
        for holding in contract.holdings:
            assert ids.is_valid_isin(holding.isin)
        if isinstance(contract.insured_object, Vehicle):
            assert ids.is_valid_belgian_plate(contract.insured_object.plate)
            assert ids.is_valid_vin(contract.insured_object.vin)


def test_parties(world: World) -> None:
    emails = [p.email for p in world.parties.values() if p.email]
    assert len(emails) == len(set(emails))  # A9
    languages = Counter(p.language for p in world.parties.values())
    assert languages[Language.NL] > 100 and languages[Language.FR] > 100
    assert languages[Language.EN] > 0 and languages[Language.DE] > 0
    minors = [p for p in world.parties.values() if _age(p.birth_date, AS_OF) < 18]
    assert minors
    assert any(p.birth_date.year >= 2000 for p in world.parties.values())
    for party in world.parties.values():
        assert party.id.startswith("P") and len(party.id) == 8
        if _age(party.birth_date, AS_OF) >= 18 and party.resident:
            assert party.phone is not None and ids.is_valid_belgian_mobile(party.phone)
    non_residents = [p for p in world.parties.values() if not p.resident]
    assert non_residents
    assert all(p.nrn is None and p.phone for p in non_residents)


def test_funds(world: World) -> None:
    for fund in world.funds.values():
        days = [d for d, _ in fund.navs]
        assert days == sorted(days) and len(set(days)) == len(days)
        assert all(d.weekday() < 5 for d in days)
        assert days[0] <= AS_OF - timedelta(days=2 * 365 + 30)
        assert days[-1] < AS_OF and (AS_OF - days[-1]).days <= 5
        assert len(days) >= 2 * 250
        for _, nav in fund.navs:
            assert isinstance(nav, Decimal) and nav > 0
            assert 2 <= -nav.as_tuple().exponent <= 4  # type: ignore[operator]
        assert fund.sri_history[0][0] == days[0]
        assert all(1 <= sri <= 7 for _, sri in fund.sri_history)
        assert fund.currency == "EUR"
    assert any(len(f.sri_history) > 1 for f in world.funds.values())


def test_brokers_and_contract_keys(world: World) -> None:
    bases = [c.base for c in world.contracts.values()]
    assert len(bases) == len(set(bases))
    for key, contract in world.contracts.items():
        assert key == (contract.base, contract.suffix)
        assert 0 < contract.base < 10_000_000 and 0 < contract.suffix < 100
        assert contract.broker_fsma in world.brokers
        assert contract.product in world.products
    for fsma, broker in world.brokers.items():
        assert world.contracts_of_broker(fsma), broker.name
        assert broker.email.startswith("info@") and broker.website.startswith("https://")
        assert broker.client_secret and broker.phone.startswith("+32")
    assert any(c.base < 1_000_000 for c in world.contracts.values())


def test_product_catalogue(world: World) -> None:
    p = world.products
    assert (p["nn-strategy"].a502, p["nn-strategy"].a509) == ("120", "23")
    assert p["nn-strategy"].unit_linked
    assert {p[c].tax_regime for c in ("scala-vapz", "scala-ipt", "scala-poz")} == {"15", "16", "21"}
    assert p["pension-savings"].tax_regime == "6"
    assert p["long-term-savings"].tax_regime == "4"
    assert (p["car"].a502, p["car"].legacy) == ("510", False)
    assert (p["car-legacy"].a502, p["car-legacy"].legacy) == ("510", True)
    assert p["motorcycle"].a502 == "542"
    assert p["home"].a502 == "310" and p["family-liability"].a502 == "410"
    assert p["legal-assistance"].a502 == "962"
    used = {c.product for c in world.contracts.values()}
    assert used == set(p)


def test_status_and_role_mix(world: World) -> None:
    statuses = Counter(c.status for c in world.contracts.values())
    assert set(statuses) == set(ContractStatus)
    assert statuses[ContractStatus.ACTIVE] > len(world.contracts) / 2
    roles = Counter(r.role for c in world.contracts.values() for r in c.roles)
    assert set(roles) == set(Role) - {Role.BENEFICIARY}
    for contract in world.contracts.values():
        holders = [r for r in contract.roles if r.role is Role.POLICYHOLDER]
        assert len(holders) == 1
        assert (holders[0].party_id is None) != (holders[0].company_number is None)
        for role in contract.roles:
            if role.party_id is not None:
                assert role.party_id in world.parties
            if role.company_number is not None:
                assert role.company_number in world.companies
        death = [r for r in contract.roles if r.role is Role.BENEFICIARY_DEATH]
        if death:
            assert sum((r.share_percent or Decimal(0) for r in death), Decimal(0)) == 100
        if contract.status in {ContractStatus.SURRENDERED, ContractStatus.EXPIRED}:
            assert contract.end_date is not None
    frequencies = Counter(c.payment_frequency for c in world.contracts.values())
    assert len(frequencies) >= 6


def test_companies_hold_scala_contracts_for_the_insured_self_employed(world: World) -> None:
    company_scala = [
        c
        for c in world.contracts.values()
        if c.product in {"scala-ipt", "scala-vapz"}
        and any(r.role is Role.POLICYHOLDER and r.company_number for r in c.roles)
    ]
    assert len(company_scala) >= 50
    for contract in company_scala:
        assert contract.parties_with(Role.INSURED)


def test_mandates(world: World) -> None:
    acting: Counter[str] = Counter()
    for company in world.companies.values():
        managers = [m for m in company.mandates if m.role is MandateRole.DIGITAL_MANAGER]
        assert len(managers) == 1
        ids_ = [m.party_id for m in company.mandates]
        assert len(ids_) == len(set(ids_))
        for mandate in company.mandates:
            assert _age(world.parties[mandate.party_id].birth_date, AS_OF) >= 18
            acting[mandate.party_id] += 1
        assert ids.is_valid_belgian_postcode(company.address.postcode)
    assert any(m.role is MandateRole.USER for c in world.companies.values() for m in c.mandates)
    assert max(acting.values()) >= 2  # A10


def test_unit_linked_contracts(world: World) -> None:
    nav_days = {isin: [d for d, _ in fund.navs] for isin, fund in world.funds.items()}

    def nav_on(isin: str, day: date) -> Decimal:
        """The NAV published on or before day (Fund.nav_on's meaning, by bisection)."""
        index = bisect_right(nav_days[isin], day) - 1
        assert index >= 0
        return world.funds[isin].navs[index][1]

    checked = 0
    for contract in world.contracts.values():
        if not contract.holdings:
            continue
        assert world.products[contract.product].unit_linked
        assert 1 <= len(contract.holdings) <= 6
        for holding in contract.holdings:
            assert holding.isin in world.funds
            assert holding.units > 0 and holding.units.as_tuple().exponent == -6
        assert sum((p for _, p in contract.allocation), Decimal(0)) == 100
        assert all(p > 0 for _, p in contract.allocation)
        months = [d for d, _ in contract.reserve_history]
        assert months == sorted(months)
        for day, value in contract.reserve_history:
            assert (day + timedelta(days=1)).day == 1  # a month end
            expected = sum((h.units * nav_on(h.isin, day) for h in contract.holdings), Decimal(0))
            assert value == _cents(expected)
            checked += 1
        if contract.start_date < date(2023, 1, 1) and contract.status is ContractStatus.ACTIVE:
            assert len(contract.reserve_history) >= 24
    assert checked > 5000


def test_life_transactions(world: World) -> None:
    life = [c for c in world.contracts.values() if world.products[c.product].family is Family.LIFE]
    days = [t.day for c in life for t in c.transactions]
    assert min(days) < date(2020, 1, 1)
    assert min(days) >= date(2016, 1, 1)
    kinds = Counter(t.type for c in life for t in c.transactions)
    assert len(kinds) >= 12
    pending = [t for c in life for t in c.transactions if t.state is TransactionState.PENDING]
    assert pending and all(AS_OF - t.day <= timedelta(days=5) for t in pending)
    ids_ = [t.id for c in life for t in c.transactions]
    assert len(ids_) == len(set(ids_))
    for contract in life:
        for t in contract.transactions:
            assert t.amount > 0 and t.amount == _cents(t.amount)
            assert t.day <= AS_OF
            assert t.isin is None or t.isin in world.funds


def test_branch21_contracts(world: World) -> None:
    plans = [
        c
        for c in world.contracts.values()
        if c.product in {"life-plan", "pension-savings", "long-term-savings"}
        and c.status is ContractStatus.ACTIVE
        and c.details_available
    ]
    assert plans
    for contract in plans:
        assert contract.guaranteed_reserve is not None and contract.guaranteed_reserve > 0
        assert contract.guaranteed_rate is not None and contract.guaranteed_rate > 0
        assert contract.reserve_history[-1][1] == contract.guaranteed_reserve
        assert not contract.holdings


def test_nonlife_contracts(world: World) -> None:
    nonlife = [
        c
        for c in world.contracts.values()
        if world.products[c.product].family is Family.NONLIFE and c.details_available
    ]
    for contract in nonlife:
        assert contract.coverages and contract.exclusions
        yearly = sum((c.premium for c in contract.coverages), Decimal(0))
        assert yearly > 0
        product = world.products[contract.product]
        if product.a502 in {"510", "542"}:
            assert isinstance(contract.insured_object, Vehicle)
            assert contract.bonus_malus is not None and -2 <= contract.bonus_malus <= 22
            assert contract.coverages[0].x058 == "510"
        if product.a502 == "310":
            assert isinstance(contract.insured_object, Building)
            fire = contract.coverages[0]
            assert fire.x058 == "310" and fire.index is not None
            assert fire.index.name == "ABEX" and fire.index.base_date >= date(2015, 11, 1)
            assert fire.insured_amount is not None
    cars = [c for c in nonlife if c.product == "car" and c.status is ContractStatus.ACTIVE]
    assert any(c.parties_with(Role.DRIVER) for c in cars)
    assert any(e for c in nonlife for cov in c.coverages for e in cov.exclusions)


def test_some_older_contracts_have_no_details(world: World) -> None:
    missing = [c for c in world.contracts.values() if not c.details_available]
    families = {world.products[c.product].family for c in missing}
    assert families == {Family.LIFE, Family.NONLIFE}
    for contract in missing:
        assert not contract.coverages and not contract.holdings
        assert not contract.reserve_history and not contract.transactions


def test_documents(world: World) -> None:
    kinds = Counter(d.type for d in world.documents.values())
    assert set(kinds) == set(DocumentType)
    for doc_id, doc in world.documents.items():
        assert doc_id == doc.id
        assert doc.party_id in world.parties
        assert doc.contract is not None and doc.contract in world.contracts
        contract = world.contracts[doc.contract]
        assert doc.language is contract.language
        assert doc.day <= AS_OF
    titles = {(d.type, d.language): d.title for d in world.documents.values()}
    assert titles[(DocumentType.TAX_CERTIFICATE, Language.NL)].startswith("Fiscaal attest")
    assert titles[(DocumentType.TAX_CERTIFICATE, Language.FR)].startswith("Attestation fiscale")


def test_notifications_and_activation_codes(world: World) -> None:
    reads = Counter(n.read for n in world.notifications.values())
    assert reads[True] > 0 and reads[False] > 0
    for notification in world.notifications.values():
        assert notification.party_id in world.parties
        assert notification.created.date() <= AS_OF
    codes = world.activation_codes
    assert len({c.code for c in codes}) == len(codes)
    assert any(c.expires < AS_OF for c in codes)
    assert any(c.used for c in codes)
    assert any(not c.used and c.expires >= AS_OF for c in codes)
    for code in codes:
        assert code.party_id in world.parties
        assert code.issued < code.expires


def test_transactions_are_in_date_order(world: World) -> None:
    for contract in world.contracts.values():
        days = [t.day for t in contract.transactions]
        assert days == sorted(days)


def _documents_start_with_their_contracts(world: World) -> None:
    for doc in world.documents.values():
        assert doc.contract is not None
        contract = world.contracts[doc.contract]
        assert contract.start_date <= doc.day <= world.as_of, (doc, contract.start_date)


def test_no_document_predates_its_contract(world: World) -> None:
    _documents_start_with_their_contracts(world)


def test_green_card_of_a_contract_started_this_year_is_dated_at_its_start() -> None:
    b = Builder(42, date(2026, 3, 10))
    house = b.household(Language.NL, "0403.019.261", adults=1, children=0)
    person = house.adults[0]
    contract = b.nonlife(
        cat.CAR,
        holder=person,
        house=house,
        address=house.address,
        broker="0403.019.261",
        language=Language.NL,
        start=date(2026, 2, 1),
        drivers=[person],
    )
    generate._documents(b)
    key = (contract.base, contract.suffix)
    kinds = {d.type: d.day for d in b.documents.values() if d.contract == key}
    assert kinds[DocumentType.GREEN_CARD] == date(2026, 2, 1)  # not 1 December 2025
    assert all(day >= date(2026, 2, 1) for day in kinds.values())


# Identity does not depend on as_of: only the time-dependent series do


@pytest.fixture(scope="module")
def two_days() -> tuple[World, World]:
    return build_world(42, date(2026, 11, 23)), build_world(42, date(2027, 3, 2))


def test_identity_is_the_same_on_another_day(two_days: tuple[World, World]) -> None:
    one, other = two_days
    assert one.as_of != other.as_of

    def parties(w: World) -> dict[str, tuple[object, ...]]:
        return {
            p.id: (p.nrn, p.first_name, p.last_name, p.birth_date, p.email, p.phone, p.iban)
            for p in w.parties.values()
        }

    def contracts(w: World) -> dict[tuple[int, int], tuple[object, ...]]:
        return {
            key: (
                c.product,
                c.status,
                c.broker_fsma,
                c.language,
                [(r.role, r.party_id, r.company_number, r.share_percent) for r in c.roles],
                sorted(h.isin for h in c.holdings),
            )
            for key, c in w.contracts.items()
        }

    assert parties(one) == parties(other)
    assert contracts(one) == contracts(other)
    assert set(one.funds) == set(other.funds)
    assert {i: f.name for i, f in one.funds.items()} == {i: f.name for i, f in other.funds.items()}
    assert set(one.brokers) == set(other.brokers)
    assert {f: b.client_secret for f, b in one.brokers.items()} == {
        f: b.client_secret for f, b in other.brokers.items()
    }
    assert {n: c.name for n, c in one.companies.items()} == {
        n: c.name for n, c in other.companies.items()
    }
    assert one.personas == other.personas


def test_only_the_series_follow_the_day(two_days: tuple[World, World]) -> None:
    one, other = two_days
    for isin, fund in one.funds.items():
        later = dict(other.funds[isin].navs)
        shared = [(day, nav) for day, nav in fund.navs if day in later]
        assert len(shared) > 300
        assert all(later[day] == nav for day, nav in shared)  # the same walk
        assert fund.navs[-1][0] < one.as_of and other.funds[isin].navs[-1][0] < other.as_of
    for key, contract in one.contracts.items():
        if contract.status is not ContractStatus.IN_ACCEPTANCE:
            assert other.contracts[key].start_date == contract.start_date
    _documents_start_with_their_contracts(one)
    _documents_start_with_their_contracts(other)


def test_as_of_before_the_reference_day_is_refused() -> None:
    with pytest.raises(ValueError, match="as_of"):
        build_world(42, REFERENCE_DAY - timedelta(days=1))
