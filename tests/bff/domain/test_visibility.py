from datetime import date

from bff.domain.records import (
    ContractKey,
    ContractParty,
    ContractStatus,
    Family,
    PartyRole,
    PortfolioContract,
    Product,
)
from bff.domain.visibility import (
    AccessReason,
    NotShown,
    age_on,
    mobile_access,
    split_visible,
    visible,
)
from tests.bff.domain.builders import COMPANY, LEGACY_CAR, VIEWER, header, profile, roles

ACTIVE = ContractStatus.ACTIVE


def test_c1_visible_when_a_rule_lists_product_status_and_one_of_the_roles() -> None:
    contract = header(Product.NN_STRATEGY)
    assert visible(profile(), contract, roles(PartyRole.POLICYHOLDER))
    assert visible(profile(), contract, roles(PartyRole.BENEFICIARY, PartyRole.INSURED))


def test_c1_not_visible_with_another_role_status_or_product() -> None:
    assert not visible(profile(), header(Product.NN_STRATEGY), roles(PartyRole.BENEFICIARY))
    assert not visible(profile(), header(Product.NN_STRATEGY), roles())
    surrendered = header(Product.NN_STRATEGY, ContractStatus.SURRENDERED)
    assert not visible(profile(), surrendered, roles(PartyRole.POLICYHOLDER))
    assert not visible(profile(), header(Product.LIFE_PLAN), roles(PartyRole.POLICYHOLDER))


def test_c3_split_keeps_order_and_explains_only_not_shown_products() -> None:
    strategy = header(Product.NN_STRATEGY, number="23/4970159/01")
    legacy = header(Product.CAR_LEGACY, number="21/0012345/01")
    car = header(Product.CAR, number="21/0054321/02")
    unknown = header(Product.OTHER, number="23/5000001/01")

    shown, not_shown = split_visible(
        profile(), [strategy, legacy, unknown, car], lambda h: h.roles_of(VIEWER)
    )

    assert shown == [strategy, car]
    assert not_shown == [NotShown("21/0012345/01", Product.CAR_LEGACY, LEGACY_CAR.explanation)]


def test_c3_not_shown_product_is_not_explained_when_status_or_role_would_hide_it_anyway() -> None:
    ended = header(Product.CAR_LEGACY, ContractStatus.CANCELLED, number="21/0012345/01")
    as_beneficiary = header(
        Product.CAR_LEGACY,
        number="21/0012346/01",
        parties=(ContractParty(PartyRole.BENEFICIARY, VIEWER),),
    )

    shown, not_shown = split_visible(
        profile(), [ended, as_beneficiary], lambda h: h.roles_of(VIEWER)
    )

    assert shown == []
    assert not_shown == []


def test_c6_broker_portfolio_contracts_are_judged_by_the_same_rules() -> None:
    holder = ContractParty(PartyRole.POLICYHOLDER, "P0000001")
    contract = PortfolioContract(
        key=ContractKey(12345, 1),
        number="21/0012345/01",
        product=Product.CAR_LEGACY,
        family=Family.NONLIFE,
        status=ACTIVE,
        parties=(holder,),
    )

    shown, not_shown = split_visible(
        profile(), [contract], lambda c: frozenset(p.role for p in c.parties)
    )

    assert shown == []
    assert [n.number for n in not_shown] == ["21/0012345/01"]


def test_a10_company_view_uses_the_company_roles_on_the_contract() -> None:
    company_car = header(
        Product.CAR,
        parties=(
            ContractParty(PartyRole.POLICYHOLDER, enterprise_number=COMPANY),
            ContractParty(PartyRole.DRIVER, VIEWER),
        ),
    )

    assert visible(profile(), company_car, company_car.company_roles_of(COMPANY))
    assert not visible(profile(), company_car, company_car.roles_of(VIEWER))


def test_a3_age_counts_completed_years() -> None:
    assert age_on(date(2007, 6, 30), date(2025, 6, 30)) == 18
    assert age_on(date(2007, 7, 1), date(2025, 6, 30)) == 17
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18


def test_a3_minor_is_refused_even_with_visible_contracts() -> None:
    mobile = profile(minimum_age=18, requires_visible_contract=True)

    decision = mobile_access(mobile, date(2010, 3, 1), date(2025, 6, 30), visible_count=2)

    assert decision.reason is AccessReason.MINOR
    assert not decision.allowed


def test_a3_adult_without_a_visible_contract_is_refused() -> None:
    mobile = profile(minimum_age=18, requires_visible_contract=True)

    decision = mobile_access(mobile, date(1980, 3, 1), date(2025, 6, 30), visible_count=0)

    assert decision.reason is AccessReason.NO_VISIBLE_CONTRACT
    assert not decision.allowed


def test_a3_adult_with_a_visible_contract_is_let_in_on_the_18th_birthday() -> None:
    mobile = profile(minimum_age=18, requires_visible_contract=True)

    decision = mobile_access(mobile, date(2007, 6, 30), date(2025, 6, 30), visible_count=1)

    assert decision.reason is AccessReason.OK
    assert decision.allowed


def test_a3_a_profile_without_minimum_age_or_contract_requirement_lets_everyone_in() -> None:
    web = profile(minimum_age=None, requires_visible_contract=False)

    decision = mobile_access(web, date(2015, 1, 1), date(2025, 6, 30), visible_count=0)

    assert decision.reason is AccessReason.OK
