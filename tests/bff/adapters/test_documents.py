"""The document store adapter against respx, with answers in the store's own JSON.

The payloads are copies of what the sandbox's document store (sandbox/systems/documents.py)
answered for seed 42, as-of 2025-06-30: metadata with the store's type codes, ISO dates,
policy numbers as printed (BB/NNNNNNN/SS), page/size paging, errors as
{"errorCode", "errorMessage", "httpStatus"}.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Any

import httpx
import pytest
import respx

from bff.adapters.documents import BATCH_SIZE, DocumentsAdapter, DocumentsPort
from bff.adapters.errors import (
    BackendNotFound,
    BackendProtocolError,
    BackendRejected,
    BackendUnavailable,
)
from bff.domain.records import ContractKey, DocumentMeta, DocumentType, Language, Page
from tests.bff.adapters.concurrent import all_at_once

pytestmark = pytest.mark.anyio

BASE = "http://documents.test"

# web-life-nonlife (P0000813): the green card and the policy of their car
GREEN_CARD: dict[str, Any] = {
    "id": "D00008835",
    "documentType": "GREEN_CARD",
    "title": "Groene kaart 2025",
    "issuedOn": "2024-12-01",
    "language": "nl",
    "policyNumber": "10/0655918/01",
    "partyId": "P0000813",
    "mimeType": "application/pdf",
    "sizeBytes": 1125,
}
CAR_POLICY: dict[str, Any] = {
    "id": "D00008834",
    "documentType": "POLICY",
    "title": "Bijzondere voorwaarden",
    "issuedOn": "2022-06-15",
    "language": "nl",
    "policyNumber": "10/0655918/01",
    "partyId": "P0000813",
    "mimeType": "application/pdf",
    "sizeBytes": 1135,
}
# scala-self-employed (P0000812): a tax certificate in French
TAX_CERT: dict[str, Any] = {
    "id": "D00008805",
    "documentType": "TAX_CERT",
    "title": "Attestation fiscale 2024",
    "issuedOn": "2025-02-25",
    "language": "fr",
    "policyNumber": "23/9259212/01",
    "partyId": "P0000812",
    "mimeType": "application/pdf",
    "sizeBytes": 1163,
}
# a claims-history certificate of another customer
CLAIMS_HIST: dict[str, Any] = {
    "id": "D00000464",
    "documentType": "CLAIMS_HIST",
    "title": "Schadeattest",
    "issuedOn": "2025-01-17",
    "language": "nl",
    "policyNumber": "10/0840909/10",
    "partyId": "P0000066",
    "mimeType": "application/pdf",
    "sizeBytes": 1113,
}
# GET /contracts/21/4533307/01/documents?page=1&size=3 (web-life-nonlife's Life Plan)
LIFE_PLAN_PAGE: dict[str, Any] = {
    "items": [
        {
            "id": "D00008813",
            "documentType": "PRM_PROOF",
            "title": "Attest premiebetaling 2024",
            "issuedOn": "2025-02-10",
            "language": "nl",
            "policyNumber": "21/4533307/01",
            "partyId": "P0000813",
            "mimeType": "application/pdf",
            "sizeBytes": 1143,
        },
        {
            "id": "D00008812",
            "documentType": "ANN_STMT",
            "title": "Jaaroverzicht 2024",
            "issuedOn": "2025-01-20",
            "language": "nl",
            "policyNumber": "21/4533307/01",
            "partyId": "P0000813",
            "mimeType": "application/pdf",
            "sizeBytes": 1127,
        },
        {
            "id": "D00008811",
            "documentType": "PRM_PROOF",
            "title": "Attest premiebetaling 2023",
            "issuedOn": "2024-02-10",
            "language": "nl",
            "policyNumber": "21/4533307/01",
            "partyId": "P0000813",
            "mimeType": "application/pdf",
            "sizeBytes": 1143,
        },
    ],
    "page": 1,
    "size": 3,
    "totalItems": 8,
    "totalPages": 3,
}

GREEN_CARD_META = DocumentMeta(
    id="D00008835",
    type=DocumentType.GREEN_CARD,
    title="Groene kaart 2025",
    issued_on=date(2024, 12, 1),
    language=Language.NL,
    contract=ContractKey(655918, 1),
    party_id="P0000813",
    mime_type="application/pdf",
    size_bytes=1125,
)
CAR_POLICY_META = DocumentMeta(
    id="D00008834",
    type=DocumentType.POLICY,
    title="Bijzondere voorwaarden",
    issued_on=date(2022, 6, 15),
    language=Language.NL,
    contract=ContractKey(655918, 1),
    party_id="P0000813",
    mime_type="application/pdf",
    size_bytes=1135,
)
TAX_CERT_META = DocumentMeta(
    id="D00008805",
    type=DocumentType.TAX_CERTIFICATE,
    title="Attestation fiscale 2024",
    issued_on=date(2025, 2, 25),
    language=Language.FR,
    contract=ContractKey(9259212, 1),
    party_id="P0000812",
    mime_type="application/pdf",
    size_bytes=1163,
)


def answer(body: Any, status: int = 200) -> httpx.Response:
    return httpx.Response(
        status,
        content=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json"},
    )


def store_error(status: int, message: str) -> httpx.Response:
    codes = {
        400: "BAD_REQUEST",
        404: "NOT_FOUND",
        429: "TOO_MANY_REQUESTS",
        500: "INTERNAL_ERROR",
        502: "BAD_GATEWAY",
        503: "SERVICE_UNAVAILABLE",
    }
    body = {"errorCode": codes[status], "errorMessage": message, "httpStatus": status}
    return answer(body, status)


def sent(route: respx.Route) -> list[Any]:
    return [json.loads(call.request.content) for call in route.calls]


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=False) as mocked:
        yield mocked


@pytest.fixture(scope="module")
def tls() -> ssl.SSLContext:
    return ssl.create_default_context()


@pytest.fixture
async def store(tls: ssl.SSLContext) -> AsyncIterator[DocumentsAdapter]:
    async with httpx.AsyncClient(base_url=BASE, verify=tls) as client:
        yield DocumentsAdapter(client)


async def test_the_adapter_is_a_documents_port(store: DocumentsAdapter) -> None:
    port: DocumentsPort = store  # checked by mypy
    assert port is store


# POST /parties/documents/batch


async def test_documents_of_parties(router: respx.MockRouter, store: DocumentsAdapter) -> None:
    route = router.post("/parties/documents/batch").mock(
        return_value=answer(
            {"parties": {"P0000813": [GREEN_CARD, CAR_POLICY], "P0000812": [TAX_CERT]}}
        )
    )
    found = await store.documents_of_parties(["P0000813", "P0000812"])
    assert found == {
        "P0000813": [GREEN_CARD_META, CAR_POLICY_META],
        "P0000812": [TAX_CERT_META],
    }
    assert sent(route) == [{"partyIds": ["P0000813", "P0000812"]}]


async def test_every_asked_party_is_in_the_result_even_without_documents(
    router: respx.MockRouter, store: DocumentsAdapter
) -> None:
    router.post("/parties/documents/batch").mock(
        return_value=answer({"parties": {"P0000813": [GREEN_CARD], "P9999999": []}})
    )
    found = await store.documents_of_parties(["P0000813", "P9999999"])
    assert found == {"P0000813": [GREEN_CARD_META], "P9999999": []}


@pytest.mark.parametrize(
    ("types", "codes"),
    [
        (frozenset({DocumentType.PREMIUM_PROOF}), "PRM_PROOF"),
        (frozenset({DocumentType.TAX_CERTIFICATE}), "TAX_CERT"),
        (frozenset({DocumentType.ANNUAL_STATEMENT}), "ANN_STMT"),
        (frozenset({DocumentType.POLICY}), "POLICY"),
        (frozenset({DocumentType.GREEN_CARD}), "GREEN_CARD"),
        (frozenset({DocumentType.CLAIMS_HISTORY}), "CLAIMS_HIST"),
        (
            frozenset(
                {
                    DocumentType.PREMIUM_PROOF,
                    DocumentType.TAX_CERTIFICATE,
                    DocumentType.ANNUAL_STATEMENT,
                }
            ),
            "ANN_STMT,PRM_PROOF,TAX_CERT",
        ),
    ],
)
async def test_d2_types_are_asked_with_the_store_codes(
    router: respx.MockRouter, store: DocumentsAdapter, types: frozenset[DocumentType], codes: str
) -> None:
    route = router.post("/parties/documents/batch").mock(
        return_value=answer({"parties": {"P0000813": []}})
    )
    assert await store.documents_of_parties(["P0000813"], types) == {"P0000813": []}
    assert sent(route) == [{"partyIds": ["P0000813"], "type": codes}]


async def test_documents_of_other_types_are_left_out(
    router: respx.MockRouter, store: DocumentsAdapter
) -> None:
    """Should the store answer more than asked, only the asked types are kept."""
    router.post("/parties/documents/batch").mock(
        return_value=answer({"parties": {"P0000813": [GREEN_CARD, CAR_POLICY]}})
    )
    found = await store.documents_of_parties(["P0000813"], frozenset({DocumentType.POLICY}))
    assert found == {"P0000813": [CAR_POLICY_META]}


async def test_asking_for_other_documents_filters_here_not_at_the_store(
    router: respx.MockRouter, store: DocumentsAdapter
) -> None:
    """The store has no code for 'other': every type is fetched and filtered here."""
    unknown = {**GREEN_CARD, "id": "D00009999", "documentType": "MANDATE"}
    route = router.post("/parties/documents/batch").mock(
        return_value=answer({"parties": {"P0000813": [unknown, CAR_POLICY]}})
    )
    found = await store.documents_of_parties(
        ["P0000813"], frozenset({DocumentType.OTHER, DocumentType.GREEN_CARD})
    )
    assert [d.id for d in found["P0000813"]] == ["D00009999"]
    assert sent(route) == [{"partyIds": ["P0000813"]}]


async def test_no_types_no_documents_no_call(
    router: respx.MockRouter, store: DocumentsAdapter
) -> None:
    route = router.post("/parties/documents/batch")
    assert await store.documents_of_parties(["P0000813"], frozenset()) == {"P0000813": []}
    assert route.call_count == 0


async def test_no_parties_no_call(router: respx.MockRouter, store: DocumentsAdapter) -> None:
    route = router.post("/parties/documents/batch")
    assert await store.documents_of_parties([]) == {}
    assert route.call_count == 0


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("PRM_PROOF", DocumentType.PREMIUM_PROOF),
        ("TAX_CERT", DocumentType.TAX_CERTIFICATE),
        ("ANN_STMT", DocumentType.ANNUAL_STATEMENT),
        ("POLICY", DocumentType.POLICY),
        ("GREEN_CARD", DocumentType.GREEN_CARD),
        ("CLAIMS_HIST", DocumentType.CLAIMS_HISTORY),
        ("MANDATE", DocumentType.OTHER),
        ("policy", DocumentType.OTHER),
    ],
)
async def test_document_type_mapping(
    router: respx.MockRouter, store: DocumentsAdapter, code: str, kind: DocumentType
) -> None:
    router.post("/documents/metadata/batch").mock(
        return_value=answer({"documents": [{**CLAIMS_HIST, "documentType": code}], "unknown": []})
    )
    found = await store.documents(["D00000464"])
    assert found["D00000464"].type is kind


@pytest.mark.parametrize(
    ("code", "language"),
    [("nl", Language.NL), ("fr", Language.FR), ("en", Language.EN), ("de", Language.DE)],
)
async def test_document_language_mapping(
    router: respx.MockRouter, store: DocumentsAdapter, code: str, language: Language
) -> None:
    router.post("/documents/metadata/batch").mock(
        return_value=answer({"documents": [{**TAX_CERT, "language": code}], "unknown": []})
    )
    assert (await store.documents(["D00008805"]))["D00008805"].language is language


@pytest.mark.parametrize(
    ("number", "key"),
    [
        ("10/0655918/01", ContractKey(655918, 1)),
        ("23/9259212/01", ContractKey(9259212, 1)),
        ("10/0840909/10", ContractKey(840909, 10)),
        ("01/1561363/14", ContractKey(1561363, 14)),
    ],
)
async def test_the_policy_number_is_a_contract_key(
    router: respx.MockRouter, store: DocumentsAdapter, number: str, key: ContractKey
) -> None:
    router.post("/documents/metadata/batch").mock(
        return_value=answer({"documents": [{**TAX_CERT, "policyNumber": number}], "unknown": []})
    )
    assert (await store.documents(["D00008805"]))["D00008805"].contract == key


async def test_a_document_of_no_contract(router: respx.MockRouter, store: DocumentsAdapter) -> None:
    router.post("/documents/metadata/batch").mock(
        return_value=answer({"documents": [{**TAX_CERT, "policyNumber": None}], "unknown": []})
    )
    assert (await store.documents(["D00008805"]))["D00008805"].contract is None


@pytest.mark.parametrize(
    ("count", "chunks"),
    [(1, [1]), (500, [500]), (501, [500, 1]), (1250, [500, 500, 250])],
)
async def test_party_batches_are_chunked_by_500(
    router: respx.MockRouter, store: DocumentsAdapter, count: int, chunks: list[int]
) -> None:
    assert BATCH_SIZE == 500

    def echo(request: httpx.Request) -> httpx.Response:
        ids = json.loads(request.content)["partyIds"]
        return answer({"parties": {party_id: [] for party_id in ids}})

    route = router.post("/parties/documents/batch").mock(side_effect=echo)
    ids = [f"P{n:07d}" for n in range(1, count + 1)]
    found = await store.documents_of_parties(ids)
    chunked = sorted(body["partyIds"] for body in sent(route))
    assert [len(chunk) for chunk in chunked] == chunks
    assert [i for chunk in chunked for i in chunk] == ids
    assert found == {party_id: [] for party_id in ids}


async def test_party_batches_are_sent_concurrently(
    router: respx.MockRouter, store: DocumentsAdapter
) -> None:
    def echo(request: httpx.Request) -> httpx.Response:
        ids = json.loads(request.content)["partyIds"]
        return answer({"parties": {party_id: [] for party_id in ids}})

    route = router.post("/parties/documents/batch").mock(side_effect=all_at_once(3, echo))
    found = await store.documents_of_parties([f"P{n:07d}" for n in range(1, 1201)])
    assert len(found) == 1200
    assert route.call_count == 3


async def test_repeated_parties_are_asked_once(
    router: respx.MockRouter, store: DocumentsAdapter
) -> None:
    route = router.post("/parties/documents/batch").mock(
        return_value=answer({"parties": {"P0000813": [GREEN_CARD]}})
    )
    found = await store.documents_of_parties(["P0000813", "P0000813"])
    assert found == {"P0000813": [GREEN_CARD_META]}
    assert sent(route) == [{"partyIds": ["P0000813"]}]


def parties_with(items: Any) -> dict[str, Any]:
    return {"parties": {"P0000813": items}}


def without(body: dict[str, Any], name: str) -> dict[str, Any]:
    return {key: value for key, value in body.items() if key != name}


BROKEN_DOCUMENTS = [
    pytest.param(without(GREEN_CARD, "id"), id="missing id"),
    pytest.param(without(GREEN_CARD, "title"), id="missing title"),
    pytest.param(without(GREEN_CARD, "documentType"), id="missing documentType"),
    pytest.param({**GREEN_CARD, "issuedOn": "01/12/2024"}, id="issuedOn not ISO"),
    pytest.param({**GREEN_CARD, "issuedOn": "2024-02-30"}, id="no such day"),
    pytest.param({**GREEN_CARD, "language": "es"}, id="unknown language"),
    pytest.param({**GREEN_CARD, "language": None}, id="language null"),
    pytest.param({**GREEN_CARD, "policyNumber": "0655918.01"}, id="policy number not printed"),
    pytest.param({**GREEN_CARD, "policyNumber": "10065591801"}, id="policy number bare"),
    pytest.param({**GREEN_CARD, "policyNumber": "10/655918/01"}, id="base of 6 digits"),
    pytest.param({**GREEN_CARD, "policyNumber": 10065591801}, id="policy number a number"),
    pytest.param({**GREEN_CARD, "sizeBytes": "1125"}, id="sizeBytes a string"),
    pytest.param({**GREEN_CARD, "sizeBytes": -1}, id="negative size"),
    pytest.param({**GREEN_CARD, "sizeBytes": 1125.0}, id="sizeBytes a float"),
    pytest.param(without(GREEN_CARD, "mimeType"), id="missing mimeType"),
    pytest.param("D00008835", id="an id, not a document"),
]


@pytest.mark.parametrize("document", BROKEN_DOCUMENTS)
async def test_a_broken_document_in_a_party_batch_is_a_protocol_error(
    router: respx.MockRouter, store: DocumentsAdapter, document: Any
) -> None:
    router.post("/parties/documents/batch").mock(return_value=answer(parties_with([document])))
    with pytest.raises(BackendProtocolError) as caught:
        await store.documents_of_parties(["P0000813"])
    assert caught.value.system == "documents"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"parties": {}}, id="an asked party missing"),
        pytest.param({"parties": {"P0000813": None}}, id="documents null"),
        pytest.param({"parties": {"P0000813": GREEN_CARD}}, id="documents an object"),
        pytest.param({"parties": [GREEN_CARD]}, id="parties a list"),
        pytest.param({}, id="missing parties"),
        pytest.param(parties_with([TAX_CERT]), id="a document of another party"),
        pytest.param([GREEN_CARD], id="a list, not an object"),
    ],
)
async def test_a_broken_party_batch_is_a_protocol_error(
    router: respx.MockRouter, store: DocumentsAdapter, body: Any
) -> None:
    router.post("/parties/documents/batch").mock(return_value=answer(body))
    with pytest.raises(BackendProtocolError) as caught:
        await store.documents_of_parties(["P0000813"])
    assert caught.value.system == "documents"


# GET /contracts/{number}/documents


LIFE_PLAN_ITEMS = (
    DocumentMeta(
        id="D00008813",
        type=DocumentType.PREMIUM_PROOF,
        title="Attest premiebetaling 2024",
        issued_on=date(2025, 2, 10),
        language=Language.NL,
        contract=ContractKey(4533307, 1),
        party_id="P0000813",
        mime_type="application/pdf",
        size_bytes=1143,
    ),
    DocumentMeta(
        id="D00008812",
        type=DocumentType.ANNUAL_STATEMENT,
        title="Jaaroverzicht 2024",
        issued_on=date(2025, 1, 20),
        language=Language.NL,
        contract=ContractKey(4533307, 1),
        party_id="P0000813",
        mime_type="application/pdf",
        size_bytes=1127,
    ),
    DocumentMeta(
        id="D00008811",
        type=DocumentType.PREMIUM_PROOF,
        title="Attest premiebetaling 2023",
        issued_on=date(2024, 2, 10),
        language=Language.NL,
        contract=ContractKey(4533307, 1),
        party_id="P0000813",
        mime_type="application/pdf",
        size_bytes=1143,
    ),
)


async def test_documents_of_a_contract(router: respx.MockRouter, store: DocumentsAdapter) -> None:
    route = router.get("/contracts/21/4533307/01/documents").mock(
        return_value=answer(LIFE_PLAN_PAGE)
    )
    found = await store.documents_of_contract("21/4533307/01", page=1, size=3)
    assert found == Page(items=LIFE_PLAN_ITEMS, next="2", total=8)
    assert dict(route.calls.last.request.url.params) == {"page": "1", "size": "3"}


@pytest.mark.parametrize("number", ["21/4533307/01", "21.4533307.01", "21453330701"])
async def test_the_contract_number_is_sent_as_printed(
    router: respx.MockRouter, store: DocumentsAdapter, number: str
) -> None:
    route = router.get("/contracts/21/4533307/01/documents").mock(
        return_value=answer(LIFE_PLAN_PAGE)
    )
    await store.documents_of_contract(number, page=1, size=3)
    assert route.call_count == 1


async def test_the_last_page_has_no_next(router: respx.MockRouter, store: DocumentsAdapter) -> None:
    last = {**LIFE_PLAN_PAGE, "items": LIFE_PLAN_PAGE["items"][:2], "page": 3}
    router.get("/contracts/21/4533307/01/documents").mock(return_value=answer(last))
    found = await store.documents_of_contract("21/4533307/01", page=3, size=3)
    assert found == Page(items=LIFE_PLAN_ITEMS[:2], next=None, total=8)


async def test_a_page_past_the_end_is_empty(
    router: respx.MockRouter, store: DocumentsAdapter
) -> None:
    past = {**LIFE_PLAN_PAGE, "items": [], "page": 7}
    router.get("/contracts/21/4533307/01/documents").mock(return_value=answer(past))
    found = await store.documents_of_contract("21/4533307/01", page=7, size=3)
    assert found == Page(items=(), next=None, total=8)


async def test_a_contract_in_acceptance_has_no_documents(
    router: respx.MockRouter, store: DocumentsAdapter
) -> None:
    empty = {"items": [], "page": 1, "size": 20, "totalItems": 0, "totalPages": 0}
    router.get("/contracts/10/0574576/14/documents").mock(return_value=answer(empty))
    found = await store.documents_of_contract("10/0574576/14", page=1, size=20)
    assert found == Page(items=(), next=None, total=0)


async def test_an_unknown_contract_is_not_found(
    router: respx.MockRouter, store: DocumentsAdapter
) -> None:
    router.get("/contracts/21/4533308/01/documents").mock(
        return_value=store_error(404, "no such contract")
    )
    with pytest.raises(BackendNotFound) as caught:
        await store.documents_of_contract("21/4533308/01", page=1, size=20)
    assert caught.value.system == "documents"


@pytest.mark.parametrize(
    "number", ["", "4533307-01", "21/4533307/01/../../x", "21/4533307/01x", "21/4533307/01?"]
)
async def test_a_number_that_is_no_printed_number_is_not_found_without_a_call(
    router: respx.MockRouter, store: DocumentsAdapter, number: str
) -> None:
    route = router.route()
    with pytest.raises(BackendNotFound):
        await store.documents_of_contract(number, page=1, size=20)
    assert route.call_count == 0


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(
            {**LIFE_PLAN_PAGE, "items": [{**GREEN_CARD, "issuedOn": "2024-02-30"}]}, id="bad date"
        ),
        pytest.param(without(LIFE_PLAN_PAGE, "totalPages"), id="missing totalPages"),
        pytest.param(without(LIFE_PLAN_PAGE, "totalItems"), id="missing totalItems"),
        pytest.param({**LIFE_PLAN_PAGE, "totalPages": "3"}, id="totalPages a string"),
        pytest.param({**LIFE_PLAN_PAGE, "items": None}, id="items null"),
        pytest.param([LIFE_PLAN_PAGE], id="a list, not an object"),
    ],
)
async def test_a_broken_contract_page_is_a_protocol_error(
    router: respx.MockRouter, store: DocumentsAdapter, body: Any
) -> None:
    router.get("/contracts/21/4533307/01/documents").mock(return_value=answer(body))
    with pytest.raises(BackendProtocolError) as caught:
        await store.documents_of_contract("21/4533307/01", page=1, size=3)
    assert caught.value.system == "documents"


async def test_bad_paging_is_rejected(router: respx.MockRouter, store: DocumentsAdapter) -> None:
    router.get("/contracts/21/4533307/01/documents").mock(
        return_value=store_error(400, "page must be >= 1 and size between 1 and 100")
    )
    with pytest.raises(BackendRejected) as caught:
        await store.documents_of_contract("21/4533307/01", page=1, size=101)
    assert caught.value.status == 400


# POST /documents/metadata/batch


async def test_documents_by_id(router: respx.MockRouter, store: DocumentsAdapter) -> None:
    route = router.post("/documents/metadata/batch").mock(
        return_value=answer({"documents": [GREEN_CARD, TAX_CERT], "unknown": ["D99999999"]})
    )
    found = await store.documents(["D00008835", "D99999999", "D00008805"])
    assert found == {"D00008835": GREEN_CARD_META, "D00008805": TAX_CERT_META}
    assert sent(route) == [{"ids": ["D00008835", "D99999999", "D00008805"]}]


async def test_a_document_that_was_not_asked_for_is_ignored(
    router: respx.MockRouter, store: DocumentsAdapter
) -> None:
    router.post("/documents/metadata/batch").mock(
        return_value=answer({"documents": [GREEN_CARD, TAX_CERT], "unknown": []})
    )
    assert await store.documents(["D00008835"]) == {"D00008835": GREEN_CARD_META}


async def test_no_ids_no_call(router: respx.MockRouter, store: DocumentsAdapter) -> None:
    route = router.post("/documents/metadata/batch")
    assert await store.documents([]) == {}
    assert route.call_count == 0


@pytest.mark.parametrize(("count", "chunks"), [(500, [500]), (1001, [500, 500, 1])])
async def test_id_batches_are_chunked_by_500_and_sent_concurrently(
    router: respx.MockRouter, store: DocumentsAdapter, count: int, chunks: list[int]
) -> None:
    def echo(request: httpx.Request) -> httpx.Response:
        ids = json.loads(request.content)["ids"]
        return answer({"documents": [{**GREEN_CARD, "id": i} for i in ids], "unknown": []})

    route = router.post("/documents/metadata/batch").mock(
        side_effect=all_at_once(len(chunks), echo)
    )
    ids = [f"D{n:08d}" for n in range(count)]
    found = await store.documents(ids)
    assert sorted(len(body["ids"]) for body in sent(route)) == sorted(chunks)
    assert sorted(found) == ids


@pytest.mark.parametrize("document", BROKEN_DOCUMENTS)
async def test_a_broken_document_by_id_is_a_protocol_error(
    router: respx.MockRouter, store: DocumentsAdapter, document: Any
) -> None:
    router.post("/documents/metadata/batch").mock(
        return_value=answer({"documents": [document], "unknown": []})
    )
    with pytest.raises(BackendProtocolError) as caught:
        await store.documents(["D00008835"])
    assert caught.value.system == "documents"


@pytest.mark.parametrize(
    "body",
    [{"unknown": []}, {"documents": None}, {"documents": GREEN_CARD}, [GREEN_CARD]],
    ids=["missing documents", "documents null", "documents an object", "a list"],
)
async def test_a_broken_id_batch_is_a_protocol_error(
    router: respx.MockRouter, store: DocumentsAdapter, body: Any
) -> None:
    router.post("/documents/metadata/batch").mock(return_value=answer(body))
    with pytest.raises(BackendProtocolError) as caught:
        await store.documents(["D00008835"])
    assert caught.value.system == "documents"


# failures of the store itself


@pytest.mark.parametrize("status", [429, 500, 502, 503])
async def test_5xx_and_429_are_unavailable(
    router: respx.MockRouter, store: DocumentsAdapter, status: int
) -> None:
    router.post("/parties/documents/batch").mock(return_value=store_error(status, "failure"))
    router.post("/documents/metadata/batch").mock(return_value=store_error(status, "failure"))
    router.get("/contracts/21/4533307/01/documents").mock(
        return_value=store_error(status, "failure")
    )
    with pytest.raises(BackendUnavailable) as by_party:
        await store.documents_of_parties(["P0000813"])
    with pytest.raises(BackendUnavailable) as by_id:
        await store.documents(["D00008835"])
    with pytest.raises(BackendUnavailable) as by_contract:
        await store.documents_of_contract("21/4533307/01", page=1, size=3)
    assert {by_party.value.system, by_id.value.system, by_contract.value.system} == {"documents"}


async def test_a_timeout_is_unavailable(router: respx.MockRouter, store: DocumentsAdapter) -> None:
    router.post("/parties/documents/batch").mock(side_effect=httpx.ReadTimeout("timed out"))
    with pytest.raises(BackendUnavailable, match="timed out") as caught:
        await store.documents_of_parties(["P0000813"])
    assert caught.value.system == "documents"


async def test_an_answer_that_is_not_json(
    router: respx.MockRouter, store: DocumentsAdapter
) -> None:
    router.post("/documents/metadata/batch").respond(200, text="<html>maintenance</html>")
    with pytest.raises(BackendProtocolError, match="not JSON") as caught:
        await store.documents(["D00008835"])
    assert caught.value.system == "documents"
