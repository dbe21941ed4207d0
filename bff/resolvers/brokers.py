"""Broker reference data (C7)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bff.domain.records import Broker
from bff.resolvers.access import require_principal
from bff.resolvers.guard import backend

if TYPE_CHECKING:
    from bff.context import Info


async def brokers_by_fsma(info: Info, fsmas: list[str]) -> list[Broker | None]:
    """Brokers are public reference data: any authenticated principal may read them."""
    require_principal(info)
    return list(await backend(info.context.loaders.broker_by_fsma.load_many(fsmas)))
