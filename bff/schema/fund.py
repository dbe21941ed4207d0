"""Funds: public reference data (F5)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

import strawberry
from strawberry import relay

from bff.context import Info
from bff.domain import records
from bff.resolvers.funds import funds_by_isin


@strawberry.type(description="A change of a fund's risk class.")
class RiskClassChange:
    valid_from: date = strawberry.field(description="First day of this risk class.")
    risk_class: int = strawberry.field(description="Summary risk indicator, 1 (low) to 7.")


@strawberry.type(description="A net asset value of a fund on a date.")
class Nav:
    date: date = strawberry.field(description="The valuation date.")
    value: Decimal = strawberry.field(description="Net asset value of one unit.")


@strawberry.type(description="An investment fund of unit-linked (branch 23) contracts.")
class Fund(relay.Node):
    key: relay.NodeID[str]
    isin: str = strawberry.field(description="The fund's ISIN.")
    name: str = strawberry.field(description="The fund's name.")
    currency: str = strawberry.field(description="Currency of the fund's NAV.")
    risk_class: int = strawberry.field(
        description="Summary risk indicator today, 1 (lowest) to 7 (highest) (F5)."
    )
    risk_class_history: list[RiskClassChange] = strawberry.field(
        description="How the risk class changed over time, oldest first."
    )
    latest_nav: Nav | None = strawberry.field(description="The latest published NAV.")

    @classmethod
    def of(cls, fund: records.Fund) -> Fund:
        return cls(
            key=fund.isin,
            isin=fund.isin,
            name=fund.name,
            currency=fund.currency,
            risk_class=fund.risk_class,
            risk_class_history=[
                RiskClassChange(valid_from=day, risk_class=sri)
                for day, sri in fund.risk_class_history
            ],
            latest_nav=Nav(date=fund.latest_nav.day, value=fund.latest_nav.value)
            if fund.latest_nav
            else None,
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        found = await funds_by_isin(info, list(node_ids))
        return [cls.of(f) if f else None for f in found]
