"""The life platform adapter against respx, with answers in the platform's own JSON.

The payloads are copies of what the sandbox life platform (sandbox/systems/life.py) answers
for the seed-42 world as of 2025-06-30: contract numbers `NNNNNNN-SS`, amounts, units, NAVs and
percentages as dot-decimal strings, ISO dates, opaque cursors, batches answering
`{"items", "notFound"}`, errors as `{"error": {"code", "message"}}`.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import AsyncIterator, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx

from bff.adapters.errors import (
    BackendNotFound,
    BackendProtocolError,
    BackendRejected,
    BackendUnavailable,
)
from bff.adapters.life import BATCH_SIZE, LifeAdapter, LifePort, life_number
from bff.domain.records import (
    Allocation,
    AllocationShare,
    ContractKey,
    Fund,
    Holding,
    LifeDetails,
    Money,
    NavPoint,
    Page,
    ReserveHistory,
    ReservePoint,
    Transaction,
    TransactionState,
    TransactionType,
)

pytestmark = pytest.mark.anyio

BASE = "http://life.test"

# POST /contracts/batch {"contracts": ["4533307-01", "5257171-01", "7812650-02", "9999999-01",
# "4970159-01", "8953301-01", "5233526-01"]}: web-life-nonlife's Life Plan (branch 21),
# Star Invest (branch 23) and Long-Term Savings Plan (C5: no details), strategy-investor's
# NN Strategy, a death cover and a guaranteed income (no savings part: reserve null)
LIFE_PLAN: dict[str, Any] = {
    "contract": "4533307-01",
    "product": "TRAD21",
    "currency": "EUR",
    "detailsAvailable": True,
    "holdings": [],
    "guaranteedReserve": "35277.26",
    "guaranteedRate": "1.50",
    "reserve": {"date": "2025-06-30", "amount": "35277.26"},
}
STAR_INVEST: dict[str, Any] = {
    "contract": "5257171-01",
    "product": "INV23",
    "currency": "EUR",
    "detailsAvailable": True,
    "holdings": [
        {"isin": "BE1051640786", "units": "380.344850"},
        {"isin": "IE0952905507", "units": "72.303611"},
        {"isin": "BE0568706908", "units": "66.164431"},
        {"isin": "LU4716504411", "units": "79.186372"},
        {"isin": "IE0532421694", "units": "62.545391"},
        {"isin": "IE2764482949", "units": "43.567275"},
    ],
    "guaranteedReserve": None,
    "guaranteedRate": None,
    "reserve": {"date": "2025-06-30", "amount": "48169.07"},
}
LONG_TERM_SAVINGS_C5: dict[str, Any] = {
    "contract": "7812650-02",
    "product": "LTSAV",
    "currency": "EUR",
    "detailsAvailable": False,
}
STRATEGY: dict[str, Any] = {
    "contract": "4970159-01",
    "product": "NNSTR",
    "currency": "EUR",
    "detailsAvailable": True,
    "holdings": [
        {"isin": "LU3454722391", "units": "18.355449"},
        {"isin": "LU9413475096", "units": "24.489664"},
        {"isin": "LU5699913834", "units": "207.982054"},
    ],
    "guaranteedReserve": None,
    "guaranteedRate": None,
    "reserve": {"date": "2025-06-30", "amount": "57520.79"},
}
DEATH_COVER: dict[str, Any] = {
    "contract": "8953301-01",
    "product": "DEATH",
    "currency": "EUR",
    "detailsAvailable": True,
    "holdings": [],
    "guaranteedReserve": None,
    "guaranteedRate": None,
    "reserve": None,
}
GUARANTEED_INCOME: dict[str, Any] = {
    "contract": "5233526-01",
    "product": "GINC",
    "currency": "EUR",
    "detailsAvailable": True,
    "holdings": [],
    "guaranteedReserve": None,
    "guaranteedRate": None,
    "reserve": None,
}

# POST /contracts/allocation/batch with the same numbers
ALLOCATIONS: dict[str, Any] = {
    "items": [
        {
            "contract": "4970159-01",
            "detailsAvailable": True,
            "allocation": [
                {"isin": "LU3454722391", "percent": "5"},
                {"isin": "LU9413475096", "percent": "15"},
                {"isin": "LU5699913834", "percent": "80"},
            ],
        },
        {
            "contract": "5257171-01",
            "detailsAvailable": True,
            "allocation": [
                {"isin": "BE1051640786", "percent": "10"},
                {"isin": "IE0952905507", "percent": "45"},
                {"isin": "BE0568706908", "percent": "15"},
                {"isin": "LU4716504411", "percent": "10"},
                {"isin": "IE0532421694", "percent": "15"},
                {"isin": "IE2764482949", "percent": "5"},
            ],
        },
        {"contract": "7812650-02", "detailsAvailable": False},
        {"contract": "4533307-01", "detailsAvailable": True, "allocation": []},
    ],
    "notFound": ["9999999-01"],
}

# POST /contracts/reserve-history/batch {"contracts": [...], "months": 3}
HISTORIES: dict[str, Any] = {
    "items": [
        {
            "contract": "4970159-01",
            "detailsAvailable": True,
            "history": [
                {"date": "2025-03-31", "amount": "55084.09"},
                {"date": "2025-04-30", "amount": "56760.75"},
                {"date": "2025-05-31", "amount": "57640.24"},
            ],
            "months": 3,
        },
        {"contract": "7812650-02", "detailsAvailable": False, "months": 3},
        {"contract": "8953301-01", "detailsAvailable": True, "history": [], "months": 3},
    ],
    "notFound": ["9999999-01"],
}

# GET /contracts/4970159-01/transactions?limit=3
STRATEGY_TRANSACTIONS: dict[str, Any] = {
    "items": [
        {
            "id": "T00031548",
            "date": "2025-06-01",
            "type": "RISK",
            "status": "EXECUTED",
            "amount": "81.24",
            "currency": "EUR",
            "isin": None,
        },
        {
            "id": "T00031541",
            "date": "2024-11-06",
            "type": "SWIT",
            "status": "EXECUTED",
            "amount": "7588.99",
            "currency": "EUR",
            "isin": "LU9413475096",
        },
        {
            "id": "T00031547",
            "date": "2024-06-01",
            "type": "RISK",
            "status": "EXECUTED",
            "amount": "78.97",
            "currency": "EUR",
            "isin": None,
        },
    ],
    "nextCursor": "dHJhbnNhY3Rpb25zOjQ5NzAxNTktMDF8Mw",
    "detailsAvailable": True,
}

# GET /contracts/8953301-01/transactions?limit=4: a pending premium on the as-of date
DEATH_COVER_TRANSACTIONS: dict[str, Any] = {
    "items": [
        {
            "id": "T00000533",
            "date": "2025-06-30",
            "type": "PREM",
            "status": "PENDING",
            "amount": "760.00",
            "currency": "EUR",
            "isin": None,
        },
        {
            "id": "T00000532",
            "date": "2025-03-21",
            "type": "PREM",
            "status": "EXECUTED",
            "amount": "760.00",
            "currency": "EUR",
            "isin": None,
        },
    ],
    "nextCursor": None,
    "detailsAvailable": True,
}

# GET /contracts/7812650-02/transactions (C5)
NO_DETAILS_TRANSACTIONS: dict[str, Any] = {
    "items": [],
    "nextCursor": None,
    "detailsAvailable": False,
}

# One real transaction of each type code, from the contracts' transaction listings
TRANSACTION_OF_EACH_TYPE: list[tuple[dict[str, Any], Transaction]] = [
    (
        {"id": "T00000001", "date": "2016-04-18", "type": "PREM", "status": "EXECUTED",
         "amount": "140.00", "currency": "EUR", "isin": None},
        Transaction("T00000001", date(2016, 4, 18), TransactionType.PREMIUM,
                    TransactionState.EXECUTED, Money(Decimal("140.00"), "EUR")),
    ),
    (
        {"id": "T00000876", "date": "2021-09-17", "type": "SURR", "status": "EXECUTED",
         "amount": "28645.74", "currency": "EUR", "isin": None},
        Transaction("T00000876", date(2021, 9, 17), TransactionType.SURRENDER,
                    TransactionState.EXECUTED, Money(Decimal("28645.74"), "EUR")),
    ),
    (
        {"id": "T00000556", "date": "2023-12-22", "type": "PSUR", "status": "EXECUTED",
         "amount": "4878.32", "currency": "EUR", "isin": None},
        Transaction("T00000556", date(2023, 12, 22), TransactionType.PARTIAL_SURRENDER,
                    TransactionState.EXECUTED, Money(Decimal("4878.32"), "EUR")),
    ),
    (
        {"id": "T00000113", "date": "2016-12-08", "type": "SWIT", "status": "EXECUTED",
         "amount": "5196.81", "currency": "EUR", "isin": "LU7609483775"},
        Transaction("T00000113", date(2016, 12, 8), TransactionType.SWITCH,
                    TransactionState.EXECUTED, Money(Decimal("5196.81"), "EUR"), "LU7609483775"),
    ),
    (
        {"id": "T00000355", "date": "2021-02-18", "type": "ASSL", "status": "EXECUTED",
         "amount": "3259.78", "currency": "EUR", "isin": "LU4702059685"},
        Transaction("T00000355", date(2021, 2, 18), TransactionType.AUTO_SWITCH_STOP_LOSS,
                    TransactionState.EXECUTED, Money(Decimal("3259.78"), "EUR"), "LU4702059685"),
    ),
    (
        {"id": "T00001678", "date": "2016-06-06", "type": "ASCG", "status": "EXECUTED",
         "amount": "1883.95", "currency": "EUR", "isin": "LU5699913834"},
        Transaction("T00001678", date(2016, 6, 6), TransactionType.AUTO_SWITCH_SECURE_GAINS,
                    TransactionState.EXECUTED, Money(Decimal("1883.95"), "EUR"), "LU5699913834"),
    ),
    (
        {"id": "T00000525", "date": "2021-09-14", "type": "ASDF", "status": "EXECUTED",
         "amount": "2991.26", "currency": "EUR", "isin": "LU1570908597"},
        Transaction("T00000525", date(2021, 9, 14), TransactionType.AUTO_SWITCH_DRIP_FEED,
                    TransactionState.EXECUTED, Money(Decimal("2991.26"), "EUR"), "LU1570908597"),
    ),
    (
        {"id": "T00000505", "date": "2021-05-01", "type": "ASPD", "status": "EXECUTED",
         "amount": "359.04", "currency": "EUR", "isin": "LU7435748359"},
        Transaction("T00000505", date(2021, 5, 1),
                    TransactionType.AUTO_SWITCH_PROFIT_DYNAMISATION,
                    TransactionState.EXECUTED, Money(Decimal("359.04"), "EUR"), "LU7435748359"),
    ),
    (
        {"id": "T00000115", "date": "2017-04-01", "type": "RISK", "status": "EXECUTED",
         "amount": "94.11", "currency": "EUR", "isin": None},
        Transaction("T00000115", date(2017, 4, 1), TransactionType.RISK_PREMIUM,
                    TransactionState.EXECUTED, Money(Decimal("94.11"), "EUR")),
    ),
    (
        {"id": "T00000867", "date": "2025-01-11", "type": "TRFR", "status": "EXECUTED",
         "amount": "3269.84", "currency": "EUR", "isin": None},
        Transaction("T00000867", date(2025, 1, 11), TransactionType.TRANSFER,
                    TransactionState.EXECUTED, Money(Decimal("3269.84"), "EUR")),
    ),
    (
        {"id": "T00001677", "date": "2021-10-14", "type": "ALEV", "status": "EXECUTED",
         "amount": "325.68", "currency": "EUR", "isin": None},
        Transaction("T00001677", date(2021, 10, 14), TransactionType.ADVANCE_LEVY,
                    TransactionState.EXECUTED, Money(Decimal("325.68"), "EUR")),
    ),
    (
        {"id": "T00000144", "date": "2021-03-31", "type": "PROF", "status": "EXECUTED",
         "amount": "47.91", "currency": "EUR", "isin": None},
        Transaction("T00000144", date(2021, 3, 31), TransactionType.PROFIT_SHARING,
                    TransactionState.EXECUTED, Money(Decimal("47.91"), "EUR")),
    ),
    (
        {"id": "T00007072", "date": "2022-06-22", "type": "ADVC", "status": "EXECUTED",
         "amount": "811.79", "currency": "EUR", "isin": None},
        Transaction("T00007072", date(2022, 6, 22), TransactionType.ADVANCE,
                    TransactionState.EXECUTED, Money(Decimal("811.79"), "EUR")),
    ),
]  # fmt: skip

# POST /funds/batch {"isins": ["LU9413475096", "BE1051640786", "LU0000000000"]}
GLOBAL_EQUITY: dict[str, Any] = {
    "isin": "LU9413475096",
    "name": "NN (L) Global Equity Opportunities",
    "currency": "EUR",
    "riskClass": 4,
    "riskClassHistory": [
        {"from": "2023-01-02", "riskClass": 5},
        {"from": "2023-12-06", "riskClass": 4},
    ],
    "latestNav": {"date": "2025-06-27", "value": "500.95"},
}
FRONTIER_MARKETS: dict[str, Any] = {
    "isin": "BE1051640786",
    "name": "Star Invest Frontier Markets",
    "currency": "EUR",
    "riskClass": 7,
    "riskClassHistory": [{"from": "2023-01-02", "riskClass": 7}],
    "latestNav": {"date": "2025-06-27", "value": "27.96"},
}
# GET /funds?limit=2 and the page after it (a NAV with 3 and one with 4 decimals)
FUNDS_PAGE_1: dict[str, Any] = {
    "items": [
        {
            "isin": "BE0568706908",
            "name": "Star Invest Global Balanced",
            "currency": "EUR",
            "riskClass": 5,
            "riskClassHistory": [
                {"from": "2023-01-02", "riskClass": 4},
                {"from": "2024-08-06", "riskClass": 5},
            ],
            "latestNav": {"date": "2025-06-27", "value": "168.44"},
        },
        FRONTIER_MARKETS,
    ],
    "nextCursor": "ZnVuZHN8Mg",
}
PATRIMONIAL_BALANCED: dict[str, Any] = {
    "isin": "BE1955897995",
    "name": "NN Strategy Patrimonial Balanced",
    "currency": "EUR",
    "riskClass": 5,
    "riskClassHistory": [
        {"from": "2023-01-02", "riskClass": 4},
        {"from": "2023-09-29", "riskClass": 5},
    ],
    "latestNav": {"date": "2025-06-27", "value": "1267.913"},
}
# GET /funds?limit=44: the last fund of the last page
EURO_BONDS: dict[str, Any] = {
    "isin": "LU9824689673",
    "name": "Scala Pension Euro Bonds",
    "currency": "EUR",
    "riskClass": 4,
    "riskClassHistory": [
        {"from": "2023-01-02", "riskClass": 3},
        {"from": "2023-06-20", "riskClass": 4},
    ],
    "latestNav": {"date": "2025-06-27", "value": "30.0664"},
}

# GET /funds/LU9413475096/navs?from=2025-06-25&to=2025-06-30&limit=2, then with its cursor
NAVS_PAGE_1: dict[str, Any] = {
    "items": [{"date": "2025-06-25", "value": "499.84"}, {"date": "2025-06-26", "value": "501.04"}],
    "nextCursor": "bmF2czpMVTk0MTM0NzUwOTY6MjAyNS0wNi0yNToyMDI1LTA2LTMwfDI",
}
NAVS_PAGE_2: dict[str, Any] = {
    "items": [{"date": "2025-06-27", "value": "500.95"}],
    "nextCursor": None,
}


def error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def answer(body: Any, status: int = 200, **headers: str) -> httpx.Response:
    """The platform's JSON bytes (Starlette's JSONResponse: compact UTF-8)."""
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return httpx.Response(
        status, content=content, headers={"Content-Type": "application/json", **headers}
    )


def batch(*items: dict[str, Any], not_found: tuple[str, ...] = ()) -> httpx.Response:
    return answer({"items": list(items), "notFound": list(not_found)})


def sent_json(route: respx.Route, index: int = -1) -> Any:
    return json.loads(route.calls[index].request.content)


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=False) as mocked:
        yield mocked


@pytest.fixture(scope="module")
def tls() -> ssl.SSLContext:
    return ssl.create_default_context()  # made once: building one per client is slow


@pytest.fixture
async def life(tls: ssl.SSLContext) -> AsyncIterator[LifeAdapter]:
    async with httpx.AsyncClient(base_url=BASE, verify=tls) as client:
        yield LifeAdapter(client)


async def test_the_adapter_is_a_life_port(life: LifeAdapter) -> None:
    port: LifePort = life  # checked by mypy
    assert port is life


@pytest.mark.parametrize(
    ("key", "number"),
    [
        (ContractKey(4970159, 1), "4970159-01"),
        (ContractKey(655918, 1), "0655918-01"),  # leading zeros kept: NNNNNNN-SS only
        (ContractKey(8565204, 13), "8565204-13"),
    ],
)
def test_life_numbers_are_seven_digits_dash_two(key: ContractKey, number: str) -> None:
    assert life_number(key) == number


# contracts: holdings and reserves (F2, C5)


async def test_f2_contracts_holdings_and_reserves(
    router: respx.MockRouter, life: LifeAdapter
) -> None:
    route = router.post("/contracts/batch").mock(
        return_value=batch(
            LIFE_PLAN,
            STAR_INVEST,
            LONG_TERM_SAVINGS_C5,
            STRATEGY,
            DEATH_COVER,
            GUARANTEED_INCOME,
            not_found=("9999999-01",),
        )
    )
    keys = [
        ContractKey(4533307, 1),
        ContractKey(5257171, 1),
        ContractKey(7812650, 2),
        ContractKey(9999999, 1),
        ContractKey(4970159, 1),
        ContractKey(8953301, 1),
        ContractKey(5233526, 1),
    ]
    found = await life.contracts(keys)
    assert sent_json(route) == {
        "contracts": [
            "4533307-01",
            "5257171-01",
            "7812650-02",
            "9999999-01",
            "4970159-01",
            "8953301-01",
            "5233526-01",
        ]
    }
    assert found == {
        ContractKey(4533307, 1): LifeDetails(
            key=ContractKey(4533307, 1),
            details_available=True,
            holdings=(),
            reserve=Money(Decimal("35277.26"), "EUR"),
            reserve_date=date(2025, 6, 30),
            guaranteed_reserve=Money(Decimal("35277.26"), "EUR"),
            guaranteed_rate=Decimal("1.50"),
        ),
        ContractKey(5257171, 1): LifeDetails(
            key=ContractKey(5257171, 1),
            details_available=True,
            holdings=(
                Holding("BE1051640786", Decimal("380.344850")),
                Holding("IE0952905507", Decimal("72.303611")),
                Holding("BE0568706908", Decimal("66.164431")),
                Holding("LU4716504411", Decimal("79.186372")),
                Holding("IE0532421694", Decimal("62.545391")),
                Holding("IE2764482949", Decimal("43.567275")),
            ),
            reserve=Money(Decimal("48169.07"), "EUR"),
            reserve_date=date(2025, 6, 30),
        ),
        ContractKey(7812650, 2): LifeDetails(key=ContractKey(7812650, 2), details_available=False),
        ContractKey(4970159, 1): LifeDetails(
            key=ContractKey(4970159, 1),
            details_available=True,
            holdings=(
                Holding("LU3454722391", Decimal("18.355449")),
                Holding("LU9413475096", Decimal("24.489664")),
                Holding("LU5699913834", Decimal("207.982054")),
            ),
            reserve=Money(Decimal("57520.79"), "EUR"),
            reserve_date=date(2025, 6, 30),
        ),
        ContractKey(8953301, 1): LifeDetails(key=ContractKey(8953301, 1), details_available=True),
        ContractKey(5233526, 1): LifeDetails(key=ContractKey(5233526, 1), details_available=True),
    }


async def test_money_is_decimal_never_float(router: respx.MockRouter, life: LifeAdapter) -> None:
    """F7: "57520.79" stays exact."""
    router.post("/contracts/batch").mock(return_value=batch(STRATEGY))
    details = (await life.contracts([ContractKey(4970159, 1)]))[ContractKey(4970159, 1)]
    assert details.reserve is not None
    assert isinstance(details.reserve.amount, Decimal)
    assert str(details.reserve.amount) == "57520.79"
    assert str(details.holdings[0].units) == "18.355449"


async def test_c5_a_contract_without_details_is_explicit(
    router: respx.MockRouter, life: LifeAdapter
) -> None:
    router.post("/contracts/batch").mock(return_value=batch(LONG_TERM_SAVINGS_C5))
    assert await life.contracts([ContractKey(7812650, 2)]) == {
        ContractKey(7812650, 2): LifeDetails(key=ContractKey(7812650, 2), details_available=False)
    }


async def test_unknown_contracts_are_absent(router: respx.MockRouter, life: LifeAdapter) -> None:
    router.post("/contracts/batch").mock(return_value=batch(not_found=("9999999-01",)))
    assert await life.contracts([ContractKey(9999999, 1)]) == {}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("contracts", "/contracts/batch"),
        ("allocations", "/contracts/allocation/batch"),
        ("reserve_histories", "/contracts/reserve-history/batch"),
    ],
)
async def test_no_keys_no_call(
    router: respx.MockRouter, life: LifeAdapter, method: str, path: str
) -> None:
    route = router.post(path).mock(return_value=batch())
    if method == "reserve_histories":
        assert await life.reserve_histories([], 12) == {}
    else:
        assert await getattr(life, method)([]) == {}
    assert not route.called


def numbers_not_found(request: httpx.Request) -> httpx.Response:
    """The platform's answer to a batch of unknown numbers: every one in notFound."""
    return batch(not_found=tuple(json.loads(request.content)["contracts"]))


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("contracts", "/contracts/batch"),
        ("allocations", "/contracts/allocation/batch"),
        ("reserve_histories", "/contracts/reserve-history/batch"),
    ],
)
async def test_batches_are_chunked_by_the_platform_limit_of_200(
    router: respx.MockRouter, life: LifeAdapter, method: str, path: str
) -> None:
    assert BATCH_SIZE == 200
    route = router.post(path).mock(side_effect=numbers_not_found)
    keys = [ContractKey(3000000 + n, 1) for n in range(450)]
    keys += keys[:10]  # repeated keys are asked once
    if method == "reserve_histories":
        await life.reserve_histories(keys, 12)
    else:
        await getattr(life, method)(keys)
    assert route.call_count == 3
    sent = sorted((sent_json(route, i)["contracts"] for i in range(3)), key=len, reverse=True)
    assert [len(numbers) for numbers in sent] == [200, 200, 50]
    assert sorted(n for numbers in sent for n in numbers) == [
        f"{3000000 + n}-01" for n in range(450)
    ]


async def test_a_failing_chunk_fails_the_batch(router: respx.MockRouter, life: LifeAdapter) -> None:
    def second_chunk_fails(request: httpx.Request) -> httpx.Response:
        if "3000200-01" in json.loads(request.content)["contracts"]:
            return answer(error("SERVICE_UNAVAILABLE", "system in maintenance"), 503)
        return numbers_not_found(request)

    router.post("/contracts/batch").mock(side_effect=second_chunk_fails)
    with pytest.raises(BackendUnavailable) as caught:
        await life.contracts([ContractKey(3000000 + n, 1) for n in range(450)])
    assert caught.value.system == "life"


# allocations (F3)


async def test_f3_allocation_of_future_premiums(
    router: respx.MockRouter, life: LifeAdapter
) -> None:
    route = router.post("/contracts/allocation/batch").mock(return_value=answer(ALLOCATIONS))
    keys = [
        ContractKey(4970159, 1),
        ContractKey(5257171, 1),
        ContractKey(7812650, 2),
        ContractKey(4533307, 1),
        ContractKey(9999999, 1),
    ]
    found = await life.allocations(keys)
    assert sent_json(route) == {
        "contracts": ["4970159-01", "5257171-01", "7812650-02", "4533307-01", "9999999-01"]
    }
    assert found == {
        ContractKey(4970159, 1): Allocation(
            key=ContractKey(4970159, 1),
            details_available=True,
            shares=(
                AllocationShare("LU3454722391", Decimal(5)),
                AllocationShare("LU9413475096", Decimal(15)),
                AllocationShare("LU5699913834", Decimal(80)),
            ),
        ),
        ContractKey(5257171, 1): Allocation(
            key=ContractKey(5257171, 1),
            details_available=True,
            shares=(
                AllocationShare("BE1051640786", Decimal(10)),
                AllocationShare("IE0952905507", Decimal(45)),
                AllocationShare("BE0568706908", Decimal(15)),
                AllocationShare("LU4716504411", Decimal(10)),
                AllocationShare("IE0532421694", Decimal(15)),
                AllocationShare("IE2764482949", Decimal(5)),
            ),
        ),
        ContractKey(7812650, 2): Allocation(key=ContractKey(7812650, 2), details_available=False),
        ContractKey(4533307, 1): Allocation(key=ContractKey(4533307, 1), details_available=True),
    }


# reserve histories (F4)


async def test_f4_reserve_history_month_ends(router: respx.MockRouter, life: LifeAdapter) -> None:
    route = router.post("/contracts/reserve-history/batch").mock(return_value=answer(HISTORIES))
    keys = [
        ContractKey(4970159, 1),
        ContractKey(7812650, 2),
        ContractKey(8953301, 1),
        ContractKey(9999999, 1),
    ]
    found = await life.reserve_histories(keys, 3)
    assert sent_json(route) == {
        "contracts": ["4970159-01", "7812650-02", "8953301-01", "9999999-01"],
        "months": 3,
    }
    assert found == {
        ContractKey(4970159, 1): ReserveHistory(
            key=ContractKey(4970159, 1),
            details_available=True,
            points=(
                ReservePoint(date(2025, 3, 31), Money(Decimal("55084.09"), "EUR")),
                ReservePoint(date(2025, 4, 30), Money(Decimal("56760.75"), "EUR")),
                ReservePoint(date(2025, 5, 31), Money(Decimal("57640.24"), "EUR")),
            ),
        ),
        ContractKey(7812650, 2): ReserveHistory(
            key=ContractKey(7812650, 2), details_available=False
        ),
        ContractKey(8953301, 1): ReserveHistory(
            key=ContractKey(8953301, 1), details_available=True
        ),
    }


async def test_f4_every_chunk_asks_the_same_months(
    router: respx.MockRouter, life: LifeAdapter
) -> None:
    route = router.post("/contracts/reserve-history/batch").mock(side_effect=numbers_not_found)
    await life.reserve_histories([ContractKey(3000000 + n, 1) for n in range(201)], 12)
    assert [sent_json(route, i)["months"] for i in range(2)] == [12, 12]


# transactions (F6)


async def test_f6_transactions_page(router: respx.MockRouter, life: LifeAdapter) -> None:
    route = router.get("/contracts/4970159-01/transactions").mock(
        return_value=answer(STRATEGY_TRANSACTIONS)
    )
    page = await life.transactions(ContractKey(4970159, 1), None, 3)
    assert dict(route.calls.last.request.url.params) == {"limit": "3"}
    assert page == Page(
        items=(
            Transaction(
                "T00031548",
                date(2025, 6, 1),
                TransactionType.RISK_PREMIUM,
                TransactionState.EXECUTED,
                Money(Decimal("81.24"), "EUR"),
            ),
            Transaction(
                "T00031541",
                date(2024, 11, 6),
                TransactionType.SWITCH,
                TransactionState.EXECUTED,
                Money(Decimal("7588.99"), "EUR"),
                "LU9413475096",
            ),
            Transaction(
                "T00031547",
                date(2024, 6, 1),
                TransactionType.RISK_PREMIUM,
                TransactionState.EXECUTED,
                Money(Decimal("78.97"), "EUR"),
            ),
        ),
        next="dHJhbnNhY3Rpb25zOjQ5NzAxNTktMDF8Mw",
    )


async def test_f6_the_cursor_is_passed_on(router: respx.MockRouter, life: LifeAdapter) -> None:
    route = router.get("/contracts/4970159-01/transactions").mock(
        return_value=answer({"items": [], "nextCursor": None, "detailsAvailable": True})
    )
    cursor = "dHJhbnNhY3Rpb25zOjQ5NzAxNTktMDF8Mw"
    page = await life.transactions(ContractKey(4970159, 1), cursor, 50)
    assert dict(route.calls.last.request.url.params) == {
        "limit": "50",
        "cursor": cursor,
    }
    assert page == Page(items=(), next=None)


@pytest.mark.parametrize(
    ("item", "expected"),
    TRANSACTION_OF_EACH_TYPE,
    ids=[item["type"] for item, _ in TRANSACTION_OF_EACH_TYPE],
)
async def test_f6_each_transaction_type_code(
    router: respx.MockRouter, life: LifeAdapter, item: dict[str, Any], expected: Transaction
) -> None:
    router.get("/contracts/4970159-01/transactions").mock(
        return_value=answer({"items": [item], "nextCursor": None, "detailsAvailable": True})
    )
    page = await life.transactions(ContractKey(4970159, 1), None, 50)
    assert page.items == (expected,)


def test_f6_every_platform_code_is_covered() -> None:
    codes = {item["type"] for item, _ in TRANSACTION_OF_EACH_TYPE}
    assert codes == {
        "PREM", "SURR", "PSUR", "SWIT", "ASSL", "ASCG", "ASDF",
        "ASPD", "RISK", "TRFR", "ALEV", "PROF", "ADVC",
    }  # fmt: skip
    assert {expected.type for _, expected in TRANSACTION_OF_EACH_TYPE} == set(TransactionType)


async def test_f6_pending_transactions_are_read_as_pending(
    router: respx.MockRouter, life: LifeAdapter
) -> None:
    """The adapter keeps them, marked: leaving them out is a domain rule (F6)."""
    router.get("/contracts/8953301-01/transactions").mock(
        return_value=answer(DEATH_COVER_TRANSACTIONS)
    )
    page = await life.transactions(ContractKey(8953301, 1), None, 4)
    assert [(t.id, t.state) for t in page.items] == [
        ("T00000533", TransactionState.PENDING),
        ("T00000532", TransactionState.EXECUTED),
    ]
    assert page.next is None


async def test_c5_a_contract_without_details_has_an_empty_page(
    router: respx.MockRouter, life: LifeAdapter
) -> None:
    router.get("/contracts/7812650-02/transactions").mock(
        return_value=answer(NO_DETAILS_TRANSACTIONS)
    )
    assert await life.transactions(ContractKey(7812650, 2), None, 50) == Page(items=(), next=None)


async def test_transactions_of_an_unknown_contract_are_not_found(
    router: respx.MockRouter, life: LifeAdapter
) -> None:
    router.get("/contracts/0655918-01/transactions").mock(
        return_value=answer(error("CONTRACT_NOT_FOUND", "no life contract 0655918-01"), 404)
    )
    with pytest.raises(BackendNotFound) as caught:
        await life.transactions(ContractKey(655918, 1), None, 50)
    assert caught.value.system == "life"


async def test_a_404_for_an_unknown_path_is_our_mistake(
    router: respx.MockRouter, life: LifeAdapter
) -> None:
    router.get("/contracts/4970159-01/transactions").mock(
        return_value=answer(error("NOT_FOUND", "Not Found"), 404)
    )
    with pytest.raises(BackendRejected) as caught:
        await life.transactions(ContractKey(4970159, 1), None, 50)
    assert caught.value.system == "life"
    assert caught.value.status == 404


async def test_a_404_that_is_not_json_is_our_mistake(
    router: respx.MockRouter, life: LifeAdapter
) -> None:
    router.get("/contracts/4970159-01/transactions").mock(
        return_value=httpx.Response(404, text="Not Found")
    )
    with pytest.raises(BackendRejected) as caught:
        await life.transactions(ContractKey(4970159, 1), None, 50)
    assert caught.value.status == 404


# funds and NAVs (F5)


async def test_f5_funds_by_isin(router: respx.MockRouter, life: LifeAdapter) -> None:
    route = router.post("/funds/batch").mock(
        return_value=batch(GLOBAL_EQUITY, FRONTIER_MARKETS, not_found=("LU0000000000",))
    )
    found = await life.funds(["LU9413475096", "BE1051640786", "LU0000000000"])
    assert sent_json(route) == {"isins": ["LU9413475096", "BE1051640786", "LU0000000000"]}
    assert found == {
        "LU9413475096": Fund(
            isin="LU9413475096",
            name="NN (L) Global Equity Opportunities",
            currency="EUR",
            risk_class=4,
            risk_class_history=((date(2023, 1, 2), 5), (date(2023, 12, 6), 4)),
            latest_nav=NavPoint(date(2025, 6, 27), Decimal("500.95")),
        ),
        "BE1051640786": Fund(
            isin="BE1051640786",
            name="Star Invest Frontier Markets",
            currency="EUR",
            risk_class=7,
            risk_class_history=((date(2023, 1, 2), 7),),
            latest_nav=NavPoint(date(2025, 6, 27), Decimal("27.96")),
        ),
    }


async def test_f5_a_fund_without_nav_yet(router: respx.MockRouter, life: LifeAdapter) -> None:
    router.post("/funds/batch").mock(return_value=batch({**GLOBAL_EQUITY, "latestNav": None}))
    found = await life.funds(["LU9413475096"])
    assert found["LU9413475096"].latest_nav is None


async def test_funds_are_chunked_by_200(router: respx.MockRouter, life: LifeAdapter) -> None:
    route = router.post("/funds/batch").mock(
        side_effect=lambda request: batch(not_found=tuple(json.loads(request.content)["isins"]))
    )
    isins = [f"LU{n:010d}" for n in range(450)]
    assert await life.funds(isins) == {}
    assert sorted(len(sent_json(route, i)["isins"]) for i in range(3)) == [50, 200, 200]
    assert route.call_count == 3


async def test_no_isins_no_call(router: respx.MockRouter, life: LifeAdapter) -> None:
    route = router.post("/funds/batch").mock(return_value=batch())
    assert await life.funds([]) == {}
    assert not route.called


async def test_all_funds_pages(router: respx.MockRouter, life: LifeAdapter) -> None:
    route = router.get("/funds").mock(
        side_effect=[
            answer(FUNDS_PAGE_1),
            answer({"items": [PATRIMONIAL_BALANCED, EURO_BONDS], "nextCursor": None}),
        ]
    )
    first = await life.all_funds(None, 2)
    assert dict(route.calls[0].request.url.params) == {"limit": "2"}
    assert [fund.isin for fund in first.items] == ["BE0568706908", "BE1051640786"]
    assert first.items[0].risk_class_history == ((date(2023, 1, 2), 4), (date(2024, 8, 6), 5))
    assert first.next == "ZnVuZHN8Mg"
    second = await life.all_funds("ZnVuZHN8Mg", 2)
    assert dict(route.calls[1].request.url.params) == {"limit": "2", "cursor": "ZnVuZHN8Mg"}
    assert second.next is None
    assert [fund.latest_nav for fund in second.items] == [
        NavPoint(date(2025, 6, 27), Decimal("1267.913")),
        NavPoint(date(2025, 6, 27), Decimal("30.0664")),
    ]


async def test_f5_navs_pages(router: respx.MockRouter, life: LifeAdapter) -> None:
    route = router.get("/funds/LU9413475096/navs").mock(
        side_effect=[answer(NAVS_PAGE_1), answer(NAVS_PAGE_2)]
    )
    first = await life.navs("LU9413475096", date(2025, 6, 25), date(2025, 6, 30), None, 2)
    assert dict(route.calls[0].request.url.params) == {
        "limit": "2",
        "from": "2025-06-25",
        "to": "2025-06-30",
    }
    assert first == Page(
        items=(
            NavPoint(date(2025, 6, 25), Decimal("499.84")),
            NavPoint(date(2025, 6, 26), Decimal("501.04")),
        ),
        next="bmF2czpMVTk0MTM0NzUwOTY6MjAyNS0wNi0yNToyMDI1LTA2LTMwfDI",
    )
    cursor = "bmF2czpMVTk0MTM0NzUwOTY6MjAyNS0wNi0yNToyMDI1LTA2LTMwfDI"
    second = await life.navs("LU9413475096", date(2025, 6, 25), date(2025, 6, 30), cursor, 2)
    assert dict(route.calls[1].request.url.params) == {
        "limit": "2",
        "from": "2025-06-25",
        "to": "2025-06-30",
        "cursor": cursor,
    }
    assert second == Page(items=(NavPoint(date(2025, 6, 27), Decimal("500.95")),), next=None)


async def test_navs_without_a_window(router: respx.MockRouter, life: LifeAdapter) -> None:
    route = router.get("/funds/LU9824689673/navs").mock(
        return_value=answer({"items": [], "nextCursor": None})
    )
    await life.navs("LU9824689673", None, None, None, 1000)
    assert dict(route.calls.last.request.url.params) == {"limit": "1000"}


async def test_navs_of_an_unknown_fund_are_not_found(
    router: respx.MockRouter, life: LifeAdapter
) -> None:
    router.get("/funds/LU0000000000/navs").mock(
        return_value=answer(error("FUND_NOT_FOUND", "no fund LU0000000000"), 404)
    )
    with pytest.raises(BackendNotFound) as caught:
        await life.navs("LU0000000000", None, None, None, 10)
    assert caught.value.system == "life"


@pytest.mark.parametrize("isin", ["../contracts/4970159-01", "lu9413475096", "LU94134750", ""])
async def test_navs_of_something_that_is_no_isin_are_not_found_without_a_call(
    router: respx.MockRouter, life: LifeAdapter, isin: str
) -> None:
    with pytest.raises(BackendNotFound) as caught:
        await life.navs(isin, None, None, None, 10)
    assert caught.value.system == "life"
    assert not router.calls


# malformed and partial answers


def broken(body: dict[str, Any], path: list[str | int], value: Any) -> dict[str, Any]:
    """A deep copy of `body` with the value at `path` replaced (or removed when ...)."""
    copy: Any = json.loads(json.dumps(body))
    target = copy
    for step in path[:-1]:
        target = target[step]
    if value is ...:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return dict(copy)


STRATEGY_BATCH = {"items": [STRATEGY], "notFound": []}


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(broken(STRATEGY_BATCH, ["items"], ...), id="no items"),
        pytest.param(broken(STRATEGY_BATCH, ["items"], {"4970159-01": STRATEGY}), id="items map"),
        pytest.param(broken(STRATEGY_BATCH, ["notFound"], ...), id="no notFound"),
        pytest.param(broken(STRATEGY_BATCH, ["notFound"], [1]), id="notFound of numbers"),
        pytest.param(broken(STRATEGY_BATCH, ["items", 0], "4970159-01"), id="item a string"),
        pytest.param(broken(STRATEGY_BATCH, ["items", 0, "contract"], ...), id="no number"),
        pytest.param(
            broken(STRATEGY_BATCH, ["items", 0, "contract"], "4970159/01"), id="policy number"
        ),
        pytest.param(
            broken(STRATEGY_BATCH, ["items", 0, "contract"], "4970159-02"), id="not asked for"
        ),
        pytest.param(
            broken(STRATEGY_BATCH, ["items", 0, "detailsAvailable"], "true"), id="flag a string"
        ),
        pytest.param(broken(STRATEGY_BATCH, ["items", 0, "holdings"], None), id="holdings null"),
        pytest.param(
            broken(STRATEGY_BATCH, ["items", 0, "holdings", 0, "units"], 18.355449),
            id="units a float",
        ),
        pytest.param(
            broken(STRATEGY_BATCH, ["items", 0, "reserve", "amount"], "57520,79"),
            id="decimal comma",
        ),
        pytest.param(
            broken(STRATEGY_BATCH, ["items", 0, "reserve", "amount"], "5.752079E4"),
            id="exponent",
        ),
        pytest.param(broken(STRATEGY_BATCH, ["items", 0, "reserve", "amount"], "NaN"), id="NaN"),
        pytest.param(
            broken(STRATEGY_BATCH, ["items", 0, "reserve", "date"], "30/06/2025"), id="bad date"
        ),
        pytest.param(broken(STRATEGY_BATCH, ["items", 0, "currency"], ...), id="no currency"),
        pytest.param({"items": [], "notFound": []}, id="the number left out"),
        pytest.param({"error": {"code": "OK"}}, id="another shape"),
    ],
)
async def test_a_broken_contract_batch_is_a_protocol_error(
    router: respx.MockRouter, life: LifeAdapter, body: dict[str, Any]
) -> None:
    router.post("/contracts/batch").mock(return_value=answer(body))
    with pytest.raises(BackendProtocolError) as caught:
        await life.contracts([ContractKey(4970159, 1)])
    assert caught.value.system == "life"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(
            broken(ALLOCATIONS, ["items", 0, "allocation", 0, "percent"], 5), id="percent int"
        ),
        pytest.param(broken(ALLOCATIONS, ["items", 0, "allocation"], ...), id="no allocation"),
        pytest.param(broken(ALLOCATIONS, ["notFound"], []), id="a number left out"),
    ],
)
async def test_a_broken_allocation_batch_is_a_protocol_error(
    router: respx.MockRouter, life: LifeAdapter, body: dict[str, Any]
) -> None:
    router.post("/contracts/allocation/batch").mock(return_value=answer(body))
    keys = [
        ContractKey(4970159, 1),
        ContractKey(5257171, 1),
        ContractKey(7812650, 2),
        ContractKey(4533307, 1),
        ContractKey(9999999, 1),
    ]
    with pytest.raises(BackendProtocolError) as caught:
        await life.allocations(keys)
    assert caught.value.system == "life"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(broken(HISTORIES, ["items", 0, "history"], ...), id="no history"),
        pytest.param(
            broken(HISTORIES, ["items", 0, "history", 1, "amount"], None), id="amount null"
        ),
        pytest.param(
            broken(HISTORIES, ["items", 0, "history", 1, "date"], "2025-04-31"), id="no such day"
        ),
    ],
)
async def test_a_broken_history_batch_is_a_protocol_error(
    router: respx.MockRouter, life: LifeAdapter, body: dict[str, Any]
) -> None:
    router.post("/contracts/reserve-history/batch").mock(return_value=answer(body))
    keys = [ContractKey(4970159, 1), ContractKey(7812650, 2), ContractKey(8953301, 1)]
    with pytest.raises(BackendProtocolError) as caught:
        await life.reserve_histories([*keys, ContractKey(9999999, 1)], 3)
    assert caught.value.system == "life"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(broken(STRATEGY_TRANSACTIONS, ["items", 0, "type"], "XFER"), id="type"),
        pytest.param(broken(STRATEGY_TRANSACTIONS, ["items", 0, "type"], "prem"), id="lower"),
        pytest.param(broken(STRATEGY_TRANSACTIONS, ["items", 0, "status"], "DONE"), id="status"),
        pytest.param(broken(STRATEGY_TRANSACTIONS, ["items", 0, "amount"], 81.24), id="float"),
        pytest.param(broken(STRATEGY_TRANSACTIONS, ["items", 0, "id"], ...), id="no id"),
        pytest.param(broken(STRATEGY_TRANSACTIONS, ["items", 0, "isin"], 7), id="isin number"),
        pytest.param(broken(STRATEGY_TRANSACTIONS, ["nextCursor"], 3), id="cursor number"),
        pytest.param(broken(STRATEGY_TRANSACTIONS, ["detailsAvailable"], ...), id="no flag"),
        pytest.param(broken(STRATEGY_TRANSACTIONS, ["items"], None), id="items null"),
    ],
)
async def test_a_broken_transactions_page_is_a_protocol_error(
    router: respx.MockRouter, life: LifeAdapter, body: dict[str, Any]
) -> None:
    router.get("/contracts/4970159-01/transactions").mock(return_value=answer(body))
    with pytest.raises(BackendProtocolError) as caught:
        await life.transactions(ContractKey(4970159, 1), None, 3)
    assert caught.value.system == "life"


GLOBAL_EQUITY_BATCH = {"items": [GLOBAL_EQUITY], "notFound": []}


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(broken(GLOBAL_EQUITY_BATCH, ["items", 0, "riskClass"], 8), id="SRI 8"),
        pytest.param(broken(GLOBAL_EQUITY_BATCH, ["items", 0, "riskClass"], 0), id="SRI 0"),
        pytest.param(broken(GLOBAL_EQUITY_BATCH, ["items", 0, "riskClass"], "4"), id="SRI text"),
        pytest.param(
            broken(GLOBAL_EQUITY_BATCH, ["items", 0, "riskClassHistory", 1, "riskClass"], 9),
            id="SRI 9 in the history",
        ),
        pytest.param(
            broken(GLOBAL_EQUITY_BATCH, ["items", 0, "latestNav", "value"], "500,95"),
            id="NAV with a comma",
        ),
        pytest.param(broken(GLOBAL_EQUITY_BATCH, ["items", 0, "name"], ...), id="no name"),
        pytest.param(
            broken(GLOBAL_EQUITY_BATCH, ["items", 0, "isin"], "LU5699913834"), id="not asked for"
        ),
        pytest.param({"items": [], "notFound": []}, id="the ISIN left out"),
    ],
)
async def test_a_broken_fund_batch_is_a_protocol_error(
    router: respx.MockRouter, life: LifeAdapter, body: dict[str, Any]
) -> None:
    router.post("/funds/batch").mock(return_value=answer(body))
    with pytest.raises(BackendProtocolError) as caught:
        await life.funds(["LU9413475096"])
    assert caught.value.system == "life"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(broken(NAVS_PAGE_1, ["items", 0, "value"], 499.84), id="NAV a float"),
        pytest.param(broken(NAVS_PAGE_1, ["items", 0, "date"], "25/06/2025"), id="date"),
        pytest.param(broken(NAVS_PAGE_1, ["items"], ...), id="no items"),
    ],
)
async def test_a_broken_nav_page_is_a_protocol_error(
    router: respx.MockRouter, life: LifeAdapter, body: dict[str, Any]
) -> None:
    router.get("/funds/LU9413475096/navs").mock(return_value=answer(body))
    with pytest.raises(BackendProtocolError) as caught:
        await life.navs("LU9413475096", None, None, None, 2)
    assert caught.value.system == "life"


@pytest.mark.parametrize(
    "content",
    [b"", b"<html>Bad Gateway</html>", b'{"items": [', b"\xff\xfe{}"],
    ids=["empty", "html", "cut off", "not UTF-8"],
)
async def test_an_answer_that_is_not_json(
    router: respx.MockRouter, life: LifeAdapter, content: bytes
) -> None:
    router.get("/funds").mock(return_value=httpx.Response(200, content=content))
    with pytest.raises(BackendProtocolError) as caught:
        await life.all_funds(None, 50)
    assert caught.value.system == "life"


async def test_a_broken_funds_page_is_a_protocol_error(
    router: respx.MockRouter, life: LifeAdapter
) -> None:
    router.get("/funds").mock(return_value=answer(broken(FUNDS_PAGE_1, ["items", 1], None)))
    with pytest.raises(BackendProtocolError) as caught:
        await life.all_funds(None, 2)
    assert caught.value.system == "life"


# failures of the system itself


async def test_429_is_unavailable_with_retry_after(
    router: respx.MockRouter, life: LifeAdapter
) -> None:
    router.post("/contracts/batch").mock(
        return_value=answer(
            error("TOO_MANY_REQUESTS", "too many requests"), 429, **{"Retry-After": "1"}
        )
    )
    with pytest.raises(BackendUnavailable) as caught:
        await life.contracts([ContractKey(4970159, 1)])
    assert caught.value.system == "life"
    assert caught.value.retry_after_s == 1.0


@pytest.mark.parametrize(
    ("status", "body", "retry_after"),
    [
        (503, error("SERVICE_UNAVAILABLE", "system in maintenance"), "600"),
        (502, error("BAD_GATEWAY", "bad gateway: system unreachable"), None),
        (500, error("INTERNAL_ERROR", "internal error"), None),
    ],
    ids=["503 maintenance", "502 outage", "500"],
)
async def test_5xx_is_unavailable(
    router: respx.MockRouter,
    life: LifeAdapter,
    status: int,
    body: dict[str, Any],
    retry_after: str | None,
) -> None:
    headers = {"Retry-After": retry_after} if retry_after else {}
    router.get("/contracts/4970159-01/transactions").mock(
        return_value=answer(body, status, **headers)
    )
    with pytest.raises(BackendUnavailable) as caught:
        await life.transactions(ContractKey(4970159, 1), None, 50)
    assert caught.value.system == "life"
    assert caught.value.retry_after_s == (float(retry_after) if retry_after else None)


@pytest.mark.parametrize(
    "exc", [httpx.ConnectTimeout("connect timed out"), httpx.ReadTimeout("read timed out")]
)
async def test_a_timeout_is_unavailable(
    router: respx.MockRouter, life: LifeAdapter, exc: httpx.TimeoutException
) -> None:
    router.post("/funds/batch").mock(side_effect=exc)
    with pytest.raises(BackendUnavailable, match="timed out") as caught:
        await life.funds(["LU9413475096"])
    assert caught.value.system == "life"


async def test_connection_refused_is_unavailable(
    router: respx.MockRouter, life: LifeAdapter
) -> None:
    router.get("/funds/LU9413475096/navs").mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(BackendUnavailable, match="unreachable") as caught:
        await life.navs("LU9413475096", None, None, None, 10)
    assert caught.value.system == "life"


@pytest.mark.parametrize(
    ("body", "call"),
    [
        (error("INVALID_CURSOR", "cursor does not belong to this listing"), "navs"),
        (error("INVALID_PARAMETER", "limit must be between 1 and 100"), "transactions"),
        (error("INVALID_CONTRACT_NUMBER", "contract number is not NNNNNNN-SS"), "contracts"),
        (error("BATCH_TOO_LARGE", "at most 200 contracts per call"), "allocations"),
    ],
    ids=["INVALID_CURSOR", "INVALID_PARAMETER", "INVALID_CONTRACT_NUMBER", "BATCH_TOO_LARGE"],
)
async def test_400_is_rejected(
    router: respx.MockRouter, life: LifeAdapter, body: dict[str, Any], call: str
) -> None:
    router.route().mock(return_value=answer(body, 400))
    with pytest.raises(BackendRejected) as caught:
        if call == "navs":
            await life.navs("LU9413475096", None, None, "bogus", 10)
        elif call == "transactions":
            await life.transactions(ContractKey(4970159, 1), None, 101)
        elif call == "contracts":
            await life.contracts([ContractKey(4970159, 1)])
        else:
            await life.allocations([ContractKey(4970159, 1)])
    assert caught.value.system == "life"
    assert caught.value.status == 400
