"""Field-level authorization: who may ask for which field, and at which level of assurance
(A2, C6). Run over the real sandbox systems through the harness."""

from __future__ import annotations

import base64
import re
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest
from graphql import GraphQLNonNull, GraphQLObjectType
from strawberry.permission import PermissionExtension
from strawberry.types.field import StrawberryField

from bff.auth.permissions import HighAssurance, IsAuthenticated, IsBroker, IsCustomer
from bff.auth.principal import Assurance, AuthMethod, Principal
from bff.schema import schema
from tests.bff.schema.harness import Harness, shared_world

pytestmark = pytest.mark.anyio

# The fields that carry a national register number, an IBAN, contact details or
# beneficiaries: each must declare HighAssurance, or (national numbers) mask below it.
SENSITIVE = re.compile(r"iban|contact|beneficiar|national", re.IGNORECASE)
MASKED_BELOW_HIGH = {("Customer", "nationalNumber"), ("PortfolioCustomer", "nationalNumber")}
SIGNED_IN = (IsAuthenticated, IsCustomer, IsBroker, HighAssurance)
MASKED = re.compile(r"^\d{2}\.\d{2}\.\d{2}-\*\*\*\.\*\*$")
FULL = re.compile(r"^\d{2}\.\d{2}\.\d{2}-\d{3}\.\d{2}$")


@pytest.fixture
async def harness() -> AsyncIterator[Harness]:
    h = Harness(shared_world())
    yield h
    await h.aclose()


def codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


def at(principal: Principal, assurance: Assurance) -> Principal:
    method = AuthMethod.SMS if assurance is Assurance.SUBSTANTIAL else principal.method
    return replace(principal, assurance=assurance, method=method)


def permissions_of(type_name: str, field_name: str) -> set[type]:
    graphql_type = schema._schema.type_map[type_name]
    assert isinstance(graphql_type, GraphQLObjectType)
    definition = graphql_type.fields[field_name].extensions.get("strawberry-definition")
    if not isinstance(definition, StrawberryField):
        return set()
    found: set[type] = set(definition.permission_classes)
    for extension in definition.extensions:
        if isinstance(extension, PermissionExtension):
            found |= {type(p) for p in extension.permissions}
    return found


def object_fields() -> list[tuple[str, str]]:
    return [
        (type_name, field_name)
        for type_name, graphql_type in schema._schema.type_map.items()
        if isinstance(graphql_type, GraphQLObjectType) and not type_name.startswith("__")
        for field_name in graphql_type.fields
    ]


# --- only { __typename } answers anonymous callers ------------------------------------


async def test_anonymous_callers_get_only_typename(harness: Harness) -> None:
    body = await harness.run("{ __typename }", None)
    assert body == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ("{ viewer { displayName } }", "viewer"),
        ('{ node(id: "RnVuZDpYWA==") { id } }', "node"),
        ('{ company(enterpriseNumber: "0812828227") { name } }', "company"),
        ("{ brokerPortfolio { customers { totalCount } } }", "brokerPortfolio"),
    ],
)
async def test_anonymous_root_fields_are_unauthenticated(
    harness: Harness, document: str, field: str
) -> None:
    body = await harness.run(document, None)
    assert body["data"] == {field: None}
    assert codes(body) == ["UNAUTHENTICATED"]
    assert harness.calls() == dict.fromkeys(harness.calls(), 0)  # refused before any read


@pytest.mark.parametrize(
    "document",
    [
        "{ __schema { queryType { name } } }",
        '{ __type(name: "Customer") { fields { name } } }',
        "{ __typename ... on Query { __schema { types { name } } } }",
        'query Q { ...Root } fragment Root on Query { __type(name: "Query") { name } }',
    ],
)
async def test_anonymous_introspection_is_unauthenticated(harness: Harness, document: str) -> None:
    body = await harness.run(document, None)
    assert body["data"] is None
    assert codes(body) == ["UNAUTHENTICATED"]
    assert body["errors"][0]["message"] == "Sign in first."


async def test_signed_in_callers_may_introspect_for_graphiql(harness: Harness) -> None:
    body = await harness.run(
        "{ __schema { queryType { name } } }", harness.customer("web-life-nonlife")
    )
    assert body == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


# --- deny by default ------------------------------------------------------------------


def test_deny_by_default_every_root_field_declares_a_permission() -> None:
    """The rule: every field of Query (the only root type) but `__typename` declares a
    permission class that needs a principal; everything private is reached through them."""
    query = schema._schema.query_type
    assert query is not None and schema._schema.mutation_type is None
    undeclared = [
        name for name in query.fields if not permissions_of("Query", name) & set(SIGNED_IN)
    ]
    assert undeclared == []


def test_a2_every_sensitive_field_needs_high_assurance_or_is_masked() -> None:
    sensitive = [(t, f) for t, f in object_fields() if SENSITIVE.search(f)]
    assert ("Customer", "iban") in sensitive and ("LifeContract", "beneficiaries") in sensitive
    unguarded = [
        (t, f)
        for t, f in sensitive
        if HighAssurance not in permissions_of(t, f) and (t, f) not in MASKED_BELOW_HIGH
    ]
    assert unguarded == []


def test_a_refused_field_is_nullable_so_only_it_is_nulled() -> None:
    guarded = [(t, f) for t, f in object_fields() if permissions_of(t, f)]
    assert len(guarded) >= 7
    for type_name, field_name in guarded:
        graphql_type = schema._schema.type_map[type_name]
        assert isinstance(graphql_type, GraphQLObjectType)
        assert not isinstance(graphql_type.fields[field_name].type, GraphQLNonNull)


# --- kinds of principal ---------------------------------------------------------------


async def test_brokers_are_not_customers_and_customers_not_brokers(harness: Harness) -> None:
    body = await harness.run("{ viewer { displayName } }", harness.broker("broker-small"))
    assert body["data"] == {"viewer": None}
    assert body["errors"][0]["extensions"] == {"code": "NO_ACCESS", "reason": "NOT_A_CUSTOMER"}
    customer = harness.customer("web-life-nonlife")
    body = await harness.run("{ brokerPortfolio { customers { totalCount } } }", customer)
    assert body["data"] == {"brokerPortfolio": None}
    assert codes(body) == ["NO_ACCESS"]


# --- A2: sensitive fields ---------------------------------------------------------------

SENSITIVE_VIEWER = """{ viewer { displayName nationalNumber iban
  contactDetails { address { street number postcode city country } email phone version } } }"""


async def test_a2_the_person_at_high_sees_their_sensitive_fields(harness: Harness) -> None:
    party = harness.world.parties[harness.world.personas["web-life-nonlife"].party_id or ""]
    body = await harness.run(SENSITIVE_VIEWER, harness.customer("web-life-nonlife"))
    assert "errors" not in body
    viewer = body["data"]["viewer"]
    assert viewer["nationalNumber"] == party.nrn and FULL.match(viewer["nationalNumber"])
    assert party.iban is not None
    assert viewer["iban"] == party.iban.replace(" ", "")[:4] + " " + party.iban[5:]
    assert all(len(group) == 4 for group in viewer["iban"].split(" ")[:-1])
    details = viewer["contactDetails"]
    assert (details["email"], details["phone"]) == (party.email, party.phone)
    assert details["address"]["street"] == party.address.street
    assert details["version"] == f'"c-{party.id}-{party.contact_version}"'  # the CRM's ETag


@pytest.mark.parametrize("assurance", [Assurance.SUBSTANTIAL, Assurance.LOW])
async def test_a2_below_high_sensitive_fields_ask_for_a_step_up(
    harness: Harness, assurance: Assurance
) -> None:
    principal = at(harness.customer("web-life-nonlife"), assurance)
    body = await harness.run(SENSITIVE_VIEWER, principal)
    viewer = body["data"]["viewer"]
    assert viewer["displayName"]  # the rest of the answer is there
    assert MASKED.match(viewer["nationalNumber"])
    assert viewer["iban"] is None and viewer["contactDetails"] is None
    assert sorted(e["path"][-1] for e in body["errors"]) == ["contactDetails", "iban"]
    for error in body["errors"]:
        assert error["extensions"] == {"code": "INSUFFICIENT_ASSURANCE", "required": "HIGH"}
        assert "itsme" in error["message"]


async def test_a2_beneficiaries_need_high(harness: Harness) -> None:
    document = "{ viewer { contracts { number ... on LifeContract { beneficiaries { role } } } } }"
    high = harness.customer("web-life-nonlife")
    body = await harness.run(document, high)
    assert "errors" not in body
    life = [c for c in body["data"]["viewer"]["contracts"] if "beneficiaries" in c]
    assert any(c["beneficiaries"] for c in life)
    body = await harness.run(document, at(high, Assurance.SUBSTANTIAL))
    life = [c for c in body["data"]["viewer"]["contracts"] if "beneficiaries" in c]
    assert life and all(c["beneficiaries"] is None for c in life)
    assert set(codes(body)) == {"INSUFFICIENT_ASSURANCE"} and len(codes(body)) == len(life)


async def test_a2_non_residents_have_no_national_number(harness: Harness) -> None:
    body = await harness.run("{ viewer { nationalNumber } }", harness.customer("non-resident-sms"))
    assert body == {"data": {"viewer": {"nationalNumber": None}}}


# --- C6: brokers ------------------------------------------------------------------------


async def test_c6_brokers_see_national_numbers_masked(harness: Harness) -> None:
    document = """{ brokerPortfolio { customers(first: 100) {
      edges { node { isCompany nationalNumber } } } } }"""
    body = await harness.run(document, harness.broker("broker-small"))
    assert "errors" not in body
    nodes = [e["node"] for e in body["data"]["brokerPortfolio"]["customers"]["edges"]]
    persons = [n for n in nodes if not n["isCompany"]]
    assert persons
    for node in persons:
        assert node["nationalNumber"] is None or MASKED.match(node["nationalNumber"])
    assert any(n["nationalNumber"] for n in persons)
    assert all(n["nationalNumber"] is None for n in nodes if n["isCompany"])


async def test_c6_brokers_see_the_beneficiaries_of_their_customers(harness: Harness) -> None:
    fsma = harness.world.personas["broker-small"].broker_fsma
    assert fsma is not None
    digits = "".join(ch for ch in fsma if ch.isdigit())
    document = """{ brokerPortfolio { contracts(first: 100) { edges { node { id } } } } }"""
    broker = harness.broker("broker-small")
    body = await harness.run(document, broker)
    ids = [e["node"]["id"] for e in body["data"]["brokerPortfolio"]["contracts"]["edges"]]
    life_ids = [i for i in ids if _type_of(i) == "LifeContract"]
    assert life_ids and digits
    body = await harness.run(
        "query($id: ID!) { node(id: $id) { ... on LifeContract { beneficiaries { role } } } }",
        broker,
        {"id": life_ids[0]},
    )
    assert "errors" not in body
    assert isinstance(body["data"]["node"]["beneficiaries"], list)


def _type_of(global_id: str) -> str:
    return base64.b64decode(global_id).decode().split(":", 1)[0]
