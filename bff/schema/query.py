"""The root query."""

from __future__ import annotations

import strawberry

from bff.context import Info
from bff.resolvers.customer import viewer_party
from bff.schema.customer import Customer


@strawberry.type(description="Entry points of the insurance API.")
class Query:
    @strawberry.field(description="The signed-in customer.")
    async def viewer(self, info: Info) -> Customer | None:
        return Customer(party=await viewer_party(info))
