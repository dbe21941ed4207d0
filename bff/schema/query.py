"""The root query."""

from __future__ import annotations

import inspect
from typing import Annotated

import strawberry
from strawberry import relay

from bff.auth.permissions import IsAuthenticated, IsBroker, IsCustomer
from bff.context import Info
from bff.resolvers.access import company_mandate, require_broker, require_feature
from bff.schema.customer import Customer, viewer_customer
from bff.schema.errors import NotFound
from bff.schema.portfolio import BrokerPortfolio, Company


@strawberry.type(description="Entry points of the insurance API.")
class Query:
    @strawberry.field(
        description="The signed-in customer (mobile app and web zone).",
        permission_classes=[IsCustomer],
    )
    async def viewer(self, info: Info) -> Customer | None:
        return await viewer_customer(info)

    @strawberry.field(
        description="Any object by its global id; NOT_FOUND when it does not "
        "exist or is not yours (the same answer).",
        permission_classes=[IsAuthenticated],
    )
    async def node(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="A global id.")],
    ) -> relay.Node | None:
        try:
            global_id = relay.GlobalID.from_id(id)
            node_type = global_id.resolve_type(info)
        except (relay.GlobalIDValueError, KeyError, ValueError):
            raise NotFound() from None
        if node_type is None:
            raise NotFound()
        found = node_type.resolve_nodes(info=info, node_ids=[global_id.node_id], required=False)
        node = next(iter(await found if inspect.isawaitable(found) else found), None)
        if node is None:
            raise NotFound()
        return node

    @strawberry.field(
        description="A company the viewer acts for, chosen explicitly (A10).",
        permission_classes=[IsCustomer],
    )
    async def company(
        self,
        info: Info,
        enterprise_number: Annotated[
            str, strawberry.argument(description="The company's enterprise number.")
        ],
    ) -> Company | None:
        require_feature(info, "company_view")
        digits = "".join(ch for ch in enterprise_number if ch.isdigit()).rjust(10, "0")
        role, name = await company_mandate(info, digits)
        if role is None:
            raise NotFound()
        return Company(digits=digits, name=name, viewer_role=role)

    @strawberry.field(
        description="The portfolio of the broker software asking (C6).",
        permission_classes=[IsBroker],
    )
    def broker_portfolio(self, info: Info) -> BrokerPortfolio | None:
        return BrokerPortfolio(fsma=require_broker(info))
