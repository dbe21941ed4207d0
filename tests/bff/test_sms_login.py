"""`bff token --persona non-resident-sms` end to end (A1 fallback, A5, A2): a real `bff demo`,
the activation letter and the SMS read from the sandbox CRM, twice (activation, then start)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.bff.test_demo import graphql, sandbox_personas, token_for
from tests.demo_process import Demo, running_demo

MOUNTED = "sms_routes(" in (Path(__file__).parents[2] / "bff" / "app.py").read_text()
pytestmark = pytest.mark.skipif(not MOUNTED, reason="bff/app.py does not mount sms_routes yet")


@pytest.fixture(scope="module")
def demo() -> Iterator[Demo]:
    with running_demo("--latency", "off") as running:
        yield running


def test_a5_a2_bff_token_logs_the_sms_persona_in_twice(demo: Demo) -> None:
    party_id = sandbox_personas(demo)["non-resident-sms"]["party_id"]
    crm = demo.urls["crm"]
    person = httpx.get(f"{crm}/parties/{party_id}", timeout=10).json()

    first = token_for(demo, "non-resident-sms")  # activation by letter
    letters = httpx.get(f"{crm}/_sandbox/letters", params={"partyId": party_id}, timeout=10)
    assert any(letter["used"] for letter in letters.json()["letters"])
    second = token_for(demo, "non-resident-sms")  # /auth/sms/start: already activated
    assert first != second

    for token in (first, second):
        body = graphql(demo, "{ viewer { displayName } }", token)
        assert "errors" not in body, body
        assert person["lastName"] in body["data"]["viewer"]["displayName"]
    inbox = httpx.get(f"{crm}/_sandbox/sms", params={"partyId": party_id}, timeout=10).json()
    assert len(inbox["messages"]) == 2  # one code per login, no more
