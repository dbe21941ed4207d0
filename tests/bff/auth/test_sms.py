"""The SMS login (A1 fallback, A5 activation, A2 level substantial): the flow over a fake CRM,
then the whole story over the sandbox's real CRM, in process."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import date
from typing import Any, cast

import httpx
import pytest
from starlette.applications import Starlette

from bff.adapters.crm import CrmAdapter, CrmPort, NoMobileNumber
from bff.adapters.errors import BackendUnavailable
from bff.auth.login import SessionOpener
from bff.auth.principal import Assurance, AuthMethod, PrincipalKind, Profile
from bff.auth.rate_limit import MemoryRateLimiter
from bff.auth.sessions import MemorySessionStore
from bff.auth.sms import customer_number
from bff.auth.sms_routes import SmsLimits, sms_routes
from sandbox.control import Control, Controlled
from sandbox.generate import build_world
from sandbox.systems import SystemContext, crm
from sandbox.world import World

pytestmark = pytest.mark.anyio

PARTY = "P0000818"
LETTER = "ABCD-EFGH-JKLM"
BIRTH = "1980-05-07"
POSTCODE = "6219 GX"
DEVICE = "device-1"


class FakeCrm:
    """The CRM's SMS side: one letter for PARTY, codes it "sends" kept in `sent`."""

    def __init__(self) -> None:
        self.letter_used = False
        self.sent: dict[str, tuple[str, str]] = {}  # otp id -> (party id, code)
        self.used: set[str] = set()
        self.down = False
        self.phones = {PARTY: True, "P0000003": False}

    async def verify_activation(self, code: str, birth_date: date, postcode: str) -> str | None:
        if self.down:
            raise BackendUnavailable("crm", "answered 502")
        right = (code, birth_date.isoformat(), postcode) == (LETTER, BIRTH, POSTCODE)
        if right and not self.letter_used:
            self.letter_used = True
            return PARTY
        return None

    async def send_otp(self, party_id: str) -> str:
        if self.down:
            raise BackendUnavailable("crm", "answered 502")
        if not self.phones[party_id]:
            raise NoMobileNumber("crm", "no mobile number")
        otp_id = f"otp-{len(self.sent)}"
        self.sent[otp_id] = (party_id, f"{123450 + len(self.sent)}")
        return otp_id

    async def verify_otp(self, otp_id: str, code: str) -> str | None:
        party_id, right = self.sent[otp_id]
        if otp_id in self.used or code != right:
            return None
        self.used.add(otp_id)
        return party_id

    def last_code(self) -> str:
        return list(self.sent.values())[-1][1]


@pytest.fixture
def fake() -> FakeCrm:
    return FakeCrm()


@pytest.fixture
def sessions() -> MemorySessionStore:
    return MemorySessionStore(3600, 600)


def make_client(
    port: Any, sessions: MemorySessionStore, limits: SmsLimits | None = None
) -> httpx.AsyncClient:
    opener = SessionOpener(cast(CrmPort, port), sessions, 3600)
    app = Starlette(routes=sms_routes(cast(CrmPort, port), opener, limits=limits))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bff.test")


@pytest.fixture
async def client(fake: FakeCrm, sessions: MemorySessionStore) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(fake, sessions) as bff:
        yield bff


def activation(**changes: str) -> dict[str, str]:
    return {"activation_code": LETTER, "birth_date": BIRTH, "postcode": POSTCODE, **changes}


async def activate(client: httpx.AsyncClient) -> str:
    answer = await client.post("/auth/sms/activate", json=activation())
    assert answer.status_code == 200, answer.text
    return str(answer.json()["login_id"])


async def verify(
    client: httpx.AsyncClient, login_id: str, code: str, profile: str = "web", **extra: str
) -> httpx.Response:
    body = {"login_id": login_id, "code": code, "profile": profile, **extra}
    return await client.post("/auth/sms/verify", json=body)


async def test_a5_a2_activation_then_code_opens_a_substantial_sms_session(
    client: httpx.AsyncClient, fake: FakeCrm, sessions: MemorySessionStore
) -> None:
    login_id = await activate(client)
    answer = await verify(client, login_id, fake.last_code())
    assert answer.status_code == 200
    body = answer.json()
    assert body["token_type"] == "Bearer"
    assert body["profile"] == "web"
    assert body["expires_in"] == 3600
    assert answer.headers["cache-control"] == "no-store"
    session = await sessions.get(body["access_token"])
    assert session is not None
    principal = session.principal
    assert principal.kind is PrincipalKind.CUSTOMER
    assert principal.subject == PARTY
    assert principal.method is AuthMethod.SMS
    assert principal.assurance is Assurance.SUBSTANTIAL
    assert principal.profile is Profile.WEB
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("__Host-bff_session=")
    assert "httponly" in cookie.lower()
    assert "samesite=strict" in cookie.lower()


@pytest.mark.parametrize(
    "wrong",
    [
        {"activation_code": "ZZZZ-ZZZZ-ZZZZ"},
        {"birth_date": "1980-05-08"},
        {"postcode": "1000"},
    ],
)
async def test_a5_a_wrong_combination_gets_one_generic_answer(
    client: httpx.AsyncClient, fake: FakeCrm, wrong: dict[str, str]
) -> None:
    answer = await client.post("/auth/sms/activate", json=activation(**wrong))
    assert answer.status_code == 400
    assert answer.json() == {
        "error": "activation_invalid",
        "message": "This combination of activation code, birth date and postcode is not valid.",
    }
    assert fake.sent == {}


async def test_a5_an_activation_code_works_once(client: httpx.AsyncClient) -> None:
    await activate(client)
    again = await client.post("/auth/sms/activate", json=activation())
    assert again.json()["error"] == "activation_invalid"


async def test_a5_a_malformed_birth_date_is_a_bad_request(client: httpx.AsyncClient) -> None:
    answer = await client.post("/auth/sms/activate", json=activation(birth_date="07/05/1980"))
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_request"


async def test_a1_start_by_customer_number_sends_a_code_once_enrolled(
    client: httpx.AsyncClient, fake: FakeCrm, sessions: MemorySessionStore
) -> None:
    await verify(client, await activate(client), fake.last_code())
    start = await client.post("/auth/sms/start", json={"customer_number": "p-0000.818"})
    assert start.status_code == 200
    assert len(fake.sent) == 2
    answer = await verify(client, start.json()["login_id"], fake.last_code())
    assert answer.status_code == 200
    assert await sessions.get(answer.json()["access_token"]) is not None


@pytest.mark.parametrize("number", [PARTY, "P9999999"])
async def test_start_answers_alike_for_unknown_and_not_enrolled_numbers(
    client: httpx.AsyncClient, fake: FakeCrm, number: str
) -> None:
    answer = await client.post("/auth/sms/start", json={"customer_number": number})
    assert answer.status_code == 200
    assert set(answer.json()) == {"login_id"}
    assert fake.sent == {}  # no SMS: PARTY has not activated yet
    refused = await verify(client, answer.json()["login_id"], "123451")
    assert refused.json()["error"] == "code_invalid"


async def test_a_code_works_once(client: httpx.AsyncClient, fake: FakeCrm) -> None:
    login_id = await activate(client)
    code = fake.last_code()
    assert (await verify(client, login_id, code)).status_code == 200
    again = await verify(client, login_id, code)
    assert again.status_code == 400
    assert again.json() == {
        "error": "code_invalid",
        "message": "The code is not valid. Check it, or ask for a new code.",
    }


async def test_five_wrong_codes_end_the_login(fake: FakeCrm, sessions: MemorySessionStore) -> None:
    limits = SmsLimits(MemoryRateLimiter(100, 900), MemoryRateLimiter(100, 900))
    async with make_client(fake, sessions, limits) as bff:  # the flow's own count, not a limit
        login_id = await activate(bff)
        for _ in range(5):
            assert (await verify(bff, login_id, "000000")).status_code == 400
        burnt = await verify(bff, login_id, fake.last_code())
    assert burnt.json()["error"] == "code_invalid"
    assert fake.used == set()


async def test_a4_mobile_needs_the_device_that_started(
    client: httpx.AsyncClient, fake: FakeCrm, sessions: MemorySessionStore
) -> None:
    answer = await client.post("/auth/sms/activate", json=activation(device_id=DEVICE))
    login_id = answer.json()["login_id"]
    assert (await verify(client, login_id, fake.last_code(), "mobile")).status_code == 400
    other = await verify(client, login_id, fake.last_code(), "mobile", device_id="device-2")
    assert other.json()["error"] == "code_invalid"
    done = await verify(client, login_id, fake.last_code(), "mobile", device_id=DEVICE)
    assert done.status_code == 200
    assert "set-cookie" not in done.headers
    session = await sessions.get(done.json()["access_token"])
    assert session is not None
    assert session.device_id == DEVICE
    assert session.principal.profile is Profile.MOBILE


async def test_a_profile_other_than_web_or_mobile_is_refused(
    client: httpx.AsyncClient, fake: FakeCrm
) -> None:
    login_id = await activate(client)
    answer = await verify(client, login_id, fake.last_code(), "broker")
    assert answer.json()["error"] == "invalid_request"


async def test_rate_limit_per_customer_number_answers_429_with_retry_after(
    client: httpx.AsyncClient,
) -> None:
    for _ in range(5):
        ok = await client.post("/auth/sms/start", json={"customer_number": "P0000001"})
        assert ok.status_code == 200
    over = await client.post("/auth/sms/start", json={"customer_number": "P-0000001"})
    assert over.status_code == 429
    assert over.json()["error"] == "too_many_attempts"
    assert 0 < int(over.headers["retry-after"]) <= 900
    other = await client.post("/auth/sms/start", json={"customer_number": "P0000002"})
    assert other.status_code == 200


async def test_rate_limit_per_client_address(fake: FakeCrm, sessions: MemorySessionStore) -> None:
    limits = SmsLimits(MemoryRateLimiter(100, 900), MemoryRateLimiter(3, 900))
    async with make_client(fake, sessions, limits) as bff:
        for _ in range(3):
            await bff.post("/auth/sms/activate", json=activation(postcode="1000"))
        over = await bff.post("/auth/sms/activate", json=activation())
    assert over.status_code == 429
    assert "retry-after" in over.headers
    assert not fake.letter_used  # refused before the CRM saw it


async def test_no_mobile_number_is_said_after_activation_only(
    fake: FakeCrm, client: httpx.AsyncClient
) -> None:
    fake.phones[PARTY] = False
    answer = await client.post("/auth/sms/activate", json=activation())
    assert answer.status_code == 409
    assert answer.json()["error"] == "no_mobile_number"
    start = await client.post("/auth/sms/start", json={"customer_number": PARTY})
    assert start.status_code == 200  # enrolled, no phone: answered like any number


async def test_a_crm_outage_is_service_unavailable(
    fake: FakeCrm, client: httpx.AsyncClient
) -> None:
    fake.down = True
    answer = await client.post("/auth/sms/activate", json=activation())
    assert answer.status_code == 503
    assert answer.json()["error"] == "service_unavailable"


async def test_codes_and_numbers_never_reach_the_log_or_the_answer(
    client: httpx.AsyncClient, fake: FakeCrm, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await client.post("/auth/sms/activate", json=activation(postcode="1000"))
    login_id = await activate(client)
    wrong = await verify(client, login_id, "987654")
    await client.post("/auth/sms/start", json={"customer_number": "P0000777"})
    assert "987654" not in wrong.text
    for secret in (LETTER, "987654", fake.last_code(), "P0000777", PARTY, login_id):
        assert secret not in caplog.text


def test_a8_customer_numbers_ignore_case_and_separators() -> None:
    assert customer_number(" p-0000.818 ") == PARTY
    assert customer_number("P0000818; DROP") is None
    assert customer_number("") is None


# the same story over the sandbox's own CRM


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(seed=42, as_of=date.today())  # this module's own: activation writes


@pytest.fixture
async def sandbox_crm(world: World) -> AsyncIterator[httpx.AsyncClient]:
    base = "http://crm.sandbox"
    app = crm.create_app(SystemContext(world, "crm", base, {}))
    wrapped = Controlled(app, Control(system="crm"), crm.render_error)
    transport = httpx.ASGITransport(app=wrapped)
    async with httpx.AsyncClient(transport=transport, base_url=base) as client:
        yield client


async def test_a5_a2_the_whole_story_over_the_sandbox_crm(
    world: World, sandbox_crm: httpx.AsyncClient, sessions: MemorySessionStore
) -> None:
    party_id = world.personas["non-resident-sms"].party_id
    assert party_id is not None
    person = world.parties[party_id]
    letters = (await sandbox_crm.get("/_sandbox/letters", params={"partyId": party_id})).json()
    letter = next(x["code"] for x in letters["letters"] if not x["used"] and not x["blocked"])

    async def inbox_code() -> str:
        inbox = await sandbox_crm.get("/_sandbox/sms", params={"partyId": party_id})
        return str(inbox.json()["messages"][0]["code"])

    async with make_client(CrmAdapter(sandbox_crm), sessions) as bff:
        wrong = activation(
            activation_code=letter.lower().replace("-", " "),
            birth_date=person.birth_date.isoformat(),
            postcode="1000",
        )
        refused = await bff.post("/auth/sms/activate", json=wrong)
        assert refused.json()["error"] == "activation_invalid"
        right = {**wrong, "postcode": person.address.postcode}
        started = await bff.post("/auth/sms/activate", json=right)
        assert started.status_code == 200, started.text
        code = await inbox_code()
        done = await verify(bff, started.json()["login_id"], code)
        assert done.status_code == 200
        assert (await verify(bff, started.json()["login_id"], code)).status_code == 400
        assert (await bff.post("/auth/sms/activate", json=right)).status_code == 400

        again = await bff.post("/auth/sms/start", json={"customer_number": party_id})
        second = await verify(bff, again.json()["login_id"], await inbox_code())
        assert second.status_code == 200
    session = await sessions.get(second.json()["access_token"])
    assert session is not None
    assert session.principal.subject == party_id
    assert session.principal.assurance is Assurance.SUBSTANTIAL
