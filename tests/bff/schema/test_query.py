"""The schema over the real sandbox systems (in process): visibility, access, ownership,
partial results and batching. Expected values come from the sandbox's world records, with the
rules restated here from domain.md."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from sandbox.ids import policy_number
from sandbox.world import Contract, ContractStatus, Role, TransactionState, World
from tests.bff.schema.harness import Harness, shared_world

pytestmark = pytest.mark.anyio

SCALA = {"scala-vapz", "scala-ipt", "scala-executive", "scala-poz"}
DASHBOARD = """{ viewer { displayName totalWealth { total { amount } }
  contracts { id number status broker { name }
    ... on LifeContract { reserve { amount { amount } funds { fund { name } value { amount } } } }
  } } }"""


@pytest.fixture
async def harness() -> AsyncIterator[Harness]:
    h = Harness(shared_world())
    yield h
    await h.aclose()


def printed(world: World, contract: Contract) -> str:
    return policy_number(world.products[contract.product].a509, contract.base, contract.suffix)


def party_of(world: World, persona: str) -> str:
    party_id = world.personas[persona].party_id
    assert party_id is not None
    return party_id


def c1_visible(world: World, party_id: str) -> list[Contract]:
    """C1 restated: active NN Strategy as policyholder, active Scala as insured."""
    shown = []
    for c in world.contracts_of_party(party_id):
        roles = {r.role for r in c.roles if r.party_id == party_id}
        if c.status is ContractStatus.ACTIVE and (
            (c.product == "nn-strategy" and Role.POLICYHOLDER in roles)
            or (c.product in SCALA and Role.INSURED in roles)
        ):
            shown.append(c)
    return shown


def gid(type_name: str, key: str) -> str:
    return base64.b64encode(f"{type_name}:{key}".encode()).decode()


def codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


async def test_anonymous_callers_are_unauthenticated(harness: Harness) -> None:
    body = await harness.run("{ viewer { displayName } }", None)
    assert body["data"] == {"viewer": None}
    assert codes(body) == ["UNAUTHENTICATED"]


async def test_c1_mobile_shows_active_strategy_and_scala_contracts(harness: Harness) -> None:
    world = harness.world
    for persona in ("strategy-investor", "scala-self-employed"):
        party_id = party_of(world, persona)
        body = await harness.run(DASHBOARD, harness.customer(persona))
        assert "errors" not in body
        numbers = sorted(c["number"] for c in body["data"]["viewer"]["contracts"])
        assert numbers == sorted(printed(world, c) for c in c1_visible(world, party_id))


def reserve_of(world: World, contract: Contract) -> Decimal:
    """F2, F5 from the sandbox's records: units x the latest NAV on or before the data's day,
    plus any guaranteed part, rounded half up to the cent."""
    units = sum(
        (h.units * world.funds[h.isin].nav_on(world.as_of)[1] for h in contract.holdings),
        Decimal(0),
    )
    return (units + (contract.guaranteed_reserve or 0)).quantize(Decimal("0.01"), ROUND_HALF_UP)


async def test_f1_total_wealth_is_the_sum_of_the_visible_reserves(harness: Harness) -> None:
    world = harness.world
    visible = c1_visible(world, party_of(world, "strategy-investor"))
    body = await harness.run(DASHBOARD, harness.customer("strategy-investor"))
    viewer = body["data"]["viewer"]
    shown = {c["number"]: Decimal(c["reserve"]["amount"]["amount"]) for c in viewer["contracts"]}
    assert shown == {printed(world, c): reserve_of(world, c) for c in visible}
    expected_total = sum((reserve_of(world, c) for c in visible), Decimal(0))
    assert Decimal(viewer["totalWealth"]["total"]["amount"]) == expected_total


@pytest.mark.parametrize(
    ("persona", "reason"), [("minor", "MINOR"), ("hidden-products", "NO_VISIBLE_CONTRACT")]
)
async def test_a3_the_app_refuses_minors_and_customers_without_app_products(
    harness: Harness, persona: str, reason: str
) -> None:
    body = await harness.run(DASHBOARD, harness.customer(persona))
    assert body["data"] == {"viewer": None}
    assert body["errors"][0]["extensions"] == {"code": "NO_ACCESS", "reason": reason}


async def test_a3_does_not_apply_to_the_web_zone(harness: Harness) -> None:
    from bff.auth.principal import Profile

    body = await harness.run(
        "{ viewer { contracts { number } } }",
        harness.customer("hidden-products", Profile.WEB),
    )
    assert "errors" not in body
    assert body["data"]["viewer"]["contracts"]


async def test_partial_results_a_life_outage_nulls_only_life_fields(harness: Harness) -> None:
    harness.fault("life", outage=True)
    body = await harness.run(DASHBOARD, harness.customer("strategy-investor"))
    viewer = body["data"]["viewer"]
    assert viewer["displayName"]
    assert viewer["contracts"] and all(c["broker"]["name"] for c in viewer["contracts"])
    assert all(c["reserve"] is None for c in viewer["contracts"])
    assert viewer["totalWealth"] is None
    assert {e["extensions"]["system"] for e in body["errors"]} == {"life"}
    assert set(codes(body)) == {"BACKEND_UNAVAILABLE"}


async def test_partial_results_a_broker_registry_outage_nulls_only_brokers(
    harness: Harness,
) -> None:
    harness.fault("brokers", error_rate=1)
    body = await harness.run(DASHBOARD, harness.customer("strategy-investor"))
    contracts = body["data"]["viewer"]["contracts"]
    assert all(c["broker"] is None and c["reserve"] for c in contracts)
    assert {e["extensions"]["system"] for e in body["errors"]} == {"brokers"}


async def test_batching_the_dashboard_costs_the_same_calls_for_1_10_and_50_contracts(
    harness: Harness,
) -> None:
    counts = []
    for persona in ("batch-1", "batch-10", "batch-50"):
        harness.reset_calls()
        body = await harness.run(DASHBOARD, harness.customer(persona))
        assert "errors" not in body
        assert len(body["data"]["viewer"]["contracts"]) == int(persona.split("-")[1])
        counts.append(harness.calls())
    assert counts[0] == counts[1] == counts[2]


async def test_foreign_and_unknown_contract_ids_answer_the_same_not_found(
    harness: Harness,
) -> None:
    world = harness.world
    other = c1_visible(world, party_of(world, "batch-1"))[0]
    query = "query ($id: ID!) { node(id: $id) { id } }"
    foreign = await harness.run(
        query,
        harness.customer("strategy-investor"),
        {"id": gid("LifeContract", f"{other.base:07d}{other.suffix:02d}")},
    )
    unknown = await harness.run(
        query, harness.customer("strategy-investor"), {"id": gid("LifeContract", "000000001")}
    )
    garbage = await harness.run(query, harness.customer("strategy-investor"), {"id": "%%%"})
    for body in (foreign, unknown, garbage):
        assert body["data"] == {"node": None}
        assert body["errors"][0]["message"] == foreign["errors"][0]["message"]
        assert codes(body) == ["NOT_FOUND"]


async def test_an_own_contract_resolves_by_its_global_id(harness: Harness) -> None:
    body = await harness.run(DASHBOARD, harness.customer("strategy-investor"))
    first = body["data"]["viewer"]["contracts"][0]
    again = await harness.run(
        "query ($id: ID!) { node(id: $id) { ... on LifeContract { number } } }",
        harness.customer("strategy-investor"),
        {"id": first["id"]},
    )
    assert again == {"data": {"node": {"number": first["number"]}}}


@pytest.mark.parametrize("first", [0, -1, 101])
async def test_page_size_outside_1_to_100_is_a_validation_error(
    harness: Harness, first: int
) -> None:
    query = f"{{ viewer {{ notifications(first: {first}) {{ unreadCount }} }} }}"
    body = await harness.run(query, harness.customer("strategy-investor"))
    assert codes(body) == ["BAD_USER_INPUT"]


async def test_f6_transactions_hide_pending_and_pre_2020_and_page_without_gaps(
    harness: Harness,
) -> None:
    from datetime import date

    world = harness.world
    contract = c1_visible(world, party_of(world, "strategy-investor"))[0]
    expected = [
        t.id
        for t in sorted(contract.transactions, key=lambda t: (t.day, t.id), reverse=True)
        if t.state is TransactionState.EXECUTED and t.day >= date(2020, 1, 1)
    ]
    key = gid("LifeContract", f"{contract.base:07d}{contract.suffix:02d}")
    query = """query ($id: ID!, $after: String) { node(id: $id) { ... on LifeContract {
      transactions(first: 7, after: $after) { edges { node { date amount { amount } } }
        pageInfo { hasNextPage endCursor } } } } }"""
    seen: list[tuple[str, str]] = []
    after = None
    while True:
        body = await harness.run(
            query, harness.customer("strategy-investor"), {"id": key, "after": after}
        )
        page = body["data"]["node"]["transactions"]
        seen += [(e["node"]["date"], e["node"]["amount"]["amount"]) for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    by_id = {t.id: t for t in contract.transactions}
    assert seen == [(by_id[i].day.isoformat(), f"{by_id[i].amount:.2f}") for i in expected]
    assert all(d >= "2020-01-01" for d, _ in seen)


async def test_c3_web_explains_the_contracts_it_does_not_show(harness: Harness) -> None:
    world = harness.world
    party_id = party_of(world, "web-life-nonlife")
    hidden = {
        printed(world, c)
        for c in world.contracts_of_party(party_id)
        if c.product
        in {"car-legacy", "hunting-liability", "bicycle", "death-cover", "guaranteed-income"}
        and c.status is ContractStatus.ACTIVE
        and any(
            r.party_id == party_id and r.role in {Role.POLICYHOLDER, Role.INSURED} for r in c.roles
        )
    }
    body = await harness.run(
        "{ viewer { notShownContracts { number explanation } contracts { number } } }",
        harness.customer("web-life-nonlife"),
    )
    viewer = body["data"]["viewer"]
    assert {n["number"] for n in viewer["notShownContracts"]} == hidden
    assert hidden and not hidden & {c["number"] for c in viewer["contracts"]}
    assert all(n["explanation"] for n in viewer["notShownContracts"])


async def test_c5_contracts_without_back_office_details_say_so(harness: Harness) -> None:
    world = harness.world
    party_id = party_of(world, "web-life-nonlife")
    bare = [c for c in world.contracts_of_party(party_id) if not c.details_available]
    assert bare
    body = await harness.run(
        """{ viewer { contracts { number
            ... on LifeContract { detailsAvailable reserve { amount { amount } } }
            ... on NonLifeContract { detailsAvailable coverages { guarantee } } } } }""",
        harness.customer("web-life-nonlife"),
    )
    assert "errors" not in body
    shown = {c["number"]: c for c in body["data"]["viewer"]["contracts"]}
    for contract in bare:
        number = printed(world, contract)
        if number in shown:
            assert shown[number]["detailsAvailable"] is False
            assert shown[number].get("reserve") is None and shown[number].get("coverages") is None


async def test_s3_accept_language_changes_labels(harness: Harness) -> None:
    query = "{ viewer { contracts { statusLabel } } }"
    french = await harness.run(query, harness.customer("batch-1"), accept_language="fr-BE,fr;q=0.9")
    english = await harness.run(query, harness.customer("batch-1"), accept_language="en")
    assert (
        french["data"]["viewer"]["contracts"][0]["statusLabel"]
        != (english["data"]["viewer"]["contracts"][0]["statusLabel"])
    )


async def test_c6_a_broker_sees_its_portfolio_and_not_other_brokers_contracts(
    harness: Harness,
) -> None:
    world = harness.world
    fsma = world.personas["broker-large"].broker_fsma
    other = next(c for c in world.contracts.values() if c.broker_fsma != fsma)
    body = await harness.run(
        "{ brokerPortfolio { customers(first: 100) { totalCount } contracts(first: 5) {"
        " totalCount edges { node { number } } } } }",
        harness.broker("broker-large"),
    )
    portfolio = body["data"]["brokerPortfolio"]
    assert portfolio["customers"]["totalCount"] >= 50
    own = {printed(world, c) for c in world.contracts_of_broker(fsma or "")}
    assert {e["node"]["number"] for e in portfolio["contracts"]["edges"]} <= own
    kind = (
        "LifeContract"
        if world.products[other.product].family.value == "life"
        else "NonLifeContract"
    )
    foreign = await harness.run(
        "query ($id: ID!) { node(id: $id) { id } }",
        harness.broker("broker-large"),
        {"id": gid(kind, f"{other.base:07d}{other.suffix:02d}")},
    )
    assert codes(foreign) == ["NOT_FOUND"]


async def test_a10_a_company_is_seen_only_by_its_mandate_holders(harness: Harness) -> None:
    world = harness.world
    number = world.personas["company-manager"].company_number
    assert number is not None
    digits = number.replace(".", "")
    query = (
        "query ($n: String!) { company(enterpriseNumber: $n) { viewerRole contracts { number } } }"
    )
    manager = await harness.run(query, harness.customer("company-manager"), {"n": number})
    user = await harness.run(query, harness.customer("company-user"), {"n": number})
    stranger = await harness.run(query, harness.customer("web-life-nonlife"), {"n": digits})
    assert manager["data"]["company"]["viewerRole"] == "DIGITAL_MANAGER"
    assert user["data"]["company"]["viewerRole"] == "USER"
    assert manager["data"]["company"]["contracts"]
    assert codes(stranger) == ["NOT_FOUND"]


async def test_funds_and_brokers_are_public_reference_nodes(harness: Harness) -> None:
    world = harness.world
    isin = next(iter(world.funds))
    body = await harness.run(
        "query ($id: ID!) { node(id: $id) { ... on Fund { isin riskClass } } }",
        harness.customer("batch-1"),
        {"id": gid("Fund", isin)},
    )
    assert body["data"]["node"]["isin"] == isin
    assert body["data"]["node"]["riskClass"] == world.funds[isin].sri_on(world.as_of)


@pytest.mark.parametrize(
    "query",
    [
        '{ company(enterpriseNumber: "0403.019.261") { name } }',
        "{ brokerPortfolio { customers { totalCount } } }",
        '{ node(id: "RnVuZDpYWDAwMDAwMDAwMDA=") { id } }',
    ],
)
async def test_anonymous_callers_are_unauthenticated_on_every_entry_point(
    harness: Harness, query: str
) -> None:
    body = await harness.run(query, None)
    assert codes(body) == ["UNAUTHENTICATED"]
