"""The broker registry adapter against respx, with answers in the registry's own JSON.

The payloads are copies of what the sandbox's broker registry (sandbox/systems/brokers.py)
answered for seed 42, as-of 2025-06-30: FSMA numbers printed 0NNN.NNN.NNN, printed contract
numbers, the sandbox product codes, upper-case family, status and role names, page/size paging,
errors as {"error": {"code", "message"}}.
"""

from __future__ import annotations

import copy
import json
import ssl
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import respx

from bff.adapters.brokers import BATCH_SIZE, BrokersAdapter, BrokersPort
from bff.adapters.errors import (
    BackendNotFound,
    BackendProtocolError,
    BackendRejected,
    BackendUnavailable,
)
from bff.domain.records import (
    Broker,
    ContractKey,
    ContractParty,
    ContractStatus,
    CustomerKind,
    Family,
    Page,
    PartyRole,
    PortfolioContract,
    PortfolioCustomer,
    PostalAddress,
    Product,
)
from tests.bff.adapters.concurrent import all_at_once

pytestmark = pytest.mark.anyio

BASE = "http://brokers.test"

PEETERS: dict[str, Any] = {
    "fsma": "0628.597.711",
    "name": "Verzekeringen Peeters",
    "address": {
        "street": "Kapelstraat",
        "number": "11",
        "postcode": "8000",
        "city": "Brugge",
        "country": "BE",
    },
    "phone": "+3250588078",
    "email": "info@verzekeringenpeeters.example.com",
    "website": "https://www.verzekeringenpeeters.example.com",
}
DUBOIS: dict[str, Any] = {
    "fsma": "0765.715.327",
    "name": "Assurances Dubois",
    "address": {
        "street": "Place Saint-Lambert",
        "number": "53",
        "postcode": "1180",
        "city": "Uccle",
        "country": "BE",
    },
    "phone": "+3227201405",
    "email": "info@assurancesdubois.example.com",
    "website": "https://www.assurancesdubois.example.com",
}
PEETERS_BROKER = Broker(
    fsma="0628597711",
    name="Verzekeringen Peeters",
    address=PostalAddress(
        street="Kapelstraat", number="11", postcode="8000", city="Brugge", country="BE"
    ),
    phone="+3250588078",
    email="info@verzekeringenpeeters.example.com",
    website="https://www.verzekeringenpeeters.example.com",
)
DUBOIS_BROKER = Broker(
    fsma="0765715327",
    name="Assurances Dubois",
    address=PostalAddress(
        street="Place Saint-Lambert", number="53", postcode="1180", city="Uccle", country="BE"
    ),
    phone="+3227201405",
    email="info@assurancesdubois.example.com",
    website="https://www.assurancesdubois.example.com",
)


def role(name: str, party_id: str | None = None, enterprise: str | None = None) -> dict[str, Any]:
    return {"role": name, "partyId": party_id, "enterpriseNumber": enterprise}


# GET /brokers/0765715327/portfolio?page=1&size=2 (broker-small), the first customer cut to
# three of its six contracts
SMALL_PAGE: dict[str, Any] = {
    "items": [
        {
            "customer": {"kind": "PERSON", "partyId": "P0000001", "enterpriseNumber": None},
            "contracts": [
                {
                    "policyNumber": "08/2143504/01",
                    "productCode": "home",
                    "productFamily": "NON_LIFE",
                    "status": "ACTIVE",
                    "roles": [
                        role("POLICYHOLDER", "P0000001"),
                        role("CO_POLICYHOLDER", "P0000002"),
                    ],
                },
                {
                    "policyNumber": "17/1354009/10",
                    "productCode": "legal-assistance",
                    "productFamily": "NON_LIFE",
                    "status": "CANCELLED",
                    "roles": [
                        role("POLICYHOLDER", "P0000001"),
                        role("INSURED", "P0000001"),
                        role("INSURED", "P0000002"),
                    ],
                },
                {
                    "policyNumber": "21/6841867/10",
                    "productCode": "pension-savings",
                    "productFamily": "LIFE",
                    "status": "ACTIVE",
                    "roles": [
                        role("POLICYHOLDER", "P0000001"),
                        role("INSURED", "P0000001"),
                        role("BENEFICIARY_LIFE", "P0000001"),
                        role("BENEFICIARY_DEATH", "P0000002"),
                    ],
                },
            ],
        },
        {
            "customer": {"kind": "PERSON", "partyId": "P0000002", "enterpriseNumber": None},
            "contracts": [
                {
                    "policyNumber": "21/4668286/01",
                    "productCode": "life-plan",
                    "productFamily": "LIFE",
                    "status": "IN_ACCEPTANCE",
                    "roles": [
                        role("POLICYHOLDER", "P0000002"),
                        role("INSURED", "P0000002"),
                        role("BENEFICIARY_LIFE", "P0000002"),
                        role("BENEFICIARY_DEATH", "P0000001"),
                    ],
                }
            ],
        },
    ],
    "page": 1,
    "size": 2,
    "totalItems": 5,
    "totalPages": 3,
    "fsma": "0765.715.327",
    "totalContracts": 21,
}

# GET /brokers/0628597711/portfolio?page=6&size=20 (broker-large, last page): a company
COMPANY_CUSTOMER: dict[str, Any] = {
    "customer": {"kind": "COMPANY", "partyId": None, "enterpriseNumber": "0543.261.465"},
    "contracts": [
        {
            "policyNumber": "23/8669122/05",
            "productCode": "scala-ipt",
            "productFamily": "LIFE",
            "status": "ACTIVE",
            "roles": [
                role("POLICYHOLDER", enterprise="0543.261.465"),
                role("INSURED", "P0000339"),
                role("BENEFICIARY_LIFE", "P0000339"),
            ],
        }
    ],
}
LARGE_LAST_PAGE: dict[str, Any] = {
    "items": [COMPANY_CUSTOMER],
    "page": 6,
    "size": 20,
    "totalItems": 109,
    "totalPages": 6,
    "fsma": "0628.597.711",
    "totalContracts": 504,
}


def answer(body: Any, status: int = 200) -> httpx.Response:
    return httpx.Response(
        status,
        content=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json"},
    )


def registry_error(status: int, code: str, message: str) -> httpx.Response:
    return answer({"error": {"code": code, "message": message}}, status)


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
async def registry(tls: ssl.SSLContext) -> AsyncIterator[BrokersAdapter]:
    async with httpx.AsyncClient(base_url=BASE, verify=tls) as client:
        yield BrokersAdapter(client)


async def test_the_adapter_is_a_brokers_port(registry: BrokersAdapter) -> None:
    port: BrokersPort = registry  # checked by mypy
    assert port is registry


# POST /brokers/batch


async def test_c7_brokers_by_fsma_number(
    router: respx.MockRouter, registry: BrokersAdapter
) -> None:
    route = router.post("/brokers/batch").mock(
        return_value=answer({"brokers": [PEETERS, DUBOIS], "unknown": ["0403019261"]})
    )
    found = await registry.brokers(["0628597711", "0765715327", "0403019261"])
    assert found == {"0628597711": PEETERS_BROKER, "0765715327": DUBOIS_BROKER}
    assert sent(route) == [{"fsmas": ["0628597711", "0765715327", "0403019261"]}]


@pytest.mark.parametrize("asked", ["0628.597.711", "0628597711", "628597711", "0628 597 711"])
async def test_fsma_numbers_are_sent_and_keyed_as_10_digits(
    router: respx.MockRouter, registry: BrokersAdapter, asked: str
) -> None:
    route = router.post("/brokers/batch").mock(
        return_value=answer({"brokers": [PEETERS], "unknown": []})
    )
    assert await registry.brokers([asked]) == {"0628597711": PEETERS_BROKER}
    assert sent(route) == [{"fsmas": ["0628597711"]}]


async def test_malformed_fsma_numbers_are_absent_and_not_sent(
    router: respx.MockRouter, registry: BrokersAdapter
) -> None:
    route = router.post("/brokers/batch").mock(
        return_value=answer({"brokers": [PEETERS], "unknown": []})
    )
    found = await registry.brokers(["0628597712", "not a number", "", "0628597711"])
    assert found == {"0628597711": PEETERS_BROKER}
    assert sent(route) == [{"fsmas": ["0628597711"]}]


async def test_only_unknown_brokers_is_empty(
    router: respx.MockRouter, registry: BrokersAdapter
) -> None:
    router.post("/brokers/batch").mock(
        return_value=answer({"brokers": [], "unknown": ["0403019261"]})
    )
    assert await registry.brokers(["0403019261"]) == {}


async def test_no_fsma_numbers_no_call(router: respx.MockRouter, registry: BrokersAdapter) -> None:
    route = router.post("/brokers/batch")
    assert await registry.brokers([]) == {}
    assert await registry.brokers(["x"]) == {}
    assert route.call_count == 0


async def test_a_broker_that_was_not_asked_for_is_ignored(
    router: respx.MockRouter, registry: BrokersAdapter
) -> None:
    router.post("/brokers/batch").mock(
        return_value=answer({"brokers": [PEETERS, DUBOIS], "unknown": []})
    )
    assert await registry.brokers(["0765715327"]) == {"0765715327": DUBOIS_BROKER}


async def test_repeated_fsma_numbers_are_asked_once(
    router: respx.MockRouter, registry: BrokersAdapter
) -> None:
    route = router.post("/brokers/batch").mock(
        return_value=answer({"brokers": [PEETERS], "unknown": []})
    )
    await registry.brokers(["0628597711", "0628.597.711"])
    assert sent(route) == [{"fsmas": ["0628597711"]}]


def valid_enterprise_numbers(count: int) -> list[str]:
    """Enterprise numbers that pass the mod-97 check, from 0200.000.0CC upwards."""
    numbers = []
    for first in range(2_000_000, 2_000_000 + count):
        first8 = f"{first:08d}"
        numbers.append(f"{first8}{97 - first % 97:02d}")
    return numbers


def echo_brokers(request: httpx.Request) -> httpx.Response:
    fsmas = json.loads(request.content)["fsmas"]
    return answer({"brokers": [{**PEETERS, "fsma": f} for f in fsmas], "unknown": []})


@pytest.mark.parametrize(
    ("count", "chunks"),
    [(1, [1]), (500, [500]), (501, [500, 1]), (1250, [500, 500, 250])],
)
async def test_batches_are_chunked_by_500(
    router: respx.MockRouter, registry: BrokersAdapter, count: int, chunks: list[int]
) -> None:
    assert BATCH_SIZE == 500
    route = router.post("/brokers/batch").mock(side_effect=echo_brokers)
    numbers = valid_enterprise_numbers(count)
    found = await registry.brokers(numbers)
    chunked = sorted(body["fsmas"] for body in sent(route))
    assert [len(chunk) for chunk in chunked] == chunks
    assert [n for chunk in chunked for n in chunk] == numbers
    assert sorted(found) == numbers


async def test_batches_are_sent_concurrently(
    router: respx.MockRouter, registry: BrokersAdapter
) -> None:
    route = router.post("/brokers/batch").mock(side_effect=all_at_once(3, echo_brokers))
    assert len(await registry.brokers(valid_enterprise_numbers(1200))) == 1200
    assert route.call_count == 3


def without(body: dict[str, Any], name: str) -> dict[str, Any]:
    return {key: value for key, value in body.items() if key != name}


@pytest.mark.parametrize(
    "broker",
    [
        pytest.param({**PEETERS, "fsma": "0628.597.712"}, id="wrong check digits"),
        pytest.param({**PEETERS, "fsma": "628.597.711"}, id="without the leading 0"),
        pytest.param({**PEETERS, "fsma": "BE0628597711"}, id="with BE"),
        pytest.param({**PEETERS, "fsma": 628597711}, id="fsma a number"),
        pytest.param(without(PEETERS, "name"), id="missing name"),
        pytest.param(without(PEETERS, "website"), id="missing website"),
        pytest.param({**PEETERS, "address": None}, id="address null"),
        pytest.param({**PEETERS, "address": {**PEETERS["address"], "city": 8000}}, id="city"),
        pytest.param("0628.597.711", id="a number, not a broker"),
    ],
)
async def test_a_broken_broker_is_a_protocol_error(
    router: respx.MockRouter, registry: BrokersAdapter, broker: Any
) -> None:
    router.post("/brokers/batch").mock(return_value=answer({"brokers": [broker], "unknown": []}))
    with pytest.raises(BackendProtocolError) as caught:
        await registry.brokers(["0628597711"])
    assert caught.value.system == "brokers"


@pytest.mark.parametrize(
    "body",
    [{"unknown": []}, {"brokers": None}, {"brokers": PEETERS}, [PEETERS]],
    ids=["missing brokers", "brokers null", "brokers an object", "a list"],
)
async def test_a_broken_batch_is_a_protocol_error(
    router: respx.MockRouter, registry: BrokersAdapter, body: Any
) -> None:
    router.post("/brokers/batch").mock(return_value=answer(body))
    with pytest.raises(BackendProtocolError) as caught:
        await registry.brokers(["0628597711"])
    assert caught.value.system == "brokers"


# GET /brokers/{fsma}/portfolio


async def test_c6_a_page_of_the_brokers_portfolio(
    router: respx.MockRouter, registry: BrokersAdapter
) -> None:
    route = router.get("/brokers/0765715327/portfolio").mock(return_value=answer(SMALL_PAGE))
    found = await registry.portfolio("0765715327", page=1, size=2)
    assert found == Page(
        items=(
            PortfolioCustomer(
                kind=CustomerKind.PERSON,
                party_id="P0000001",
                enterprise_number=None,
                contracts=(
                    PortfolioContract(
                        key=ContractKey(2143504, 1),
                        number="08/2143504/01",
                        product=Product.HOME,
                        family=Family.NONLIFE,
                        status=ContractStatus.ACTIVE,
                        parties=(
                            ContractParty(role=PartyRole.POLICYHOLDER, party_id="P0000001"),
                            ContractParty(role=PartyRole.CO_POLICYHOLDER, party_id="P0000002"),
                        ),
                    ),
                    PortfolioContract(
                        key=ContractKey(1354009, 10),
                        number="17/1354009/10",
                        product=Product.LEGAL_ASSISTANCE,
                        family=Family.NONLIFE,
                        status=ContractStatus.CANCELLED,
                        parties=(
                            ContractParty(role=PartyRole.POLICYHOLDER, party_id="P0000001"),
                            ContractParty(role=PartyRole.INSURED, party_id="P0000001"),
                            ContractParty(role=PartyRole.INSURED, party_id="P0000002"),
                        ),
                    ),
                    PortfolioContract(
                        key=ContractKey(6841867, 10),
                        number="21/6841867/10",
                        product=Product.PENSION_SAVINGS,
                        family=Family.LIFE,
                        status=ContractStatus.ACTIVE,
                        parties=(
                            ContractParty(role=PartyRole.POLICYHOLDER, party_id="P0000001"),
                            ContractParty(role=PartyRole.INSURED, party_id="P0000001"),
                            ContractParty(role=PartyRole.BENEFICIARY_LIFE, party_id="P0000001"),
                            ContractParty(role=PartyRole.BENEFICIARY_DEATH, party_id="P0000002"),
                        ),
                    ),
                ),
            ),
            PortfolioCustomer(
                kind=CustomerKind.PERSON,
                party_id="P0000002",
                enterprise_number=None,
                contracts=(
                    PortfolioContract(
                        key=ContractKey(4668286, 1),
                        number="21/4668286/01",
                        product=Product.LIFE_PLAN,
                        family=Family.LIFE,
                        status=ContractStatus.IN_ACCEPTANCE,
                        parties=(
                            ContractParty(role=PartyRole.POLICYHOLDER, party_id="P0000002"),
                            ContractParty(role=PartyRole.INSURED, party_id="P0000002"),
                            ContractParty(role=PartyRole.BENEFICIARY_LIFE, party_id="P0000002"),
                            ContractParty(role=PartyRole.BENEFICIARY_DEATH, party_id="P0000001"),
                        ),
                    ),
                ),
            ),
        ),
        next="2",
        total=5,
    )
    assert dict(route.calls.last.request.url.params) == {"page": "1", "size": "2"}


async def test_a10_a_company_customer_on_the_last_page(
    router: respx.MockRouter, registry: BrokersAdapter
) -> None:
    router.get("/brokers/0628597711/portfolio").mock(return_value=answer(LARGE_LAST_PAGE))
    found = await registry.portfolio("0628.597.711", page=6, size=20)
    assert found == Page(
        items=(
            PortfolioCustomer(
                kind=CustomerKind.COMPANY,
                party_id=None,
                enterprise_number="0543261465",
                contracts=(
                    PortfolioContract(
                        key=ContractKey(8669122, 5),
                        number="23/8669122/05",
                        product=Product.SCALA_IPT,
                        family=Family.LIFE,
                        status=ContractStatus.ACTIVE,
                        parties=(
                            ContractParty(
                                role=PartyRole.POLICYHOLDER, enterprise_number="0543261465"
                            ),
                            ContractParty(role=PartyRole.INSURED, party_id="P0000339"),
                            ContractParty(role=PartyRole.BENEFICIARY_LIFE, party_id="P0000339"),
                        ),
                    ),
                ),
            ),
        ),
        next=None,
        total=109,
    )


async def test_a_page_past_the_end_is_empty(
    router: respx.MockRouter, registry: BrokersAdapter
) -> None:
    past = {**LARGE_LAST_PAGE, "items": [], "page": 9}
    router.get("/brokers/0628597711/portfolio").mock(return_value=answer(past))
    found = await registry.portfolio("0628597711", page=9, size=20)
    assert found == Page(items=(), next=None, total=109)


def portfolio_contract(**changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(LARGE_LAST_PAGE)
    body["items"][0]["contracts"][0].update(changes)
    return body


@pytest.mark.parametrize(
    ("code", "product"),
    [
        ("nn-strategy", Product.NN_STRATEGY),
        ("scala-vapz", Product.SCALA_VAPZ),
        ("scala-ipt", Product.SCALA_IPT),
        ("scala-executive", Product.SCALA_EXECUTIVE),
        ("scala-poz", Product.SCALA_POZ),
        ("life-plan", Product.LIFE_PLAN),
        ("pension-savings", Product.PENSION_SAVINGS),
        ("long-term-savings", Product.LONG_TERM_SAVINGS),
        ("star-invest", Product.INVESTMENT_PLAN),
        ("death-cover", Product.DEATH_COVER),
        ("guaranteed-income", Product.GUARANTEED_INCOME),
        ("car", Product.CAR),
        ("car-legacy", Product.CAR_LEGACY),
        ("motorcycle", Product.MOTORCYCLE),
        ("home", Product.HOME),
        ("family-liability", Product.FAMILY_LIABILITY),
        ("private-accident", Product.PRIVATE_ACCIDENT),
        ("legal-assistance", Product.LEGAL_ASSISTANCE),
        ("bicycle", Product.BICYCLE),
        ("hunting-liability", Product.HUNTING_LIABILITY),
        ("boat", Product.OTHER),
        ("NNSTR", Product.OTHER),
    ],
)
async def test_product_code_mapping(
    router: respx.MockRouter, registry: BrokersAdapter, code: str, product: Product
) -> None:
    router.get("/brokers/0628597711/portfolio").mock(
        return_value=answer(portfolio_contract(productCode=code))
    )
    found = await registry.portfolio("0628597711", page=6, size=20)
    assert found.items[0].contracts[0].product is product


@pytest.mark.parametrize(("code", "family"), [("LIFE", Family.LIFE), ("NON_LIFE", Family.NONLIFE)])
async def test_family_mapping(
    router: respx.MockRouter, registry: BrokersAdapter, code: str, family: Family
) -> None:
    router.get("/brokers/0628597711/portfolio").mock(
        return_value=answer(portfolio_contract(productFamily=code))
    )
    found = await registry.portfolio("0628597711", page=6, size=20)
    assert found.items[0].contracts[0].family is family


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("ACTIVE", ContractStatus.ACTIVE),
        ("IN_ACCEPTANCE", ContractStatus.IN_ACCEPTANCE),
        ("SURRENDERED", ContractStatus.SURRENDERED),
        ("EXPIRED", ContractStatus.EXPIRED),
        ("CANCELLED", ContractStatus.CANCELLED),
        ("SUSPENDED", ContractStatus.SUSPENDED),
    ],
)
async def test_status_mapping(
    router: respx.MockRouter, registry: BrokersAdapter, code: str, status: ContractStatus
) -> None:
    router.get("/brokers/0628597711/portfolio").mock(
        return_value=answer(portfolio_contract(status=code))
    )
    found = await registry.portfolio("0628597711", page=6, size=20)
    assert found.items[0].contracts[0].status is status


@pytest.mark.parametrize(
    ("code", "party_role"),
    [
        ("POLICYHOLDER", PartyRole.POLICYHOLDER),
        ("CO_POLICYHOLDER", PartyRole.CO_POLICYHOLDER),
        ("INSURED", PartyRole.INSURED),
        ("BENEFICIARY", PartyRole.BENEFICIARY),
        ("BENEFICIARY_LIFE", PartyRole.BENEFICIARY_LIFE),
        ("BENEFICIARY_DEATH", PartyRole.BENEFICIARY_DEATH),
        ("DRIVER", PartyRole.DRIVER),
        ("OWNER", PartyRole.OWNER),
    ],
)
async def test_role_mapping(
    router: respx.MockRouter, registry: BrokersAdapter, code: str, party_role: PartyRole
) -> None:
    router.get("/brokers/0628597711/portfolio").mock(
        return_value=answer(portfolio_contract(roles=[role(code, "P0000339")]))
    )
    found = await registry.portfolio("0628597711", page=6, size=20)
    assert found.items[0].contracts[0].parties == (
        ContractParty(role=party_role, party_id="P0000339"),
    )


async def test_an_unknown_broker_is_not_found(
    router: respx.MockRouter, registry: BrokersAdapter
) -> None:
    router.get("/brokers/0403019261/portfolio").mock(
        return_value=registry_error(404, "BROKER_NOT_FOUND", "no broker with this FSMA number")
    )
    with pytest.raises(BackendNotFound) as caught:
        await registry.portfolio("0403.019.261", page=1, size=20)
    assert caught.value.system == "brokers"


@pytest.mark.parametrize("fsma", ["", "0403019262", "../brokers/batch", "0628597711/x"])
async def test_no_fsma_number_is_not_found_without_a_call(
    router: respx.MockRouter, registry: BrokersAdapter, fsma: str
) -> None:
    route = router.route()
    with pytest.raises(BackendNotFound):
        await registry.portfolio(fsma, page=1, size=20)
    assert route.call_count == 0


def portfolio_customer(**changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(LARGE_LAST_PAGE)
    body["items"][0]["customer"].update(changes)
    return body


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(portfolio_contract(productFamily="NONLIFE"), id="unknown family"),
        pytest.param(portfolio_contract(status="TERMINATED"), id="unknown status"),
        pytest.param(portfolio_contract(status="active"), id="status in lower case"),
        pytest.param(portfolio_contract(roles=[role("BROKER", "P0000339")]), id="unknown role"),
        pytest.param(
            portfolio_contract(roles=[role("INSURED", enterprise="0543.261.466")]),
            id="role with a wrong enterprise number",
        ),
        pytest.param(portfolio_contract(roles=None), id="roles null"),
        pytest.param(portfolio_contract(policyNumber="8669122-05"), id="life-style number"),
        pytest.param(portfolio_contract(policyNumber="23/08669122/05"), id="8-digit base"),
        pytest.param(portfolio_contract(productCode=None), id="productCode null"),
        pytest.param(portfolio_customer(kind="TRUST"), id="unknown kind"),
        pytest.param(portfolio_customer(enterpriseNumber=None), id="company without number"),
        pytest.param(portfolio_customer(partyId="P0000339"), id="company with a party id"),
        pytest.param(portfolio_customer(kind="PERSON"), id="person with an enterprise number"),
        pytest.param(portfolio_customer(enterpriseNumber="0543261465X"), id="bad number"),
        pytest.param(without(LARGE_LAST_PAGE, "totalItems"), id="missing totalItems"),
        pytest.param(without(LARGE_LAST_PAGE, "totalPages"), id="missing totalPages"),
        pytest.param({**LARGE_LAST_PAGE, "items": [{"contracts": []}]}, id="missing customer"),
        pytest.param({**LARGE_LAST_PAGE, "items": None}, id="items null"),
        pytest.param([LARGE_LAST_PAGE], id="a list, not an object"),
    ],
)
async def test_a_broken_portfolio_is_a_protocol_error(
    router: respx.MockRouter, registry: BrokersAdapter, body: Any
) -> None:
    router.get("/brokers/0628597711/portfolio").mock(return_value=answer(body))
    with pytest.raises(BackendProtocolError) as caught:
        await registry.portfolio("0628597711", page=6, size=20)
    assert caught.value.system == "brokers"


async def test_bad_paging_is_rejected(router: respx.MockRouter, registry: BrokersAdapter) -> None:
    router.get("/brokers/0628597711/portfolio").mock(
        return_value=registry_error(
            400, "INVALID_PAGING", "page must be >= 1 and size between 1 and 100"
        )
    )
    with pytest.raises(BackendRejected) as caught:
        await registry.portfolio("0628597711", page=1, size=500)
    assert caught.value.status == 400


# failures of the registry itself


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (429, "TOO_MANY_REQUESTS"),
        (500, "INTERNAL_ERROR"),
        (502, "BAD_GATEWAY"),
        (503, "SERVICE_UNAVAILABLE"),
    ],
)
async def test_5xx_and_429_are_unavailable(
    router: respx.MockRouter, registry: BrokersAdapter, status: int, code: str
) -> None:
    router.post("/brokers/batch").mock(return_value=registry_error(status, code, "failure"))
    router.get("/brokers/0628597711/portfolio").mock(
        return_value=registry_error(status, code, "failure")
    )
    with pytest.raises(BackendUnavailable) as batch:
        await registry.brokers(["0628597711"])
    with pytest.raises(BackendUnavailable) as portfolio:
        await registry.portfolio("0628597711", page=1, size=20)
    assert {batch.value.system, portfolio.value.system} == {"brokers"}


async def test_a_timeout_is_unavailable(router: respx.MockRouter, registry: BrokersAdapter) -> None:
    router.get("/brokers/0628597711/portfolio").mock(side_effect=httpx.ReadTimeout("timed out"))
    with pytest.raises(BackendUnavailable, match="timed out") as caught:
        await registry.portfolio("0628597711", page=1, size=20)
    assert caught.value.system == "brokers"


async def test_a_failing_chunk_fails_the_batch(
    router: respx.MockRouter, registry: BrokersAdapter
) -> None:
    numbers = valid_enterprise_numbers(1000)

    def reply(request: httpx.Request) -> httpx.Response:
        if json.loads(request.content)["fsmas"][0] == numbers[500]:
            return registry_error(500, "INTERNAL_ERROR", "internal error")
        return echo_brokers(request)

    router.post("/brokers/batch").mock(side_effect=reply)
    with pytest.raises(BackendUnavailable) as caught:
        await registry.brokers(numbers)
    assert caught.value.system == "brokers"


async def test_an_answer_that_is_not_json(
    router: respx.MockRouter, registry: BrokersAdapter
) -> None:
    router.post("/brokers/batch").respond(200, text="<html>502 Bad Gateway</html>")
    with pytest.raises(BackendProtocolError, match="not JSON") as caught:
        await registry.brokers(["0628597711"])
    assert caught.value.system == "brokers"
