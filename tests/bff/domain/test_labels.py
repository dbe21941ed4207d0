from enum import StrEnum

import pytest

from bff.domain.labels import label, parse_accept_language
from bff.domain.products import ProductLine
from bff.domain.records import (
    ContractStatus,
    CustomerKind,
    DocumentType,
    Family,
    Guarantee,
    Language,
    MandateRole,
    NotificationCategory,
    PartyRole,
    PaymentFrequency,
    Product,
    TaxRegime,
    TransactionState,
    TransactionType,
)

SHOWN_ENUMS: list[type[StrEnum]] = [
    ContractStatus,
    Product,
    ProductLine,
    Family,
    PartyRole,
    PaymentFrequency,
    TaxRegime,
    TransactionType,
    Guarantee,
    DocumentType,
    NotificationCategory,
    MandateRole,
    CustomerKind,
    Language,
]


@pytest.mark.parametrize("enum", SHOWN_ENUMS, ids=lambda e: e.__name__)
def test_s3_every_member_has_a_label_in_nl_fr_en_and_de(enum: type[StrEnum]) -> None:
    for language in Language:
        labels = [label(member, language) for member in enum]
        assert all(text.strip() for text in labels), (enum.__name__, language)
        assert len(set(labels)) == len(labels), f"{enum.__name__} has two equal {language} labels"


def test_s3_labels_are_in_the_asked_language() -> None:
    assert [label(ContractStatus.ACTIVE, lang) for lang in Language] == [
        "In voege",
        "En vigueur",
        "In force",
        "In Kraft",
    ]
    assert label(DocumentType.TAX_CERTIFICATE, Language.NL) == "Fiscaal attest"
    assert label(PartyRole.POLICYHOLDER, Language.FR) == "Preneur d'assurance"
    assert label(TransactionType.PREMIUM, Language.DE) == "Prämienzahlung"


def test_s3_values_shared_between_enums_keep_their_own_labels() -> None:
    # Product.FAMILY_LIABILITY == Guarantee.FAMILY_LIABILITY == "family_liability"
    assert label(Product.FAMILY_LIABILITY, Language.NL) == "Familiale verzekering"
    assert label(Guarantee.FAMILY_LIABILITY, Language.NL) == "Familiale aansprakelijkheid"


def test_s3_an_enum_without_labels_is_a_lookup_error() -> None:
    with pytest.raises(LookupError, match="TransactionState"):
        label(TransactionState.PENDING, Language.EN)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fr-BE,fr;q=0.9,en;q=0.8", Language.FR),
        ("es-ES, de;q=0.5, nl;q=0.7", Language.NL),
        ("NL-be", Language.NL),
        ("de, en", Language.DE),
        ("en;q=0.5, de;q=0.5", Language.EN),
        ("en;q=0, fr;q=0.1", Language.FR),
        ("fr;q=abc, en;q=0.4", Language.EN),
        ("fr;q=1.5, de;q=0.2", Language.DE),
        ("de;level=1;q=0.3, en;q=0.2", Language.DE),
        ("*", None),
        ("es, it;q=0.9", None),
        ("", None),
        (None, None),
    ],
)
def test_s3_accept_language_picks_the_preferred_supported_language(
    header: str | None, expected: Language | None
) -> None:
    assert parse_accept_language(header) == expected
