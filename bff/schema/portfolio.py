"""The broker software's view (C6) and the company view (A10)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from bff.context import Info
from bff.domain import records
from bff.domain.labels import label
from bff.domain.products import product_line as line_of
from bff.resolvers.access import company_contracts
from bff.resolvers.guard import backend
from bff.resolvers.paging import window
from bff.resolvers.portfolio import broker_portfolio
from bff.schema.broker import Broker
from bff.schema.common import (
    After,
    ContractStatus,
    First,
    MandateRole,
    ProductLine,
    format_enterprise_number,
    mask_national_number,
)
from bff.schema.contract import Contract, contract_of
from bff.schema.transaction import PageInfo

CUSTOMERS = "pfc"
CONTRACTS = "pfk"


@strawberry.type(description="A contract in a broker's portfolio, with its key facts (C6).")
class PortfolioContract:
    record: strawberry.Private[records.PortfolioContract]

    @strawberry.field(description="Global id: ask `node(id:)` for the contract's details.")
    def id(self) -> relay.GlobalID:
        kind = "LifeContract" if self.record.family is records.Family.LIFE else "NonLifeContract"
        return relay.GlobalID(type_name=kind, node_id=self.record.key.digits)

    @strawberry.field(description="The contract number as printed on the policy.")
    def number(self) -> str:
        return self.record.number

    @strawberry.field(description="The kind of product.")
    def product_line(self) -> ProductLine:
        return line_of(self.record.product)

    @strawberry.field(description="Life-cycle status.")
    def status(self) -> ContractStatus:
        return self.record.status

    @strawberry.field(description="Life-cycle status, in words.")
    def status_label(self, info: Info) -> str:
        return label(self.record.status, info.context.language)


@strawberry.type(description="A customer of the broker: a person or a company.")
class PortfolioCustomer:
    record: strawberry.Private[records.PortfolioCustomer]

    @strawberry.field(description="The customer's name.")
    async def name(self, info: Info) -> str | None:
        loaders = info.context.loaders
        if self.record.party_id:
            party = await backend(loaders.party_by_id.load(self.record.party_id))
            return f"{party.first_name} {party.last_name}" if party else None
        if self.record.enterprise_number:
            company = await backend(loaders.company_by_number.load(self.record.enterprise_number))
            return company.name if company else None
        return None

    @strawberry.field(
        description="A person's national register number, masked (YY.MM.DD-***.**) for "
        "brokers (C6)."
    )
    async def national_number(self, info: Info) -> str | None:
        if not self.record.party_id:
            return None
        party = await backend(info.context.loaders.party_by_id.load(self.record.party_id))
        digits = party.national_number if party else None
        return mask_national_number(digits) if digits else None

    @strawberry.field(description="The company's enterprise number, for a company.")
    def enterprise_number(self) -> str | None:
        number = self.record.enterprise_number
        return format_enterprise_number(number) if number else None

    @strawberry.field(description="Whether the customer is a company.")
    def is_company(self) -> bool:
        return self.record.kind is records.CustomerKind.COMPANY

    @strawberry.field(description="The customer's contracts the broker manages.")
    def contracts(self) -> list[PortfolioContract]:
        return [PortfolioContract(record=c) for c in self.record.contracts]


@strawberry.type(description="A customer and its cursor.")
class PortfolioCustomerEdge:
    cursor: str = strawberry.field(description="Cursor of this customer.")
    node: PortfolioCustomer = strawberry.field(description="The customer.")


@strawberry.type(description="A page of the broker's customers.")
class PortfolioCustomerConnection:
    edges: list[PortfolioCustomerEdge] = strawberry.field(description="The customers.")
    page_info: PageInfo = strawberry.field(description="Paging information.")
    total_count: int = strawberry.field(description="Customers in all pages.")


@strawberry.type(description="A contract and its cursor.")
class PortfolioContractEdge:
    cursor: str = strawberry.field(description="Cursor of this contract.")
    node: PortfolioContract = strawberry.field(description="The contract.")


@strawberry.type(description="A page of the broker's contracts.")
class PortfolioContractConnection:
    edges: list[PortfolioContractEdge] = strawberry.field(description="The contracts.")
    page_info: PageInfo = strawberry.field(description="Paging information.")
    total_count: int = strawberry.field(description="Contracts in all pages.")


@strawberry.type(description="The portfolio of the broker asking (C6).")
class BrokerPortfolio:
    fsma: strawberry.Private[str]

    @strawberry.field(description="The broker.")
    async def broker(self, info: Info) -> Broker | None:
        found = await backend(info.context.loaders.broker_by_fsma.load(self.fsma))
        return Broker.of(found) if found else None

    @strawberry.field(description="The broker's customers.")
    async def customers(
        self, info: Info, first: First = None, after: After = None
    ) -> PortfolioCustomerConnection | None:
        customers = await broker_portfolio(info)
        page, has_next = window(CUSTOMERS, customers, first, after)
        edges = [
            PortfolioCustomerEdge(cursor=cursor, node=PortfolioCustomer(record=c))
            for c, cursor in page
        ]
        return PortfolioCustomerConnection(
            edges=edges,
            page_info=PageInfo.after([e.cursor for e in edges], has_next),
            total_count=len(customers),
        )

    @strawberry.field(description="The broker's contracts across customers, by number.")
    async def contracts(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        product_line: Annotated[
            ProductLine | None, strawberry.argument(description="Only this kind of product.")
        ] = None,
        status: Annotated[
            ContractStatus | None, strawberry.argument(description="Only this status.")
        ] = None,
    ) -> PortfolioContractConnection | None:
        contracts = sorted(
            (
                c
                for customer in await broker_portfolio(info)
                for c in customer.contracts
                if (product_line is None or line_of(c.product) == product_line)
                and (status is None or c.status == status)
            ),
            key=lambda c: c.key,
        )
        page, has_next = window(CONTRACTS, contracts, first, after)
        edges = [
            PortfolioContractEdge(cursor=cursor, node=PortfolioContract(record=c))
            for c, cursor in page
        ]
        return PortfolioContractConnection(
            edges=edges,
            page_info=PageInfo.after([e.cursor for e in edges], has_next),
            total_count=len(contracts),
        )


@strawberry.type(description="A company the viewer acts for, and its contracts (A10).")
class Company:
    digits: strawberry.Private[str]
    name: str = strawberry.field(description="The company's name.")
    viewer_role: MandateRole = strawberry.field(description="The viewer's role for it.")

    @strawberry.field(description="The company's contracts (company as policyholder).")
    async def contracts(self, info: Info) -> list[Contract] | None:
        return [contract_of(h, info) for h in await company_contracts(info, self.digits)]

    @strawberry.field(description="The company's enterprise number.")
    def enterprise_number(self) -> str:
        return format_enterprise_number(self.digits)
