"""Fund reference data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bff.domain.records import Fund
from bff.resolvers.access import require_principal
from bff.resolvers.guard import backend

if TYPE_CHECKING:
    from bff.context import Info


async def funds_by_isin(info: Info, isins: list[str]) -> list[Fund | None]:
    """Funds are public reference data: any authenticated principal may read them."""
    require_principal(info)
    return list(await backend(info.context.loaders.fund_by_isin.load_many(isins)))
