from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal

import httpx
import pytest
from lxml import etree
from starlette.applications import Starlette

from sandbox.control import Control, Controlled, Faults
from sandbox.generate import build_world
from sandbox.systems import SystemContext
from sandbox.systems.policy import create_app, render_error
from sandbox.world import (
    Address,
    Broker,
    Company,
    Contract,
    ContractRole,
    ContractStatus,
    Family,
    Gender,
    Language,
    Party,
    PaymentFrequency,
    Product,
    Role,
    World,
)

BASE_URL = "http://127.0.0.1:40123"
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
NS = "urn:sandbox:policyadmin:v1"
WSDL = "http://schemas.xmlsoap.org/wsdl/"
WSDL_SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
XSD = "http://www.w3.org/2001/XMLSchema"
LATIN1 = "ISO-8859-1"

pytestmark = pytest.mark.anyio

# domain.md: Telebib2 X043, A003 (+ the module's termination reasons), A325
X043 = {
    Role.POLICYHOLDER: "003",
    Role.CO_POLICYHOLDER: "017",
    Role.INSURED: "013",
    Role.BENEFICIARY: "014",
    Role.BENEFICIARY_LIFE: "048",
    Role.BENEFICIARY_DEATH: "049",
    Role.DRIVER: "004",
    Role.OWNER: "012",
}
A003 = {
    ContractStatus.ACTIVE: ("1", None),
    ContractStatus.SURRENDERED: ("2", "02"),
    ContractStatus.EXPIRED: ("2", "01"),
    ContractStatus.CANCELLED: ("3", None),
    ContractStatus.SUSPENDED: ("4", None),
    ContractStatus.IN_ACCEPTANCE: ("5", None),
}
A325 = {PaymentFrequency.MONTHLY: "4", PaymentFrequency.YEARLY: "1", PaymentFrequency.SINGLE: "5"}

HELENE = "P0000001"
JAN = "P0000002"
LUKASZ = "P0000003"
MARIE = "P0000004"  # no contracts
COMPANY = "0403.019.261"
FSMA = "0412.345.614"


def _address() -> Address:
    return Address("Rue de la Loi", "16", "1000", "Bruxelles")


def _party(pid: str, nrn: str | None, first: str, last: str, gender: Gender) -> Party:
    return Party(
        id=pid,
        nrn=nrn,
        first_name=first,
        last_name=last,
        birth_date=date(1985, 3, 12),
        gender=gender,
        language=Language.FR,
        address=_address(),
        email=None,
        phone=None,
        iban=None,
    )


def _contract(
    base: int,
    suffix: int,
    product: str,
    status: ContractStatus,
    roles: list[ContractRole],
    frequency: PaymentFrequency = PaymentFrequency.MONTHLY,
    premium: str = "125.50",
    end: date | None = None,
) -> Contract:
    return Contract(
        base=base,
        suffix=suffix,
        product=product,
        status=status,
        start_date=date(2019, 4, 1),
        end_date=end,
        status_date=date(2021, 7, 15),
        payment_frequency=frequency,
        premium=Decimal(premium),
        language=Language.FR,
        broker_fsma=FSMA,
        roles=roles,
    )


def make_world() -> World:
    products = {
        p.code: p
        for p in (
            Product("STRATEGY", "NN Strategy", Family.LIFE, "120", "23", unit_linked=True),
            Product("SCALA_IPT", "Scala privilège IPT", Family.LIFE, "166", "21", "16"),
            Product("CAR", "Auto", Family.NONLIFE, "510", "10a"),
            Product("FIRE", "Habitation", Family.NONLIFE, "310", "08"),
        )
    }
    parties = {
        p.id: p
        for p in (
            _party(HELENE, "85.03.12-124.61", "Hélène", "Dubœuf", Gender.FEMALE),
            _party(JAN, "79.11.02-037.87", "Jan", "Peeters", Gender.MALE),
            _party(LUKASZ, "01.06.30-201.58", "Łukasz", "Nowak", Gender.MALE),
            _party(MARIE, None, "Marie", "Claes", Gender.FEMALE),
        )
    }
    company = Company(COMPANY, "Boulangerie Hélène", "SRL", _address(), Language.FR)
    broker = Broker(
        FSMA,
        "Courtage Wéry",
        _address(),
        "+3221234567",
        "info@wery.example",
        "https://wery.example",
        "broker-0412345614",
        "sandbox-only-secret",
    )
    contracts = [
        _contract(
            1234567,
            1,
            "STRATEGY",
            ContractStatus.ACTIVE,
            [
                ContractRole(Role.POLICYHOLDER, party_id=HELENE),
                ContractRole(
                    Role.BENEFICIARY_DEATH,
                    party_id=JAN,
                    share_percent=Decimal("50.00"),
                    clause="épouse, à défaut les enfants",
                ),
                ContractRole(
                    Role.BENEFICIARY_DEATH, share_percent=Decimal("50"), clause="héritiers légaux"
                ),
            ],
        ),
        _contract(
            12345,
            7,
            "CAR",
            ContractStatus.ACTIVE,
            [ContractRole(Role.POLICYHOLDER, party_id=JAN), ContractRole(Role.DRIVER, HELENE)],
            PaymentFrequency.YEARLY,
            "612.345",
        ),
        _contract(
            2000001,
            2,
            "STRATEGY",
            ContractStatus.SURRENDERED,
            [ContractRole(Role.POLICYHOLDER, HELENE), ContractRole(Role.INSURED, HELENE)],
            PaymentFrequency.SINGLE,
            "10000",
        ),
        _contract(
            3000003,
            1,
            "SCALA_IPT",
            ContractStatus.IN_ACCEPTANCE,
            [
                ContractRole(Role.POLICYHOLDER, company_number=COMPANY),
                ContractRole(Role.INSURED, party_id=JAN),
            ],
        ),
        _contract(
            4000004,
            3,
            "FIRE",
            ContractStatus.EXPIRED,
            [ContractRole(Role.POLICYHOLDER, LUKASZ)],
            end=date(2022, 3, 31),
        ),
        _contract(5000005, 1, "FIRE", ContractStatus.CANCELLED, [ContractRole(Role.OWNER, JAN)]),
        _contract(6000006, 1, "CAR", ContractStatus.SUSPENDED, [ContractRole(Role.DRIVER, JAN)]),
    ]
    return World(
        seed=1,
        as_of=date(2024, 6, 1),
        products=products,
        parties=parties,
        companies={COMPANY: company},
        brokers={FSMA: broker},
        funds={},
        contracts={(c.base, c.suffix): c for c in contracts},
        documents={},
        notifications={},
        activation_codes=[],
        personas={},
    )


@pytest.fixture
def world() -> World:
    return make_world()


@pytest.fixture
def control() -> Control:
    return Control(system="policy")


def asgi_client(app: Controlled | Starlette) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url=BASE_URL)


@pytest.fixture
async def client(world: World, control: Control) -> AsyncIterator[httpx.AsyncClient]:
    app = Controlled(create_app(SystemContext(world, "policy", BASE_URL)), control, render_error)
    async with asgi_client(app) as test_client:
        yield test_client


async def wsdl_schema(client: httpx.AsyncClient) -> etree.XMLSchema:
    """The XSD the WSDL publishes: every response must conform to it."""
    wsdl = etree.fromstring((await client.get("/soap?wsdl")).content)
    schema = wsdl.find(f"{{{WSDL}}}types/{{{XSD}}}schema")
    assert schema is not None
    return etree.XMLSchema(schema)


@pytest.fixture
async def response_schema(client: httpx.AsyncClient) -> etree.XMLSchema:
    return await wsdl_schema(client)


def envelope(inner: str, encoding: str = LATIN1) -> bytes:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>'
        f'<soap:Envelope xmlns:soap="{SOAP}" xmlns:pa="{NS}">'
        f"<soap:Body>{inner}</soap:Body></soap:Envelope>"
    ).encode(encoding)


def party_query(kind: str, value: str) -> str:
    return f"<pa:GetPartyContracts><pa:{kind}>{value}</pa:{kind}></pa:GetPartyContracts>"


def contracts_query(*numbers: str) -> str:
    inner = "".join(f"<pa:PolicyNumber>{n}</pa:PolicyNumber>" for n in numbers)
    return f"<pa:GetContracts>{inner}</pa:GetContracts>"


async def call(
    client: httpx.AsyncClient, operation: str, inner: str, encoding: str = LATIN1
) -> httpx.Response:
    return await client.post(
        "/soap",
        content=envelope(inner, encoding),
        headers={
            "Content-Type": f"text/xml; charset={encoding}",
            "SOAPAction": f'"{NS}/{operation}"',
        },
    )


def payload(response: httpx.Response) -> etree._Element:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/xml; charset=ISO-8859-1"
    assert response.content.startswith(b'<?xml version="1.0" encoding="ISO-8859-1"?>')
    root = etree.fromstring(response.content)
    body = root.find(f"{{{SOAP}}}Body")
    assert body is not None
    return body[0]


def fault(response: httpx.Response, status: int = 500) -> tuple[str, str, str | None]:
    """(faultcode, faultstring, detail Code)"""
    assert response.status_code == status
    assert response.headers["content-type"] == "text/xml; charset=ISO-8859-1"
    root = etree.fromstring(response.content)
    element = root.find(f"{{{SOAP}}}Body/{{{SOAP}}}Fault")
    assert element is not None
    return (
        element.findtext("faultcode") or "",
        element.findtext("faultstring") or "",
        element.findtext(f"detail/{{{NS}}}PolicyAdminFault/{{{NS}}}Code"),
    )


def text(element: etree._Element, name: str) -> str | None:
    return element.findtext(f"{{{NS}}}{name}")


def expected_number(world: World, contract: Contract) -> str:
    branch = "".join(c for c in world.products[contract.product].a509 if c.isdigit())
    return f"{branch}/{contract.base:07d}/{contract.suffix:02d}"


def in_number_order(world: World, contracts: list[Contract]) -> list[str]:
    return [expected_number(world, c) for c in sorted(contracts, key=lambda c: (c.base, c.suffix))]


def roles_of(contract: etree._Element) -> list[etree._Element]:
    return contract.findall(f"{{{NS}}}Role")


def party_codes(contract: etree._Element) -> list[str]:
    return sorted(
        text(r, "RoleCode") or "" for r in roles_of(contract) if text(r, "RoleCode") != "002"
    )


async def test_wsdl_describes_the_service(client: httpx.AsyncClient) -> None:
    response = await client.get("/soap?wsdl")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/xml; charset=ISO-8859-1"
    root = etree.fromstring(response.content)
    assert root.tag == f"{{{WSDL}}}definitions"
    assert root.get("targetNamespace") == NS
    port_ops = {op.get("name") for op in root.iterfind(f"{{{WSDL}}}portType/{{{WSDL}}}operation")}
    assert port_ops == {"GetPartyContracts", "GetContracts"}
    actions: dict[str | None, str | None] = {}
    for op in root.iterfind(f"{{{WSDL}}}binding/{{{WSDL}}}operation"):
        soap_operation = op.find(f"{{{WSDL_SOAP}}}operation")
        assert soap_operation is not None
        actions[op.get("name")] = soap_operation.get("soapAction")
    assert actions == {
        "GetPartyContracts": f"{NS}/GetPartyContracts",
        "GetContracts": f"{NS}/GetContracts",
    }
    binding = root.find(f"{{{WSDL}}}binding/{{{WSDL_SOAP}}}binding")
    assert binding is not None
    assert binding.get("transport") == "http://schemas.xmlsoap.org/soap/http"
    address = root.find(f"{{{WSDL}}}service/{{{WSDL}}}port/{{{WSDL_SOAP}}}address")
    assert address is not None
    assert address.get("location") == BASE_URL + "/soap"
    schema = root.find(f"{{{WSDL}}}types/{{{XSD}}}schema")
    assert schema is not None
    etree.XMLSchema(schema)  # compiles
    elements = {e.get("name") for e in schema.iterfind(f"{{{XSD}}}element")}
    assert {"GetPartyContracts", "GetContractsResponse", "PolicyAdminFault"} <= elements


@pytest.mark.parametrize("party_id", [HELENE, JAN, LUKASZ])
async def test_party_contracts_are_the_worlds(
    client: httpx.AsyncClient, world: World, response_schema: etree.XMLSchema, party_id: str
) -> None:
    answer = payload(await call(client, "GetPartyContracts", party_query("PartyId", party_id)))
    response_schema.assertValid(answer)
    assert text(answer, "PartyId") == party_id
    got = {text(c, "PolicyNumber"): party_codes(c) for c in answer.findall(f"{{{NS}}}Contract")}
    expected = {
        expected_number(world, c): sorted(X043[r.role] for r in c.roles if r.party_id == party_id)
        for c in world.contracts_of_party(party_id)
    }
    assert got == expected
    for contract in answer.findall(f"{{{NS}}}Contract"):
        broker = [r for r in roles_of(contract) if text(r, "RoleCode") == "002"]
        assert [text(b, "FsmaNumber") for b in broker] == [FSMA.replace(".", "")]
        assert text(broker[0], "Name") == "Courtage Wéry"


@pytest.mark.parametrize("nrn", ["85.03.12-124.61", "85031212461"])
async def test_party_contracts_by_national_number(
    client: httpx.AsyncClient, world: World, nrn: str
) -> None:
    answer = payload(await call(client, "GetPartyContracts", party_query("NationalNumber", nrn)))
    assert text(answer, "PartyId") == HELENE
    numbers = [text(c, "PolicyNumber") for c in answer.findall(f"{{{NS}}}Contract")]
    assert numbers == in_number_order(world, world.contracts_of_party(HELENE))


@pytest.mark.parametrize("number", [COMPANY, "0403019261"])
async def test_party_contracts_by_enterprise_number(
    client: httpx.AsyncClient, world: World, number: str
) -> None:
    answer = payload(
        await call(client, "GetPartyContracts", party_query("EnterpriseNumber", number))
    )
    assert text(answer, "EnterpriseNumber") == "0403019261"
    contracts = answer.findall(f"{{{NS}}}Contract")
    expected = world.contracts_of_company(COMPANY)
    assert [text(c, "PolicyNumber") for c in contracts] == [
        expected_number(world, c) for c in expected
    ]
    assert [party_codes(c) for c in contracts] == [["003"]]
    company_role = roles_of(contracts[0])[0]
    assert text(company_role, "EnterpriseNumber") == "0403019261"
    assert text(company_role, "Name") == "Boulangerie Hélène"


async def test_broker_fsma_finds_the_contracts_it_manages(
    client: httpx.AsyncClient, world: World
) -> None:
    answer = payload(await call(client, "GetPartyContracts", party_query("EnterpriseNumber", FSMA)))
    numbers = [text(c, "PolicyNumber") for c in answer.findall(f"{{{NS}}}Contract")]
    assert numbers == in_number_order(world, world.contracts_of_broker(FSMA))


async def test_party_without_contracts_gets_an_empty_list(client: httpx.AsyncClient) -> None:
    answer = payload(await call(client, "GetPartyContracts", party_query("PartyId", MARIE)))
    assert text(answer, "PartyId") == MARIE
    assert answer.findall(f"{{{NS}}}Contract") == []


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("<pa:PartyId>P9999999</pa:PartyId>", "UnknownParty"),
        ("<pa:NationalNumber>90.01.01-001.43</pa:NationalNumber>", "UnknownParty"),
        ("<pa:EnterpriseNumber>0999.999.999</pa:EnterpriseNumber>", "UnknownParty"),
        ("<pa:NationalNumber>85.03.12</pa:NationalNumber>", "InvalidIdentifier"),
    ],
)
async def test_unknown_party_is_a_client_fault(
    client: httpx.AsyncClient, query: str, reason: str
) -> None:
    code, message, detail = fault(
        await call(
            client, "GetPartyContracts", f"<pa:GetPartyContracts>{query}</pa:GetPartyContracts>"
        )
    )
    assert code == "soap:Client"
    assert detail == reason
    if reason == "UnknownParty":
        assert message == "Unknown party"


async def test_get_contracts_batch_in_every_format(
    client: httpx.AsyncClient, world: World, response_schema: etree.XMLSchema
) -> None:
    requested = [
        "23/1234567/01",  # policy administration
        "0012345-07",  # life platform format
        "12345.07",  # non-life format, leading zeros dropped
        "99/9999999/99",
        "21/1234567/01",  # a known contract under the wrong legal branch
        "2300000000",
        "n° 1234567",
        "08400000403",  # digits only (A8)
        "3000003-01",
    ]
    answer = payload(await call(client, "GetContracts", contracts_query(*requested)))
    response_schema.assertValid(answer)
    items = list(answer)
    assert len(items) == len(requested)
    found = {
        0: (1234567, 1),
        1: (12345, 7),
        2: (12345, 7),
        7: (4000004, 3),
        8: (3000003, 1),
    }
    for position, item in enumerate(items):
        if position in found:
            assert item.tag == f"{{{NS}}}Contract"
            contract = world.contracts[found[position]]
            assert text(item, "PolicyNumber") == expected_number(world, contract)
        else:
            assert item.tag == f"{{{NS}}}NotFound"
            assert text(item, "PolicyNumber") == requested[position]


async def test_get_contracts_full_header(client: httpx.AsyncClient, world: World) -> None:
    answer = payload(
        await call(client, "GetContracts", contracts_query("23/1234567/01", "3000003.01"))
    )
    strategy, scala = answer.findall(f"{{{NS}}}Contract")
    contract = world.contracts[(1234567, 1)]
    product = world.products[contract.product]
    assert text(strategy, "ProductCode") == product.code
    assert text(strategy, "ProductName") == product.name
    assert text(strategy, "ProductType") == "120"
    assert text(strategy, "LegalBranch") == "23"
    assert text(strategy, "Status") == "1"
    assert text(strategy, "TerminationReason") is None
    assert text(strategy, "StatusDate") == "20210715"
    assert text(strategy, "StartDate") == "20190401"
    assert text(strategy, "EndDate") is None
    assert text(strategy, "PaymentFrequency") == A325[contract.payment_frequency]
    assert text(strategy, "PremiumCents") == "12550"
    assert text(strategy, "Currency") == "EUR"
    assert text(strategy, "CorrespondenceLanguage") == "fr"
    assert text(strategy, "TaxRegime") is None
    roles = [
        (
            text(r, "PartyId") or text(r, "EnterpriseNumber") or text(r, "FsmaNumber"),
            text(r, "RoleCode"),
            text(r, "SharePercent"),
            text(r, "Clause"),
        )
        for r in roles_of(strategy)
    ]
    expected = [(r.party_id, X043[r.role], r.share_percent, r.clause) for r in contract.roles] + [
        ("0412345614", "002", None, None)
    ]
    assert [(p, c, Decimal(s) if s else None, cl) for p, c, s, cl in roles] == expected
    assert text(scala, "TaxRegime") == "16"
    assert text(scala, "Status") == "5"
    scala_roles = [
        (text(r, "EnterpriseNumber"), text(r, "PartyId"), text(r, "RoleCode"))
        for r in roles_of(scala)
    ]
    assert scala_roles == [("0403019261", None, "003"), (None, JAN, "013"), (None, None, "002")]


async def test_status_codes_and_money(client: httpx.AsyncClient, world: World) -> None:
    numbers = [expected_number(world, c) for c in world.contracts.values()]
    answer = payload(await call(client, "GetContracts", contracts_query(*numbers)))
    items = answer.findall(f"{{{NS}}}Contract")
    assert len(items) == len(world.contracts)
    for item, contract in zip(items, world.contracts.values(), strict=True):
        assert (text(item, "Status"), text(item, "TerminationReason")) == A003[contract.status]
        cents = Decimal(text(item, "PremiumCents") or "") / 100
        assert abs(cents - contract.premium) <= Decimal("0.005")
        end = contract.end_date
        assert text(item, "EndDate") == (end.strftime("%Y%m%d") if end else None)
    car = world.contracts[(12345, 7)]
    assert car.premium == Decimal("612.345")
    assert text(items[list(world.contracts).index((12345, 7))], "PremiumCents") == "61235"


async def test_all_unknown_numbers_is_a_fault(client: httpx.AsyncClient) -> None:
    code, _, detail = fault(
        await call(client, "GetContracts", contracts_query("99/9999999/99", "x"))
    )
    assert (code, detail) == ("soap:Client", "NoContractFound")


async def test_batch_limit(client: httpx.AsyncClient) -> None:
    batch = ["23/1234567/01"] * 200
    answer = payload(await call(client, "GetContracts", contracts_query(*batch)))
    assert len(answer) == 200
    too_many = await call(client, "GetContracts", contracts_query(*batch, "1"))
    code, message, detail = fault(too_many)
    assert (code, detail) == ("soap:Client", "TooManyPolicyNumbers")
    assert "200" in message


GOOD_BODY = party_query("PartyId", HELENE)
GOOD_ACTION = f'"{NS}/GetPartyContracts"'
LATIN1_XML = f"text/xml; charset={LATIN1}"


@pytest.mark.parametrize(
    ("content", "content_type", "action", "faultcode", "reason"),
    [
        (b"<soap:Envelope", LATIN1_XML, GOOD_ACTION, "soap:Client", "MalformedRequest"),
        (b"", LATIN1_XML, GOOD_ACTION, "soap:Client", "MalformedRequest"),
        (b"<a>not soap</a>", LATIN1_XML, GOOD_ACTION, "soap:Client", "MalformedRequest"),
        (envelope(GOOD_BODY), LATIN1_XML, None, "soap:Client", "MissingSoapAction"),
        (envelope(GOOD_BODY), LATIN1_XML, '""', "soap:Client", "MissingSoapAction"),
        (envelope(GOOD_BODY), LATIN1_XML, f'"{NS}/DeleteAll"', "soap:Client", "UnknownOperation"),
        (
            envelope(GOOD_BODY),
            LATIN1_XML,
            f'"{NS}/GetContracts"',
            "soap:Client",
            "MalformedRequest",
        ),
        (
            envelope(GOOD_BODY),
            "application/json",
            GOOD_ACTION,
            "soap:Client",
            "UnsupportedMediaType",
        ),
        (
            envelope(GOOD_BODY),
            "text/xml; charset=UTF-16",
            GOOD_ACTION,
            "soap:Client",
            "UnsupportedEncoding",
        ),
        (
            envelope(GOOD_BODY),
            "text/xml; charset=klingon",
            GOOD_ACTION,
            "soap:Client",
            "UnsupportedEncoding",
        ),
        (
            envelope(
                "<pa:GetPartyContracts><pa:PartyId>Hélène</pa:PartyId></pa:GetPartyContracts>"
            ),
            "text/xml; charset=UTF-8",  # Latin-1 bytes sent as UTF-8
            GOOD_ACTION,
            "soap:Client",
            "MalformedRequest",
        ),
        (
            envelope(
                "<pa:GetPartyContracts><pa:PartyId>1</pa:PartyId><pa:PartyId>2</pa:PartyId></pa:GetPartyContracts>"
            ),
            LATIN1_XML,
            GOOD_ACTION,
            "soap:Client",
            "MalformedRequest",
        ),
        (
            envelope("<pa:GetPartyContracts/><pa:GetPartyContracts/>"),
            LATIN1_XML,
            GOOD_ACTION,
            "soap:Client",
            "MalformedRequest",
        ),
        (
            b'<!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            + envelope(
                "<pa:GetPartyContracts><pa:PartyId>&x;</pa:PartyId></pa:GetPartyContracts>"
            ).split(b"?>", 1)[1],
            LATIN1_XML,
            GOOD_ACTION,
            "soap:Client",
            "MalformedRequest",
        ),
    ],
)
async def test_bad_requests_are_client_faults(
    client: httpx.AsyncClient,
    content: bytes,
    content_type: str,
    action: str | None,
    faultcode: str,
    reason: str,
) -> None:
    headers = {"Content-Type": content_type}
    if action is not None:
        headers["SOAPAction"] = action
    code, message, detail = fault(await client.post("/soap", content=content, headers=headers))
    assert (code, detail) == (faultcode, reason)
    assert "Traceback" not in message
    assert "root:" not in message


async def test_soap_12_envelope_is_a_version_mismatch(client: httpx.AsyncClient) -> None:
    body = (
        f'<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope" xmlns:pa="{NS}">'
        f"<e:Body>{GOOD_BODY}</e:Body></e:Envelope>"
    )
    response = await client.post(
        "/soap",
        content=body.encode(),
        headers={"Content-Type": LATIN1_XML, "SOAPAction": GOOD_ACTION},
    )
    assert fault(response)[0] == "soap:VersionMismatch"


async def test_must_understand_header(client: httpx.AsyncClient) -> None:
    body = (
        f'<soap:Envelope xmlns:soap="{SOAP}" xmlns:pa="{NS}"><soap:Header>'
        '<s:Security xmlns:s="urn:x" soap:mustUnderstand="1"/></soap:Header>'
        f"<soap:Body>{GOOD_BODY}</soap:Body></soap:Envelope>"
    )
    response = await client.post(
        "/soap",
        content=body.encode(),
        headers={"Content-Type": LATIN1_XML, "SOAPAction": GOOD_ACTION},
    )
    assert fault(response)[0] == "soap:MustUnderstand"
    ignorable = body.replace(' soap:mustUnderstand="1"', "")
    response = await client.post(
        "/soap",
        content=ignorable.encode(),
        headers={"Content-Type": LATIN1_XML, "SOAPAction": GOOD_ACTION},
    )
    assert text(payload(response), "PartyId") == HELENE


async def test_latin1_round_trip(client: httpx.AsyncClient, world: World) -> None:
    response = await call(
        client,
        "GetContracts",
        contracts_query("23/1234567/01", "n° 4000004.03 Łódź", "08/4000004/03"),
        encoding="UTF-8",
    )
    raw = response.content
    helene = world.parties[HELENE]
    assert "Hélène Dub".encode(LATIN1) in raw  # é and è as single Latin-1 bytes
    assert b"&#339;" in raw  # œ is not in Latin-1: a character reference
    assert b"&#321;ukasz" in raw  # Ł
    assert "héritiers légaux".encode(LATIN1) in raw
    answer = payload(response)
    strategy, not_found, fire = list(answer)
    names = [text(r, "Name") for r in roles_of(strategy)]
    assert names[0] == f"{helene.first_name} {helene.last_name}"
    assert text(not_found, "PolicyNumber") == "n° 4000004.03 Łódź"
    assert text(roles_of(fire)[0], "Name") == "Łukasz Nowak"
    # the same request in ISO-8859-1 (without the Polish name, which Latin-1 cannot carry)
    latin = await call(client, "GetContracts", contracts_query("n° 1", "23/1234567/01"))
    assert text(payload(latin)[0], "PolicyNumber") == "n° 1"
    assert "n° 1".encode(LATIN1) in latin.content


async def test_call_counter_keys_by_operation(client: httpx.AsyncClient, control: Control) -> None:
    await call(client, "GetContracts", contracts_query("23/1234567/01"))
    await call(client, "GetContracts", contracts_query("23/1234567/01"))
    await call(client, "GetPartyContracts", GOOD_BODY)
    await client.get("/soap?wsdl")
    assert control.calls == {
        "POST /soap GetContracts": 2,
        "POST /soap GetPartyContracts": 1,
        "GET /soap": 1,
    }
    calls = (await client.get("/_sandbox/calls")).json()
    assert calls["total"] == 4


@pytest.mark.parametrize(
    ("switch", "status", "reason"),
    [
        ({"error_rate": 1.0}, 500, "InternalError"),
        ({"outage": True}, 502, "BadGateway"),
        ({"maintenance": True}, 503, "ServiceUnavailable"),
        ({"overload_rate": 1.0}, 429, "Overloaded"),
    ],
)
async def test_injected_faults_answer_in_soap(
    client: httpx.AsyncClient, control: Control, switch: dict[str, object], status: int, reason: str
) -> None:
    control.faults = Faults().merged(switch)
    response = await call(client, "GetPartyContracts", GOOD_BODY)
    code, _, detail = fault(response, status)
    assert (code, detail) == ("soap:Server", reason)
    if status in {429, 503}:
        assert int(response.headers["Retry-After"]) > 0


def test_render_error_for_a_client_status() -> None:
    response = render_error(404, "nothing here")
    assert response.status_code == 404
    root = etree.fromstring(bytes(response.body))
    assert root.findtext(f"{{{SOAP}}}Body/{{{SOAP}}}Fault/faultcode") == "soap:Client"
    assert root.findtext(f"{{{SOAP}}}Body/{{{SOAP}}}Fault/faultstring") == "nothing here"


async def test_internal_errors_are_server_faults_without_traceback(world: World) -> None:
    world.contracts[(1234567, 1)].product = "GONE"  # a record the service cannot render
    app = create_app(SystemContext(world, "policy", BASE_URL))
    async with asgi_client(app) as broken:
        response = await call(broken, "GetPartyContracts", GOOD_BODY)
    code, message, detail = fault(response)
    assert (code, message, detail) == ("soap:Server", "Internal error", "InternalError")


async def test_get_without_wsdl_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.get("/soap")
    assert fault(response, 405)[0] == "soap:Client"


@pytest.fixture(scope="module")
def generated() -> World:
    return build_world(seed=42, as_of=date(2025, 1, 15))


async def test_generated_world(generated: World) -> None:
    app = Controlled(
        create_app(SystemContext(generated, "policy", BASE_URL)), Control("policy"), render_error
    )
    async with asgi_client(app) as client:
        schema = await wsdl_schema(client)
        keys = sorted(generated.contracts)
        for start in range(0, len(keys), 200):
            numbers = [
                expected_number(generated, generated.contracts[k])
                for k in keys[start : start + 200]
            ]
            answer = payload(await call(client, "GetContracts", contracts_query(*numbers)))
            schema.assertValid(answer)
            assert [text(c, "PolicyNumber") for c in answer] == numbers
        for persona in generated.personas.values():
            if persona.party_id is None:
                continue
            query = party_query("PartyId", persona.party_id)
            answer = payload(await call(client, "GetPartyContracts", query))
            schema.assertValid(answer)
            contracts = generated.contracts_of_party(persona.party_id)
            got = {
                text(c, "PolicyNumber"): party_codes(c) for c in answer.findall(f"{{{NS}}}Contract")
            }
            assert got == {
                expected_number(generated, c): sorted(
                    X043[r.role] for r in c.roles if r.party_id == persona.party_id
                )
                for c in contracts
            }, persona.id
        companies = {p.company_number for p in generated.personas.values() if p.company_number}
        assert companies
        for number in companies:
            query = party_query("EnterpriseNumber", number)
            answer = payload(await call(client, "GetPartyContracts", query))
            schema.assertValid(answer)
            got = {
                text(c, "PolicyNumber"): party_codes(c) for c in answer.findall(f"{{{NS}}}Contract")
            }
            assert got == {
                expected_number(generated, c): sorted(
                    X043[r.role] for r in c.roles if r.company_number == number
                )
                for c in generated.contracts_of_company(number)
            }
            assert got
