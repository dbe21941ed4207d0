from datetime import date

from bff.domain.documents import shown_documents
from bff.domain.records import ContractKey, DocumentMeta, DocumentType, Language
from tests.bff.domain.builders import VIEWER, profile

LIFE_DOCUMENTS = frozenset(
    {DocumentType.PREMIUM_PROOF, DocumentType.TAX_CERTIFICATE, DocumentType.ANNUAL_STATEMENT}
)


def doc(id: str, type: DocumentType, issued_on: date) -> DocumentMeta:
    return DocumentMeta(
        id=id,
        type=type,
        title=id,
        issued_on=issued_on,
        language=Language.NL,
        contract=ContractKey(4970159, 1),
        party_id=VIEWER,
        mime_type="application/pdf",
        size_bytes=1234,
    )


DOCUMENTS = [
    doc("D3", DocumentType.TAX_CERTIFICATE, date(2025, 2, 15)),
    doc("D1", DocumentType.POLICY, date(2025, 6, 1)),
    doc("D5", DocumentType.ANNUAL_STATEMENT, date(2025, 2, 15)),
    doc("D2", DocumentType.PREMIUM_PROOF, date(2025, 3, 1)),
    doc("D4", DocumentType.GREEN_CARD, date(2025, 1, 1)),
    doc("D0", DocumentType.ANNUAL_STATEMENT, date(2024, 2, 15)),
]


def test_d1_a_profile_without_document_types_shows_no_documents() -> None:
    assert shown_documents(profile(document_types=frozenset()), DOCUMENTS) == []


def test_d2_web_life_documents_only_newest_first_same_day_by_id() -> None:
    shown = shown_documents(profile(document_types=LIFE_DOCUMENTS), DOCUMENTS)

    assert [d.id for d in shown] == ["D2", "D3", "D5", "D0"]
