from __future__ import annotations

import base64
import importlib.util
from collections.abc import AsyncIterator
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.types import ASGIApp

from sandbox.control import Control, Controlled, Faults
from sandbox.systems import SystemContext
from sandbox.systems.life import create_app, render_error
from sandbox.systems.life_codes import product_code
from sandbox.world import (
    Contract,
    ContractRole,
    ContractStatus,
    Family,
    Fund,
    Holding,
    Language,
    PaymentFrequency,
    Product,
    Role,
    Transaction,
    TransactionState,
    TransactionType,
    World,
)

AS_OF = date(2024, 6, 14)
CENT = Decimal("0.01")
ISINS = ["BE0001111116", "LU0002222224", "LU0003333332", "LU0004444440", "NL0005555558"]
STRATEGY = "1234567-01"
BRANCH21 = "0000042-07"
NO_DETAILS = "7654321-02"
CAR = "2222222-03"
DEATH = "3333333-04"
SURRENDERED = "4444444-05"


def _business_days(start: date, end: date) -> list[date]:
    days = (start + timedelta(n) for n in range((end - start).days + 1))
    return [d for d in days if d.weekday() < 5]


def _fund(index: int, isin: str) -> Fund:
    days = _business_days(date(2024, 1, 1), AS_OF + timedelta(days=10))
    navs = [(d, Decimal(100 + index) + Decimal(n) / 100) for n, d in enumerate(days)]
    return Fund(
        isin=isin,
        name=f"Test Fund {index}",
        currency="EUR",
        sri_history=[(date(2020, 1, 1), 3), (date(2024, 3, 1), 4 + index % 3)],
        navs=navs,
    )


def _contract(base: int, suffix: int, product: str, **changes: Any) -> Contract:
    contract = Contract(
        base=base,
        suffix=suffix,
        product=product,
        status=ContractStatus.ACTIVE,
        start_date=date(2015, 3, 1),
        end_date=None,
        status_date=date(2015, 3, 1),
        payment_frequency=PaymentFrequency.MONTHLY,
        premium=Decimal("100.00"),
        language=Language.NL,
        broker_fsma="0403.019.261",
        roles=[ContractRole(Role.POLICYHOLDER, party_id="P0000001")],
    )
    for name, value in changes.items():
        setattr(contract, name, value)
    return contract


def _transactions() -> list[Transaction]:
    kinds = list(TransactionType)
    out = []
    for n in range(130):
        out.append(
            Transaction(
                id=f"T{n:05d}",
                day=date(2016, 1, 4) + timedelta(days=23 * n),
                type=kinds[n % len(kinds)],
                amount=Decimal("50.00") + n,
                state=TransactionState.PENDING if n >= 127 else TransactionState.EXECUTED,
                isin=ISINS[n % 2] if n % 3 else None,
            )
        )
    return out


def _month_ends(count: int) -> list[date]:
    ends = []
    year, month = 2024, 5
    for _ in range(count):
        nxt = date(year + month // 12, month % 12 + 1, 1)
        ends.append(nxt - timedelta(days=1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return sorted(ends)


def build_life_world() -> World:
    products = {
        "strat": Product("strat", "NN Strategy", Family.LIFE, "120", "23", unit_linked=True),
        "plan": Product("plan", "NN Life Plan", Family.LIFE, "110", "21"),
        "car": Product("car", "Car Insurance", Family.NONLIFE, "510", "10a"),
        "death": Product("death", "Death Cover", Family.LIFE, "130", "21"),
    }
    funds = {isin: _fund(n, isin) for n, isin in enumerate(ISINS)}
    history = [(d, Decimal("10000.00") + n * 10) for n, d in enumerate(_month_ends(40))]
    contracts = [
        _contract(
            1234567,
            1,
            "strat",
            holdings=[
                Holding(ISINS[0], Decimal("12.3456789")),
                Holding(ISINS[1], Decimal("7.5")),
            ],
            allocation=[(ISINS[0], Decimal("60")), (ISINS[1], Decimal("40"))],
            reserve_history=history,
            transactions=_transactions(),
        ),
        _contract(
            42,
            7,
            "plan",
            guaranteed_reserve=Decimal("15234.5"),
            guaranteed_rate=Decimal("2.25"),
            reserve_history=history[-5:],
        ),
        _contract(
            7654321,
            2,
            "strat",
            details_available=False,
            holdings=[Holding(ISINS[2], Decimal("3"))],
            transactions=_transactions()[:3],
        ),
        _contract(2222222, 3, "car"),
        _contract(3333333, 4, "death"),
        _contract(4444444, 5, "strat", status=ContractStatus.SURRENDERED),
    ]
    return World(
        seed=1,
        as_of=AS_OF,
        products=products,
        parties={},
        companies={},
        brokers={},
        funds=funds,
        contracts={(c.base, c.suffix): c for c in contracts},
        documents={},
        notifications={},
        activation_codes=[],
        personas={},
    )


@pytest.fixture(scope="module")
def life_world() -> World:
    return build_life_world()


@pytest.fixture(scope="module")
def life_app(life_world: World) -> Starlette:
    return create_app(SystemContext(life_world, "life", "http://127.0.0.1:1"))


def _client(app: ASGIApp) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://life")


@pytest.fixture
async def client(life_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with _client(life_app) as client:
        yield client


def _error(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str)


async def _walk(client: httpx.AsyncClient, path: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(1000):
        query = dict(params)
        if cursor:
            query["cursor"] = cursor
        response = await client.get(path, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) >= {"items", "nextCursor"}
        items.extend(body["items"])
        cursor = body["nextCursor"]
        if cursor is None:
            return items
    raise AssertionError("pagination never ended")


def _contract_of(world: World, number: str) -> Contract:
    base, suffix = number.split("-")
    return world.contracts[(int(base), int(suffix))]


def _money(value: Decimal) -> str:
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


# funds


@pytest.mark.anyio
async def test_funds_walk_every_fund_once(client: httpx.AsyncClient, life_world: World) -> None:
    items = await _walk(client, "/funds", limit=2)
    assert [f["isin"] for f in items] == sorted(life_world.funds)
    for item in items:
        fund = life_world.funds[item["isin"]]
        nav_day, nav = fund.nav_on(AS_OF)
        assert item["name"] == fund.name
        assert item["currency"] == "EUR"
        assert item["riskClass"] == fund.sri_on(AS_OF)
        assert item["riskClassHistory"] == [
            {"from": since.isoformat(), "riskClass": sri} for since, sri in fund.sri_history
        ]
        assert item["latestNav"] == {"date": nav_day.isoformat(), "value": str(nav)}
        assert nav_day <= AS_OF


@pytest.mark.anyio
async def test_funds_default_limit_and_limits(client: httpx.AsyncClient) -> None:
    body = (await client.get("/funds")).json()
    assert len(body["items"]) == len(ISINS)
    assert body["nextCursor"] is None
    _error(await client.get("/funds", params={"limit": 101}), 400, "INVALID_PARAMETER")
    _error(await client.get("/funds", params={"limit": 0}), 400, "INVALID_PARAMETER")
    _error(await client.get("/funds", params={"limit": "x"}), 400, "INVALID_PARAMETER")
    assert len((await client.get("/funds", params={"limit": 100})).json()["items"]) == len(ISINS)


@pytest.mark.anyio
async def test_cursor_of_another_listing_is_refused(client: httpx.AsyncClient) -> None:
    cursor = (await client.get("/funds", params={"limit": 1})).json()["nextCursor"]
    path = f"/contracts/{STRATEGY}/transactions"
    _error(await client.get(path, params={"cursor": cursor}), 400, "INVALID_CURSOR")
    _error(await client.get("/funds", params={"cursor": "!!not-a-cursor"}), 400, "INVALID_CURSOR")


@pytest.mark.anyio
async def test_fund_by_isin(client: httpx.AsyncClient, life_world: World) -> None:
    body = (await client.get(f"/funds/{ISINS[3]}")).json()
    assert body["isin"] == ISINS[3]
    assert body["name"] == life_world.funds[ISINS[3]].name
    _error(await client.get("/funds/XX0000000000"), 404, "FUND_NOT_FOUND")


@pytest.mark.anyio
async def test_funds_batch(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/funds/batch", json={"isins": [ISINS[1], "XX0000000000", ISINS[4]]}
    )
    assert response.status_code == 200
    body = response.json()
    assert [f["isin"] for f in body["items"]] == [ISINS[1], ISINS[4]]
    assert body["notFound"] == ["XX0000000000"]
    over = {"isins": [ISINS[0]] * 201}
    _error(await client.post("/funds/batch", json=over), 400, "BATCH_TOO_LARGE")
    _error(await client.post("/funds/batch", json={"isins": "x"}), 400, "INVALID_BODY")
    _error(await client.post("/funds/batch", content=b"{"), 400, "INVALID_BODY")


@pytest.mark.anyio
async def test_navs_between_dates_walk_once(client: httpx.AsyncClient, life_world: World) -> None:
    fund = life_world.funds[ISINS[2]]
    start, end = date(2024, 2, 1), date(2024, 4, 30)
    items = await _walk(client, f"/funds/{ISINS[2]}/navs", **{"from": start, "to": end, "limit": 7})
    expected = [(d, v) for d, v in fund.navs if start <= d <= end]
    assert items == [{"date": d.isoformat(), "value": str(v)} for d, v in expected]


@pytest.mark.anyio
async def test_navs_stop_at_as_of(client: httpx.AsyncClient, life_world: World) -> None:
    items = await _walk(client, f"/funds/{ISINS[0]}/navs")
    known = [p for p in life_world.funds[ISINS[0]].navs if p[0] <= AS_OF]
    assert len(items) == len(known)
    assert items[-1]["date"] == known[-1][0].isoformat()


@pytest.mark.anyio
async def test_navs_parameters(client: httpx.AsyncClient) -> None:
    path = f"/funds/{ISINS[0]}/navs"
    _error(await client.get(path, params={"limit": 1001}), 400, "INVALID_PARAMETER")
    _error(await client.get(path, params={"from": "14/06/2024"}), 400, "INVALID_PARAMETER")
    _error(
        await client.get(path, params={"from": "2024-05-01", "to": "2024-04-01"}),
        400,
        "INVALID_PARAMETER",
    )
    _error(await client.get("/funds/XX0000000000/navs"), 404, "FUND_NOT_FOUND")


# contracts


@pytest.mark.anyio
async def test_contracts_batch(client: httpx.AsyncClient, life_world: World) -> None:
    numbers = [STRATEGY, BRANCH21, NO_DETAILS, CAR, "9999999-99"]
    response = await client.post("/contracts/batch", json={"contracts": numbers})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["notFound"] == [CAR, "9999999-99"]
    items = {item["contract"]: item for item in body["items"]}
    assert list(items) == [STRATEGY, BRANCH21, NO_DETAILS]

    strategy = _contract_of(life_world, STRATEGY)
    value = sum(
        (h.units * life_world.funds[h.isin].nav_on(AS_OF)[1] for h in strategy.holdings),
        Decimal(0),
    )
    assert items[STRATEGY] == {
        "contract": STRATEGY,
        "product": "NNSTR",
        "currency": "EUR",
        "detailsAvailable": True,
        "holdings": [
            {"isin": ISINS[0], "units": "12.345679"},
            {"isin": ISINS[1], "units": "7.500000"},
        ],
        "guaranteedReserve": None,
        "guaranteedRate": None,
        "reserve": {"date": AS_OF.isoformat(), "amount": _money(value)},
    }
    assert items[BRANCH21] == {
        "contract": BRANCH21,
        "product": "TRAD21",
        "currency": "EUR",
        "detailsAvailable": True,
        "holdings": [],
        "guaranteedReserve": "15234.50",
        "guaranteedRate": "2.25",
        "reserve": {"date": AS_OF.isoformat(), "amount": "15234.50"},
    }
    assert items[NO_DETAILS] == {
        "contract": NO_DETAILS,
        "product": "NNSTR",
        "currency": "EUR",
        "detailsAvailable": False,
    }


@pytest.mark.anyio
async def test_reserve_without_savings_or_holdings(client: httpx.AsyncClient) -> None:
    request = {"contracts": [DEATH, SURRENDERED]}
    death, surrendered = (await client.post("/contracts/batch", json=request)).json()["items"]
    assert death["product"] == "DEATH"
    assert death["reserve"] is None
    assert surrendered["holdings"] == []
    assert surrendered["reserve"] == {"date": AS_OF.isoformat(), "amount": "0.00"}


@pytest.mark.anyio
async def test_contracts_batch_refuses_bad_input(client: httpx.AsyncClient) -> None:
    for bad in ["123456701", "0012345.07", "123456-01", "12/1234567/01"]:
        response = await client.post("/contracts/batch", json={"contracts": [STRATEGY, bad]})
        _error(response, 400, "INVALID_CONTRACT_NUMBER")
    over = {"contracts": [STRATEGY] * 201}
    _error(await client.post("/contracts/batch", json=over), 400, "BATCH_TOO_LARGE")
    assert (await client.post("/contracts/batch", json={"contracts": [STRATEGY] * 200})).json()[
        "items"
    ] == [(await client.get(f"/contracts/{STRATEGY}")).json()]


@pytest.mark.anyio
async def test_single_contract_and_404s(client: httpx.AsyncClient) -> None:
    assert (await client.get(f"/contracts/{BRANCH21}")).json()["guaranteedRate"] == "2.25"
    for path in ["", "/holdings", "/allocation", "/reserve-history", "/transactions"]:
        _error(await client.get(f"/contracts/9999999-99{path}"), 404, "CONTRACT_NOT_FOUND")
        _error(await client.get(f"/contracts/{CAR}{path}"), 404, "CONTRACT_NOT_FOUND")
        _error(await client.get(f"/contracts/12345.07{path}"), 400, "INVALID_CONTRACT_NUMBER")
    _error(await client.get("/nowhere"), 404, "NOT_FOUND")


@pytest.mark.anyio
async def test_holdings_and_allocation(client: httpx.AsyncClient, life_world: World) -> None:
    strategy = _contract_of(life_world, STRATEGY)
    holdings = (await client.get(f"/contracts/{STRATEGY}/holdings")).json()
    assert holdings["detailsAvailable"] is True
    assert [h["isin"] for h in holdings["holdings"]] == [h.isin for h in strategy.holdings]
    allocation = (await client.get(f"/contracts/{STRATEGY}/allocation")).json()
    assert allocation == {
        "contract": STRATEGY,
        "detailsAvailable": True,
        "allocation": [{"isin": i, "percent": str(p)} for i, p in strategy.allocation],
    }
    assert sum(Decimal(a["percent"]) for a in allocation["allocation"]) == 100
    for path in ["holdings", "allocation"]:
        body = (await client.get(f"/contracts/{NO_DETAILS}/{path}")).json()
        assert body == {"contract": NO_DETAILS, "detailsAvailable": False}


@pytest.mark.anyio
async def test_allocation_batch(client: httpx.AsyncClient) -> None:
    body = (
        await client.post(
            "/contracts/allocation/batch", json={"contracts": [STRATEGY, NO_DETAILS, CAR]}
        )
    ).json()
    assert [i["contract"] for i in body["items"]] == [STRATEGY, NO_DETAILS]
    assert len(body["items"][0]["allocation"]) == 2
    assert "allocation" not in body["items"][1]
    assert body["notFound"] == [CAR]


@pytest.mark.anyio
async def test_reserve_history(client: httpx.AsyncClient, life_world: World) -> None:
    history = _contract_of(life_world, STRATEGY).reserve_history
    expected = [{"date": d.isoformat(), "amount": _money(a)} for d, a in history]
    body = (await client.get(f"/contracts/{STRATEGY}/reserve-history")).json()
    assert body["months"] == 12
    assert body["history"] == expected[-12:]
    body = (
        await client.get(f"/contracts/{STRATEGY}/reserve-history", params={"months": 36})
    ).json()
    assert body["history"] == expected[-36:]
    assert len(body["history"]) == 36
    path = f"/contracts/{STRATEGY}/reserve-history"
    _error(await client.get(path, params={"months": 37}), 400, "INVALID_PARAMETER")
    _error(await client.get(path, params={"months": 0}), 400, "INVALID_PARAMETER")
    short = (await client.get(f"/contracts/{BRANCH21}/reserve-history")).json()["history"]
    assert len(short) == 5


@pytest.mark.anyio
async def test_reserve_history_batch(client: httpx.AsyncClient) -> None:
    request = {"contracts": [STRATEGY, BRANCH21, NO_DETAILS, "0000001-01"], "months": 3}
    body = (await client.post("/contracts/reserve-history/batch", json=request)).json()
    assert [len(i.get("history", [])) for i in body["items"]] == [3, 3, 0]
    assert body["items"][2] == {"contract": NO_DETAILS, "detailsAvailable": False, "months": 3}
    assert body["notFound"] == ["0000001-01"]
    default = await client.post("/contracts/reserve-history/batch", json={"contracts": [STRATEGY]})
    assert len(default.json()["items"][0]["history"]) == 12
    too_many = {"contracts": [STRATEGY], "months": 37}
    _error(
        await client.post("/contracts/reserve-history/batch", json=too_many),
        400,
        "INVALID_PARAMETER",
    )


@pytest.mark.anyio
async def test_transactions_walk_all_newest_first(
    client: httpx.AsyncClient, life_world: World
) -> None:
    items = await _walk(client, f"/contracts/{STRATEGY}/transactions", limit=9)
    world_tx = _contract_of(life_world, STRATEGY).transactions
    assert sorted(t["id"] for t in items) == sorted(t.id for t in world_tx)
    assert len({t["id"] for t in items}) == len(world_tx)
    dates = [t["date"] for t in items]
    assert dates == sorted(dates, reverse=True)
    assert any(t["status"] == "PENDING" for t in items)
    assert any(t["date"] < "2020-01-01" for t in items)
    by_id = {t.id: t for t in world_tx}
    for item in items:
        record = by_id[item["id"]]
        assert item["amount"] == _money(record.amount)
        assert item["currency"] == "EUR"
        assert item["isin"] == record.isin
        assert item["status"] == (
            "PENDING" if record.state is TransactionState.PENDING else "EXECUTED"
        )
    codes = {t["type"] for t in items}
    assert codes == {
        "PREM", "SURR", "PSUR", "SWIT", "ASSL", "ASCG", "ASDF", "ASPD",
        "RISK", "TRFR", "ALEV", "PROF", "ADVC",
    }  # fmt: skip


@pytest.mark.anyio
async def test_transactions_limits_and_no_details(client: httpx.AsyncClient) -> None:
    path = f"/contracts/{STRATEGY}/transactions"
    body = (await client.get(path)).json()
    assert len(body["items"]) == 50
    assert body["detailsAvailable"] is True
    assert len((await client.get(path, params={"limit": 100})).json()["items"]) == 100
    _error(await client.get(path, params={"limit": 101}), 400, "INVALID_PARAMETER")
    hidden = (await client.get(f"/contracts/{NO_DETAILS}/transactions")).json()
    assert hidden == {"items": [], "nextCursor": None, "detailsAvailable": False}


@pytest.mark.anyio
async def test_overload_answers_in_the_platform_format(life_world: World) -> None:
    ctx = SystemContext(life_world, "life", "http://127.0.0.1:1")
    control = Control("life", defaults=Faults(overload_rate=1.0))
    async with _client(Controlled(create_app(ctx), control, render_error)) as client:
        response = await client.get("/funds")
    _error(response, 429, "TOO_MANY_REQUESTS")
    assert response.headers["Retry-After"] == "1"
    assert control.calls["GET /funds"] == 1


@pytest.mark.skipif(importlib.util.find_spec("sandbox.generate") is None, reason="no generator yet")
@pytest.mark.anyio
async def test_against_the_generated_world() -> None:
    from sandbox.generate import build_world

    world = build_world(seed=42, as_of=date(2025, 3, 31))
    app = create_app(SystemContext(world, "life", "http://127.0.0.1:1"))
    async with _client(app) as client:
        await _check_generated(client, world)


async def _check_generated(client: httpx.AsyncClient, world: World) -> None:
    life = [
        c
        for c in world.contracts.values()
        if world.products[c.product].family is Family.LIFE and c.details_available
    ]
    unit_linked = next(c for c in life if c.holdings)
    number = f"{unit_linked.base:07d}-{unit_linked.suffix:02d}"
    item = (await client.post("/contracts/batch", json={"contracts": [number]})).json()["items"][0]
    value = sum(
        (h.units * world.funds[h.isin].nav_on(world.as_of)[1] for h in unit_linked.holdings),
        unit_linked.guaranteed_reserve or Decimal(0),
    )
    assert item["reserve"]["amount"] == _money(value)
    tx = await _walk(client, f"/contracts/{number}/transactions", limit=100)
    assert len(tx) == len(unit_linked.transactions)
    funds = await _walk(client, "/funds", limit=7)
    assert len(funds) == len(world.funds)


def test_product_codes_of_the_catalogue() -> None:
    from sandbox.catalogue import PRODUCTS

    codes = {
        code: product_code(product)
        for code, product in PRODUCTS.items()
        if product.family is Family.LIFE
    }
    assert codes == {
        "nn-strategy": "NNSTR",
        "scala-vapz": "SCVAPZ",
        "scala-ipt": "SCIPT",
        "scala-executive": "SCEXEC",
        "scala-poz": "SCPOZ",
        "life-plan": "TRAD21",
        "pension-savings": "PENSAV",
        "long-term-savings": "LTSAV",
        "star-invest": "INV23",
        "death-cover": "DEATH",
        "guaranteed-income": "GINC",
    }


# Unicode digits pass str.isdigit (and \d) but are no ASCII number: "²" made int() fail (a
# 500), "٣" would have been read as 3. Every integer parameter takes ASCII digits only.
NOT_ASCII_WHOLE = {
    "superscript-two": "²",
    "arabic-indic-three": "٣",
    "fullwidth-five": "５",
    "plus": "+5",
    "space": " 5",
    "underscore": "5_0",
    "exponent": "1e2",
    "5000-digits": "9" * 5000,
}


@pytest.mark.anyio
@pytest.mark.parametrize("value", NOT_ASCII_WHOLE.values(), ids=NOT_ASCII_WHOLE.keys())
async def test_integer_parameters_take_ascii_digits_only(
    client: httpx.AsyncClient, value: str
) -> None:
    for path, name in [
        ("/funds", "limit"),
        (f"/funds/{ISINS[0]}/navs", "limit"),
        (f"/contracts/{STRATEGY}/reserve-history", "months"),
        (f"/contracts/{STRATEGY}/transactions", "limit"),
    ]:
        _error(await client.get(path, params={name: value}), 400, "INVALID_PARAMETER")
    leading_zeros = await client.get("/funds", params={"limit": "0" * 30 + "2"})
    assert len(leading_zeros.json()["items"]) == 2


@pytest.mark.anyio
async def test_cursors_numbers_and_dates_take_ascii_digits_only(client: httpx.AsyncClient) -> None:
    forged = base64.urlsafe_b64encode("funds|²".encode()).decode().rstrip("=")
    _error(await client.get("/funds", params={"cursor": forged}), 400, "INVALID_CURSOR")
    _error(await client.get("/contracts/١٢٣٤٥٦٧-٠١"), 400, "INVALID_CONTRACT_NUMBER")
    path = f"/funds/{ISINS[0]}/navs"
    _error(await client.get(path, params={"from": "２０２４-０１-０１"}), 400, "INVALID_PARAMETER")
