"""The HTTP plumbing every adapter shares (bff.adapters.http), against respx.

Statuses and bodies are the ones the sandbox systems answer (their error formats are
sandbox/systems/crm.py `render_error` and the fault injection of sandbox/control.py).
"""

from __future__ import annotations

import json
import ssl
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx

from bff.adapters.errors import (
    BackendError,
    BackendProtocolError,
    BackendRejected,
    BackendUnavailable,
)
from bff.adapters.http import JsonReader, json_of, send

pytestmark = pytest.mark.anyio

BASE = "http://crm.test"
SYSTEM = "crm"


def problem(status: int, title: str, code: str, detail: str) -> dict[str, Any]:
    """The CRM's application/problem+json error body."""
    return {"type": "about:blank", "title": title, "status": status, "code": code, "detail": detail}


def problem_response(status: int, body: dict[str, Any], **headers: str) -> httpx.Response:
    return httpx.Response(
        status,
        content=json.dumps(body).encode(),
        headers={"Content-Type": "application/problem+json", **headers},
    )


TOO_MANY = problem(429, "Too Many Requests", "TOO_MANY_REQUESTS", "too many requests")
MAINTENANCE = problem(503, "Service Unavailable", "SERVICE_UNAVAILABLE", "system in maintenance")
BAD_GATEWAY = problem(502, "Bad Gateway", "BAD_GATEWAY", "bad gateway: system unreachable")
INTERNAL = problem(500, "Internal Server Error", "INTERNAL_ERROR", "internal error")
INVALID_NRN = problem(400, "Bad Request", "INVALID_NRN", "a national register number has 11 digits")
NOT_FOUND = problem(404, "Not Found", "PARTY_NOT_FOUND", "no such party")


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=False) as mocked:
        yield mocked


@pytest.fixture(scope="module")
def tls() -> ssl.SSLContext:
    return ssl.create_default_context()  # made once: building one per client is slow


@pytest.fixture
async def client(tls: ssl.SSLContext) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=BASE, verify=tls) as http:
        yield http


def assert_names_system(error: BackendError, system: str = SYSTEM) -> None:
    assert error.system == system
    assert str(error).startswith(f"{system}: ")


# send: what goes out


async def test_send_passes_params_json_and_headers(
    router: respx.MockRouter, client: httpx.AsyncClient
) -> None:
    route = router.post("/parties/batch").respond(200, json={"parties": [], "unknown": []})
    response = await send(
        client,
        SYSTEM,
        "POST",
        "/parties/batch",
        params={"page": 2},
        json_body={"ids": ["P0000808"]},
        headers={"X-Correlation-Id": "abc-123"},
    )
    assert response.status_code == 200
    sent = route.calls.last.request
    assert sent.url == "http://crm.test/parties/batch?page=2"
    assert json.loads(sent.content) == {"ids": ["P0000808"]}
    assert sent.headers["content-type"] == "application/json"
    assert sent.headers["x-correlation-id"] == "abc-123"


async def test_send_passes_raw_content(router: respx.MockRouter, client: httpx.AsyncClient) -> None:
    route = router.post("/soap").respond(200, content=b"<ok/>")
    await send(
        client,
        "policy",
        "POST",
        "/soap",
        content=b"<a>\xe9</a>",
        headers={"Content-Type": "text/xml; charset=ISO-8859-1"},
    )
    assert route.calls.last.request.content == b"<a>\xe9</a>"


# send: which statuses are answers, which are failures


async def test_an_allowed_status_is_returned(
    router: respx.MockRouter, client: httpx.AsyncClient
) -> None:
    router.get("/parties/P0000000").mock(return_value=problem_response(404, NOT_FOUND))
    response = await send(client, SYSTEM, "GET", "/parties/P0000000", allow=frozenset({200, 404}))
    assert response.status_code == 404


async def test_a_404_not_allowed_is_rejected(
    router: respx.MockRouter, client: httpx.AsyncClient
) -> None:
    router.get("/parties/P0000000").mock(return_value=problem_response(404, NOT_FOUND))
    with pytest.raises(BackendRejected) as caught:
        await send(client, SYSTEM, "GET", "/parties/P0000000")
    assert caught.value.status == 404
    assert_names_system(caught.value)


async def test_400_is_rejected_with_its_status(
    router: respx.MockRouter, client: httpx.AsyncClient
) -> None:
    router.get("/parties").mock(return_value=problem_response(400, INVALID_NRN))
    with pytest.raises(BackendRejected) as caught:
        await send(client, SYSTEM, "GET", "/parties", params={"nrn": "12"})
    assert caught.value.status == 400
    assert caught.value.message == "refused GET /parties with 400"
    assert "12" not in str(caught.value)  # the query (personal data) is not repeated
    assert_names_system(caught.value)


async def test_429_with_retry_after_is_unavailable_for_that_long(
    router: respx.MockRouter, client: httpx.AsyncClient
) -> None:
    router.get("/parties").mock(
        return_value=problem_response(429, TOO_MANY, **{"Retry-After": "7"})
    )
    with pytest.raises(BackendUnavailable) as caught:
        await send(client, SYSTEM, "GET", "/parties")
    assert caught.value.retry_after_s == 7.0
    assert caught.value.message == "answered 429"
    assert_names_system(caught.value)


async def test_429_without_retry_after(router: respx.MockRouter, client: httpx.AsyncClient) -> None:
    router.get("/parties").mock(return_value=problem_response(429, TOO_MANY))
    with pytest.raises(BackendUnavailable) as caught:
        await send(client, SYSTEM, "GET", "/parties")
    assert caught.value.retry_after_s is None
    assert_names_system(caught.value)


@pytest.mark.parametrize(
    "value",
    [
        "Wed, 21 Oct 2015 07:28:00 GMT",  # the HTTP-date form is not read
        "soon",
        "",
        "nan",
        "inf",
        "-5",
    ],
)
async def test_an_unusable_retry_after_is_none(
    router: respx.MockRouter, client: httpx.AsyncClient, value: str
) -> None:
    router.get("/parties").mock(
        return_value=problem_response(429, TOO_MANY, **{"Retry-After": value})
    )
    with pytest.raises(BackendUnavailable) as caught:
        await send(client, SYSTEM, "GET", "/parties")
    assert caught.value.retry_after_s is None


async def test_503_maintenance_is_unavailable_with_retry_after(
    router: respx.MockRouter, client: httpx.AsyncClient
) -> None:
    router.get("/parties").mock(
        return_value=problem_response(503, MAINTENANCE, **{"Retry-After": "600"})
    )
    with pytest.raises(BackendUnavailable) as caught:
        await send(client, SYSTEM, "GET", "/parties")
    assert caught.value.retry_after_s == 600.0
    assert caught.value.message == "answered 503"
    assert_names_system(caught.value)


@pytest.mark.parametrize(("status", "body"), [(500, INTERNAL), (502, BAD_GATEWAY)])
async def test_5xx_is_unavailable(
    router: respx.MockRouter, client: httpx.AsyncClient, status: int, body: dict[str, Any]
) -> None:
    router.get("/parties").mock(return_value=problem_response(status, body))
    with pytest.raises(BackendUnavailable) as caught:
        await send(client, SYSTEM, "GET", "/parties")
    assert caught.value.retry_after_s is None
    assert caught.value.message == f"answered {status}"
    assert_names_system(caught.value)


async def test_a_5xx_in_allow_is_returned(
    router: respx.MockRouter, client: httpx.AsyncClient
) -> None:
    """The policy administration answers SOAP faults with 500: its adapter reads them itself."""
    router.post("/soap").respond(500, content=b"<fault/>")
    response = await send(client, "policy", "POST", "/soap", allow=frozenset({200, 500}))
    assert response.status_code == 500


# send: no answer at all


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ConnectTimeout("connect timed out"),
        httpx.ReadTimeout("read timed out"),
        httpx.WriteTimeout("write timed out"),
        httpx.PoolTimeout("no free connection"),
    ],
)
async def test_a_timeout_is_unavailable(
    router: respx.MockRouter, client: httpx.AsyncClient, exc: httpx.TimeoutException
) -> None:
    router.get("/parties").mock(side_effect=exc)
    with pytest.raises(BackendUnavailable) as caught:
        await send(client, SYSTEM, "GET", "/parties")
    assert caught.value.message == "timed out"
    assert caught.value.retry_after_s is None
    assert caught.value.__cause__ is None
    assert_names_system(caught.value)


@pytest.mark.parametrize(
    ("exc", "name"),
    [
        (httpx.ConnectError("[Errno 111] Connection refused"), "ConnectError"),
        (httpx.RemoteProtocolError("peer closed connection"), "RemoteProtocolError"),
        (httpx.ReadError("connection reset by peer"), "ReadError"),
    ],
)
async def test_a_connection_error_is_unavailable(
    router: respx.MockRouter, client: httpx.AsyncClient, exc: httpx.HTTPError, name: str
) -> None:
    router.get("/parties").mock(side_effect=exc)
    with pytest.raises(BackendUnavailable) as caught:
        await send(client, SYSTEM, "GET", "/parties")
    assert caught.value.message == f"unreachable ({name})"
    assert_names_system(caught.value)


# json_of


def test_json_of_reads_json() -> None:
    response = httpx.Response(200, content='{"firstName": "Émilie"}'.encode())
    assert json_of(SYSTEM, response) == {"firstName": "Émilie"}


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body>502 Bad Gateway</body></html>",
        b"",
        b'{"id": "P0000808"',  # cut off
        b'{"firstName": "\xc9milie"}',  # ISO-8859-1, not UTF-8
    ],
)
def test_json_of_refuses_what_is_not_json(body: bytes) -> None:
    with pytest.raises(BackendProtocolError) as caught:
        json_of(SYSTEM, httpx.Response(200, content=body))
    assert caught.value.message == "answer is not JSON"
    assert_names_system(caught.value)


# JsonReader

ANSWER: dict[str, Any] = {
    "id": "P0000808",
    "birthDate": "1978-01-10",
    "resident": True,
    "email": None,
    "count": 3,
    "amount": "1234.50",
    "address": {"city": "Antwerpen"},
    "parties": [{"id": "P0000808"}, {"id": "P0000819"}],
}


def reader() -> JsonReader:
    return JsonReader(SYSTEM, ANSWER, "party")


def test_reader_reads_each_kind_of_field() -> None:
    data = reader()
    assert data.text("id") == "P0000808"
    assert data.opt_text("email") is None
    assert data.opt_text("missing") is None
    assert data.opt_text("id") == "P0000808"
    assert data.flag("resident") is True
    assert data.integer("count") == 3
    assert data.day("birthDate") == date(1978, 1, 10)
    assert data.decimal("amount") == Decimal("1234.50")
    assert data.obj("address").text("city") == "Antwerpen"
    assert data.opt_obj("email") is None
    assert data.items("parties") == [{"id": "P0000808"}, {"id": "P0000819"}]
    assert [item.text("id") for item in data.objects("parties")] == ["P0000808", "P0000819"]


@pytest.mark.parametrize(
    ("read", "message"),
    [
        (lambda r: r.text("missing"), "party.missing: expected a string"),
        (lambda r: r.text("count"), "party.count: expected a string"),
        (lambda r: r.opt_text("resident"), "party.resident: expected a string or null"),
        (lambda r: r.flag("id"), "party.id: expected true or false"),
        (lambda r: r.flag("email"), "party.email: expected true or false"),
        (lambda r: r.integer("resident"), "party.resident: expected an integer"),
        (lambda r: r.integer("amount"), "party.amount: expected an integer"),
        (lambda r: r.day("id"), "party.id: expected an ISO date"),
        (lambda r: r.day("count"), "party.count: expected a string"),
        (lambda r: r.decimal("id"), "party.id: expected a decimal string"),
        (lambda r: r.obj("id"), "party.id: expected an object"),
        (lambda r: r.obj("missing"), "party.missing: expected an object"),
        (lambda r: r.items("address"), "party.address: expected a list"),
        (lambda r: r.obj("address").text("street"), "party.address.street: expected a string"),
        (
            lambda r: r.objects("parties")[1].flag("id"),
            "party.parties[1].id: expected true or false",
        ),
    ],
)
def test_reader_names_the_field_it_could_not_read(
    read: Callable[[JsonReader], object], message: str
) -> None:
    with pytest.raises(BackendProtocolError) as caught:
        read(reader())
    assert caught.value.message == message
    assert_names_system(caught.value)


@pytest.mark.parametrize("value", ["1978-02-30", "10/01/1978", "1978-13-01", ""])
def test_reader_refuses_a_bad_date_without_repeating_it(value: str) -> None:
    with pytest.raises(BackendProtocolError) as caught:
        JsonReader(SYSTEM, {"birthDate": value}, "party").day("birthDate")
    assert caught.value.message == "party.birthDate: expected an ISO date"
    if value:
        assert value not in str(caught.value)  # a birth date is personal data


@pytest.mark.parametrize("data", [[{"id": "P0000808"}], "P0000808", None, 42])
def test_reader_wants_an_object(data: Any) -> None:
    with pytest.raises(BackendProtocolError) as caught:
        JsonReader(SYSTEM, data)
    assert caught.value.message == "answer: expected an object"
    assert_names_system(caught.value)


def test_reader_objects_refuses_an_item_that_is_not_an_object() -> None:
    with pytest.raises(BackendProtocolError) as caught:
        JsonReader(SYSTEM, {"parties": [{"id": "P0000808"}, "P0000819"]}).objects("parties")
    assert caught.value.message == "answer.parties[1]: expected an object"
