"""Money on life contracts: total wealth (F1), fund positions (F2, F5), strategy (F3)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from bff.domain.records import Allocation, AllocationShare, Fund, LifeDetails, Money

CENT = Decimal("0.01")
_HUNDREDTHS_IN_WHOLE = 10_000  # 100.00 percent, counted in hundredths of a percent


@dataclass(frozen=True)
class WealthTotal:
    """F1: the sum, and how many contracts could not be counted (no details (C5), no reserve,
    or a reserve in another currency)."""

    total: Money
    left_out: int


@dataclass(frozen=True)
class FundPosition:
    """F2/F5: one fund of a contract. Without a known NAV, nav, value and share are None."""

    isin: str
    units: Decimal
    nav: Decimal | None
    nav_date: date | None
    value: Money | None  # units x NAV, to the cent (ROUND_HALF_UP)
    share_percent: Decimal | None  # of the contract's unit-linked value, 2 decimals


def total_wealth(details: Iterable[LifeDetails], currency: str = "EUR") -> WealthTotal:
    """F1: the caller passes the details of the visible savings/investment contracts."""
    total = Decimal(0)
    left_out = 0
    for item in details:
        reserve = item.reserve
        if not item.details_available or reserve is None or reserve.currency != currency:
            left_out += 1
            continue
        total += reserve.amount
    return WealthTotal(Money(total.quantize(CENT, ROUND_HALF_UP), currency), left_out)


def fund_positions(details: LifeDetails, funds: Mapping[str, Fund]) -> list[FundPosition]:
    """F2/F5: the contract's holdings valued at each fund's latest NAV, largest value first
    (unvalued ones last, then by ISIN). Shares are those of the valued positions' total and
    add up to exactly 100.00: each is first rounded down to the hundredth, then the missing
    hundredths go one each to the largest remainders (ties: larger value, then ISIN)."""
    positions = [_position(h.isin, h.units, funds.get(h.isin)) for h in details.holdings]
    positions.sort(key=lambda p: (p.value is None, -(p.value.amount if p.value else 0), p.isin))
    shares = _shares([p.value for p in positions])
    return [
        FundPosition(p.isin, p.units, p.nav, p.nav_date, p.value, share)
        for p, share in zip(positions, shares, strict=True)
    ]


def strategy(allocation: Allocation) -> list[AllocationShare]:
    """F3: the target allocation of future premiums, largest share first (ties by ISIN); empty
    when the back office has no details (C5)."""
    if not allocation.details_available:
        return []
    return sorted(allocation.shares, key=lambda s: (-s.percent, s.isin))


def _position(isin: str, units: Decimal, fund: Fund | None) -> FundPosition:
    if fund is None or fund.latest_nav is None:
        return FundPosition(isin, units, None, None, None, None)
    nav = fund.latest_nav
    value = Money((units * nav.value).quantize(CENT, ROUND_HALF_UP), fund.currency)
    return FundPosition(isin, units, nav.value, nav.day, value, None)


def _shares(values: list[Money | None]) -> list[Decimal | None]:
    amounts = {i: v.amount for i, v in enumerate(values) if v is not None}
    currencies = {v.currency for v in values if v is not None}
    total = sum(amounts.values(), Decimal(0))
    if total <= 0 or len(currencies) != 1:
        return [None] * len(values)
    exact = {i: amount * _HUNDREDTHS_IN_WHOLE / total for i, amount in amounts.items()}
    hundredths = {i: e.to_integral_value(ROUND_FLOOR) for i, e in exact.items()}
    missing = int(_HUNDREDTHS_IN_WHOLE - sum(hundredths.values()))
    # sorted() is stable with reverse=True too: equal remainders keep the positions' order
    for i in sorted(exact, key=lambda i: exact[i] - hundredths[i], reverse=True)[:missing]:
        hundredths[i] += 1
    return [
        (hundredths[i] / 100).quantize(CENT) if i in hundredths else None
        for i in range(len(values))
    ]
