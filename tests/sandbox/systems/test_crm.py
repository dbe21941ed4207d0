from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from sandbox.control import Control, Controlled, Faults
from sandbox.ids import make_nrn
from sandbox.systems import SystemContext
from sandbox.systems.crm import create_app, render_error
from sandbox.world import (
    ActivationCode,
    Address,
    Building,
    Company,
    Contract,
    ContractRole,
    ContractStatus,
    Delivery,
    Family,
    Gender,
    Language,
    Mandate,
    MandateRole,
    Notification,
    Party,
    PaymentFrequency,
    Product,
    Role,
    World,
)

pytestmark = pytest.mark.anyio

AS_OF = date(2024, 6, 14)
HOME = (4321, 1)
COMPANY = "0403.019.261"


@dataclass
class Clock:
    now: datetime = datetime(2024, 6, 14, 9, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def _party(party_id: str, **changes: Any) -> Party:
    party = Party(
        id=party_id,
        nrn=None,
        first_name="An",
        last_name="Peeters",
        birth_date=date(1985, 3, 9),
        gender=Gender.FEMALE,
        language=Language.NL,
        address=Address("Kerkstraat", "12", "9000", "Gent"),
        email=None,
        phone=None,
        iban=None,
    )
    for name, value in changes.items():
        setattr(party, name, value)
    return party


def _parties(home: Address) -> dict[str, Party]:
    parties = [
        _party(
            "P0000001",
            nrn=make_nrn(date(1985, 3, 9), 122),
            address=home,  # the same object as the insured building's address
            email="an.peeters@example.be",
            phone="+32470123456",
            iban="BE68 5390 0754 7034",
        ),
        _party(
            "P0000002",
            nrn=make_nrn(date(2001, 11, 30), 35),
            first_name="Luc",
            last_name="Dubois",
            birth_date=date(2001, 11, 30),
            gender=Gender.MALE,
            language=Language.FR,
            address=Address("Rue Haute", "5", "1000", "Bruxelles"),
            email="Luc.Dubois@Example.be",
            phone="+32475000111",
            delivery=Delivery.PAPER,
        ),
        _party(
            "P0000003",
            first_name="Jan",
            last_name="de Vries",
            birth_date=date(1970, 1, 1),
            gender=Gender.MALE,
            address=Address("Dorpsstraat", "7", "1234 AB", "Amstelveen", "NL"),
            resident=False,
        ),
    ]
    return {p.id: p for p in parties}


def _notifications() -> dict[str, Notification]:
    base = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
    items = [
        Notification(
            f"N{n:03d}", "P0000001", base + timedelta(days=n), "document",
            f"Nieuw document {n}", "Er staat een nieuw document klaar.", read=n % 3 == 0,
        )
        for n in range(7)
    ]  # fmt: skip
    items.append(Notification("N100", "P0000002", base, "info", "Info", "Bonjour"))
    return {n.id: n for n in items}


@pytest.fixture
def crm_world() -> World:
    home = Address("Kerkstraat", "12", "9000", "Gent")
    contract = Contract(
        base=HOME[0],
        suffix=HOME[1],
        product="fire",
        status=ContractStatus.ACTIVE,
        start_date=date(2020, 1, 1),
        end_date=None,
        status_date=date(2020, 1, 1),
        payment_frequency=PaymentFrequency.YEARLY,
        premium=Decimal("321.00"),
        language=Language.NL,
        broker_fsma="0403.019.261",
        roles=[ContractRole(Role.POLICYHOLDER, party_id="P0000001")],
        insured_object=Building(home, "house", 6),
    )
    company = Company(
        COMPANY,
        "Peeters Bouw",
        "BV",
        Address("Industrieweg", "1", "9000", "Gent"),
        Language.NL,
        [Mandate("P0000001", MandateRole.DIGITAL_MANAGER), Mandate("P0000002", MandateRole.USER)],
    )
    codes = [
        ActivationCode("ABCD-EFGH-JKLM", "P0000001", date(2024, 5, 1), date(2024, 8, 1)),
        ActivationCode("OLDX-OLDX-OLDX", "P0000002", date(2023, 1, 1), date(2023, 4, 1)),
        ActivationCode("USED-USED-USED", "P0000002", date(2024, 6, 1), date(2024, 9, 1), True),
        ActivationCode("LUCX-LUCX-LUCX", "P0000002", date(2024, 6, 1), date(2024, 9, 1)),
    ]
    return World(
        seed=0,
        as_of=AS_OF,
        products={"fire": Product("fire", "Home", Family.NONLIFE, "310", "08")},
        parties=_parties(home),
        companies={COMPANY: company},
        brokers={},
        funds={},
        contracts={HOME: contract},
        documents={},
        notifications=_notifications(),
        activation_codes=codes,
        personas={},
    )


@pytest.fixture
def crm_clock() -> Clock:
    return Clock()


def _client(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://crm")


@pytest.fixture
async def crm(crm_world: World, crm_clock: Clock) -> AsyncIterator[httpx.AsyncClient]:
    ctx = SystemContext(crm_world, "crm", "http://127.0.0.1:1")
    async with _client(create_app(ctx, now=crm_clock)) as client:
        yield client


def _problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["code"] == code
    return body


def _contact_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "address": {
            "street": "Veldstraat",
            "number": "20 bus 3",
            "postcode": "9000",
            "city": "Gent",
            "country": "BE",
        },
        "email": "an.peeters@example.be",
        "phone": "+32470123456",
    }
    body.update(changes)
    return body


# persons


async def test_party_renders_the_record_with_an_etag_from_its_contact_version(
    crm: httpx.AsyncClient, crm_world: World
) -> None:
    party = crm_world.parties["P0000002"]
    party.contact_version = 4
    answer = await crm.get("/parties/P0000002")

    assert answer.status_code == 200
    assert answer.headers["etag"] == '"c-P0000002-4"'
    assert answer.json() == {
        "id": "P0000002",
        "nationalNumber": party.nrn,
        "firstName": "Luc",
        "lastName": "Dubois",
        "birthDate": "2001-11-30",
        "gender": "M",
        "language": "fr",
        "resident": True,
        "address": {
            "street": "Rue Haute",
            "number": "5",
            "postcode": "1000",
            "city": "Bruxelles",
            "country": "BE",
        },
        "email": party.email,
        "phone": party.phone,
        "iban": None,
        "deliveryPreference": "PAPER",
    }
    assert (await crm.get("/parties/P0000003")).json()["nationalNumber"] is None
    _problem(await crm.get("/parties/P0000404"), 404, "PARTY_NOT_FOUND")


async def test_party_by_national_number_in_any_form(
    crm: httpx.AsyncClient, crm_world: World
) -> None:
    nrn = crm_world.parties["P0000001"].nrn
    assert nrn is not None
    digits = "".join(c for c in nrn if c.isdigit())
    for form in [nrn, digits, f"{digits[:6]} {digits[6:]}"]:
        answer = await crm.get("/parties", params={"nrn": form})
        assert answer.status_code == 200
        assert answer.json()["id"] == "P0000001"
        assert answer.headers["etag"] == '"c-P0000001-1"'
    _problem(await crm.get("/parties"), 400, "NRN_REQUIRED")
    _problem(await crm.get("/parties", params={"nrn": "85.03.09"}), 400, "INVALID_NRN")
    other = make_nrn(date(1990, 1, 1), 1)
    missing = _problem(await crm.get("/parties", params={"nrn": other}), 404, "PARTY_NOT_FOUND")
    assert "".join(c for c in other if c.isdigit()) not in str(missing)  # personal data


async def test_party_batch(crm: httpx.AsyncClient) -> None:
    answer = await crm.post("/parties/batch", json={"ids": ["P0000003", "X", "P0000001"]})

    body = answer.json()
    assert [p["id"] for p in body["parties"]] == ["P0000003", "P0000001"]
    assert [p["etag"] for p in body["parties"]] == ['"c-P0000003-1"', '"c-P0000001-1"']
    assert body["unknown"] == ["X"]
    _problem(await crm.post("/parties/batch", json={"ids": "P1"}), 422, "VALIDATION_FAILED")
    _problem(await crm.post("/parties/batch", content=b"{"), 400, "INVALID_JSON")


# contact details


async def test_contact_put_needs_if_match_refuses_stale_and_bumps_the_etag(
    crm: httpx.AsyncClient, crm_world: World
) -> None:
    read = await crm.get("/parties/P0000001/contact")
    assert read.json() == {
        "address": {
            "street": "Kerkstraat",
            "number": "12",
            "postcode": "9000",
            "city": "Gent",
            "country": "BE",
        },
        "email": "an.peeters@example.be",
        "phone": "+32470123456",
    }
    tag = read.headers["etag"]
    assert tag == '"c-P0000001-1"'

    missing = await crm.put("/parties/P0000001/contact", json=_contact_body())
    _problem(missing, 428, "PRECONDITION_REQUIRED")

    done = await crm.put(
        "/parties/P0000001/contact", json=_contact_body(), headers={"If-Match": tag}
    )
    assert done.status_code == 200
    assert done.headers["etag"] == '"c-P0000001-2"'
    assert done.json()["address"]["street"] == "Veldstraat"
    assert crm_world.parties["P0000001"].contact_version == 2
    assert (await crm.get("/parties/P0000001")).headers["etag"] == '"c-P0000001-2"'

    again = await crm.put(
        "/parties/P0000001/contact", json=_contact_body(phone=None), headers={"If-Match": tag}
    )
    stale = _problem(again, 412, "PRECONDITION_FAILED")
    assert again.headers["etag"] == '"c-P0000001-2"'
    assert stale["current"] == done.json()
    assert crm_world.parties["P0000001"].phone == "+32470123456"

    weak = await crm.put(
        "/parties/P0000001/contact", json=_contact_body(), headers={"If-Match": 'W/"c-P0000001-2"'}
    )
    _problem(weak, 412, "PRECONDITION_FAILED")
    listed = await crm.put(
        "/parties/P0000001/contact",
        json=_contact_body(phone=None),
        headers={"If-Match": '"other", "c-P0000001-2"'},
    )
    assert listed.status_code == 200
    assert listed.json()["phone"] is None


async def test_contact_change_never_touches_contracts(
    crm: httpx.AsyncClient, crm_world: World
) -> None:
    building = crm_world.contracts[HOME].insured_object
    assert isinstance(building, Building)
    assert building.address is crm_world.parties["P0000001"].address

    answer = await crm.put(
        "/parties/P0000001/contact", json=_contact_body(), headers={"If-Match": '"c-P0000001-1"'}
    )

    assert answer.status_code == 200
    assert crm_world.parties["P0000001"].address.street == "Veldstraat"
    assert (building.address.street, building.address.number) == ("Kerkstraat", "12")


async def test_email_belongs_to_one_account_only(crm: httpx.AsyncClient, crm_world: World) -> None:
    taken = crm_world.parties["P0000002"].email
    assert taken is not None
    answer = await crm.put(
        "/parties/P0000001/contact",
        json=_contact_body(email=f"  {taken.upper()} "),
        headers={"If-Match": '"c-P0000001-1"'},
    )

    _problem(answer, 409, "EMAIL_IN_USE")
    assert crm_world.parties["P0000001"].email == "an.peeters@example.be"
    assert crm_world.parties["P0000001"].contact_version == 1
    own = await crm.put(
        "/parties/P0000001/contact",
        json=_contact_body(email="AN.PEETERS@example.be"),
        headers={"If-Match": '"c-P0000001-1"'},
    )
    assert own.status_code == 200


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"email": "an.peeters@"}, "email", "INVALID_EMAIL"),
        ({"email": "an peeters@example.be"}, "email", "INVALID_EMAIL"),
        ({"email": "info@peetersbouw.be"}, "email", "EMAIL_NOT_PERSONAL"),
        ({"email": 12}, "email", "INVALID_TYPE"),
        ({"phone": "0470 12 34 56"}, "phone", "INVALID_PHONE"),
        ({"phone": "+324701234567890"}, "phone", "INVALID_PHONE"),
        ({"address": {"street": "A", "number": "1", "postcode": "900", "city": "G"}},
         "address.postcode", "INVALID_POSTCODE"),
        ({"address": {"street": "A", "number": "1", "postcode": "0999", "city": "G"}},
         "address.postcode", "INVALID_POSTCODE"),
        ({"address": {"street": "A", "number": "1", "postcode": "1234 A", "city": "A",
                      "country": "NL"}}, "address.postcode", "INVALID_POSTCODE"),
        ({"address": {"street": "A", "number": "1", "postcode": "1234 SS", "city": "A",
                      "country": "NL"}}, "address.postcode", "INVALID_POSTCODE"),
        ({"address": {"street": " ", "number": "1", "postcode": "9000", "city": "G"}},
         "address.street", "REQUIRED"),
        ({"address": {"street": "A", "number": "1", "postcode": "9000", "city": "G",
                      "country": "Belgium"}}, "address.country", "INVALID_COUNTRY"),
        ({"address": None}, "address", "INVALID_TYPE"),
    ],
)  # fmt: skip
async def test_invalid_contact_is_422_with_field_errors(
    crm: httpx.AsyncClient, crm_world: World, changes: dict[str, Any], field: str, code: str
) -> None:
    answer = await crm.put(
        "/parties/P0000001/contact",
        json=_contact_body(**changes),
        headers={"If-Match": '"c-P0000001-1"'},
    )

    body = _problem(answer, 422, "VALIDATION_FAILED")
    assert [(e["field"], e["code"]) for e in body["errors"]] == [(field, code)]
    assert crm_world.parties["P0000001"].contact_version == 1


async def test_missing_contact_fields_are_all_listed(crm: httpx.AsyncClient) -> None:
    answer = await crm.put(
        "/parties/P0000001/contact", json={"email": None}, headers={"If-Match": "*"}
    )
    body = _problem(answer, 422, "VALIDATION_FAILED")
    assert {(e["field"], e["code"]) for e in body["errors"]} == {
        ("address", "REQUIRED"),
        ("phone", "REQUIRED"),
    }


async def test_contact_values_are_normalised(crm: httpx.AsyncClient, crm_world: World) -> None:
    dutch = {"street": "Dorpsstraat", "number": "8", "postcode": "1234ab", "city": "Amstelveen"}
    answer = await crm.put(
        "/parties/P0000003/contact",
        json={"address": {**dutch, "country": "nl"}, "email": None, "phone": "0031 6-1234 5678"},
        headers={"If-Match": '"c-P0000003-1"'},
    )

    assert answer.status_code == 200, answer.text
    party = crm_world.parties["P0000003"]
    assert (party.address.postcode, party.address.country) == ("1234 AB", "NL")
    assert party.phone == "+31612345678"


# delivery preference (D3)


async def test_delivery_preference_records_who_and_when(
    crm: httpx.AsyncClient, crm_world: World, crm_clock: Clock
) -> None:
    answer = await crm.put(
        "/parties/P0000001/delivery-preference",
        json={"preference": "PAPER", "requestedBy": "broker 0403.019.261"},
    )

    assert answer.status_code == 200
    assert answer.json() == {
        "partyId": "P0000001",
        "deliveryPreference": "PAPER",
        "changedBy": "broker 0403.019.261",
        "changedAt": crm_clock.now.isoformat(),
    }
    party = crm_world.parties["P0000001"]
    assert party.delivery is Delivery.PAPER
    assert party.delivery_changed_at == crm_clock.now
    assert answer.headers["etag"] == '"c-P0000001-2"'
    assert (await crm.get("/parties/P0000001")).json()["deliveryPreference"] == "PAPER"
    read = await crm.get("/parties/P0000001/delivery-preference")
    assert read.json() == answer.json()


async def test_delivery_preference_validation_and_if_match(crm: httpx.AsyncClient) -> None:
    path = "/parties/P0000001/delivery-preference"
    bad = await crm.put(path, json={"preference": "EMAIL", "requestedBy": "me"})
    assert _problem(bad, 422, "VALIDATION_FAILED")["errors"][0]["field"] == "preference"
    missing = await crm.put(path, json={"preference": "PAPER"})
    assert _problem(missing, 422, "VALIDATION_FAILED")["errors"][0]["field"] == "requestedBy"
    stale = await crm.put(
        path,
        json={"preference": "PAPER", "requestedBy": "me"},
        headers={"If-Match": '"c-P0000001-0"'},
    )
    _problem(stale, 412, "PRECONDITION_FAILED")


# notifications


async def _walk(client: httpx.AsyncClient, path: str, **params: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        answer = await client.get(path, params={"page": str(page), **params})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        items += body["items"]
        if page >= body["totalPages"]:
            assert len(items) == body["totalItems"]
            return items
        page += 1


async def test_notifications_page_newest_first_and_filter_unread(
    crm: httpx.AsyncClient, crm_world: World
) -> None:
    mine = [n for n in crm_world.notifications.values() if n.party_id == "P0000001"]
    items = await _walk(crm, "/parties/P0000001/notifications", size="3")

    assert [i["id"] for i in items] == [
        n.id for n in sorted(mine, key=lambda n: n.created, reverse=True)
    ]
    assert items[0] == {
        "id": "N006",
        "category": "document",
        "title": "Nieuw document 6",
        "body": "Er staat een nieuw document klaar.",
        "createdAt": crm_world.notifications["N006"].created.isoformat(),
        "read": True,
    }
    unread = await _walk(crm, "/parties/P0000001/notifications", size="2", unread="true")
    assert {i["id"] for i in unread} == {n.id for n in mine if not n.read}
    read = await _walk(crm, "/parties/P0000001/notifications", unread="false")
    assert {i["id"] for i in read} == {n.id for n in mine if n.read}
    counted = await crm.get("/parties/P0000001/notifications")
    assert counted.json()["unreadCount"] == sum(not n.read for n in mine)
    bad = await crm.get("/parties/P0000001/notifications", params={"unread": "maybe"})
    _problem(bad, 400, "INVALID_FILTER")


async def test_marking_read_is_idempotent_and_ignores_foreign_ids(
    crm: httpx.AsyncClient, crm_world: World
) -> None:
    ids = ["N001", "N100", "N003", "NOPE"]
    first = await crm.post("/parties/P0000001/notifications/read", json={"ids": ids})
    second = await crm.post("/parties/P0000001/notifications/read", json={"ids": ids})

    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert first.json()["read"] == ["N001", "N003"]
    assert first.json()["ignored"] == ["N100", "NOPE"]
    assert crm_world.notifications["N001"].read
    assert not crm_world.notifications["N100"].read  # someone else's
    mine = [n for n in crm_world.notifications.values() if n.party_id == "P0000001"]
    assert first.json()["unreadCount"] == sum(not n.read for n in mine)


# companies and mandates (A10)


def _managers(body: dict[str, Any]) -> list[str]:
    return [m["partyId"] for m in body["mandates"] if m["role"] == "DIGITAL_MANAGER"]


async def test_company_and_the_mandates_of_a_person(crm: httpx.AsyncClient) -> None:
    for number in [COMPANY, "0403019261", "403019261"]:
        answer = await crm.get(f"/companies/{number}")
        assert answer.status_code == 200
        assert answer.json() == {
            "enterpriseNumber": COMPANY,
            "name": "Peeters Bouw",
            "legalForm": "BV",
            "address": {
                "street": "Industrieweg",
                "number": "1",
                "postcode": "9000",
                "city": "Gent",
                "country": "BE",
            },
            "language": "nl",
            "mandates": [
                {"partyId": "P0000001", "role": "DIGITAL_MANAGER"},
                {"partyId": "P0000002", "role": "USER"},
            ],
        }
    _problem(await crm.get("/companies/0999999999"), 404, "COMPANY_NOT_FOUND")
    mandates = (await crm.get("/parties/P0000002/mandates")).json()
    assert mandates == {
        "partyId": "P0000002",
        "companies": [{"enterpriseNumber": COMPANY, "name": "Peeters Bouw", "role": "USER"}],
    }
    none = (await crm.get("/parties/P0000003/mandates")).json()
    assert none["companies"] == []


async def test_replacing_the_digital_manager_keeps_exactly_one(
    crm: httpx.AsyncClient, crm_world: World
) -> None:
    answer = await crm.put(f"/companies/{COMPANY}/digital-manager", json={"partyId": "P0000002"})

    assert answer.status_code == 200
    assert _managers(answer.json()) == ["P0000002"]
    roles = {m.party_id: m.role for m in crm_world.companies[COMPANY].mandates}
    assert roles == {"P0000002": MandateRole.DIGITAL_MANAGER, "P0000001": MandateRole.USER}

    newcomer = await crm.put(f"/companies/{COMPANY}/digital-manager", json={"partyId": "P0000003"})
    assert _managers(newcomer.json()) == ["P0000003"]
    assert len(crm_world.companies[COMPANY].mandates) == 3
    unknown = await crm.put(f"/companies/{COMPANY}/digital-manager", json={"partyId": "P404"})
    assert _problem(unknown, 422, "VALIDATION_FAILED")["errors"][0]["code"] == "UNKNOWN_PARTY"


async def test_adding_and_removing_users(crm: httpx.AsyncClient, crm_world: World) -> None:
    added = await crm.post(f"/companies/{COMPANY}/users/P0000003")
    assert added.status_code == 201
    assert {"partyId": "P0000003", "role": "USER"} in added.json()["mandates"]
    again = await crm.post(f"/companies/{COMPANY}/users/P0000003")
    assert again.status_code == 200
    assert again.json() == added.json()
    _problem(await crm.post(f"/companies/{COMPANY}/users/P0000001"), 409, "IS_DIGITAL_MANAGER")
    _problem(await crm.post(f"/companies/{COMPANY}/users/P404"), 404, "PARTY_NOT_FOUND")

    removed = await crm.delete(f"/companies/{COMPANY}/users/P0000003")
    assert removed.status_code == 200
    assert "P0000003" not in {m.party_id for m in crm_world.companies[COMPANY].mandates}
    _problem(await crm.delete(f"/companies/{COMPANY}/users/P0000003"), 404, "MANDATE_NOT_FOUND")
    manager = await crm.delete(f"/companies/{COMPANY}/users/P0000001")
    _problem(manager, 409, "DIGITAL_MANAGER_REQUIRED")
    assert _managers((await crm.get(f"/companies/{COMPANY}")).json()) == ["P0000001"]


# activation codes (A5)


def _activation(code: str, birth: str = "1985-03-09", postcode: str = "9000") -> dict[str, str]:
    return {"code": code, "birthDate": birth, "postcode": postcode}


async def test_activation_succeeds_once(crm: httpx.AsyncClient, crm_world: World) -> None:
    answer = await crm.post("/activation/verify", json=_activation("abcd efgh jklm"))

    assert answer.status_code == 200
    assert answer.json() == {"partyId": "P0000001"}
    assert crm_world.activation_codes[0].used
    again = await crm.post("/activation/verify", json=_activation("ABCD-EFGH-JKLM"))
    _problem(again, 400, "ACTIVATION_INVALID")


async def test_every_refused_activation_looks_the_same(crm: httpx.AsyncClient) -> None:
    attempts = [
        _activation("ABCD-EFGH-JKLM", birth="1985-03-10"),  # wrong birth date
        _activation("ABCD-EFGH-JKLM", postcode="9050"),  # wrong postcode
        _activation("ZZZZ-ZZZZ-ZZZZ"),  # unknown code
        _activation("OLDX-OLDX-OLDX", birth="2001-11-30", postcode="1000"),  # expired
        _activation("USED-USED-USED", birth="2001-11-30", postcode="1000"),  # used
    ]
    bodies = []
    for attempt in attempts:
        answer = await crm.post("/activation/verify", json=attempt)
        bodies.append(_problem(answer, 400, "ACTIVATION_INVALID"))
    assert all(body == bodies[0] for body in bodies)
    malformed = await crm.post("/activation/verify", json=_activation("X", birth="9/3/1985"))
    _problem(malformed, 422, "VALIDATION_FAILED")


async def test_five_failures_block_the_code(crm: httpx.AsyncClient, crm_world: World) -> None:
    for _ in range(5):
        wrong = await crm.post(
            "/activation/verify", json=_activation("ABCD-EFGH-JKLM", "2000-01-01")
        )
        _problem(wrong, 400, "ACTIVATION_INVALID")

    assert crm_world.activation_codes[0].blocked
    right = await crm.post("/activation/verify", json=_activation("ABCD-EFGH-JKLM"))
    _problem(right, 400, "ACTIVATION_INVALID")
    assert not crm_world.activation_codes[0].used


async def test_four_failures_do_not_block(crm: httpx.AsyncClient) -> None:
    for _ in range(4):
        await crm.post("/activation/verify", json=_activation("ABCD-EFGH-JKLM", postcode="1000"))
    right = await crm.post("/activation/verify", json=_activation("ABCD-EFGH-JKLM"))
    assert right.status_code == 200


async def test_a_new_request_replaces_earlier_unused_codes(
    crm: httpx.AsyncClient, crm_world: World
) -> None:
    answer = await crm.post("/activation/request", json={"partyId": "P0000002"})

    assert answer.status_code == 202
    assert answer.json() == {"partyId": "P0000002", "expiresOn": "2024-09-14", "channel": "POST"}
    letters = (await crm.get("/_sandbox/letters", params={"partyId": "P0000002"})).json()
    newest = letters["letters"][0]
    assert newest["issuedOn"] == AS_OF.isoformat()
    assert len(newest["code"]) == 14
    assert newest["code"] not in {c.code for c in crm_world.activation_codes[:4]}
    old = await crm.post(
        "/activation/verify", json=_activation("LUCX-LUCX-LUCX", "2001-11-30", "1000")
    )
    _problem(old, 400, "ACTIVATION_INVALID")
    new = await crm.post(
        "/activation/verify", json=_activation(newest["code"], "2001-11-30", "1000")
    )
    assert new.json() == {"partyId": "P0000002"}
    _problem(
        await crm.post("/activation/request", json={"partyId": "P404"}), 404, "PARTY_NOT_FOUND"
    )


# one-time SMS codes


async def _send(crm: httpx.AsyncClient, party_id: str = "P0000001") -> tuple[str, str]:
    answer = await crm.post("/otp", json={"partyId": party_id})
    assert answer.status_code == 201
    assert answer.json()["expiresIn"] == 300
    inbox = (await crm.get("/_sandbox/sms", params={"partyId": party_id})).json()
    code: str = inbox["messages"][0]["code"]
    return answer.json()["otpId"], code


async def test_otp_goes_to_the_phone_and_works_once(
    crm: httpx.AsyncClient, crm_world: World
) -> None:
    otp_id, code = await _send(crm)

    assert len(code) == 6
    assert code.isdigit()
    phone = crm_world.parties["P0000001"].phone
    inbox = (await crm.get("/_sandbox/sms", params={"phone": phone})).json()["messages"]
    assert inbox[0]["phone"] == phone
    assert code in inbox[0]["text"]
    assert inbox[0]["text"].startswith("Uw verificatiecode")
    ok = await crm.post("/otp/verify", json={"otpId": otp_id, "code": code})
    assert ok.status_code == 200
    assert ok.json() == {"partyId": "P0000001"}
    _problem(await crm.post("/otp/verify", json={"otpId": otp_id, "code": code}), 400, "OTP_USED")


async def test_otp_expires_after_five_minutes(crm: httpx.AsyncClient, crm_clock: Clock) -> None:
    otp_id, code = await _send(crm)
    crm_clock.now += timedelta(minutes=4, seconds=59)
    fresh_id, fresh_code = await _send(crm)
    crm_clock.now += timedelta(seconds=1)

    late = await crm.post("/otp/verify", json={"otpId": otp_id, "code": code})
    _problem(late, 400, "OTP_EXPIRED")
    in_time = await crm.post("/otp/verify", json={"otpId": fresh_id, "code": fresh_code})
    assert in_time.status_code == 200


async def test_five_wrong_codes_burn_the_otp(crm: httpx.AsyncClient) -> None:
    otp_id, code = await _send(crm)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for left in [4, 3, 2, 1]:
        answer = await crm.post("/otp/verify", json={"otpId": otp_id, "code": wrong})
        assert _problem(answer, 400, "OTP_INVALID")["attemptsLeft"] == left
    fifth = await crm.post("/otp/verify", json={"otpId": otp_id, "code": wrong})
    _problem(fifth, 400, "OTP_BLOCKED")

    right = await crm.post("/otp/verify", json={"otpId": otp_id, "code": code})
    _problem(right, 400, "OTP_BLOCKED")


async def test_otp_refusals(crm: httpx.AsyncClient) -> None:
    _problem(await crm.post("/otp", json={"partyId": "P0000003"}), 409, "NO_PHONE")
    _problem(await crm.post("/otp", json={"partyId": "P404"}), 404, "PARTY_NOT_FOUND")
    unknown = await crm.post("/otp/verify", json={"otpId": "nope", "code": "123456"})
    _problem(unknown, 404, "OTP_NOT_FOUND")
    _problem(await crm.post("/otp/verify", json={"otpId": "x"}), 422, "VALIDATION_FAILED")
    _problem(await crm.get("/_sandbox/sms"), 400, "FILTER_REQUIRED")


async def test_sandbox_inbox_passes_through_the_control_wrapper(crm_world: World) -> None:
    ctx = SystemContext(crm_world, "crm", "http://127.0.0.1:1")
    control = Control("crm", defaults=Faults(maintenance=True))
    async with _client(Controlled(create_app(ctx), control, render_error)) as client:
        down = await client.post("/otp", json={"partyId": "P0000002"})
        body = _problem(down, 503, "SERVICE_UNAVAILABLE")
        assert body["title"] == "Service Unavailable"
        assert down.headers["retry-after"] == "600"
        inbox = await client.get("/_sandbox/sms", params={"phone": "+32 475 00 01 11"})
        assert inbox.status_code == 200
        assert inbox.json() == {"messages": []}
        assert control.calls.total() == 1


@pytest.fixture(scope="module")
def crm_generated() -> World:
    from sandbox.generate import build_world

    return build_world(seed=42, as_of=AS_OF)


async def test_generated_world_persons_and_activation_codes(crm_generated: World) -> None:
    world = crm_generated
    ctx = SystemContext(world, "crm", "http://127.0.0.1:1")
    async with _client(create_app(ctx)) as client:
        for persona in world.personas.values():
            if persona.party_id:
                answer = await client.get(f"/parties/{persona.party_id}")
                assert answer.status_code == 200
                party = world.parties[persona.party_id]
                if party.nrn:
                    found = await client.get("/parties", params={"nrn": party.nrn})
                    assert found.json()["id"] == party.id
        usable = next(
            c
            for c in world.activation_codes
            if not c.used and not c.blocked and c.expires >= world.as_of
        )
        owner = world.parties[usable.party_id]
        answer = await client.post(
            "/activation/verify",
            json=_activation(usable.code, owner.birth_date.isoformat(), owner.address.postcode),
        )
        assert answer.json() == {"partyId": owner.id}


async def test_a_wrong_method_is_a_405_listing_the_allowed_ones(crm: httpx.AsyncClient) -> None:
    answer = await crm.patch("/parties/P0000001/contact", json={})
    _problem(answer, 405, "METHOD_NOT_ALLOWED")
    assert set(answer.headers["allow"].split(", ")) == {"GET", "HEAD", "PUT"}
    _problem(await crm.get("/nowhere"), 404, "NOT_FOUND")
    head = await crm.head("/parties/P0000001/contact")
    assert head.status_code == 200
    assert head.headers["etag"] == '"c-P0000001-1"'


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
async def test_paging_takes_ascii_digits_only(crm: httpx.AsyncClient, value: str) -> None:
    path = "/parties/P0000001/notifications"
    for name in ("page", "size"):
        _problem(await crm.get(path, params={name: value}), 400, "INVALID_PAGING")
    padded = (await crm.get(path, params={"page": "01", "size": "0002"})).json()
    assert (padded["page"], padded["size"]) == (1, 2)
