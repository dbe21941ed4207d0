from datetime import date
from pathlib import Path

import pytest

from bff.domain.profiles import FrontendProfile, load_profiles
from bff.domain.records import (
    ContractParty,
    ContractStatus,
    DocumentType,
    Language,
    PartyRole,
    Product,
    TransactionType,
)
from bff.domain.visibility import split_visible, visible
from tests.bff.domain.builders import COMPANY, VIEWER, header, roles

PROFILES = load_profiles()
MOBILE, WEB, BROKER, COMPANY_VIEW = (PROFILES[n] for n in ("mobile", "web", "broker", "company"))
SCALA = (Product.SCALA_VAPZ, Product.SCALA_IPT, Product.SCALA_EXECUTIVE, Product.SCALA_POZ)
HOLDER = roles(PartyRole.POLICYHOLDER)
INSURED = roles(PartyRole.INSURED)


def test_shipped_file_has_the_four_frontend_profiles() -> None:
    assert sorted(PROFILES) == ["broker", "company", "mobile", "web"]


def test_c1_mobile_shows_nn_strategy_only_to_its_policyholder() -> None:
    assert visible(MOBILE, header(Product.NN_STRATEGY), HOLDER)
    assert not visible(MOBILE, header(Product.NN_STRATEGY), INSURED)
    assert not visible(MOBILE, header(Product.NN_STRATEGY), roles(PartyRole.BENEFICIARY_DEATH))


@pytest.mark.parametrize("product", SCALA)
def test_c1_mobile_shows_scala_only_to_the_insured(product: Product) -> None:
    assert visible(MOBILE, header(product), INSURED)
    assert not visible(MOBILE, header(product), HOLDER)


@pytest.mark.parametrize("status", [s for s in ContractStatus if s is not ContractStatus.ACTIVE])
def test_c1_mobile_shows_active_contracts_only(status: ContractStatus) -> None:
    assert not visible(MOBILE, header(Product.NN_STRATEGY, status), HOLDER)
    assert not visible(MOBILE, header(Product.SCALA_IPT, status), INSURED)


def test_c1_mobile_shows_no_other_product() -> None:
    others = [p for p in Product if p is not Product.NN_STRATEGY and p not in SCALA]
    everything = roles(*PartyRole)
    assert [p for p in others if visible(MOBILE, header(p), everything)] == []


def test_a3_d1_mobile_adults_with_a_contract_notifications_but_no_documents() -> None:
    assert MOBILE.minimum_age == 18
    assert MOBILE.requires_visible_contract
    assert MOBILE.document_types == frozenset()
    assert "notifications" in MOBILE.features
    assert "documents" not in MOBILE.features


def test_c3_web_shows_life_and_private_non_life_to_holders_and_insured() -> None:
    shown = [
        Product.NN_STRATEGY,
        *SCALA,
        Product.LIFE_PLAN,
        Product.PENSION_SAVINGS,
        Product.LONG_TERM_SAVINGS,
        Product.INVESTMENT_PLAN,
        Product.CAR,
        Product.MOTORCYCLE,
        Product.HOME,
        Product.FAMILY_LIABILITY,
        Product.PRIVATE_ACCIDENT,
        Product.LEGAL_ASSISTANCE,
    ]
    for role in (PartyRole.POLICYHOLDER, PartyRole.CO_POLICYHOLDER, PartyRole.INSURED):
        for status in (ContractStatus.ACTIVE, ContractStatus.SUSPENDED):
            assert all(visible(WEB, header(p, status), roles(role)) for p in shown)
    assert not visible(WEB, header(Product.CAR), roles(PartyRole.DRIVER))
    assert not visible(WEB, header(Product.LIFE_PLAN, ContractStatus.SURRENDERED), HOLDER)
    assert not visible(WEB, header(Product.LIFE_PLAN, ContractStatus.IN_ACCEPTANCE), HOLDER)


def test_c3_web_does_not_show_standalone_death_cover_and_explains_why_in_the_viewer_language() -> (
    None
):
    death_cover = header(Product.DEATH_COVER, number="23/3100001/01")

    shown, not_shown = split_visible(WEB, [death_cover], lambda h: h.roles_of(VIEWER))

    assert shown == []
    assert [n.number for n in not_shown] == ["23/3100001/01"]
    explanation = not_shown[0].explanation
    assert "overlijdensverzekeringen" in explanation.in_language(Language.NL)
    assert "assurances décès" in explanation.in_language(Language.FR)
    assert "death cover" in explanation.in_language(Language.EN)
    assert "Todesfall" in explanation.in_language(Language.DE)


@pytest.mark.parametrize(
    "product",
    [Product.GUARANTEED_INCOME, Product.CAR_LEGACY, Product.BICYCLE, Product.HUNTING_LIABILITY],
)
def test_c3_web_explains_every_product_it_does_not_show_yet(product: Product) -> None:
    shown, not_shown = split_visible(WEB, [header(product)], lambda h: h.roles_of(VIEWER))

    assert shown == []
    assert len(not_shown) == 1
    assert all(not_shown[0].explanation.in_language(lang) for lang in Language)


def test_d2_web_shows_premium_proof_tax_certificate_and_annual_statement() -> None:
    assert WEB.document_types == {
        DocumentType.PREMIUM_PROOF,
        DocumentType.TAX_CERTIFICATE,
        DocumentType.ANNUAL_STATEMENT,
    }


def test_c6_broker_sees_what_the_web_zone_shows_and_ended_contracts_too() -> None:
    for product in Product:
        assert visible(BROKER, header(product), HOLDER) == visible(WEB, header(product), HOLDER)
    for status in ContractStatus:
        assert visible(BROKER, header(Product.LIFE_PLAN, status), HOLDER)
    assert [r.products for r in BROKER.not_shown] == [r.products for r in WEB.not_shown]


def test_a10_company_view_shows_web_products_where_the_company_is_policyholder() -> None:
    company_car = header(
        Product.CAR,
        parties=(
            ContractParty(PartyRole.POLICYHOLDER, enterprise_number=COMPANY),
            ContractParty(PartyRole.INSURED, enterprise_number="0999999999"),
        ),
    )
    assert visible(COMPANY_VIEW, company_car, company_car.company_roles_of(COMPANY))
    assert not visible(COMPANY_VIEW, company_car, company_car.company_roles_of("0999999999"))
    assert not visible(COMPANY_VIEW, header(Product.DEATH_COVER), HOLDER)


@pytest.mark.parametrize("name", ["mobile", "web", "broker", "company"])
def test_f4_f6_every_profile_uses_12_months_and_transactions_since_2020(name: str) -> None:
    profile: FrontendProfile = PROFILES[name]
    assert profile.reserve_history_months == 12
    assert profile.transactions_since == date(2020, 1, 1)
    assert profile.shown_transaction_types == frozenset(TransactionType)


# --- validation ----------------------------------------------------------------------------

VALID = """
[not_shown.legacy]
products = ["car_legacy"]
[not_shown.legacy.explanation]
nl = "n"
fr = "f"
en = "e"
de = "d"

[profiles.web]
not_shown = ["legacy"]
document_types = ["premium_proof"]
features = ["contracts"]
reserve_history_months = 12
transactions_since = 2020-01-01
shown_transaction_types = ["premium"]
requires_visible_contract = false

[[profiles.web.rules]]
products = ["car"]
statuses = ["active"]
roles = ["policyholder"]
"""


def load_text(tmp_path: Path, text: str) -> dict[str, FrontendProfile]:
    path = tmp_path / "profiles.toml"
    path.write_text(text, encoding="utf-8")
    return load_profiles(path)


def test_a_minimal_file_loads_and_minimum_age_may_be_left_out(tmp_path: Path) -> None:
    web = load_text(tmp_path, VALID)["web"]

    assert web.minimum_age is None
    assert web.not_shown[0].explanation.in_language(Language.DE) == "d"
    assert web.rules[0].products == {Product.CAR}


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'statuses = ["active"]',
            'statuses = ["actve"]',
            r"profiles\.web\.rules\[0\]\.statuses: unknown value 'actve'",
        ),
        (
            'products = ["car"]',
            'products = ["car", "boat"]',
            r"profiles\.web\.rules\[0\]\.products: unknown value 'boat'",
        ),
        ('document_types = ["premium_proof"]\n', "", r"profiles\.web\.document_types: missing"),
        (
            "reserve_history_months = 12",
            "reserve_history_month = 12",
            r"profiles\.web\.reserve_history_month: unknown key",
        ),
        (
            'features = ["contracts"]',
            'features = ["contract"]',
            r"profiles\.web\.features: unknown feature\(s\) contract",
        ),
        (
            'not_shown = ["legacy"]',
            'not_shown = ["legacyy"]',
            r"profiles\.web\.not_shown: no \[not_shown\.legacyy\] table",
        ),
        (
            'products = ["car"]',
            'products = ["car", "car_legacy"]',
            r"profiles\.web\.not_shown: legacy hides car_legacy",
        ),
        (
            "transactions_since = 2020-01-01",
            'transactions_since = "2020-01-01"',
            r"profiles\.web\.transactions_since: expected a date",
        ),
        (
            "reserve_history_months = 12",
            "reserve_history_months = -1",
            r"profiles\.web\.reserve_history_months: expected a whole number",
        ),
        (
            "requires_visible_contract = false",
            "requires_visible_contract = 0",
            r"profiles\.web\.requires_visible_contract: expected true or false",
        ),
        ('de = "d"\n', "", r"not_shown\.legacy\.explanation\.de: missing"),
        (
            'en = "e"',
            'en = " "',
            r"not_shown\.legacy\.explanation\.en: expected a non-empty string",
        ),
        ('roles = ["policyholder"]', "roles = []", r"profiles\.web\.rules\[0\]\.roles: empty"),
        (
            "[profiles.web]",
            "[profiles.web]\nextra = 1",
            r"profiles\.web\.extra: unknown key",
        ),
        (
            "transactions_since = 2020-01-01",
            "transactions_since = 2020-01-01 = 1",
            r"not valid TOML",
        ),
    ],
)
def test_an_invalid_file_is_a_value_error_naming_the_key(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    assert old in VALID
    with pytest.raises(ValueError, match=message):
        load_text(tmp_path, VALID.replace(old, new, 1))
