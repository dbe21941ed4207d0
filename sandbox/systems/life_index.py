"""The life platform's view of the world: indexes built once, and the JSON it renders.

The platform knows every contract of a life-family product (any status) under its own number
format `NNNNNNN-SS`, and every fund. It values holdings with the latest NAV published on or
before the world's `as_of`, and knows nothing it could only learn after that day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sandbox.systems.life_codes import TRANSACTION_CODES, product_code
from sandbox.world import Contract, Family, Fund, Transaction, TransactionState, World

CURRENCY = "EUR"
CENT = Decimal("0.01")
UNIT = Decimal("0.000001")

Json = dict[str, Any]


def life_number(base: int, suffix: int) -> str:
    return f"{base:07d}-{suffix:02d}"


def decimal_text(value: Decimal) -> str:
    return format(value, "f")


def money(value: Decimal) -> str:
    return format(value.quantize(CENT, rounding=ROUND_HALF_UP), "f")


@dataclass(frozen=True)
class LifeContract:
    number: str
    contract: Contract
    product: str  # the platform's product code
    unit_linked: bool
    transactions: list[Transaction]  # newest first


class LifeIndex:
    def __init__(self, world: World) -> None:
        self.as_of = world.as_of
        self.funds = sorted(world.funds.values(), key=lambda fund: fund.isin)
        self.fund_by_isin = {fund.isin: fund for fund in self.funds}
        self.navs = {
            fund.isin: [point for point in fund.navs if point[0] <= self.as_of]
            for fund in self.funds
        }
        self.contracts: dict[str, LifeContract] = {}
        for contract in world.contracts.values():
            product = world.products.get(contract.product)
            if product is None or product.family is not Family.LIFE:
                continue
            number = life_number(contract.base, contract.suffix)
            transactions = sorted(contract.transactions, key=lambda t: (t.day, t.id), reverse=True)
            self.contracts[number] = LifeContract(
                number, contract, product_code(product), product.unit_linked, transactions
            )

    def latest_nav(self, isin: str) -> tuple[date, Decimal] | None:
        navs = self.navs.get(isin)
        return navs[-1] if navs else None

    def fund_json(self, fund: Fund) -> Json:
        history = [(since, sri) for since, sri in fund.sri_history if since <= self.as_of]
        latest = self.latest_nav(fund.isin)
        return {
            "isin": fund.isin,
            "name": fund.name,
            "currency": fund.currency,
            "riskClass": fund.sri_on(self.as_of),
            "riskClassHistory": [
                {"from": since.isoformat(), "riskClass": sri}
                for since, sri in (history or fund.sri_history[:1])
            ],
            "latestNav": None
            if latest is None
            else {"date": latest[0].isoformat(), "value": decimal_text(latest[1])},
        }

    def reserve(self, item: LifeContract) -> Json | None:
        """Current reserve: units x latest NAV, plus any guaranteed (branch 21) reserve; None
        for a contract without a savings part (neither unit-linked nor branch 21)."""
        contract = item.contract
        savings = item.unit_linked or contract.holdings or contract.guaranteed_rate is not None
        if not savings and contract.guaranteed_reserve is None:
            return None
        total = contract.guaranteed_reserve or Decimal(0)
        for holding in contract.holdings:
            nav = self.latest_nav(holding.isin)
            if nav is not None:
                total += holding.units * nav[1]
        return {"date": self.as_of.isoformat(), "amount": money(total)}

    def contract_json(self, item: LifeContract) -> Json:
        contract = item.contract
        body: Json = {
            "contract": item.number,
            "product": item.product,
            "currency": CURRENCY,
            "detailsAvailable": contract.details_available,
        }
        if contract.details_available:
            body["holdings"] = holdings_json(contract)
            body["guaranteedReserve"] = (
                None if contract.guaranteed_reserve is None else money(contract.guaranteed_reserve)
            )
            body["guaranteedRate"] = (
                None if contract.guaranteed_rate is None else decimal_text(contract.guaranteed_rate)
            )
            body["reserve"] = self.reserve(item)
        return body

    def reserve_history_json(self, contract: Contract, months: int) -> list[Json]:
        known = sorted(point for point in contract.reserve_history if point[0] <= self.as_of)
        return [{"date": day.isoformat(), "amount": money(amount)} for day, amount in known][
            -months:
        ]


def holdings_json(contract: Contract) -> list[Json]:
    return [
        {"isin": holding.isin, "units": decimal_text(holding.units.quantize(UNIT))}
        for holding in contract.holdings
    ]


def allocation_json(contract: Contract) -> list[Json]:
    return [
        {"isin": isin, "percent": decimal_text(percent)} for isin, percent in contract.allocation
    ]


def nav_json(point: tuple[date, Decimal]) -> Json:
    return {"date": point[0].isoformat(), "value": decimal_text(point[1])}


def transaction_json(transaction: Transaction) -> Json:
    executed = transaction.state is TransactionState.EXECUTED
    return {
        "id": transaction.id,
        "date": transaction.day.isoformat(),
        "type": TRANSACTION_CODES[transaction.type],
        "status": "EXECUTED" if executed else "PENDING",
        "amount": money(transaction.amount),
        "currency": CURRENCY,
        "isin": transaction.isin,
    }
