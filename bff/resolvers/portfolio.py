"""A broker's portfolio (C6): every customer and contract the broker manages, never another
broker's, filtered by what the broker profile shows."""

from __future__ import annotations

import asyncio
import math
from typing import TYPE_CHECKING

from bff.domain.records import PartyRole, PortfolioContract, PortfolioCustomer
from bff.domain.visibility import visible
from bff.resolvers.access import require_broker
from bff.resolvers.guard import backend

if TYPE_CHECKING:
    from bff.context import Info

BACKEND_PAGE = 100


def _roles(contract: PortfolioContract) -> frozenset[PartyRole]:
    return frozenset(p.role for p in contract.parties)


async def broker_portfolio(info: Info) -> list[PortfolioCustomer]:
    """All pages of the registry's portfolio (the first, then the rest concurrently), with
    each customer's contracts cut to what the broker profile shows."""
    fsma = require_broker(info)
    loaders = info.context.loaders
    first = await backend(loaders.portfolio(fsma, 1, BACKEND_PAGE))
    pages = [first]
    if first.next is not None and first.total:
        count = math.ceil(first.total / BACKEND_PAGE)
        pages += await backend(
            asyncio.gather(*(loaders.portfolio(fsma, n, BACKEND_PAGE) for n in range(2, count + 1)))
        )
    profile = info.context.profile
    customers: list[PortfolioCustomer] = []
    for page in pages:
        for customer in page.items:
            shown = tuple(c for c in customer.contracts if visible(profile, c, _roles(c)))
            if shown:
                customers.append(
                    PortfolioCustomer(
                        kind=customer.kind,
                        party_id=customer.party_id,
                        enterprise_number=customer.enterprise_number,
                        contracts=shown,
                    )
                )
    return customers
