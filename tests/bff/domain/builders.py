"""Hand-built records and profiles for the domain rule tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bff.domain.profiles import FrontendProfile, LocalizedText, NotShownRule, VisibilityRule
from bff.domain.records import (
    ContractHeader,
    ContractKey,
    ContractParty,
    ContractStatus,
    DocumentType,
    Family,
    Language,
    Money,
    PartyRole,
    PaymentFrequency,
    Product,
    TransactionType,
)

VIEWER = "P0000809"
PARTNER = "P0000810"
COMPANY = "0403019261"

NONLIFE = frozenset(
    {Product.CAR, Product.CAR_LEGACY, Product.HOME, Product.BICYCLE, Product.HUNTING_LIABILITY}
)


def header(
    product: Product,
    status: ContractStatus = ContractStatus.ACTIVE,
    *,
    number: str = "23/4970159/01",
    parties: tuple[ContractParty, ...] = (ContractParty(PartyRole.POLICYHOLDER, VIEWER),),
) -> ContractHeader:
    key = ContractKey.from_digits(number)
    return ContractHeader(
        key=key,
        number=number,
        product=product,
        product_name=product.value,
        family=Family.NONLIFE if product in NONLIFE else Family.LIFE,
        status=status,
        status_date=date(2020, 1, 1),
        start_date=date(2020, 1, 1),
        end_date=None,
        payment_frequency=PaymentFrequency.MONTHLY,
        premium=Money(Decimal("100.00")),
        language=Language.NL,
        tax_regime=None,
        broker_fsma=None,
        parties=parties,
    )


def roles(*items: PartyRole) -> frozenset[PartyRole]:
    return frozenset(items)


LEGACY_CAR = NotShownRule(
    name="legacy_car",
    products=frozenset({Product.CAR_LEGACY}),
    explanation=LocalizedText(
        nl="Oude autopolissen nog niet.",
        fr="Anciennes polices auto pas encore.",
        en="Old car policies not yet.",
        de="Alte Kfz-Policen noch nicht.",
    ),
)


def profile(
    *,
    rules: tuple[VisibilityRule, ...] = (
        VisibilityRule(
            products=frozenset({Product.NN_STRATEGY, Product.CAR}),
            statuses=frozenset({ContractStatus.ACTIVE}),
            roles=frozenset({PartyRole.POLICYHOLDER, PartyRole.INSURED}),
        ),
    ),
    not_shown: tuple[NotShownRule, ...] = (LEGACY_CAR,),
    document_types: frozenset[DocumentType] = frozenset(),
    reserve_history_months: int = 12,
    transactions_since: date = date(2020, 1, 1),
    shown_transaction_types: frozenset[TransactionType] = frozenset(TransactionType),
    minimum_age: int | None = None,
    requires_visible_contract: bool = False,
) -> FrontendProfile:
    return FrontendProfile(
        name="test",
        rules=rules,
        not_shown=not_shown,
        document_types=document_types,
        features=frozenset({"contracts"}),
        reserve_history_months=reserve_history_months,
        transactions_since=transactions_since,
        shown_transaction_types=shown_transaction_types,
        minimum_age=minimum_age,
        requires_visible_contract=requires_visible_contract,
    )
