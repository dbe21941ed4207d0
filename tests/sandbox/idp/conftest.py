"""A small hand-built world for the identity provider tests, and the browser part of a login."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from sandbox.world import (
    Address,
    Broker,
    Gender,
    Language,
    LoginMethod,
    Party,
    Persona,
    PersonaKind,
    Profile,
    World,
)


def nrn(birth: date, serial: int) -> str:
    """A national register number with a correct check (domain.md identifiers)."""
    nine = f"{birth:%y%m%d}{serial:03d}"
    base = int(("2" if birth.year >= 2000 else "") + nine)
    check = 97 - base % 97
    return f"{nine[0:2]}.{nine[2:4]}.{nine[4:6]}-{nine[6:9]}.{check:02d}"


def _party(
    pid: str, first: str, last: str, birth: date, serial: int | None, lang: Language
) -> Party:
    return Party(
        id=pid,
        nrn=nrn(birth, serial) if serial is not None else None,
        first_name=first,
        last_name=last,
        birth_date=birth,
        gender=Gender.FEMALE if serial is not None and serial % 2 == 0 else Gender.MALE,
        language=lang,
        address=Address("Kerkstraat", "1", "9000", "Gent"),
        email=f"{first.lower()}@example.org",
        phone=None,
        iban=None,
    )


def _broker(fsma: str, name: str, client_id: str, secret: str) -> Broker:
    return Broker(
        fsma=fsma,
        name=name,
        address=Address("Markt", "2", "3000", "Leuven"),
        phone="+3216000000",
        email="info@example.org",
        website="https://example.org",
        client_id=client_id,
        client_secret=secret,
    )


@pytest.fixture
def world() -> World:
    parties = [
        _party("P0000001", "Anna", "Peeters", date(1985, 7, 30), 34, Language.NL),
        _party("P0000002", "Luc", "Dubois", date(1972, 3, 4), 117, Language.FR),
        _party("P0000003", "Marie", "Janssens", date(2001, 11, 9), 208, Language.EN),
        _party("P0000004", "Noah", "Smit", date(1990, 1, 15), None, Language.NL),
    ]
    personas = [
        Persona(
            "anna",
            PersonaKind.CUSTOMER,
            Profile.MOBILE,
            "life customer",
            LoginMethod.EID,
            party_id="P0000001",
        ),
        Persona(
            "luc-company",
            PersonaKind.COMPANY,
            Profile.WEB,
            "digital manager",
            LoginMethod.ITSME,
            party_id="P0000002",
            company_number="0403.019.261",
        ),
        Persona(
            "noah",
            PersonaKind.CUSTOMER,
            Profile.WEB,
            "non-resident",
            LoginMethod.SMS,
            party_id="P0000004",
        ),
        Persona(
            "broker-a",
            PersonaKind.BROKER,
            Profile.BROKER,
            "a broker",
            LoginMethod.CLIENT_CREDENTIALS,
            broker_fsma="0456.789.012",
        ),
    ]
    brokers = [
        _broker("0456.789.012", "Makelaar A", "broker-a", "sandbox-only-secret-a"),
        _broker("0567.890.123", "Courtier B", "broker-b", "sandbox-only-secret-b"),
    ]
    return World(
        seed=7,
        as_of=date(2024, 6, 30),
        products={},
        parties={p.id: p for p in parties},
        companies={},
        brokers={b.fsma: b for b in brokers},
        funds={},
        contracts={},
        documents={},
        notifications={},
        activation_codes=[],
        personas={p.id: p for p in personas},
    )


class FakeClock:
    def __init__(self) -> None:
        self.now = float(int(time.time()))

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def _hidden_value(page: str, name: str) -> str:
    found = re.search(rf'name={name} value="([^"]*)"', page)
    assert found, f"no {name} in the page"
    return found.group(1)


def _redirect_params(response: httpx.Response) -> tuple[str, dict[str, str]]:
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    parts = urlsplit(location)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    return f"{parts.scheme}://{parts.netloc}{parts.path}", query


Login = Callable[..., Any]


@pytest.fixture
def login() -> Login:
    """Runs /authorize and /authorize/decision as the user's browser; returns the callback."""

    async def run(
        http: httpx.AsyncClient,
        params: dict[str, str],
        choice: dict[str, str],
    ) -> dict[str, str]:
        page = await http.get("/authorize", params=params)
        assert page.status_code == 200, page.text
        decision = await http.post(
            "/authorize/decision",
            data={"request_id": _hidden_value(page.text, "request_id"), **choice},
        )
        _, query = _redirect_params(decision)
        return query

    return run


@pytest.fixture(scope="session")
def generated_world() -> World:
    """The generated sandbox world (built once: it takes a second or two)."""
    from sandbox.generate import build_world

    return build_world(seed=42)
