from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest

from sandbox.control import Control, Controlled, Faults
from sandbox.systems import SystemContext
from sandbox.systems.brokers import create_app, render_error
from sandbox.world import (
    Address,
    Broker,
    Contract,
    ContractRole,
    ContractStatus,
    Family,
    Language,
    PaymentFrequency,
    Product,
    Role,
    World,
)

pytestmark = pytest.mark.anyio


def _enterprise(first_eight: int) -> str:
    digits = f"{first_eight:08d}{97 - first_eight % 97:02d}"
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


MAIN = "0403.019.261"  # the broker with the portfolio
SMALL = _enterprise(4_567_890)
EMPTY = _enterprise(8_765_432)
NOBODY = _enterprise(5_555_555)  # valid, but no such broker
COMPANY = "0999.999.999"  # enterprise number of a customer company, as stored in the world
PRODUCTS = {
    "scala-ipt": Product("scala-ipt", "Scala IPT", Family.LIFE, "166", "21", "16"),
    "star": Product("star", "Star Invest", Family.LIFE, "120", "23", unit_linked=True),
    "car": Product("car", "Car", Family.NONLIFE, "510", "10a"),
    "fire": Product("fire", "Home", Family.NONLIFE, "310", "08"),
}


def _broker(fsma: str, name: str) -> Broker:
    return Broker(
        fsma=fsma,
        name=name,
        address=Address("Marktplein", "3", "2000", "Antwerpen"),
        phone="+3232000000",
        email=f"kantoor@{name.lower().replace(' ', '')}.be",
        website=f"https://{name.lower().replace(' ', '')}.be",
        client_id=f"broker-{fsma}",
        client_secret="SANDBOX ONLY not a secret",
    )


def _contract(
    base: int, product: str, broker: str, roles: list[ContractRole], **changes: Any
) -> Contract:
    contract = Contract(
        base=base,
        suffix=1,
        product=product,
        status=ContractStatus.ACTIVE,
        start_date=date(2019, 1, 1),
        end_date=None,
        status_date=date(2019, 1, 1),
        payment_frequency=PaymentFrequency.MONTHLY,
        premium=Decimal("50.00"),
        language=Language.NL,
        broker_fsma=broker,
        roles=roles,
    )
    for name, value in changes.items():
        setattr(contract, name, value)
    return contract


def _holder(party_id: str) -> ContractRole:
    return ContractRole(Role.POLICYHOLDER, party_id=party_id)


def _contracts() -> dict[tuple[int, int], Contract]:
    contracts = [
        _contract(1001, "car", MAIN, [_holder("P0000002")]),
        _contract(  # the clause-only beneficiary names nobody: not listed in the roles
            1002, "fire", MAIN, [_holder("P0000001"), ContractRole(Role.BENEFICIARY, clause="x")]
        ),
        _contract(1003, "star", MAIN.replace(".", ""), [_holder("P0000001")]),  # digits form
        _contract(
            1004,
            "scala-ipt",
            MAIN,
            [
                ContractRole(Role.POLICYHOLDER, company_number=COMPANY),
                ContractRole(Role.INSURED, party_id="P0000003"),
            ],
        ),
        _contract(1005, "car", MAIN, [_holder("P0000003")], status=ContractStatus.CANCELLED),
        _contract(1006, "car", SMALL, [_holder("P0000001")]),
        _contract(1007, "star", MAIN, [ContractRole(Role.INSURED, party_id="P0000004")]),
    ]
    return {(c.base, c.suffix): c for c in contracts}


@pytest.fixture
def brokers_world() -> World:
    brokers = [_broker(MAIN, "Makelaardij Peeters"), _broker(SMALL, "Courtier Dubois")]
    brokers.append(_broker(EMPTY, "Agence Vide"))
    return World(
        seed=0,
        as_of=date(2024, 6, 30),
        products=PRODUCTS,
        parties={},
        companies={},
        brokers={b.fsma: b for b in brokers},
        funds={},
        contracts=_contracts(),
        documents={},
        notifications={},
        activation_codes=[],
        personas={},
    )


@pytest.fixture
async def brokers_client(brokers_world: World) -> AsyncIterator[httpx.AsyncClient]:
    ctx = SystemContext(brokers_world, "brokers", "http://127.0.0.1:1")
    transport = httpx.ASGITransport(app=create_app(ctx))
    async with httpx.AsyncClient(transport=transport, base_url="http://brokers") as client:
        yield client


def _printed(world: World, contract: Contract) -> str:
    branch = {"21": "21", "23": "23", "10a": "10", "08": "08"}[
        world.products[contract.product].a509
    ]
    return f"{branch}/{contract.base:07d}/{contract.suffix:02d}"


async def _walk(client: httpx.AsyncClient, path: str, size: int) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        answer = await client.get(path, params={"page": page, "size": size})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        items += body["items"]
        if page >= body["totalPages"]:
            assert len(items) == body["totalItems"]
            return items
        assert len(body["items"]) == size
        page += 1


async def test_broker_by_any_separator_form(
    brokers_client: httpx.AsyncClient, brokers_world: World
) -> None:
    record = brokers_world.brokers[MAIN]
    expected = {
        "fsma": MAIN,
        "name": record.name,
        "address": {
            "street": "Marktplein",
            "number": "3",
            "postcode": "2000",
            "city": "Antwerpen",
            "country": "BE",
        },
        "phone": record.phone,
        "email": record.email,
        "website": record.website,
    }
    for form in ["0403.019.261", "0403019261", "403019261", "0403-019-261", "0403 019 261"]:
        answer = await brokers_client.get(f"/brokers/{form}")
        assert answer.status_code == 200
        assert answer.json() == expected


async def test_unknown_broker_is_404_and_a_malformed_number_400(
    brokers_client: httpx.AsyncClient,
) -> None:
    unknown = await brokers_client.get(f"/brokers/{NOBODY}")
    assert unknown.status_code == 404
    assert unknown.json() == {
        "error": {"code": "BROKER_NOT_FOUND", "message": "no broker with this FSMA number"}
    }
    for bad in ["0403019262", "12345", "batch"]:
        answer = await brokers_client.get(f"/brokers/{bad}")
        assert answer.status_code == 400
        assert answer.json()["error"]["code"] == "INVALID_FSMA"


async def test_list_walks_every_broker_once_in_number_order(
    brokers_client: httpx.AsyncClient, brokers_world: World
) -> None:
    items = await _walk(brokers_client, "/brokers", size=2)

    assert [b["fsma"] for b in items] == sorted(brokers_world.brokers)
    assert all("client_secret" not in b and "clientSecret" not in b for b in items)


async def test_batch_answers_known_and_lists_unknown_as_given(
    brokers_client: httpx.AsyncClient,
) -> None:
    answer = await brokers_client.post(
        "/brokers/batch", json={"fsmas": [SMALL.replace(".", ""), NOBODY, MAIN, "garbage"]}
    )

    body = answer.json()
    assert [b["fsma"] for b in body["brokers"]] == [SMALL, MAIN]
    assert body["unknown"] == [NOBODY, "garbage"]
    refused = await brokers_client.post("/brokers/batch", json={"fsmas": "x"})
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "INVALID_BODY"


async def test_portfolio_holds_exactly_the_brokers_contracts_across_pages(
    brokers_client: httpx.AsyncClient, brokers_world: World
) -> None:
    items = await _walk(brokers_client, f"/brokers/{MAIN.replace('.', '')}/portfolio", size=1)

    numbers = [c["policyNumber"] for item in items for c in item["contracts"]]
    expected = [
        _printed(brokers_world, c)
        for c in brokers_world.contracts.values()
        if c.broker_fsma.replace(".", "") == MAIN.replace(".", "")
    ]
    assert sorted(numbers) == sorted(expected)
    assert len(numbers) == len(set(numbers))
    customers = [item["customer"] for item in items]
    assert customers == [
        {"kind": "PERSON", "partyId": "P0000001", "enterpriseNumber": None},
        {"kind": "PERSON", "partyId": "P0000002", "enterpriseNumber": None},
        {"kind": "PERSON", "partyId": "P0000003", "enterpriseNumber": None},
        {"kind": "PERSON", "partyId": "P0000004", "enterpriseNumber": None},
        {"kind": "COMPANY", "partyId": None, "enterpriseNumber": COMPANY},
    ]


async def test_portfolio_contract_facts(brokers_client: httpx.AsyncClient) -> None:
    body = (await brokers_client.get(f"/brokers/{MAIN}/portfolio", params={"size": 10})).json()

    assert body["fsma"] == MAIN
    assert body["totalItems"] == 5
    assert body["totalContracts"] == 6
    person, _, cancelled, _, company = body["items"]
    assert person["contracts"] == [
        {
            "policyNumber": "08/0001002/01",
            "productCode": "fire",
            "productFamily": "NON_LIFE",
            "status": "ACTIVE",
            "roles": [{"role": "POLICYHOLDER", "partyId": "P0000001", "enterpriseNumber": None}],
        },
        {
            "policyNumber": "23/0001003/01",
            "productCode": "star",
            "productFamily": "LIFE",
            "status": "ACTIVE",
            "roles": [{"role": "POLICYHOLDER", "partyId": "P0000001", "enterpriseNumber": None}],
        },
    ]
    assert cancelled["contracts"][0]["status"] == "CANCELLED"
    assert company["contracts"][0]["roles"] == [
        {"role": "POLICYHOLDER", "partyId": None, "enterpriseNumber": COMPANY},
        {"role": "INSURED", "partyId": "P0000003", "enterpriseNumber": None},
    ]


async def test_portfolio_of_a_broker_without_contracts_is_empty(
    brokers_client: httpx.AsyncClient,
) -> None:
    body = (await brokers_client.get(f"/brokers/{EMPTY}/portfolio")).json()
    assert body["items"] == []
    assert body["totalItems"] == 0
    assert body["totalContracts"] == 0
    missing = await brokers_client.get(f"/brokers/{NOBODY}/portfolio")
    assert missing.status_code == 404


@pytest.mark.parametrize("params", [{"page": "0"}, {"size": "0"}, {"size": "500"}, {"page": "a"}])
async def test_bad_paging_is_a_400(
    brokers_client: httpx.AsyncClient, params: dict[str, str]
) -> None:
    for path in ["/brokers", f"/brokers/{MAIN}/portfolio"]:
        answer = await brokers_client.get(path, params=params)
        assert answer.status_code == 400
        assert answer.json()["error"]["code"] == "INVALID_PAGING"


async def test_fault_injection_answers_in_the_registry_format(brokers_world: World) -> None:
    ctx = SystemContext(brokers_world, "brokers", "http://127.0.0.1:1")
    app = Controlled(
        create_app(ctx), Control("brokers", defaults=Faults(outage=True)), render_error
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://brokers") as client:
        answer = await client.get("/brokers")
    assert answer.status_code == 502
    assert answer.json()["error"]["code"] == "BAD_GATEWAY"


@pytest.fixture(scope="module")
def brokers_generated() -> World:
    from sandbox.generate import build_world

    return build_world(seed=42, as_of=date(2024, 6, 30))


async def test_generated_world_portfolios_equal_the_brokers_contracts(
    brokers_generated: World,
) -> None:
    world = brokers_generated
    ctx = SystemContext(world, "brokers", "http://127.0.0.1:1")
    transport = httpx.ASGITransport(app=create_app(ctx))
    async with httpx.AsyncClient(transport=transport, base_url="http://brokers") as client:
        listed = await _walk(client, "/brokers", size=100)
        assert len(listed) == len(world.brokers)
        for fsma in world.brokers:
            items = await _walk(client, f"/brokers/{fsma}/portfolio", size=100)
            numbers = sorted(c["policyNumber"] for i in items for c in i["contracts"])
            expected = []
            for contract in world.contracts_of_broker(fsma):
                a509 = world.products[contract.product].a509
                branch = "".join(c for c in a509 if c.isdigit())
                expected.append(f"{branch}/{contract.base:07d}/{contract.suffix:02d}")
            assert numbers == sorted(expected)


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
async def test_paging_takes_ascii_digits_only(
    brokers_client: httpx.AsyncClient, value: str
) -> None:
    for path in ["/brokers", f"/brokers/{MAIN}/portfolio"]:
        for name in ("page", "size"):
            answer = await brokers_client.get(path, params={name: value})
            assert answer.status_code == 400, (path, name)
            assert answer.json()["error"]["code"] == "INVALID_PAGING"
    padded = await brokers_client.get("/brokers", params={"page": "01", "size": "0002"})
    assert (padded.json()["page"], padded.json()["size"]) == (1, 2)
