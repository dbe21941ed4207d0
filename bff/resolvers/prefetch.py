"""Lookahead: when a list of contracts is resolved, start the batched backend calls its
selected fields will need, before the executor walks every item's synchronous fields. The
loaders' caches hand the same answers to the field resolvers later, so nothing is fetched
twice and nothing is fetched that the query does not select."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable
from typing import TYPE_CHECKING, Any

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from bff.domain.records import ContractHeader, Family

if TYPE_CHECKING:
    from bff.context import Info

LIFE_FIELDS = frozenset({"reserve", "detailsAvailable"})
NONLIFE_FIELDS = frozenset(
    {"detailsAvailable", "coverages", "exclusions", "insuredObject", "bonusMalus", "annualPremium"}
)


def selected_names(selections: Iterable[Selection]) -> set[str]:
    """Field names selected at this level, looking through fragments."""
    names: set[str] = set()
    for selection in selections:
        if isinstance(selection, SelectedField):
            names.add(selection.name)
        elif isinstance(selection, FragmentSpread | InlineFragment):
            names |= selected_names(selection.selections)
    return names


def _quietly(future: Awaitable[Any]) -> None:
    """Start it; its outcome is read by the field resolvers, never lost as 'unretrieved'."""
    task = asyncio.ensure_future(future)
    task.add_done_callback(lambda done: done.cancelled() or done.exception())


async def prefetch_contract_details(info: Info, headers: list[ContractHeader]) -> None:
    wanted = selected_names(info.selected_fields[0].selections) if info.selected_fields else set()
    loaders = info.context.loaders
    life = [h.key for h in headers if h.family is Family.LIFE]
    nonlife = [h.key for h in headers if h.family is Family.NONLIFE]
    started = False
    if life and wanted & LIFE_FIELDS:
        _quietly(loaders.life_by_key.load_many(life))
        started = True
    if nonlife and wanted & NONLIFE_FIELDS:
        _quietly(loaders.nonlife_by_key.load_many(nonlife))
        started = True
    brokers = sorted({h.broker_fsma for h in headers if h.broker_fsma})
    if brokers and "broker" in wanted:
        _quietly(loaders.broker_by_fsma.load_many(brokers))
        started = True
    if started:
        await asyncio.sleep(0)  # let the loaders dispatch their batches now
