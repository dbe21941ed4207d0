"""Every example operation (examples/operations/) run against a real `bff demo` for each
persona its file names, and compared with what the sandbox's own records say through the
domain rules restated in tests.examples.rules; the files' own shape; bad input.

Expected values come from `build_world(seed=42, as_of=today)`, the demo's world, never from
bff/ (bff is only used to start the demo and log personas in)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import NonNullTypeNode, OperationDefinitionNode, build_schema, parse, validate

from bff.auth.routes import SESSION_COOKIE
from bff.token_cli import obtain_token
from sandbox.generate import build_world
from sandbox.world import Profile, World
from tests.demo_process import Demo, running_demo
from tests.examples.checks import ACTIVE_LABELS, CHECKS, Case
from tests.examples.operations import Operation, all_operations
from tests.examples.rules import companies_of, global_id, shown_transactions

Json = dict[str, Any]
SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"
OPERATIONS = {operation.name: operation for operation in all_operations()}
CASES = [(name, persona) for name, op in OPERATIONS.items() for persona in op.personas]
# Personas a file names to show a refusal, and the one error each must get.
EXPECTED_ERRORS = {
    ("mobile_dashboard", "minor"): "NO_ACCESS",  # A3: minors may not use the app
    ("mobile_dashboard", "hidden-products"): "NO_ACCESS",  # A3: no contract the app shows
    ("documents_list", "strategy-investor"): "FEATURE_NOT_AVAILABLE",  # D1: not on mobile
}


@dataclass
class Client:
    """Sends operations as each persona's frontend does: the app and broker software with a
    bearer, the web zone with its session cookie. Credentials are cached for the module."""

    demo: Demo
    world: World
    credentials: dict[str, str] = field(default_factory=dict)

    def headers(self, persona: str) -> dict[str, str]:
        if persona not in self.credentials:
            self.credentials[persona] = obtain_token(persona, self.demo.bff)
        secret = self.credentials[persona]
        if self.world.personas[persona].profile is Profile.WEB:
            # a browser session: cookie-authenticated POSTs carry the CSRF header
            return {"Cookie": f"{SESSION_COOKIE}={secret}", "X-BFF-CSRF": "1"}
        return {"Authorization": f"Bearer {secret}"}

    def execute(
        self, persona: str, query: str, variables: Json, language: str | None = None
    ) -> Json:
        headers = self.headers(persona)
        if language:
            headers["Accept-Language"] = language
        response = httpx.post(
            self.demo.urls["graphql"],
            json={"query": query, "variables": variables},
            headers=headers,
            timeout=30,
        )
        assert response.status_code == 200, response.text
        body: Json = response.json()
        return body

    def data(self, persona: str, operation: Operation, variables: Json) -> Json:
        body = self.execute(persona, operation.text, variables)
        assert "errors" not in body, body["errors"]
        data: Json = body["data"]
        return data


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(seed=42, as_of=date.today())


@pytest.fixture(scope="module")
def client(world: World) -> Iterator[Client]:
    with running_demo("--latency", "off") as demo:
        yield Client(demo, world)


def error_codes(body: Json) -> list[str]:
    return [error.get("extensions", {}).get("code") for error in body.get("errors", [])]


def at_path(data: Any, path: list[str | int]) -> Any:
    for step in path:
        if data is None:
            return None
        data = data[step]
    return data


def cursor(position: Json) -> str:
    """A cursor as a tampering client could write one (the BFF's are base64 JSON)."""
    raw = json.dumps(position, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# --- the files ---------------------------------------------------------------------------------


def test_every_operation_file_parses_and_names_its_personas_and_their_variables(
    world: World,
) -> None:
    schema = build_schema(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert set(OPERATIONS) == set(CHECKS)  # the screens of issue 3, each with its check
    for name, operation in OPERATIONS.items():
        document = parse(operation.text)
        definitions = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        assert len(definitions) == 1, name
        assert validate(schema, document) == [], name
        assert operation.problems == (), name
        assert operation.personas and set(operation.personas) <= set(world.personas), name
        declared = {v.variable.name.value: v for v in definitions[0].variable_definitions or ()}
        required = {
            key
            for key, v in declared.items()
            if isinstance(v.type, NonNullTypeNode) and v.default_value is None
        }
        assert set(operation.variables) == (set(operation.personas) if declared else set()), name
        for persona in operation.personas:
            values = operation.variables_of(persona)
            assert isinstance(values, dict)
            assert required <= set(values) <= set(declared), (name, persona)
    assert set(EXPECTED_ERRORS) <= set(CASES)


def test_f6_the_transaction_examples_include_pending_and_pre_2020_transactions(
    world: World,
) -> None:
    operation = OPERATIONS["transactions_page"]
    contracts = [
        world.contracts[int(key[:-2]), int(key[-2:])]
        for key in (
            base64.b64decode(operation.variables_of(p)["id"]).decode().partition(":")[2]
            for p in operation.personas
        )
    ]
    hidden = [t for c in contracts for t in c.transactions if t not in shown_transactions(c)]
    assert any(t.state.value == "pending" for t in hidden)
    assert any(t.day < date(2020, 1, 1) for t in hidden)


# --- every operation, every persona ------------------------------------------------------------


@pytest.mark.parametrize(("name", "persona"), CASES, ids=[f"{n}:{p}" for n, p in CASES])
def test_c1_c3_c4_c6_c7_a10_f1_to_f6_d2_every_example_answers_from_the_sandbox_records(
    client: Client, world: World, name: str, persona: str
) -> None:
    operation = OPERATIONS[name]
    variables = operation.variables_of(persona)
    body = client.execute(persona, operation.text, variables)
    refused = EXPECTED_ERRORS.get((name, persona))
    if refused is not None:
        assert error_codes(body) == [refused]
        assert at_path(body["data"], body["errors"][0]["path"]) is None  # only that field
        return
    assert "errors" not in body, body["errors"]
    case = Case(
        world=world,
        persona=world.personas[persona],
        variables=variables,
        data=body["data"],
        run=lambda other: client.data(persona, operation, other),
    )
    CHECKS[name](case)


# --- bad input ---------------------------------------------------------------------------------


def test_unknown_and_foreign_contract_ids_answer_the_same_not_found(
    client: Client, world: World
) -> None:
    detail = OPERATIONS["contract_detail"]
    assert (9999999, 1) not in world.contracts
    unknown = global_id("LifeContract", "999999901")
    foreign = detail.variables_of("strategy-investor")["id"]  # strategy-investor's own contract
    answers = [
        client.execute("scala-self-employed", detail.text, {"id": node_id})
        for node_id in (unknown, foreign)
    ]
    for body in answers:
        assert body["data"] == {"node": None}
        assert error_codes(body) == ["NOT_FOUND"]
    assert answers[0]["errors"][0]["message"] == answers[1]["errors"][0]["message"]
    assert client.data("strategy-investor", detail, {"id": foreign})["node"]["id"] == foreign


PAGED = [
    ("transactions_page", "scala-self-employed"),
    ("documents_list", "web-life-nonlife"),
    ("notifications", "web-life-nonlife"),
    ("broker_portfolio_page", "broker-small"),
]


@pytest.mark.parametrize("first", [101, -1, 0])
@pytest.mark.parametrize(("name", "persona"), PAGED)
def test_a_page_size_over_100_or_below_1_is_bad_user_input(
    client: Client, name: str, persona: str, first: int
) -> None:
    operation = OPERATIONS[name]
    variables = {**operation.variables_of(persona), "first": first}
    body = client.execute(persona, operation.text, variables)
    assert set(error_codes(body)) == {"BAD_USER_INPUT"}


MALFORMED_CURSORS = {
    "not base64 json": "not-a-cursor",
    "another list's": cursor({"k": "doc", "o": 1}),
    "forged platform cursor": cursor({"k": "tx", "c": "forged", "i": 0}),
    "position not a number": cursor({"k": "tx", "c": None, "i": "x"}),
    "platform cursor not text": cursor({"k": "tx", "c": 5, "i": 1}),
}


@pytest.mark.parametrize("after", MALFORMED_CURSORS.values(), ids=MALFORMED_CURSORS.keys())
def test_f6_a_malformed_after_cursor_is_bad_user_input(client: Client, after: str) -> None:
    operation = OPERATIONS["transactions_page"]
    variables = {**operation.variables_of("scala-self-employed"), "after": after}
    body = client.execute("scala-self-employed", operation.text, variables)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["data"]["node"]["transactions"] is None


def test_s3_accept_language_fr_changes_the_labels(client: Client, world: World) -> None:
    operation = OPERATIONS["mobile_dashboard"]
    assert world.parties[world.personas["strategy-investor"].party_id or ""].language == "nl"
    own = client.data("strategy-investor", operation, {})["viewer"]["contracts"]
    body = client.execute("strategy-investor", operation.text, {}, language="fr")
    assert "errors" not in body
    french = body["data"]["viewer"]["contracts"]
    assert {c["statusLabel"] for c in own} == {ACTIVE_LABELS["nl"]}
    assert {c["statusLabel"] for c in french} == {ACTIVE_LABELS["fr"]}
    assert [c["number"] for c in french] == [c["number"] for c in own]


def test_a10_a_company_the_person_has_no_mandate_for_is_not_found(
    client: Client, world: World
) -> None:
    user = world.personas["company-user"].party_id or ""
    manager = world.personas["company-manager"].party_id or ""
    other = next(c for c in companies_of(world, manager) if c not in companies_of(world, user))
    operation = OPERATIONS["company_view"]
    variables = {"enterpriseNumber": other.enterprise_number}
    body = client.execute("company-user", operation.text, variables)
    assert body["data"]["company"] is None
    assert body["data"]["viewer"]["companies"]  # the rest of the answer still comes
    assert error_codes(body) == ["NOT_FOUND"]
