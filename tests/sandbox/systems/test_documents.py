from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from sandbox.control import Control, Controlled, Faults
from sandbox.systems import SystemContext
from sandbox.systems.documents import MAX_BATCH, create_app, render_error
from sandbox.world import (
    Address,
    Contract,
    ContractRole,
    ContractStatus,
    Document,
    DocumentType,
    Family,
    Gender,
    Language,
    Party,
    PaymentFrequency,
    Product,
    Role,
    World,
)

pytestmark = pytest.mark.anyio

LIFE = (12345, 7)  # branch 21: printed 21/0012345/07
CAR = (998877, 1)  # branch 10a: printed 10/0998877/01
STORE_CODES = {
    DocumentType.PREMIUM_PROOF: "PRM_PROOF",
    DocumentType.TAX_CERTIFICATE: "TAX_CERT",
    DocumentType.ANNUAL_STATEMENT: "ANN_STMT",
    DocumentType.POLICY: "POLICY",
    DocumentType.GREEN_CARD: "GREEN_CARD",
    DocumentType.CLAIMS_HISTORY: "CLAIMS_HIST",
}


def _party(party_id: str, first: str, last: str, language: Language) -> Party:
    return Party(
        id=party_id,
        nrn=None,
        first_name=first,
        last_name=last,
        birth_date=date(1980, 5, 17),
        gender=Gender.FEMALE,
        language=language,
        address=Address("Kerkstraat", "1", "9000", "Gent"),
        email=None,
        phone=None,
        iban=None,
    )


def _contract(key: tuple[int, int], product: str) -> Contract:
    return Contract(
        base=key[0],
        suffix=key[1],
        product=product,
        status=ContractStatus.ACTIVE,
        start_date=date(2018, 1, 1),
        end_date=None,
        status_date=date(2018, 1, 1),
        payment_frequency=PaymentFrequency.YEARLY,
        premium=Decimal("100.00"),
        language=Language.NL,
        broker_fsma="0403.019.261",
        roles=[ContractRole(Role.POLICYHOLDER, party_id="P0000001")],
    )


def _documents() -> dict[str, Document]:
    documents: dict[str, Document] = {}
    life_types = [
        DocumentType.PREMIUM_PROOF,
        DocumentType.TAX_CERTIFICATE,
        DocumentType.ANNUAL_STATEMENT,
    ]
    for n in range(11):  # P0000001, life contract: 11 documents on different days
        kind = life_types[n % 3]
        documents[f"D{n:04d}"] = Document(
            f"D{n:04d}", kind, "P0000001", LIFE, date(2020, 3, 1) + timedelta(days=97 * n),
            Language.NL, f"{kind.value} {2020 + n // 3}",
        )  # fmt: skip
    for n, kind in enumerate([DocumentType.POLICY, DocumentType.GREEN_CARD], start=20):
        documents[f"D{n:04d}"] = Document(
            f"D{n:04d}", kind, "P0000001", CAR, date(2021, 6, n), Language.NL, kind.value
        )
    documents["D0030"] = Document(
        "D0030", DocumentType.CLAIMS_HISTORY, "P0000002", None, date(2023, 2, 2), Language.FR,
        "Attestation de sinistralité (2018-2023)",
    )  # fmt: skip
    return documents


@pytest.fixture
def docs_world() -> World:
    products = {
        "life-plan": Product("life-plan", "Life Plan", Family.LIFE, "110", "21"),
        "car": Product("car", "Car", Family.NONLIFE, "510", "10a"),
    }
    return World(
        seed=0,
        as_of=date(2024, 6, 30),
        products=products,
        parties={
            "P0000001": _party("P0000001", "An", "Peeters", Language.NL),
            "P0000002": _party("P0000002", "Françoise", "Dubois", Language.FR),
        },
        companies={},
        brokers={},
        funds={},
        contracts={LIFE: _contract(LIFE, "life-plan"), CAR: _contract(CAR, "car")},
        documents=_documents(),
        notifications={},
        activation_codes=[],
        personas={},
    )


@pytest.fixture
async def docs_client(docs_world: World) -> AsyncIterator[httpx.AsyncClient]:
    ctx = SystemContext(docs_world, "documents", "http://127.0.0.1:1")
    transport = httpx.ASGITransport(app=create_app(ctx))
    async with httpx.AsyncClient(transport=transport, base_url="http://documents") as client:
        yield client


async def _walk(
    client: httpx.AsyncClient, path: str, size: int, **params: str
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        answer = await client.get(path, params={"page": str(page), "size": str(size), **params})
        assert answer.status_code == 200
        body = answer.json()
        assert body["page"] == page
        assert body["size"] == size
        items += body["items"]
        if page >= body["totalPages"]:
            assert len(items) == body["totalItems"]
            return items
        assert len(body["items"]) == size
        page += 1


async def test_party_documents_pages_walk_every_document_once_newest_first(
    docs_client: httpx.AsyncClient, docs_world: World
) -> None:
    items = await _walk(docs_client, "/parties/P0000001/documents", size=4)

    expected = [d for d in docs_world.documents.values() if d.party_id == "P0000001"]
    assert sorted(i["id"] for i in items) == sorted(d.id for d in expected)
    days = [i["issuedOn"] for i in items]
    assert days == sorted(days, reverse=True)
    params = {"page": "9", "size": "4"}
    beyond = await docs_client.get("/parties/P0000001/documents", params=params)
    assert beyond.json()["items"] == []


async def test_metadata_renders_the_record_in_the_store_codes(
    docs_client: httpx.AsyncClient, docs_world: World
) -> None:
    record = docs_world.documents["D0021"]
    body = (await docs_client.get("/documents/D0021")).json()

    assert body == {
        "id": "D0021",
        "documentType": "GREEN_CARD",
        "title": record.title,
        "issuedOn": record.day.isoformat(),
        "language": "nl",
        "policyNumber": "10/0998877/01",
        "partyId": "P0000001",
        "mimeType": "application/pdf",
        "sizeBytes": body["sizeBytes"],
    }
    other = (await docs_client.get("/documents/D0030")).json()
    assert other["policyNumber"] is None
    assert other["documentType"] == STORE_CODES[DocumentType.CLAIMS_HISTORY]


async def test_type_filter_takes_store_codes_and_refuses_unknown_ones(
    docs_client: httpx.AsyncClient, docs_world: World
) -> None:
    items = await _walk(
        docs_client, "/parties/P0000001/documents", size=2, type="TAX_CERT,ANN_STMT"
    )

    wanted = {DocumentType.TAX_CERTIFICATE, DocumentType.ANNUAL_STATEMENT}
    expected = {
        d.id for d in docs_world.documents.values() if d.party_id == "P0000001" and d.type in wanted
    }
    assert {i["id"] for i in items} == expected
    refused = await docs_client.get("/parties/P0000001/documents", params={"type": "FISCAL"})
    assert refused.status_code == 400
    assert refused.json()["errorCode"] == "BAD_REQUEST"


@pytest.mark.parametrize("params", [{"page": "0"}, {"size": "101"}, {"size": "x"}])
async def test_bad_paging_is_a_400(docs_client: httpx.AsyncClient, params: dict[str, str]) -> None:
    answer = await docs_client.get("/parties/P0000001/documents", params=params)
    assert answer.status_code == 400
    assert answer.json()["httpStatus"] == 400


async def test_a_party_without_documents_has_an_empty_list(docs_client: httpx.AsyncClient) -> None:
    body = (await docs_client.get("/parties/P9999999/documents")).json()
    assert body["items"] == []
    assert body["totalItems"] == 0


@pytest.mark.parametrize(
    "number",
    ["21/0012345/07", "21%2F0012345%2F07", "21.0012345.07", "21-0012345-07", "21001234507"],
)
async def test_contract_documents_by_any_separator_form(
    docs_client: httpx.AsyncClient, docs_world: World, number: str
) -> None:
    items = await _walk(docs_client, f"/contracts/{number}/documents", size=5)

    expected = {d.id for d in docs_world.documents.values() if d.contract == LIFE}
    assert {i["id"] for i in items} == expected
    assert {i["policyNumber"] for i in items} == {"21/0012345/07"}


async def test_contract_documents_of_an_unknown_number_or_wrong_branch_is_404(
    docs_client: httpx.AsyncClient,
) -> None:
    for number in ["21001234508", "23001234507", "0012345-07"]:
        answer = await docs_client.get(f"/contracts/{number}/documents")
        assert answer.status_code == 404
        assert answer.json()["errorCode"] == "NOT_FOUND"


async def test_content_is_a_pdf_whose_length_is_the_metadata_size(
    docs_client: httpx.AsyncClient, docs_world: World
) -> None:
    for doc_id in ["D0003", "D0020", "D0030"]:
        size = (await docs_client.get(f"/documents/{doc_id}")).json()["sizeBytes"]
        answer = await docs_client.get(f"/documents/{doc_id}/content")

        assert answer.status_code == 200
        assert answer.headers["content-type"] == "application/pdf"
        pdf = answer.content
        assert pdf.startswith(b"%PDF-1.4")
        assert pdf.endswith(b"%%EOF")
        assert len(pdf) == size == int(answer.headers["content-length"])
        record = docs_world.documents[doc_id]
        party = docs_world.parties[record.party_id]
        text = pdf.decode("latin-1")
        assert party.last_name in text
        assert record.day.strftime("%d/%m/%Y") in text


async def test_content_carries_title_party_name_and_policy_number(
    docs_client: httpx.AsyncClient,
) -> None:
    pdf = (await docs_client.get("/documents/D0030/content")).content
    assert b"(Attestation de sinistralit\\351 \\(2018-2023\\)) Tj" in pdf
    assert b"(Client: Fran\\347oise Dubois) Tj" in pdf
    assert b"Num\\351ro de police" not in pdf  # no contract, no policy line

    pdf = (await docs_client.get("/documents/D0020/content")).content
    assert b"(Polisnummer: 10/0998877/01) Tj" in pdf


async def test_content_etag_is_stable_and_if_none_match_gives_304(
    docs_client: httpx.AsyncClient,
) -> None:
    first = await docs_client.get("/documents/D0001/content")
    etag = first.headers["etag"]
    assert etag.startswith('"')
    assert (await docs_client.get("/documents/D0001/content")).headers["etag"] == etag
    assert (await docs_client.get("/documents/D0002/content")).headers["etag"] != etag
    cached = await docs_client.get("/documents/D0001/content", headers={"If-None-Match": etag})
    assert cached.status_code == 304
    assert cached.content == b""


async def test_unknown_document_is_a_404_in_the_store_format(
    docs_client: httpx.AsyncClient,
) -> None:
    for path in ["/documents/NOPE/content", "/documents/NOPE"]:
        answer = await docs_client.get(path)
        assert answer.status_code == 404
        assert answer.headers["content-type"] == "application/json"
        assert answer.json() == {
            "errorCode": "NOT_FOUND",
            "errorMessage": "no such document",
            "httpStatus": 404,
        }


async def test_metadata_batch_keeps_the_request_order_and_lists_unknown_ids(
    docs_client: httpx.AsyncClient,
) -> None:
    answer = await docs_client.post(
        "/documents/metadata/batch", json={"ids": ["D0030", "X", "D0002"]}
    )

    assert answer.status_code == 200
    body = answer.json()
    assert [d["id"] for d in body["documents"]] == ["D0030", "D0002"]
    assert body["unknown"] == ["X"]
    single = (await docs_client.get("/documents/D0002")).json()
    assert body["documents"][1] == single


async def test_party_batch_answers_every_party_asked(
    docs_client: httpx.AsyncClient, docs_world: World
) -> None:
    answer = await docs_client.post(
        "/parties/documents/batch", json={"partyIds": ["P0000002", "P0000001", "P0000404"]}
    )

    parties = answer.json()["parties"]
    assert set(parties) == {"P0000001", "P0000002", "P0000404"}
    for party_id, documents in parties.items():
        expected = {d.id for d in docs_world.documents.values() if d.party_id == party_id}
        assert {d["id"] for d in documents} == expected
    filtered = await docs_client.post(
        "/parties/documents/batch", json={"partyIds": ["P0000001"], "type": "POLICY"}
    )
    assert [d["id"] for d in filtered.json()["parties"]["P0000001"]] == ["D0020"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/documents/metadata/batch", {"ids": "D0001"}),
        ("/documents/metadata/batch", [1]),
        ("/parties/documents/batch", {"partyIds": [1]}),
        ("/parties/documents/batch", {"partyIds": ["P0000001"], "type": 3}),
    ],
)
async def test_batches_refuse_malformed_bodies(
    docs_client: httpx.AsyncClient, path: str, body: Any
) -> None:
    answer = await docs_client.post(path, json=body)
    assert answer.status_code == 400
    assert answer.json()["errorCode"] == "BAD_REQUEST"


async def test_fault_injection_answers_in_the_store_format(docs_world: World) -> None:
    ctx = SystemContext(docs_world, "documents", "http://127.0.0.1:1")
    control = Control("documents", defaults=Faults(error_rate=1.0))
    app = Controlled(create_app(ctx), control, render_error)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://documents") as client:
        answer = await client.get("/documents/D0001")
    assert answer.status_code == 500
    assert answer.json()["errorCode"] == "INTERNAL_ERROR"


@pytest.fixture(scope="module")
def docs_generated() -> World:
    from sandbox.generate import build_world

    return build_world(seed=42, as_of=date(2024, 6, 30))


async def test_generated_world_documents_render_with_exact_sizes(docs_generated: World) -> None:
    ctx = SystemContext(docs_generated, "documents", "http://127.0.0.1:1")
    transport = httpx.ASGITransport(app=create_app(ctx))
    party_id = next(iter(docs_generated.documents.values())).party_id
    expected = {d.id for d in docs_generated.documents.values() if d.party_id == party_id}
    async with httpx.AsyncClient(transport=transport, base_url="http://documents") as client:
        items = await _walk(client, f"/parties/{party_id}/documents", size=3)
        assert {i["id"] for i in items} == expected
        for item in items:
            content = (await client.get(f"/documents/{item['id']}/content")).content
            assert content.startswith(b"%PDF-1.4")
            assert len(content) == item["sizeBytes"]
        ids = list(docs_generated.documents)[:MAX_BATCH]
        batch = (await client.post("/documents/metadata/batch", json={"ids": ids})).json()
        assert [d["id"] for d in batch["documents"]] == ids
        record = docs_generated.documents[ids[-1]]
        assert record.contract is not None
        contract = docs_generated.contracts[record.contract]
        branch = "".join(c for c in docs_generated.products[contract.product].a509 if c.isdigit())
        number = f"{branch}{contract.base:07d}{contract.suffix:02d}"
        by_contract = await _walk(client, f"/contracts/{number}/documents", size=100)
        assert record.id in {i["id"] for i in by_contract}


# Unicode digits pass str.isdigit but are no ASCII number; int() alone also took " 5", "+5",
# "5_0" and read "٣" as 3. Paging takes ASCII digits only.
NOT_ASCII_WHOLE = {
    "superscript-two": "²",
    "arabic-indic-three": "٣",
    "fullwidth-five": "５",
    "plus": "+5",
    "space": " 5",
    "underscore": "5_0",
    "5000-digits": "9" * 5000,
}


@pytest.mark.parametrize("value", NOT_ASCII_WHOLE.values(), ids=NOT_ASCII_WHOLE.keys())
async def test_paging_takes_ascii_digits_only(docs_client: httpx.AsyncClient, value: str) -> None:
    for name in ("page", "size"):
        for path in ("/parties/P0000001/documents", "/contracts/21001234507/documents"):
            answer = await docs_client.get(path, params={name: value})
            assert answer.status_code == 400, (path, name)
            assert answer.json()["errorCode"] == "BAD_REQUEST"
    padded = await docs_client.get("/parties/P0000001/documents", params={"size": "002"})
    assert padded.json()["size"] == 2


@pytest.mark.parametrize("raw", [",", " , ", ",,", ""])
async def test_empty_type_items_mean_no_filter(docs_client: httpx.AsyncClient, raw: str) -> None:
    path = "/parties/P0000001/documents"
    everything = (await docs_client.get(path, params={"size": "100"})).json()
    assert everything["totalItems"] > 1
    listed = await docs_client.get(path, params={"size": "100", "type": raw})
    assert listed.status_code == 200
    assert listed.json() == everything
    batch = await docs_client.post(
        "/parties/documents/batch", json={"partyIds": ["P0000001"], "type": raw}
    )
    assert batch.json()["parties"]["P0000001"] == everything["items"]
    policies = (await docs_client.get(path, params={"type": f"POLICY{raw}"})).json()["items"]
    assert policies and {i["documentType"] for i in policies} == {"POLICY"}
