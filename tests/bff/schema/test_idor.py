"""The IDOR matrix: every field or argument that takes an id, called by every persona with
the ids of every other persona, answers exactly as for an id that does not exist (the same
code, message and null data). The ids are each persona's own, read through the schema."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from bff.auth.principal import Principal
from sandbox.world import PersonaKind
from tests.bff.schema.harness import Harness, shared_world

pytestmark = pytest.mark.anyio

PER_KIND = 2  # ids of each kind crossed per owner: enough to prove it, fast enough to run
SKIPPED = {"batch-10", "batch-50"}  # the same shape as batch-1, only longer
MISSING = {
    "Customer": "P9999999",
    "LifeContract": "999999999",
    "NonLifeContract": "999999998",
    "Document": "DOC-999999",
    "Notification": "N9999999",
}
MISSING_COMPANY = "0999.999.999"
CUSTOMER_IDS = """{ viewer { id contracts { id }
  documents(first: 100) { edges { node { id } } }
  notifications(first: 100) { edges { node { id } } }
  companies { enterpriseNumber } } }"""
COMPANY_IDS = "query($n: String!) { company(enterpriseNumber: $n) { contracts { id } } }"
BROKER_IDS = "{ brokerPortfolio { contracts(first: 100) { edges { node { id } } } } }"


@dataclass
class Owned:
    """What one persona may see: its global ids (by type) and its companies."""

    nodes: dict[str, list[str]] = field(default_factory=dict)
    companies: list[str] = field(default_factory=list)

    def add(self, global_id: str) -> None:
        self.nodes.setdefault(type_of(global_id), []).append(global_id)

    def all_nodes(self) -> set[str]:
        return {i for ids in self.nodes.values() for i in ids}


def type_of(global_id: str) -> str:
    return base64.b64decode(global_id).decode().split(":", 1)[0]


def gid(type_name: str, key: str) -> str:
    return base64.b64encode(f"{type_name}:{key}".encode()).decode()


@pytest.fixture
async def harness() -> AsyncIterator[Harness]:
    h = Harness(shared_world())
    yield h
    await h.aclose()


def principal_of(harness: Harness, persona: str) -> Principal:
    if harness.world.personas[persona].kind is PersonaKind.BROKER:
        return harness.broker(persona)
    return harness.customer(persona)


async def owned_by(harness: Harness, persona: str) -> Owned:
    principal = principal_of(harness, persona)
    owned = Owned()
    if harness.world.personas[persona].kind is PersonaKind.BROKER:
        body = await harness.run(BROKER_IDS, principal)
        for edge in body["data"]["brokerPortfolio"]["contracts"]["edges"]:
            owned.add(edge["node"]["id"])
        fsma = "".join(ch for ch in principal.subject if ch.isdigit())
        # everything the broker manages, beyond the first page: never "foreign" to it
        for contract in harness.world.contracts_of_broker(principal.subject):
            digits = f"{contract.base:07d}{contract.suffix:02d}"
            owned.nodes.setdefault("_managed", []).extend(
                [gid("LifeContract", digits), gid("NonLifeContract", digits)]
            )
        assert fsma
        return owned
    viewer = (await harness.run(CUSTOMER_IDS, principal))["data"]["viewer"]
    if viewer is None:  # A3: no access to this app; still a caller in the matrix
        return owned
    owned.add(viewer["id"])
    for contract in viewer["contracts"] or []:
        owned.add(contract["id"])
    for listing in ("documents", "notifications"):
        for edge in (viewer[listing] or {"edges": []})["edges"]:
            owned.add(edge["node"]["id"])
    for company in viewer["companies"] or []:
        owned.companies.append(company["enterpriseNumber"])
        body = await harness.run(COMPANY_IDS, principal, {"n": company["enterpriseNumber"]})
        for contract in body["data"]["company"]["contracts"] or []:
            owned.add(contract["id"])
    return owned


def answer(body: dict[str, Any], alias: str) -> tuple[Any, list[tuple[str, Any]]]:
    errors = [
        (e["message"], e.get("extensions")) for e in body.get("errors", []) if e["path"][0] == alias
    ]
    return body["data"][alias] if body["data"] else None, errors


async def test_idor_matrix_foreign_ids_answer_like_missing_ones(harness: Harness) -> None:
    personas = [p for p in harness.world.personas if p not in SKIPPED]
    owned = {p: await owned_by(harness, p) for p in personas}
    kinds_seen = {k for o in owned.values() for k in o.nodes if not k.startswith("_")}
    assert kinds_seen == set(MISSING), "every id-taking kind must be in the matrix"
    assert any(o.companies for o in owned.values())
    crossed = 0
    codes: set[str] = set()
    for caller in personas:
        principal = principal_of(harness, caller)
        mine = owned[caller].all_nodes()
        for owner in personas:
            if owner == caller:
                continue
            foreign = [
                i
                for kind, ids in owned[owner].nodes.items()
                if not kind.startswith("_")
                for i in ids[:PER_KIND]
                if i not in mine
            ]
            companies = [n for n in owned[owner].companies if n not in owned[caller].companies]
            if not foreign and not companies:
                continue
            fields = [f'f{n}: node(id: "{i}") {{ id }}' for n, i in enumerate(foreign)]
            fields += [f'm_{t}: node(id: "{gid(t, k)}") {{ id }}' for t, k in MISSING.items()]
            fields += [
                f'c{n}: company(enterpriseNumber: "{e}") {{ name }}'
                for n, e in enumerate(companies)
            ]
            fields.append(f'm_company: company(enterpriseNumber: "{MISSING_COMPANY}") {{ name }}')
            body = await harness.run("{ " + " ".join(fields) + " }", principal)
            for n, global_id in enumerate(foreign):
                got = answer(body, f"f{n}")
                assert got == answer(body, f"m_{type_of(global_id)}"), (caller, owner, n)
                assert got[0] is None and got[1], (caller, owner, n)
                codes |= {str(e["code"]) for _, e in got[1]}
                crossed += 1
            for n in range(len(companies)):
                got = answer(body, f"c{n}")
                assert got == answer(body, "m_company"), (caller, owner, n)
                assert got[0] is None and got[1], (caller, owner, n)
                crossed += 1
    assert crossed > 200
    assert {"NOT_FOUND", "NO_ACCESS", "FEATURE_NOT_AVAILABLE"} <= codes


async def test_idor_a_foreign_contract_reads_no_details(harness: Harness) -> None:
    """Ownership before reads: another owner's contract id costs the life and non-life
    systems nothing."""
    broker_ids = await owned_by(harness, "broker-small")
    customer = await owned_by(harness, "web-life-nonlife")
    foreign = [i for i in customer.all_nodes() if "Contract" in type_of(i)]
    foreign = [i for i in foreign if i not in broker_ids.all_nodes()]
    assert foreign
    document = """query($id: ID!) { node(id: $id) {
      ... on LifeContract { reserve { amount { amount } } }
      ... on NonLifeContract { coverages { guarantee } } } }"""
    other = harness.customer("strategy-investor")
    for principal in (harness.broker("broker-small"), other):
        for global_id in foreign:
            harness.reset_calls()
            body = await harness.run(document, principal, {"id": global_id})
            assert body["data"] == {"node": None}
            calls = harness.calls()
            assert calls["life"] == calls["nonlife"] == calls["documents"] == 0
