"""What each example operation must answer for a persona, checked against the sandbox's own
records through the rules restated in tests.examples.rules. One check per operation file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sandbox.world import (
    Building,
    Company,
    Contract,
    ContractStatus,
    Family,
    Party,
    Persona,
    World,
)
from tests.examples import rules
from tests.examples.rules import global_id, printed

Json = dict[str, Any]
# S3: the label of ACTIVE in each language, for the viewer's correspondence language
ACTIVE_LABELS = {"nl": "In voege", "fr": "En vigueur", "en": "In force", "de": "In Kraft"}
BROKER_LANGUAGE = "nl"  # a broker has no correspondence language: the default


@dataclass
class Case:
    """One operation's first answer for one persona, and a way to ask it again with other
    variables (the next page)."""

    world: World
    persona: Persona
    variables: Json
    data: Json
    run: Callable[[Json], Json]

    @property
    def party(self) -> Party:
        assert self.persona.party_id is not None
        return self.world.parties[self.persona.party_id]

    @property
    def language(self) -> str:
        return self.party.language.value if self.persona.party_id else BROKER_LANGUAGE

    def visible(self) -> list[Contract]:
        """C1 for the mobile app, C3 for the web zone."""
        if self.persona.profile.value == "mobile":
            return rules.mobile_visible(self.world, self.party.id)
        return rules.web_visible(self.world, self.party.id)


def money(value: Json | None) -> Decimal | None:
    """F7: a decimal string and its currency, never a float."""
    if value is None:
        return None
    assert isinstance(value["amount"], str) and value["currency"] == "EUR"
    return Decimal(value["amount"])


def pages(case: Case, first: Json, connection: Callable[[Json], Json]) -> list[Json]:
    """Every edge of a connection: the first page, then `after: endCursor` until the end."""
    edges = list(first["edges"])
    info = first["pageInfo"]
    while info["hasNextPage"]:
        following = connection(case.run({**case.variables, "after": info["endCursor"]}))
        assert following["edges"], "hasNextPage promised more"
        edges += following["edges"]
        info = following["pageInfo"]
    return edges


def check_contract_facts(case: Case, node: Json, contract: Contract) -> None:
    """The keys of a contract the operation selected, against the policy administration."""
    world = case.world
    expected: Json = {
        "id": rules.contract_id(world, contract),
        "number": printed(world, contract),
        "productName": world.products[contract.product].name,
        "productLine": rules.PRODUCT_LINES[contract.product],
        "status": contract.status.name,
        "startDate": contract.start_date.isoformat(),
        "endDate": contract.end_date.isoformat() if contract.end_date else None,
        "paymentFrequency": contract.payment_frequency.name,
    }
    for key, value in expected.items():
        if key in node:
            assert node[key] == value, (key, contract.number_digits)
    if "premium" in node:
        assert money(node["premium"]) == contract.premium
    if "statusLabel" in node and contract.status is ContractStatus.ACTIVE:
        assert node["statusLabel"] == ACTIVE_LABELS[case.language]
    if "productLineLabel" in node:
        assert node["productLineLabel"]
    if "broker" in node:
        check_broker(world, node["broker"], contract.broker_fsma)


def check_broker(world: World, card: Json, fsma: str) -> None:
    """C7: the contract's broker, as the broker registry knows it."""
    broker = world.brokers[fsma]
    expected: Json = {
        "id": global_id("Broker", rules.digits(fsma)),
        "name": broker.name,
        "fsmaNumber": broker.fsma,
        "phone": broker.phone,
        "email": broker.email,
        "website": broker.website,
    }
    for key, value in expected.items():
        if key in card:
            assert card[key] == value, key
    if "address" in card:
        a = broker.address
        assert card["address"] == {
            "street": a.street,
            "number": a.number,
            "postcode": a.postcode,
            "city": a.city,
            "country": a.country,
        }


def check_reserve(case: Case, node: Json, contract: Contract) -> None:
    """F2 (and C5: no reserve without back-office details)."""
    if "detailsAvailable" in node:
        assert node["detailsAvailable"] is contract.details_available
    if "taxRegime" in node:
        regime = case.world.products[contract.product].tax_regime
        assert node["taxRegime"] == (rules.TAX_REGIMES[regime] if regime else None)
    if "reserve" not in node:
        return
    expected = rules.reserve(case.world, contract)
    found = node["reserve"]
    if expected is None:
        assert found is None
        return
    assert money(found["amount"]) == expected
    assert found["date"] == case.world.as_of.isoformat()
    if "guaranteed" in found:
        assert money(found["guaranteed"]) == contract.guaranteed_reserve
        rate = found["guaranteedRate"]
        assert (None if rate is None else Decimal(rate)) == contract.guaranteed_rate
    if "funds" in found:
        check_funds(case, found["funds"], contract)


def check_funds(case: Case, funds: list[Json], contract: Contract) -> None:
    """F2/F5: one position per holding, worth units x NAV, largest first, with its share of
    the contract's fund value."""
    expected = {p.fund.isin: p for p in rules.positions(case.world, contract)}
    by_name = {p.fund.name: p for p in expected.values()}
    values = [Decimal(f["value"]["amount"]) for f in funds]
    assert values == sorted(values, reverse=True)
    total = sum(p.value for p in expected.values())
    assert len(funds) == len(expected)
    for item in funds:
        fund = item["fund"]
        position = expected[fund["isin"]] if "isin" in fund else by_name[fund["name"]]
        assert money(item["value"]) == position.value
        assert fund["name"] == position.fund.name
        assert fund["riskClass"] == position.fund.sri_on(case.world.as_of)
        exact = position.value * 100 / total
        assert abs(Decimal(item["sharePercent"]) - exact) <= Decimal("0.01")
        if "units" in item:
            assert Decimal(item["units"]) == position.units
            assert Decimal(item["nav"]) == position.nav
            assert item["navDate"] == position.nav_date.isoformat()
        if "id" in fund:
            assert fund["id"] == global_id("Fund", position.fund.isin)
            assert fund["currency"] == position.fund.currency


def check_nonlife(case: Case, node: Json, contract: Contract) -> None:
    """C4: the insured object, the coverages with what each excludes, and what the contract
    as a whole does not cover; C5 when the back office has no details."""
    if "detailsAvailable" in node:
        assert node["detailsAvailable"] is contract.details_available
    if "annualPremium" in node:
        assert money(node["annualPremium"]) == rules.annual_premium(contract)
    if not contract.details_available:
        assert node.get("coverages") is None and node.get("insuredObject") is None
        return
    if "bonusMalus" in node:
        assert node["bonusMalus"] == contract.bonus_malus
    if "exclusions" in node:
        assert node["exclusions"] == contract.exclusions
    if "insuredObject" in node:
        check_insured_object(node["insuredObject"], contract)
    if "coverages" in node:
        assert [c["guarantee"] for c in node["coverages"]] == [
            rules.GUARANTEES[c.x058] for c in contract.coverages
        ]
        for found, cover in zip(node["coverages"], contract.coverages, strict=True):
            assert found["guaranteeLabel"]
            assert money(found["annualPremium"]) == cover.premium
            assert money(found["insuredAmount"]) == cover.insured_amount
            assert money(found["deductible"]) == cover.deductible
            assert found["exclusions"] == cover.exclusions
            index = cover.index
            assert found["index"] == (
                None
                if index is None
                else {
                    "name": index.name,
                    "baseValue": str(index.base_value),
                    "baseDate": index.base_date.isoformat(),
                }
            )


def check_insured_object(found: Json | None, contract: Contract) -> None:
    thing = contract.insured_object
    if thing is None:
        assert found is None
        return
    assert found is not None
    if isinstance(thing, Building):
        assert found["__typename"] == "Building"
        expected = {
            "street": thing.address.street,
            "number": thing.address.number,
            "postcode": thing.address.postcode,
            "city": thing.address.city,
            "kind": thing.kind,
            "rooms": thing.rooms,
        }
    else:
        assert found["__typename"] == "Vehicle"
        expected = {
            "plate": thing.plate,
            "make": thing.make,
            "model": thing.model,
            "firstRegistration": thing.first_registration.isoformat(),
        }
    for key, value in found.items():
        if key != "__typename":
            assert value == expected[key], key


def check_contract(case: Case, node: Json, contract: Contract) -> None:
    check_contract_facts(case, node, contract)
    if case.world.products[contract.product].family is Family.LIFE:
        check_reserve(case, node, contract)
    else:
        check_nonlife(case, node, contract)


def check_contract_list(case: Case, nodes: list[Json], expected: list[Contract]) -> None:
    """The same contracts (the order is not a rule), each with its facts."""
    by_number = {printed(case.world, c): c for c in expected}
    assert sorted(n["number"] for n in nodes) == sorted(by_number)
    for node in nodes:
        check_contract(case, node, by_number[node["number"]])


# --- one check per operation file ------------------------------------------------------------


def mobile_dashboard(case: Case) -> None:
    """C1 cards, F1 total, F2 split, and the unread badge."""
    viewer = case.data["viewer"]
    party = case.party
    assert viewer["displayName"] == f"{party.first_name} {party.last_name}"
    assert viewer["language"] == party.language.value.upper()
    visible = rules.mobile_visible(case.world, party.id)
    assert visible
    check_contract_list(case, viewer["contracts"], visible)
    total, left_out = rules.total_wealth(case.world, visible)
    assert money(viewer["totalWealth"]["total"]) == total
    assert viewer["totalWealth"]["contractsLeftOut"] == left_out
    unread = rules.notifications_of(case.world, party.id, unread_only=True)
    assert viewer["notifications"]["unreadCount"] == len(unread)


def contract_detail(case: Case) -> None:
    """F2, F3, C4 beneficiaries, C7, and the viewer's roles."""
    contract = rules.contract_by_id(case.world, case.variables["id"])
    node = case.data["node"]
    assert node["id"] == case.variables["id"]
    check_contract(case, node, contract)
    mine = rules.roles_of(contract, case.persona.party_id) if case.persona.party_id else set()
    assert sorted(node["roles"]) == sorted(r.name for r in mine)
    strategy = [(s["fund"]["isin"], Decimal(s["percent"])) for s in node["investmentStrategy"]]
    assert sorted(strategy) == sorted(contract.allocation)
    assert [p for _, p in strategy] == sorted((p for _, p in strategy), reverse=True)
    for share in node["investmentStrategy"]:
        assert share["fund"]["name"] == case.world.funds[share["fund"]["isin"]].name
    assert sorted(map(_beneficiary_row, node["beneficiaries"])) == sorted(
        _expected_beneficiaries(case.world, contract)
    )


Beneficiary = tuple[str, str, str, Decimal]
NO_SHARE = Decimal(-1)


def _beneficiary_row(item: Json) -> Beneficiary:
    share = item["sharePercent"]
    name, clause = item["name"] or "", item["clause"] or ""
    return item["role"], name, clause, NO_SHARE if share is None else Decimal(share)


def _expected_beneficiaries(world: World, contract: Contract) -> list[Beneficiary]:
    """C4: every beneficiary of the contract, named or by clause, with its share."""
    rows = []
    for role in contract.roles:
        if role.role not in rules.BENEFICIARIES:
            continue
        name = ""
        if role.party_id:
            party = world.parties[role.party_id]
            name = f"{party.first_name} {party.last_name}"
        elif role.company_number:
            name = world.companies[role.company_number].name
        share = NO_SHARE if role.share_percent is None else role.share_percent
        rows.append((role.role.name, name, role.clause or "", share))
    return rows


def reserve_evolution(case: Case) -> None:
    """F4: at most 12 month ends, oldest first, with today's reserve."""
    contract = rules.contract_by_id(case.world, case.variables["id"])
    node = case.data["node"]
    check_contract(case, node, contract)
    history = [(p["date"], money(p["amount"])) for p in node["reserveHistory"]]
    expected = [
        (day.isoformat(), amount) for day, amount in rules.reserve_window(case.world, contract)
    ]
    assert history == expected
    assert 0 < len(history) <= rules.HISTORY_MONTHS


def _transaction_row(edge: Json) -> tuple[str, str, Decimal | None, str | None]:
    node = edge["node"]
    assert node["typeLabel"]
    return node["date"], node["type"], money(node["amount"]), node["isin"]


def transactions_page(case: Case) -> None:
    """F6: no pending transaction, none before 2020-01-01, newest first, pages without gaps."""
    contract = rules.contract_by_id(case.world, case.variables["id"])
    expected = [
        (t.day.isoformat(), t.type.name, rules.cents(t.amount), t.isin)
        for t in rules.shown_transactions(contract)
    ]
    first = case.variables.get("first", 20)
    page = case.data["node"]["transactions"]
    assert [_transaction_row(e) for e in page["edges"]] == expected[:first]
    assert page["pageInfo"]["hasNextPage"] is (len(expected) > first)
    every = pages(case, page, lambda data: data["node"]["transactions"])
    assert [_transaction_row(e) for e in every] == expected


def broker_contact(case: Case) -> None:
    """C7: each contract names its broker with the registry's contact details."""
    nodes = case.data["viewer"]["contracts"]
    check_contract_list(case, nodes, case.visible())
    assert nodes and all(n["broker"]["phone"] and n["broker"]["email"] for n in nodes)


def notifications(case: Case) -> None:
    """Messages newest first, the unread badge counting every page."""
    unread_only = case.variables.get("unreadOnly", False)
    expected = rules.notifications_of(case.world, case.party.id, unread_only)
    connection = case.data["viewer"]["notifications"]
    unread = rules.notifications_of(case.world, case.party.id, unread_only=True)
    assert connection["unreadCount"] == len(unread)
    every = pages(case, connection, lambda data: data["viewer"]["notifications"])
    assert [e["node"]["id"] for e in every] == [global_id("Notification", n.id) for n in expected]
    for edge, item in zip(every, expected, strict=True):
        node = edge["node"]
        assert node["category"] == item.category.upper() and node["categoryLabel"]
        assert (node["title"], node["body"], node["read"]) == (item.title, item.body, item.read)
        assert datetime.fromisoformat(node["createdAt"]) == item.created


def web_dashboard(case: Case) -> None:
    """C3 with its explanations, C4 coverages and exclusions, C5, F1."""
    viewer = case.data["viewer"]
    visible = rules.web_visible(case.world, case.party.id)
    check_contract_list(case, viewer["contracts"], visible)
    total, left_out = rules.total_wealth(case.world, visible)
    assert money(viewer["totalWealth"]["total"]) == total
    assert viewer["totalWealth"]["contractsLeftOut"] == left_out
    hidden = rules.web_not_shown(case.world, case.party.id)
    found = viewer["notShownContracts"]
    assert sorted((n["number"], n["productLine"]) for n in found) == sorted(
        (printed(case.world, c), rules.PRODUCT_LINES[c.product]) for c in hidden
    )
    assert all(n["explanation"] for n in found)
    # one explanation per kind of product not shown: legacy car and niche products differ
    explanations = {n["productLine"]: n["explanation"] for n in found}
    assert len(set(explanations.values())) == len(explanations)


def documents_list(case: Case) -> None:
    """D2: the web zone's life documents, newest first, every page."""
    types = case.variables.get("types")
    expected = rules.web_documents(case.world, case.party.id, types)
    connection = case.data["viewer"]["documents"]
    assert connection["totalCount"] == len(expected)
    every = [e["node"] for e in pages(case, connection, lambda d: d["viewer"]["documents"])]
    by_id = {global_id("Document", d.id): d for d in expected}
    assert sorted(n["id"] for n in every) == sorted(by_id)
    days = [n["issuedOn"] for n in every]
    assert days == sorted(days, reverse=True)
    for node in every:
        document = by_id[node["id"]]
        assert node["type"] == document.type.name and node["typeLabel"]
        assert (node["title"], node["issuedOn"]) == (document.title, document.day.isoformat())
        assert node["mimeType"] == "application/pdf" and node["sizeBytes"] > 0


def _customer_name(world: World, customer: rules.PortfolioCustomer) -> str:
    if customer.kind == "person":
        party = world.parties[customer.key]
        return f"{party.first_name} {party.last_name}"
    company = next(
        c for c in world.companies.values() if rules.digits(c.enterprise_number) == customer.key
    )
    return company.name


def _portfolio_contract(world: World, contract: Contract) -> Json:
    return {
        "id": rules.contract_id(world, contract),
        "number": printed(world, contract),
        "productLine": rules.PRODUCT_LINES[contract.product],
        "status": contract.status.name,
    }


def broker_portfolio_page(case: Case) -> None:
    """C6: every customer and contract of the broker's portfolio the client zone would show,
    never another broker's; the contract list filtered by product line and status."""
    world = case.world
    fsma = case.persona.broker_fsma
    assert fsma is not None
    portfolio = case.data["brokerPortfolio"]
    check_broker(world, portfolio["broker"], fsma)
    expected = rules.broker_portfolio(world, fsma)
    customers = portfolio["customers"]
    assert customers["totalCount"] == len(expected)
    every = [e["node"] for e in pages(case, customers, lambda d: d["brokerPortfolio"]["customers"])]
    rows = [
        (
            c["name"],
            rules.digits(c["enterpriseNumber"] or ""),
            c["isCompany"],
            [{k: v for k, v in item.items() if k != "statusLabel"} for item in c["contracts"]],
        )
        for c in every
    ]
    assert rows == [
        (
            _customer_name(world, c),
            c.key if c.kind == "company" else "",
            c.kind == "company",
            [_portfolio_contract(world, k) for k in c.contracts],
        )
        for c in expected
    ]
    line, status = case.variables.get("productLine"), case.variables.get("status")
    chosen = sorted(
        (
            k
            for c in expected
            for k in c.contracts
            if (line is None or rules.PRODUCT_LINES[k.product] == line)
            and (status is None or k.status.name == status)
        ),
        key=lambda k: k.number_digits,
    )
    contracts = portfolio["contracts"]
    first = case.variables.get("first", 25)
    assert contracts["totalCount"] == len(chosen)
    assert [
        {k: v for k, v in e["node"].items() if k != "statusLabel"} for e in contracts["edges"]
    ] == [_portfolio_contract(world, k) for k in chosen[:first]]
    assert contracts["pageInfo"]["hasNextPage"] is (len(chosen) > first)


def company_view(case: Case) -> None:
    """A10: the person's companies and roles, and the chosen company's contracts."""
    world = case.world
    viewer = case.data["viewer"]
    mine = rules.companies_of(world, case.party.id)
    assert sorted(
        (rules.digits(c["enterpriseNumber"]), c["name"], c["role"]) for c in viewer["companies"]
    ) == sorted((rules.digits(c.enterprise_number), c.name, _role(c, case.party.id)) for c in mine)
    chosen = next(
        c
        for c in mine
        if rules.digits(c.enterprise_number) == rules.digits(case.variables["enterpriseNumber"])
    )
    company = case.data["company"]
    assert rules.digits(company["enterpriseNumber"]) == rules.digits(chosen.enterprise_number)
    assert (company["name"], company["viewerRole"]) == (chosen.name, _role(chosen, case.party.id))
    check_contract_list(case, company["contracts"], rules.company_visible(world, chosen))


def _role(company: Company, party_id: str) -> str:
    return next(m.role.name for m in company.mandates if m.party_id == party_id)


CHECKS: dict[str, Callable[[Case], None]] = {
    "mobile_dashboard": mobile_dashboard,
    "contract_detail": contract_detail,
    "reserve_evolution": reserve_evolution,
    "transactions_page": transactions_page,
    "broker_contact": broker_contact,
    "notifications": notifications,
    "web_dashboard": web_dashboard,
    "documents_list": documents_list,
    "broker_portfolio_page": broker_portfolio_page,
    "company_view": company_view,
}
