"""The CRM adapter against respx, with answers in the CRM's own JSON.

The payloads are copies of what the sandbox CRM (sandbox/systems/crm.py) answers for persons of
the seed-42 world: a single read carries the person's ETag as a header, a batch read carries it
as an "etag" field of each person; JSON is UTF-8; national numbers are printed with separators.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
import respx

from bff.adapters.crm import BATCH_SIZE, CrmAdapter, CrmPort, NoMobileNumber
from bff.adapters.errors import (
    BackendNotFound,
    BackendProtocolError,
    BackendRejected,
    BackendUnavailable,
)
from bff.domain.records import (
    Company,
    CompanyMandate,
    Language,
    Mandate,
    MandateRole,
    Notification,
    NotificationCategory,
    Page,
    Party,
    PostalAddress,
)
from tests.bff.adapters.concurrent import all_at_once

pytestmark = pytest.mark.anyio

BASE = "http://crm.test"

# GET /parties?nrn=78011064917 (strategy-investor persona)
LARS: dict[str, Any] = {
    "id": "P0000808",
    "nationalNumber": "78.01.10-649.17",
    "firstName": "Lars",
    "lastName": "Claes",
    "birthDate": "1978-01-10",
    "gender": "M",
    "language": "nl",
    "resident": True,
    "address": {
        "street": "Beekstraat",
        "number": "3 bus 11",
        "postcode": "2018",
        "city": "Antwerpen",
        "country": "BE",
    },
    "email": "lars.claes@example.net",
    "phone": "+32470491429",
    "iban": "BE15 0686 2385 5830",
    "deliveryPreference": "DIGITAL",
}
LARS_ETAG = '"c-P0000808-1"'
LARS_PARTY = Party(
    id="P0000808",
    national_number="78011064917",
    first_name="Lars",
    last_name="Claes",
    birth_date=date(1978, 1, 10),
    language=Language.NL,
    resident=True,
    address=PostalAddress(
        street="Beekstraat", number="3 bus 11", postcode="2018", city="Antwerpen", country="BE"
    ),
    email="lars.claes@example.net",
    phone="+32470491429",
    contact_version='"c-P0000808-1"',
    iban="BE15068623855830",
    paper_delivery=False,
)

# GET /parties/P0000022: French-speaking, an accented first name
EMILIE: dict[str, Any] = {
    "id": "P0000022",
    "nationalNumber": "77.01.14-744.72",
    "firstName": "Émilie",
    "lastName": "Lecomte",
    "birthDate": "1977-01-14",
    "gender": "F",
    "language": "fr",
    "resident": True,
    "address": {
        "street": "Rue Neuve",
        "number": "82",
        "postcode": "1300",
        "city": "Wavre",
        "country": "BE",
    },
    "email": "emilie.lecomte@example.com",
    "phone": "+32477522924",
    "iban": "BE80 7350 1445 2277",
    "deliveryPreference": "DIGITAL",
}

# the non-resident-sms persona: no Belgian national number (null), living in the Netherlands
DIRK: dict[str, Any] = {
    "id": "P0000819",
    "nationalNumber": None,
    "firstName": "Dirk",
    "lastName": "Van de Velde",
    "birthDate": "1980-05-07",
    "gender": "M",
    "language": "nl",
    "resident": False,
    "address": {
        "street": "Oudegracht",
        "number": "225",
        "postcode": "6219 GX",
        "city": "Maastricht",
        "country": "NL",
    },
    "email": "dirk.vandevelde@example.org",
    "phone": "+31621848922",
    "iban": "NL86 ASNB 4064 7196 24",
    "deliveryPreference": "PAPER",
}

# a baby: no e-mail, no phone, no IBAN
FIEN: dict[str, Any] = {
    "id": "P0000003",
    "nationalNumber": "26.02.14-282.81",
    "firstName": "Fien",
    "lastName": "Jacobs",
    "birthDate": "2026-02-14",
    "gender": "F",
    "language": "nl",
    "resident": True,
    "address": {
        "street": "Dorpsstraat",
        "number": "82",
        "postcode": "3000",
        "city": "Leuven",
        "country": "BE",
    },
    "email": None,
    "phone": None,
    "iban": None,
    "deliveryPreference": "DIGITAL",
}

NOT_FOUND = {
    "type": "about:blank",
    "title": "Not Found",
    "status": 404,
    "code": "PARTY_NOT_FOUND",
    "detail": "no party with this national register number",
}


def problem(status: int) -> dict[str, Any]:
    titles = {
        400: ("Bad Request", "INVALID_NRN", "a national register number has 11 digits"),
        422: ("Unprocessable Entity", "VALIDATION_FAILED", "the request has invalid fields"),
        429: ("Too Many Requests", "TOO_MANY_REQUESTS", "too many requests"),
        500: ("Internal Server Error", "INTERNAL_ERROR", "internal error"),
        502: ("Bad Gateway", "BAD_GATEWAY", "bad gateway: system unreachable"),
        503: ("Service Unavailable", "SERVICE_UNAVAILABLE", "system in maintenance"),
    }
    title, code, detail = titles[status]
    return {"type": "about:blank", "title": title, "status": status, "code": code, "detail": detail}


def utf8_json(body: Any) -> bytes:
    """The CRM's JSON bytes (Starlette's JSONResponse: UTF-8, non-ASCII left as is)."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def party_answer(body: Any, etag: str | None = LARS_ETAG, status: int = 200) -> httpx.Response:
    headers = {"Content-Type": "application/json"}
    if etag is not None:
        headers["ETag"] = etag
    return httpx.Response(status, content=utf8_json(body), headers=headers)


def problem_answer(status: int, body: dict[str, Any], **headers: str) -> httpx.Response:
    return httpx.Response(
        status,
        content=utf8_json(body),
        headers={"Content-Type": "application/problem+json", **headers},
    )


def batch_item(person: dict[str, Any], version: int = 1) -> dict[str, Any]:
    return {**person, "etag": f'"c-{person["id"]}-{version}"'}


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=False) as mocked:
        yield mocked


@pytest.fixture(scope="module")
def tls() -> ssl.SSLContext:
    return ssl.create_default_context()  # made once: building one per client is slow


@pytest.fixture
async def crm(tls: ssl.SSLContext) -> AsyncIterator[CrmAdapter]:
    async with httpx.AsyncClient(base_url=BASE, verify=tls) as client:
        yield CrmAdapter(client)


async def test_the_adapter_is_a_crm_port(crm: CrmAdapter) -> None:
    port: CrmPort = crm  # checked by mypy
    assert port is crm


# GET /parties?nrn=


async def test_party_by_national_number(router: respx.MockRouter, crm: CrmAdapter) -> None:
    route = router.get("/parties").mock(return_value=party_answer(LARS))
    assert await crm.party_by_national_number("78011064917") == LARS_PARTY
    sent = route.calls.last.request
    assert sent.method == "GET"
    assert sent.url.path == "/parties"
    assert dict(sent.url.params) == {"nrn": "78011064917"}


async def test_an_unknown_national_number_is_none(
    router: respx.MockRouter, crm: CrmAdapter
) -> None:
    router.get("/parties", params={"nrn": "85073003328"}).mock(
        return_value=problem_answer(404, NOT_FOUND)
    )
    assert await crm.party_by_national_number("85073003328") is None


async def test_accented_names_are_read_from_utf8(router: respx.MockRouter, crm: CrmAdapter) -> None:
    router.get("/parties").mock(return_value=party_answer(EMILIE, etag='"c-P0000022-1"'))
    party = await crm.party_by_national_number("77011474472")
    assert party == Party(
        id="P0000022",
        national_number="77011474472",
        first_name="Émilie",
        last_name="Lecomte",
        birth_date=date(1977, 1, 14),
        language=Language.FR,
        resident=True,
        address=PostalAddress(
            street="Rue Neuve", number="82", postcode="1300", city="Wavre", country="BE"
        ),
        email="emilie.lecomte@example.com",
        phone="+32477522924",
        contact_version='"c-P0000022-1"',
        iban="BE80735014452277",
        paper_delivery=False,
    )


async def test_missing_contact_details_are_none(router: respx.MockRouter, crm: CrmAdapter) -> None:
    router.get("/parties").mock(return_value=party_answer(FIEN, etag='"c-P0000003-1"'))
    party = await crm.party_by_national_number("26021428281")
    assert party is not None
    assert party.email is None
    assert party.phone is None
    assert party.birth_date == date(2026, 2, 14)
    assert party.contact_version == '"c-P0000003-1"'


@pytest.mark.parametrize(
    ("printed", "digits"),
    [
        ("78.01.10-649.17", "78011064917"),  # how the CRM prints it
        ("78011064917", "78011064917"),
        ("78 01 10 649 17", "78011064917"),
        ("780110-649-17", "78011064917"),
    ],
)
async def test_the_national_number_is_normalised_to_digits(
    router: respx.MockRouter, crm: CrmAdapter, printed: str, digits: str
) -> None:
    router.get("/parties").mock(return_value=party_answer({**LARS, "nationalNumber": printed}))
    party = await crm.party_by_national_number("78011064917")
    assert party is not None
    assert party.national_number == digits


@pytest.mark.parametrize(
    ("code", "language"),
    [("nl", Language.NL), ("fr", Language.FR), ("en", Language.EN), ("de", Language.DE)],
)
async def test_language_mapping(
    router: respx.MockRouter, crm: CrmAdapter, code: str, language: Language
) -> None:
    router.get("/parties").mock(return_value=party_answer({**LARS, "language": code}))
    party = await crm.party_by_national_number("78011064917")
    assert party is not None
    assert party.language is language


async def test_the_contact_version_is_the_etag_header(
    router: respx.MockRouter, crm: CrmAdapter
) -> None:
    """Kept verbatim (quotes included): it goes back as If-Match on a contact change."""
    router.get("/parties").mock(return_value=party_answer(LARS, etag='"c-P0000808-4"'))
    party = await crm.party_by_national_number("78011064917")
    assert party is not None
    assert party.contact_version == '"c-P0000808-4"'


# POST /parties/batch


async def test_batch_parties(router: respx.MockRouter, crm: CrmAdapter) -> None:
    answer = {
        "parties": [batch_item(LARS), batch_item(DIRK, version=3)],
        "unknown": ["P9999999"],
    }
    route = router.post("/parties/batch").respond(
        200, content=utf8_json(answer), headers={"Content-Type": "application/json"}
    )
    found = await crm.parties(["P0000808", "P9999999", "P0000819"])
    assert found == {
        "P0000808": LARS_PARTY,
        "P0000819": Party(
            id="P0000819",
            national_number=None,
            first_name="Dirk",
            last_name="Van de Velde",
            birth_date=date(1980, 5, 7),
            language=Language.NL,
            resident=False,
            address=PostalAddress(
                street="Oudegracht",
                number="225",
                postcode="6219 GX",
                city="Maastricht",
                country="NL",
            ),
            email="dirk.vandevelde@example.org",
            phone="+31621848922",
            contact_version='"c-P0000819-3"',
            iban="NL86ASNB4064719624",
            paper_delivery=True,
        ),
    }
    assert route.call_count == 1
    sent = route.calls.last.request
    assert sent.headers["content-type"] == "application/json"
    assert json.loads(sent.content) == {"ids": ["P0000808", "P9999999", "P0000819"]}


async def test_batch_of_only_unknown_ids_is_empty(
    router: respx.MockRouter, crm: CrmAdapter
) -> None:
    router.post("/parties/batch").respond(200, json={"parties": [], "unknown": ["P9999999"]})
    assert await crm.parties(["P9999999"]) == {}


async def test_no_ids_no_call(router: respx.MockRouter, crm: CrmAdapter) -> None:
    route = router.post("/parties/batch").respond(200, json={"parties": [], "unknown": []})
    assert await crm.parties([]) == {}
    assert route.call_count == 0


def generated_person(party_id: str) -> dict[str, Any]:
    return {**LARS, "id": party_id, "nationalNumber": None}


@pytest.mark.parametrize(
    ("count", "chunks"),
    [(1, [1]), (500, [500]), (501, [500, 1]), (1250, [500, 500, 250])],
)
async def test_batches_are_chunked_by_the_crm_limit_of_500(
    router: respx.MockRouter, crm: CrmAdapter, count: int, chunks: list[int]
) -> None:
    assert BATCH_SIZE == 500

    def answer(request: httpx.Request) -> httpx.Response:
        ids = json.loads(request.content)["ids"]
        parties = [batch_item(generated_person(i)) for i in ids]
        return httpx.Response(200, content=utf8_json({"parties": parties, "unknown": []}))

    route = router.post("/parties/batch").mock(side_effect=answer)
    ids = [f"P{n:07d}" for n in range(1, count + 1)]
    found = await crm.parties(ids)
    sent = sorted(json.loads(call.request.content)["ids"] for call in route.calls)
    assert [len(chunk) for chunk in sent] == chunks
    assert [i for chunk in sent for i in chunk] == ids  # each id once, in order
    assert sorted(found) == ids
    assert found[ids[-1]].contact_version == f'"c-{ids[-1]}-1"'


async def test_a_failing_chunk_fails_the_batch(router: respx.MockRouter, crm: CrmAdapter) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if json.loads(request.content)["ids"][0] == "P0000500":
            return problem_answer(503, problem(503), **{"Retry-After": "600"})
        return httpx.Response(200, content=utf8_json({"parties": [], "unknown": []}))

    router.post("/parties/batch").mock(side_effect=answer)
    with pytest.raises(BackendUnavailable) as caught:
        await crm.parties([f"P{n:07d}" for n in range(1000)])
    assert caught.value.system == "crm"
    assert caught.value.retry_after_s == 600.0


# malformed and partial answers


def without(body: dict[str, Any], name: str) -> dict[str, Any]:
    return {key: value for key, value in body.items() if key != name}


def with_address(**changes: Any) -> dict[str, Any]:
    return {**LARS, "address": {**LARS["address"], **changes}}


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(without(LARS, "lastName"), id="missing lastName"),
        pytest.param(without(LARS, "birthDate"), id="missing birthDate"),
        pytest.param(without(LARS, "resident"), id="missing resident"),
        pytest.param(without(LARS, "address"), id="missing address"),
        pytest.param(without(LARS, "language"), id="missing language"),
        pytest.param(without(LARS, "id"), id="missing id"),
        pytest.param(with_address(city=None), id="missing address.city"),
        pytest.param({**LARS, "resident": "true"}, id="resident as a string"),
        pytest.param({**LARS, "birthDate": 19780110}, id="birthDate as a number"),
        pytest.param({**LARS, "nationalNumber": 78011064917}, id="nationalNumber as a number"),
        pytest.param({**LARS, "email": ["lars.claes@example.net"]}, id="email as a list"),
        pytest.param({**LARS, "address": "Beekstraat 3 bus 11"}, id="address as a string"),
        pytest.param(with_address(postcode=2018), id="postcode as a number"),
        pytest.param({**LARS, "birthDate": "1978-02-30"}, id="no such day"),
        pytest.param({**LARS, "birthDate": "10/01/1978"}, id="not an ISO date"),
        pytest.param({**LARS, "language": "es"}, id="unknown language"),
        pytest.param({**LARS, "language": "NL"}, id="language in capitals"),
        pytest.param([LARS], id="a list, not an object"),
    ],
)
async def test_a_broken_party_is_a_protocol_error(
    router: respx.MockRouter, crm: CrmAdapter, body: Any
) -> None:
    router.get("/parties").mock(return_value=party_answer(body))
    with pytest.raises(BackendProtocolError) as caught:
        await crm.party_by_national_number("78011064917")
    assert caught.value.system == "crm"
    assert "1978" not in str(caught.value)  # no personal data in the message


async def test_an_unknown_language_is_named(router: respx.MockRouter, crm: CrmAdapter) -> None:
    router.get("/parties").mock(return_value=party_answer({**LARS, "language": "es"}))
    with pytest.raises(BackendProtocolError, match="unknown language code 'es'") as caught:
        await crm.party_by_national_number("78011064917")
    assert caught.value.system == "crm"


@pytest.mark.parametrize(
    "content",
    [
        b"<html><body><h1>502 Bad Gateway</h1></body></html>",
        b"",
        utf8_json(LARS)[:-20],
    ],
    ids=["html", "empty", "cut off"],
)
async def test_a_party_answer_that_is_not_json(
    router: respx.MockRouter, crm: CrmAdapter, content: bytes
) -> None:
    router.get("/parties").respond(200, content=content, headers={"ETag": LARS_ETAG})
    with pytest.raises(BackendProtocolError, match="not JSON") as caught:
        await crm.party_by_national_number("78011064917")
    assert caught.value.system == "crm"


async def test_a_party_without_etag_is_a_protocol_error(
    router: respx.MockRouter, crm: CrmAdapter
) -> None:
    router.get("/parties").mock(return_value=party_answer(LARS, etag=None))
    with pytest.raises(BackendProtocolError, match="ETag") as caught:
        await crm.party_by_national_number("78011064917")
    assert caught.value.system == "crm"


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param({"unknown": []}, id="missing parties"),
        pytest.param({"parties": None, "unknown": []}, id="parties null"),
        pytest.param({"parties": batch_item(LARS), "unknown": []}, id="parties an object"),
        pytest.param({"parties": ["P0000808"], "unknown": []}, id="an id, not a party"),
        pytest.param({"parties": [LARS], "unknown": []}, id="a party without etag"),
        pytest.param(
            {"parties": [{**batch_item(LARS), "etag": 1}], "unknown": []}, id="etag a number"
        ),
        pytest.param(
            {"parties": [batch_item(DIRK), without(batch_item(LARS), "firstName")]},
            id="second party missing firstName",
        ),
        pytest.param([batch_item(LARS)], id="a list, not an object"),
    ],
)
async def test_a_broken_batch_is_a_protocol_error(
    router: respx.MockRouter, crm: CrmAdapter, answer: Any
) -> None:
    router.post("/parties/batch").respond(200, content=utf8_json(answer))
    with pytest.raises(BackendProtocolError) as caught:
        await crm.parties(["P0000808", "P0000819"])
    assert caught.value.system == "crm"


async def test_a_batch_answer_that_is_not_json(router: respx.MockRouter, crm: CrmAdapter) -> None:
    router.post("/parties/batch").respond(200, text="Service temporarily unavailable")
    with pytest.raises(BackendProtocolError, match="not JSON") as caught:
        await crm.parties(["P0000808"])
    assert caught.value.system == "crm"


# failures of the system itself


async def test_connection_refused_is_unavailable(router: respx.MockRouter, crm: CrmAdapter) -> None:
    router.get("/parties").mock(side_effect=httpx.ConnectError("[Errno 111] Connection refused"))
    with pytest.raises(BackendUnavailable) as caught:
        await crm.party_by_national_number("78011064917")
    assert caught.value.system == "crm"


async def test_a_timeout_is_unavailable(router: respx.MockRouter, crm: CrmAdapter) -> None:
    router.post("/parties/batch").mock(side_effect=httpx.ReadTimeout("timed out"))
    with pytest.raises(BackendUnavailable, match="timed out") as caught:
        await crm.parties(["P0000808"])
    assert caught.value.system == "crm"


async def test_429_is_unavailable_with_retry_after(
    router: respx.MockRouter, crm: CrmAdapter
) -> None:
    router.get("/parties").mock(
        return_value=problem_answer(429, problem(429), **{"Retry-After": "7"})
    )
    with pytest.raises(BackendUnavailable) as caught:
        await crm.party_by_national_number("78011064917")
    assert caught.value.system == "crm"
    assert caught.value.retry_after_s == 7.0


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_5xx_is_unavailable(router: respx.MockRouter, crm: CrmAdapter, status: int) -> None:
    router.get("/parties").mock(return_value=problem_answer(status, problem(status)))
    with pytest.raises(BackendUnavailable) as caught:
        await crm.party_by_national_number("78011064917")
    assert caught.value.system == "crm"


async def test_400_is_rejected(router: respx.MockRouter, crm: CrmAdapter) -> None:
    router.get("/parties").mock(return_value=problem_answer(400, problem(400)))
    with pytest.raises(BackendRejected) as caught:
        await crm.party_by_national_number("7801106491")
    assert caught.value.system == "crm"
    assert caught.value.status == 400


async def test_422_on_a_batch_is_rejected(router: respx.MockRouter, crm: CrmAdapter) -> None:
    body = {
        **problem(422),
        "errors": [{"field": "ids", "code": "INVALID_TYPE", "message": "ids must be a list"}],
    }
    router.post("/parties/batch").mock(return_value=problem_answer(422, body))
    with pytest.raises(BackendRejected) as caught:
        await crm.parties(["P0000808"])
    assert caught.value.system == "crm"
    assert caught.value.status == 422


async def test_batch_chunks_are_sent_concurrently(
    router: respx.MockRouter, crm: CrmAdapter
) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=utf8_json({"parties": [], "unknown": []}))

    route = router.post("/parties/batch").mock(side_effect=all_at_once(3, answer))
    assert await crm.parties([f"P{n:07d}" for n in range(1, 1201)]) == {}
    assert route.call_count == 3


async def test_repeated_ids_are_asked_once(router: respx.MockRouter, crm: CrmAdapter) -> None:
    route = router.post("/parties/batch").respond(
        200, content=utf8_json({"parties": [batch_item(LARS)], "unknown": []})
    )
    assert await crm.parties(["P0000808", "P0000808"]) == {"P0000808": LARS_PARTY}
    assert json.loads(route.calls.last.request.content) == {"ids": ["P0000808"]}


# iban and delivery preference (D3)


async def test_the_iban_is_kept_without_its_groups(
    router: respx.MockRouter, crm: CrmAdapter
) -> None:
    router.get("/parties").mock(return_value=party_answer(DIRK, etag='"c-P0000819-1"'))
    party = await crm.party_by_national_number("80050700000")
    assert party is not None
    assert party.iban == "NL86ASNB4064719624"


async def test_no_iban_is_none(router: respx.MockRouter, crm: CrmAdapter) -> None:
    router.get("/parties").mock(return_value=party_answer(FIEN, etag='"c-P0000003-1"'))
    party = await crm.party_by_national_number("26021428281")
    assert party is not None
    assert party.iban is None


@pytest.mark.parametrize(("preference", "paper"), [("DIGITAL", False), ("PAPER", True)])
async def test_d3_delivery_preference_maps_to_paper_delivery(
    router: respx.MockRouter, crm: CrmAdapter, preference: str, paper: bool
) -> None:
    router.get("/parties").mock(
        return_value=party_answer({**LARS, "deliveryPreference": preference})
    )
    party = await crm.party_by_national_number("78011064917")
    assert party is not None
    assert party.paper_delivery is paper


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({**LARS, "deliveryPreference": "EMAIL"}, id="unknown preference"),
        pytest.param({**LARS, "deliveryPreference": "paper"}, id="preference in lower case"),
        pytest.param(without(LARS, "deliveryPreference"), id="missing preference"),
        pytest.param({**LARS, "iban": 15068623855830}, id="iban as a number"),
    ],
)
async def test_a_broken_iban_or_preference_is_a_protocol_error(
    router: respx.MockRouter, crm: CrmAdapter, body: dict[str, Any]
) -> None:
    router.get("/parties").mock(return_value=party_answer(body))
    with pytest.raises(BackendProtocolError) as caught:
        await crm.party_by_national_number("78011064917")
    assert caught.value.system == "crm"


# GET /parties/{id}/notifications

# GET /parties/P0000001/notifications?page=1&size=3 (French-speaking person, seed 42)
CATHERINE_NOTIFICATIONS: dict[str, Any] = {
    "items": [
        {
            "id": "N00000004",
            "category": "payment",
            "title": "Prime reçue",
            "body": "Nous avons bien reçu le paiement de votre prime.",
            "createdAt": "2025-06-22T15:40:00+00:00",
            "read": False,
        },
        {
            "id": "N00000003",
            "category": "document",
            "title": "Nouveau document",
            "body": "Un nouveau document est disponible.",
            "createdAt": "2025-06-08T13:54:00+00:00",
            "read": False,
        },
        {
            "id": "N00000002",
            "category": "payment",
            "title": "Prime reçue",
            "body": "Nous avons bien reçu le paiement de votre prime.",
            "createdAt": "2025-05-17T08:42:00+00:00",
            "read": True,
        },
    ],
    "page": 1,
    "size": 3,
    "totalItems": 4,
    "totalPages": 2,
    "unreadCount": 3,
}

# GET /parties/P0000809/notifications?page=1&size=3 (strategy-investor): one page only
LARS_NOTIFICATIONS: dict[str, Any] = {
    "items": [
        {
            "id": "N00001001",
            "category": "document",
            "title": "Nieuw document",
            "body": "Er staat een nieuw document voor u klaar.",
            "createdAt": "2025-04-07T18:27:00+00:00",
            "read": True,
        }
    ],
    "page": 1,
    "size": 3,
    "totalItems": 1,
    "totalPages": 1,
    "unreadCount": 0,
}


def json_answer(body: Any, status: int = 200) -> httpx.Response:
    return httpx.Response(
        status, content=utf8_json(body), headers={"Content-Type": "application/json"}
    )


def notification(**changes: Any) -> dict[str, Any]:
    return {**LARS_NOTIFICATIONS["items"][0], **changes}


def notifications_with(item: Any) -> dict[str, Any]:
    return {**LARS_NOTIFICATIONS, "items": [item]}


async def test_notifications_page(router: respx.MockRouter, crm: CrmAdapter) -> None:
    route = router.get("/parties/P0000001/notifications").mock(
        return_value=json_answer(CATHERINE_NOTIFICATIONS)
    )
    listing, unread = await crm.notifications("P0000001", unread_only=False, page=1, size=3)
    assert listing == Page(
        items=(
            Notification(
                id="N00000004",
                category=NotificationCategory.PAYMENT,
                title="Prime reçue",
                body="Nous avons bien reçu le paiement de votre prime.",
                created_at=datetime(2025, 6, 22, 15, 40, tzinfo=UTC),
                read=False,
            ),
            Notification(
                id="N00000003",
                category=NotificationCategory.DOCUMENT,
                title="Nouveau document",
                body="Un nouveau document est disponible.",
                created_at=datetime(2025, 6, 8, 13, 54, tzinfo=UTC),
                read=False,
            ),
            Notification(
                id="N00000002",
                category=NotificationCategory.PAYMENT,
                title="Prime reçue",
                body="Nous avons bien reçu le paiement de votre prime.",
                created_at=datetime(2025, 5, 17, 8, 42, tzinfo=UTC),
                read=True,
            ),
        ),
        next="2",
        total=4,
    )
    assert unread == 3
    assert dict(route.calls.last.request.url.params) == {"page": "1", "size": "3"}


async def test_the_last_notifications_page_has_no_next(
    router: respx.MockRouter, crm: CrmAdapter
) -> None:
    router.get("/parties/P0000809/notifications").mock(return_value=json_answer(LARS_NOTIFICATIONS))
    listing, unread = await crm.notifications("P0000809", unread_only=False, page=1, size=3)
    assert listing.next is None
    assert listing.total == 1
    assert unread == 0


async def test_unread_only_asks_the_crm_for_unread(
    router: respx.MockRouter, crm: CrmAdapter
) -> None:
    # GET /parties/P0000001/notifications?unread=true&page=1&size=1
    answer = {
        **CATHERINE_NOTIFICATIONS,
        "items": CATHERINE_NOTIFICATIONS["items"][:1],
        "size": 1,
        "totalItems": 3,
        "totalPages": 3,
    }
    route = router.get("/parties/P0000001/notifications").mock(return_value=json_answer(answer))
    listing, unread = await crm.notifications("P0000001", unread_only=True, page=1, size=1)
    assert [n.id for n in listing.items] == ["N00000004"]
    assert (listing.next, listing.total, unread) == ("2", 3, 3)
    assert dict(route.calls.last.request.url.params) == {
        "unread": "true",
        "page": "1",
        "size": "1",
    }


async def test_a_page_past_the_end_is_empty(router: respx.MockRouter, crm: CrmAdapter) -> None:
    answer = {**CATHERINE_NOTIFICATIONS, "items": [], "page": 5}
    router.get("/parties/P0000001/notifications").mock(return_value=json_answer(answer))
    listing, unread = await crm.notifications("P0000001", unread_only=False, page=5, size=3)
    assert listing == Page(items=(), next=None, total=4)
    assert unread == 3


@pytest.mark.parametrize(
    ("code", "category"),
    [
        ("contract", NotificationCategory.CONTRACT),
        ("document", NotificationCategory.DOCUMENT),
        ("payment", NotificationCategory.PAYMENT),
        ("info", NotificationCategory.INFO),
        ("promotion", NotificationCategory.INFO),  # a category this BFF does not know yet
    ],
)
async def test_notification_category_mapping(
    router: respx.MockRouter, crm: CrmAdapter, code: str, category: NotificationCategory
) -> None:
    router.get("/parties/P0000809/notifications").mock(
        return_value=json_answer(notifications_with(notification(category=code)))
    )
    listing, _ = await crm.notifications("P0000809", unread_only=False, page=1, size=3)
    assert listing.items[0].category is category


async def test_notification_times_keep_their_offset(
    router: respx.MockRouter, crm: CrmAdapter
) -> None:
    item = notification(createdAt="2025-04-07T20:27:00+02:00")
    router.get("/parties/P0000809/notifications").mock(
        return_value=json_answer(notifications_with(item))
    )
    listing, _ = await crm.notifications("P0000809", unread_only=False, page=1, size=3)
    created = listing.items[0].created_at
    assert created.utcoffset() == timedelta(hours=2)
    assert created == datetime(2025, 4, 7, 18, 27, tzinfo=UTC)


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(notifications_with(notification(createdAt="2025-04-07T18:27:00")), id="naive"),
        pytest.param(notifications_with(notification(createdAt="07/04/2025")), id="not ISO"),
        pytest.param(notifications_with(notification(read="false")), id="read as a string"),
        pytest.param(notifications_with(without(notification(), "title")), id="missing title"),
        pytest.param(notifications_with(notification(category=None)), id="category null"),
        pytest.param(notifications_with("N00001001"), id="an id, not a notification"),
        pytest.param(without(LARS_NOTIFICATIONS, "unreadCount"), id="missing unreadCount"),
        pytest.param(without(LARS_NOTIFICATIONS, "totalPages"), id="missing totalPages"),
        pytest.param({**LARS_NOTIFICATIONS, "totalItems": "1"}, id="totalItems as a string"),
        pytest.param({**LARS_NOTIFICATIONS, "items": None}, id="items null"),
        pytest.param([LARS_NOTIFICATIONS], id="a list, not an object"),
    ],
)
async def test_a_broken_notifications_page_is_a_protocol_error(
    router: respx.MockRouter, crm: CrmAdapter, answer: Any
) -> None:
    router.get("/parties/P0000809/notifications").mock(return_value=json_answer(answer))
    with pytest.raises(BackendProtocolError) as caught:
        await crm.notifications("P0000809", unread_only=False, page=1, size=3)
    assert caught.value.system == "crm"


PARTY_NOT_FOUND = {
    "type": "about:blank",
    "title": "Not Found",
    "status": 404,
    "code": "PARTY_NOT_FOUND",
    "detail": "no such party",
}


async def test_notifications_of_an_unknown_party_are_not_found(
    router: respx.MockRouter, crm: CrmAdapter
) -> None:
    router.get("/parties/P9999999/notifications").mock(
        return_value=problem_answer(404, PARTY_NOT_FOUND)
    )
    with pytest.raises(BackendNotFound) as caught:
        await crm.notifications("P9999999", unread_only=False, page=1, size=20)
    assert caught.value.system == "crm"


@pytest.mark.parametrize("party_id", ["../companies/0611703972", "P0000809?x=1", ""])
async def test_a_party_id_that_is_no_path_segment_is_not_found_without_a_call(
    router: respx.MockRouter, crm: CrmAdapter, party_id: str
) -> None:
    route = router.route()
    with pytest.raises(BackendNotFound):
        await crm.notifications(party_id, unread_only=False, page=1, size=20)
    with pytest.raises(BackendNotFound):
        await crm.mandates(party_id)
    assert route.call_count == 0


@pytest.mark.parametrize("status", [429, 500, 502, 503])
async def test_notifications_unavailable(
    router: respx.MockRouter, crm: CrmAdapter, status: int
) -> None:
    router.get("/parties/P0000809/notifications").mock(
        return_value=problem_answer(status, problem(status))
    )
    with pytest.raises(BackendUnavailable) as caught:
        await crm.notifications("P0000809", unread_only=False, page=1, size=3)
    assert caught.value.system == "crm"


async def test_notifications_timeout_is_unavailable(
    router: respx.MockRouter, crm: CrmAdapter
) -> None:
    router.get("/parties/P0000809/notifications").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(BackendUnavailable, match="timed out"):
        await crm.notifications("P0000809", unread_only=False, page=1, size=3)


async def test_bad_paging_is_rejected(router: respx.MockRouter, crm: CrmAdapter) -> None:
    body = {
        "type": "about:blank",
        "title": "Bad Request",
        "status": 400,
        "code": "INVALID_PAGING",
        "detail": "page must be >= 1 and size between 1 and 100",
    }
    router.get("/parties/P0000809/notifications").mock(return_value=problem_answer(400, body))
    with pytest.raises(BackendRejected) as caught:
        await crm.notifications("P0000809", unread_only=False, page=0, size=3)
    assert caught.value.status == 400


# GET /parties/{id}/mandates (A10)

# GET /parties/P0000821/mandates (company-manager)
MANAGER_MANDATES: dict[str, Any] = {
    "partyId": "P0000821",
    "companies": [
        {
            "enterpriseNumber": "0611.703.972",
            "name": "Architectenbureau Van Acker BV",
            "role": "DIGITAL_MANAGER",
        },
        {"enterpriseNumber": "0846.302.927", "name": "Kinésithérapie Dubois SC", "role": "USER"},
    ],
}


async def test_a10_mandates_of_a_person(router: respx.MockRouter, crm: CrmAdapter) -> None:
    router.get("/parties/P0000821/mandates").mock(return_value=json_answer(MANAGER_MANDATES))
    assert await crm.mandates("P0000821") == [
        CompanyMandate(
            enterprise_number="0611703972",
            name="Architectenbureau Van Acker BV",
            role=MandateRole.DIGITAL_MANAGER,
        ),
        CompanyMandate(
            enterprise_number="0846302927",
            name="Kinésithérapie Dubois SC",
            role=MandateRole.USER,
        ),
    ]


async def test_a_person_acting_for_no_company_has_no_mandates(
    router: respx.MockRouter, crm: CrmAdapter
) -> None:
    router.get("/parties/P0000809/mandates").mock(
        return_value=json_answer({"partyId": "P0000809", "companies": []})
    )
    assert await crm.mandates("P0000809") == []


async def test_mandates_of_an_unknown_party_are_not_found(
    router: respx.MockRouter, crm: CrmAdapter
) -> None:
    router.get("/parties/P9999999/mandates").mock(return_value=problem_answer(404, PARTY_NOT_FOUND))
    with pytest.raises(BackendNotFound) as caught:
        await crm.mandates("P9999999")
    assert caught.value.system == "crm"


def mandate(**changes: Any) -> dict[str, Any]:
    return {"partyId": "P0000821", "companies": [{**MANAGER_MANDATES["companies"][0], **changes}]}


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(mandate(role="MANAGER"), id="unknown role"),
        pytest.param(mandate(role="digital_manager"), id="role in lower case"),
        pytest.param(mandate(enterpriseNumber="611.703.972"), id="enterprise number cut short"),
        pytest.param(mandate(enterpriseNumber="BE0611703972"), id="enterprise number with BE"),
        pytest.param(mandate(enterpriseNumber=611703972), id="enterprise number as a number"),
        pytest.param(mandate(name=None), id="name null"),
        pytest.param({"partyId": "P0000821"}, id="missing companies"),
    ],
)
async def test_a_broken_mandates_answer_is_a_protocol_error(
    router: respx.MockRouter, crm: CrmAdapter, answer: Any
) -> None:
    router.get("/parties/P0000821/mandates").mock(return_value=json_answer(answer))
    with pytest.raises(BackendProtocolError) as caught:
        await crm.mandates("P0000821")
    assert caught.value.system == "crm"


async def test_mandates_unavailable(router: respx.MockRouter, crm: CrmAdapter) -> None:
    router.get("/parties/P0000821/mandates").mock(return_value=problem_answer(502, problem(502)))
    with pytest.raises(BackendUnavailable) as caught:
        await crm.mandates("P0000821")
    assert caught.value.system == "crm"


# GET /companies/{number}

# GET /companies/0611703972 (company-manager's first company)
VAN_ACKER: dict[str, Any] = {
    "enterpriseNumber": "0611.703.972",
    "name": "Architectenbureau Van Acker BV",
    "legalForm": "BV",
    "address": {
        "street": "Nieuwstraat",
        "number": "83 bus 1",
        "postcode": "1800",
        "city": "Vilvoorde",
        "country": "BE",
    },
    "language": "nl",
    "mandates": [
        {"partyId": "P0000821", "role": "DIGITAL_MANAGER"},
        {"partyId": "P0000824", "role": "USER"},
    ],
}
VAN_ACKER_COMPANY = Company(
    enterprise_number="0611703972",
    name="Architectenbureau Van Acker BV",
    legal_form="BV",
    address=PostalAddress(
        street="Nieuwstraat", number="83 bus 1", postcode="1800", city="Vilvoorde", country="BE"
    ),
    language=Language.NL,
    mandates=(
        Mandate(party_id="P0000821", role=MandateRole.DIGITAL_MANAGER),
        Mandate(party_id="P0000824", role=MandateRole.USER),
    ),
)
COMPANY_NOT_FOUND = {
    "type": "about:blank",
    "title": "Not Found",
    "status": 404,
    "code": "COMPANY_NOT_FOUND",
    "detail": "no such company",
}


@pytest.mark.parametrize("number", ["0611.703.972", "0611703972", "611703972", "0611 703 972"])
async def test_company_is_asked_by_its_10_digits(
    router: respx.MockRouter, crm: CrmAdapter, number: str
) -> None:
    route = router.get("/companies/0611703972").mock(return_value=json_answer(VAN_ACKER))
    assert await crm.company(number) == VAN_ACKER_COMPANY
    assert route.call_count == 1


async def test_a_french_speaking_company(router: respx.MockRouter, crm: CrmAdapter) -> None:
    # GET /companies/0846302927
    dubois = {
        "enterpriseNumber": "0846.302.927",
        "name": "Kinésithérapie Dubois SC",
        "legalForm": "SC",
        "address": {
            "street": "Rue de l'Église",
            "number": "15",
            "postcode": "6000",
            "city": "Charleroi",
            "country": "BE",
        },
        "language": "fr",
        "mandates": [
            {"partyId": "P0000825", "role": "DIGITAL_MANAGER"},
            {"partyId": "P0000821", "role": "USER"},
        ],
    }
    router.get("/companies/0846302927").mock(return_value=json_answer(dubois))
    company = await crm.company("0846302927")
    assert company is not None
    assert (company.enterprise_number, company.language) == ("0846302927", Language.FR)
    assert company.address.street == "Rue de l'Église"


async def test_an_unknown_company_is_none(router: respx.MockRouter, crm: CrmAdapter) -> None:
    router.get("/companies/0403019261").mock(return_value=problem_answer(404, COMPANY_NOT_FOUND))
    assert await crm.company("0403.019.261") is None


@pytest.mark.parametrize("number", ["", "abc", "0611.703.97", "06117039720", "../parties/P1"])
async def test_no_enterprise_number_is_no_company_without_a_call(
    router: respx.MockRouter, crm: CrmAdapter, number: str
) -> None:
    route = router.route()
    assert await crm.company(number) is None
    assert route.call_count == 0


def company_with(**changes: Any) -> dict[str, Any]:
    return {**VAN_ACKER, **changes}


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(company_with(language="es"), id="unknown language"),
        pytest.param(company_with(enterpriseNumber="0611-703-972"), id="odd enterprise number"),
        pytest.param(company_with(enterpriseNumber="0611.703.973"), id="wrong check digits"),
        pytest.param(company_with(mandates=[{"partyId": "P0000821"}]), id="mandate without role"),
        pytest.param(
            company_with(mandates=[{"partyId": "P0000821", "role": "OWNER"}]), id="unknown role"
        ),
        pytest.param(company_with(address=None), id="address null"),
        pytest.param(without(VAN_ACKER, "legalForm"), id="missing legalForm"),
        pytest.param(without(VAN_ACKER, "mandates"), id="missing mandates"),
    ],
)
async def test_a_broken_company_is_a_protocol_error(
    router: respx.MockRouter, crm: CrmAdapter, answer: Any
) -> None:
    router.get("/companies/0611703972").mock(return_value=json_answer(answer))
    with pytest.raises(BackendProtocolError) as caught:
        await crm.company("0611703972")
    assert caught.value.system == "crm"


async def test_company_unavailable(router: respx.MockRouter, crm: CrmAdapter) -> None:
    router.get("/companies/0611703972").mock(
        return_value=problem_answer(503, problem(503), **{"Retry-After": "600"})
    )
    with pytest.raises(BackendUnavailable) as caught:
        await crm.company("0611703972")
    assert caught.value.retry_after_s == 600.0


# activation codes (A5) and one-time SMS codes


def crm_problem(status: int, code: str, **extra: Any) -> httpx.Response:
    body = {"type": "about:blank", "title": "t", "status": status, "code": code, "detail": "d"}
    return problem_answer(status, {**body, **extra})


async def test_a5_a_valid_activation_names_the_party(
    router: respx.MockRouter, crm: CrmAdapter
) -> None:
    route = router.post("/activation/verify").mock(
        return_value=httpx.Response(200, json={"partyId": "P0000818"})
    )
    party = await crm.verify_activation("ABCD-EFGH-JKLM", date(1980, 5, 7), "6219 GX")
    assert party == "P0000818"
    sent = json.loads(route.calls.last.request.content)
    assert sent == {"code": "ABCD-EFGH-JKLM", "birthDate": "1980-05-07", "postcode": "6219 GX"}


async def test_a5_every_refused_activation_is_none(
    router: respx.MockRouter, crm: CrmAdapter
) -> None:
    router.post("/activation/verify").mock(return_value=crm_problem(400, "ACTIVATION_INVALID"))
    assert await crm.verify_activation("ABCD-EFGH-JKLM", date(1980, 5, 7), "1000") is None


async def test_another_activation_error_is_our_bug(
    router: respx.MockRouter, crm: CrmAdapter
) -> None:
    router.post("/activation/verify").mock(return_value=crm_problem(400, "INVALID_JSON"))
    with pytest.raises(BackendRejected):
        await crm.verify_activation("ABCD-EFGH-JKLM", date(1980, 5, 7), "1000")


async def test_send_otp_returns_the_otp_id(router: respx.MockRouter, crm: CrmAdapter) -> None:
    route = router.post("/otp").mock(
        return_value=httpx.Response(201, json={"otpId": "o-1", "expiresIn": 300})
    )
    assert await crm.send_otp("P0000818") == "o-1"
    assert json.loads(route.calls.last.request.content) == {"partyId": "P0000818"}


async def test_send_otp_without_a_mobile_number(router: respx.MockRouter, crm: CrmAdapter) -> None:
    router.post("/otp").mock(return_value=crm_problem(409, "NO_PHONE"))
    with pytest.raises(NoMobileNumber):
        await crm.send_otp("P0000003")


async def test_send_otp_to_an_unknown_party(router: respx.MockRouter, crm: CrmAdapter) -> None:
    router.post("/otp").mock(return_value=crm_problem(404, "PARTY_NOT_FOUND"))
    with pytest.raises(BackendNotFound):
        await crm.send_otp("P9999999")


async def test_send_otp_during_an_outage(router: respx.MockRouter, crm: CrmAdapter) -> None:
    router.post("/otp").mock(return_value=problem_answer(502, problem(502)))
    with pytest.raises(BackendUnavailable):
        await crm.send_otp("P0000818")


async def test_a_right_otp_names_the_party(router: respx.MockRouter, crm: CrmAdapter) -> None:
    route = router.post("/otp/verify").mock(
        return_value=httpx.Response(200, json={"partyId": "P0000818"})
    )
    assert await crm.verify_otp("o-1", "123456") == "P0000818"
    assert json.loads(route.calls.last.request.content) == {"otpId": "o-1", "code": "123456"}


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (400, "OTP_INVALID"),
        (400, "OTP_EXPIRED"),
        (400, "OTP_USED"),
        (400, "OTP_BLOCKED"),
        (404, "OTP_NOT_FOUND"),
    ],
)
async def test_every_refused_otp_is_none(
    router: respx.MockRouter, crm: CrmAdapter, status: int, code: str
) -> None:
    router.post("/otp/verify").mock(return_value=crm_problem(status, code, attemptsLeft=4))
    assert await crm.verify_otp("o-1", "000000") is None
