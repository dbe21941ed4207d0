"""Brokers: public reference data, shown on every contract as the main contact (C7)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import strawberry
from strawberry import relay

from bff.context import Info
from bff.domain import records
from bff.resolvers.brokers import brokers_by_fsma
from bff.schema.common import Address, format_enterprise_number


@strawberry.type(description="An insurance broker, the customer's main contact (C7).")
class Broker(relay.Node):
    fsma_digits: relay.NodeID[str]
    name: str = strawberry.field(description="The broker's trade name.")
    address: Address = strawberry.field(description="Office address.")
    phone: str = strawberry.field(description="Phone number (E.164).")
    email: str = strawberry.field(description="E-mail address.")
    website: str = strawberry.field(description="Website.")

    @strawberry.field(description="FSMA registration number (the enterprise number).")
    def fsma_number(self) -> str:
        return format_enterprise_number(self.fsma_digits)

    @classmethod
    def of(cls, broker: records.Broker) -> Broker:
        return cls(
            fsma_digits=broker.fsma,
            name=broker.name,
            address=Address.of(broker.address),
            phone=broker.phone,
            email=broker.email,
            website=broker.website,
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        found = await brokers_by_fsma(info, list(node_ids))
        return [cls.of(b) if b else None for b in found]
