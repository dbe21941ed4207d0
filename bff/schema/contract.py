"""Contracts: the interface every frontend lists, with its life and non-life details."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import strawberry
from strawberry import relay

from bff.auth.permissions import HighAssurance
from bff.context import Info
from bff.domain import records
from bff.domain.history import reserve_window
from bff.domain.labels import label
from bff.domain.products import product_line
from bff.domain.wealth import FundPosition, fund_positions, strategy
from bff.resolvers.access import owned_contract, require_feature
from bff.resolvers.guard import backend
from bff.resolvers.transactions import transaction_slice
from bff.schema.broker import Broker
from bff.schema.common import (
    After,
    ContractStatus,
    First,
    Guarantee,
    Money,
    PartyRole,
    PaymentFrequency,
    ProductLine,
    TaxRegime,
)
from bff.schema.errors import NotFound
from bff.schema.fund import Fund
from bff.schema.transaction import Transaction, TransactionConnection, TransactionEdge


@strawberry.interface(description="An insurance contract the viewer may see.")
class Contract(relay.Node):
    digits: relay.NodeID[str]
    header: strawberry.Private[records.ContractHeader]
    viewer_party: strawberry.Private[str | None]

    # Plain fields, filled once by `contract_of`: cheaper to serve than a resolver per field
    # when a list of contracts is shown.
    number: str = strawberry.field(description="The contract number as printed on the policy (A7).")
    product_name: str = strawberry.field(description="The product's commercial name.")
    product_line: ProductLine = strawberry.field(description="The kind of product.")
    product_line_label: str = strawberry.field(description="The kind of product, in words (S3).")
    status: ContractStatus = strawberry.field(description="Life-cycle status.")
    status_label: str = strawberry.field(description="Life-cycle status, in words (S3).")
    start_date: date = strawberry.field(description="Date the contract took effect.")
    end_date: date | None = strawberry.field(description="Term date, if the contract has one.")
    payment_frequency: PaymentFrequency = strawberry.field(
        description="How often the premium is due."
    )
    premium: Money = strawberry.field(description="The premium per payment period.")

    @strawberry.field(description="The viewer's roles on this contract.")
    def roles(self) -> list[PartyRole]:
        if self.viewer_party is None:
            return []
        return sorted(self.header.roles_of(self.viewer_party))

    @strawberry.field(description="The broker, the main contact for this contract (C7).")
    async def broker(self, info: Info) -> Broker | None:
        if self.header.broker_fsma is None:
            return None
        found = await backend(info.context.loaders.broker_by_fsma.load(self.header.broker_fsma))
        return Broker.of(found) if found else None

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        return [await contract_node(info, node_id, cls) for node_id in node_ids]


async def contract_node(info: Info, node_id: str, expected: type[Contract]) -> Contract:
    try:
        key = records.ContractKey.from_digits(node_id)
    except ValueError:
        raise NotFound() from None
    header = await owned_contract(info, key)
    node = contract_of(header, info)
    if not isinstance(node, expected):
        raise NotFound()
    return node


def contract_of(header: records.ContractHeader, info: Info) -> Contract:
    principal = info.context.principal
    party = principal.subject if principal and principal.kind.value == "customer" else None
    kind = LifeContract if header.family is records.Family.LIFE else NonLifeContract
    language = info.context.language
    line = product_line(header.product)
    return kind(
        digits=header.key.digits,
        header=header,
        viewer_party=party,
        number=header.number,
        product_name=header.product_name,
        product_line=line,
        product_line_label=label(line, language),
        status=header.status,
        status_label=label(header.status, language),
        start_date=header.start_date,
        end_date=header.end_date,
        payment_frequency=header.payment_frequency,
        premium=Money.of(header.premium),
    )


@strawberry.type(description="A fund position of a contract: units, NAV and value (F2, F5).")
class FundAllocation:
    fund: Fund | None = strawberry.field(description="The fund.")
    units: Decimal = strawberry.field(description="Number of units held.")
    nav: Decimal | None = strawberry.field(description="Net asset value used for the valuation.")
    nav_date: date | None = strawberry.field(description="Date of that net asset value.")
    value: Money | None = strawberry.field(description="Value of the position: units x NAV (F5).")
    share_percent: Decimal | None = strawberry.field(
        description="Share of the contract's fund value, in percent (F2)."
    )

    @classmethod
    def of(cls, position: FundPosition, fund: records.Fund | None) -> FundAllocation:
        """`fund` comes from Reserve's one fund batch: no further await per position."""
        return cls(
            fund=Fund.of(fund) if fund else None,
            units=position.units,
            nav=position.nav,
            nav_date=position.nav_date,
            value=Money.of(position.value) if position.value else None,
            share_percent=position.share_percent,
        )


@strawberry.type(description="The current reserve of a life contract and its split (F2).")
class Reserve:
    amount: Money = strawberry.field(description="The reserve.")
    date: date | None = strawberry.field(description="Valuation date.")
    funds: list[FundAllocation] = strawberry.field(
        description="The split over funds, largest first (empty for branch 21)."
    )
    guaranteed: Money | None = strawberry.field(description="The branch 21 (guaranteed) part.")
    guaranteed_rate: Decimal | None = strawberry.field(
        description="Technical interest rate of the guaranteed part, in percent."
    )


@strawberry.type(description="How future premiums are invested (F3).")
class StrategyShare:
    isin: strawberry.Private[str]
    percent: Decimal = strawberry.field(description="Share of each premium, in percent.")

    @strawberry.field(description="The fund.")
    async def fund(self, info: Info) -> Fund | None:
        found = await backend(info.context.loaders.fund_by_isin.load(self.isin))
        return Fund.of(found) if found else None


@strawberry.type(description="The reserve at a month end (F4).")
class ReservePoint:
    date: date = strawberry.field(description="The month end.")
    amount: Money = strawberry.field(description="The reserve on that day.")


@strawberry.type(description="A beneficiary of a life contract (C4).")
class Beneficiary:
    name: str | None = strawberry.field(description="The beneficiary's name, when named.")
    clause: str | None = strawberry.field(description="The beneficiary clause, when used.")
    share_percent: Decimal | None = strawberry.field(description="Share, in percent.")
    role: PartyRole = strawberry.field(description="When the beneficiary receives it.")


@strawberry.type(description="A life insurance contract.")
class LifeContract(Contract):
    async def _details(self, info: Info) -> records.LifeDetails | None:
        return await backend(info.context.loaders.life_by_key.load(self.header.key))

    @strawberry.field(
        description="False when the back office has no details for this older product (C5)."
    )
    async def details_available(self, info: Info) -> bool | None:
        details = await self._details(info)
        return bool(details and details.details_available)

    @strawberry.field(description="Tax regime, when the contract has one.")
    def tax_regime(self) -> TaxRegime | None:
        return self.header.tax_regime

    @strawberry.field(description="The current reserve and its split over funds (F2).")
    async def reserve(self, info: Info) -> Reserve | None:
        details = await self._details(info)
        if details is None or not details.details_available or details.reserve is None:
            return None
        isins = [h.isin for h in details.holdings]
        funds = await backend(info.context.loaders.fund_by_isin.load_many(isins))
        by_isin = {f.isin: f for f in funds if f is not None}
        return Reserve(
            amount=Money.of(details.reserve),
            date=details.reserve_date,
            funds=[
                FundAllocation.of(p, by_isin.get(p.isin)) for p in fund_positions(details, by_isin)
            ],
            guaranteed=Money.of(details.guaranteed_reserve) if details.guaranteed_reserve else None,
            guaranteed_rate=details.guaranteed_rate,
        )

    @strawberry.field(description="How future premiums are invested (F3).")
    async def investment_strategy(self, info: Info) -> list[StrategyShare] | None:
        require_feature(info, "strategy")
        allocation = await backend(info.context.loaders.allocation_by_key.load(self.header.key))
        if allocation is None or not allocation.details_available:
            return None
        return [StrategyShare(isin=s.isin, percent=s.percent) for s in strategy(allocation)]

    @strawberry.field(description="Month-end reserves, at most 12 months back (F4).")
    async def reserve_history(self, info: Info) -> list[ReservePoint] | None:
        require_feature(info, "reserve_history")
        loader = info.context.loaders.reserve_history_by_key
        history = await backend(loader.load(self.header.key))
        if history is None or not history.details_available:
            return None
        window = reserve_window(info.context.profile, history, info.context.today)
        return [ReservePoint(date=p.day, amount=Money.of(p.amount)) for p in window]

    @strawberry.field(
        description="Executed transactions since 2020, newest first (F6); at most 100 a page."
    )
    async def transactions(
        self,
        info: Info,
        first: First = None,
        after: After = None,
    ) -> TransactionConnection | None:
        require_feature(info, "transactions")
        part = await transaction_slice(info, self.header.key, first, after)
        edges = [TransactionEdge(cursor=c, node=Transaction.of(t)) for t, c in part.items]
        return TransactionConnection.of(edges, part.has_next)

    @strawberry.field(
        description="Beneficiaries (C4); needs level high (A2).",
        permission_classes=[HighAssurance],
    )
    async def beneficiaries(self, info: Info) -> list[Beneficiary] | None:
        require_feature(info, "beneficiaries")
        # A contract listed for a party or a company carries only that one's roles: the
        # beneficiaries come from the full contract (every role).
        full = await backend(info.context.loaders.contract_by_key.load(self.header.key))
        kinds = {
            records.PartyRole.BENEFICIARY,
            records.PartyRole.BENEFICIARY_LIFE,
            records.PartyRole.BENEFICIARY_DEATH,
        }
        return [
            Beneficiary(name=p.name, clause=p.clause, share_percent=p.share_percent, role=p.role)
            for p in (full or self.header).parties
            if p.role in kinds
        ]


@strawberry.type(description="An index a capital follows, e.g. ABEX for buildings.")
class IndexLink:
    name: str = strawberry.field(description="The index.")
    base_value: Decimal = strawberry.field(description="Index value at the base date.")
    base_date: date = strawberry.field(description="The base date.")


@strawberry.type(description="A guarantee of a non-life contract and what it excludes (C4).")
class Coverage:
    guarantee: Guarantee = strawberry.field(description="What is insured.")
    guarantee_label: str = strawberry.field(description="What is insured, in words (S3).")
    insured_amount: Money | None = strawberry.field(description="The insured capital.")
    deductible: Money | None = strawberry.field(description="The deductible per claim.")
    annual_premium: Money = strawberry.field(description="Yearly premium of this coverage.")
    index: IndexLink | None = strawberry.field(description="Index the capital follows.")
    exclusions: list[str] = strawberry.field(description="What this coverage does not cover.")


@strawberry.type(description="An insured vehicle.")
class Vehicle:
    plate: str = strawberry.field(description="Registration plate.")
    vin: str = strawberry.field(description="Vehicle identification number.")
    make: str = strawberry.field(description="Make.")
    model: str = strawberry.field(description="Model.")
    first_registration: date = strawberry.field(description="Date of first registration.")


@strawberry.type(description="An insured building.")
class Building:
    street: str = strawberry.field(description="Street.")
    number: str = strawberry.field(description="House number.")
    postcode: str = strawberry.field(description="Postcode.")
    city: str = strawberry.field(description="City.")
    kind: str = strawberry.field(description="house or apartment.")
    rooms: int = strawberry.field(description="Number of rooms.")


InsuredObject = Annotated[
    Vehicle | Building, strawberry.union("InsuredObject", description="What a policy insures.")
]


@strawberry.type(description="A non-life insurance contract.")
class NonLifeContract(Contract):
    async def _details(self, info: Info) -> records.NonLifeDetails | None:
        return await backend(info.context.loaders.nonlife_by_key.load(self.header.key))

    @strawberry.field(
        description="False when the back office has no details for this older product (C5)."
    )
    async def details_available(self, info: Info) -> bool | None:
        details = await self._details(info)
        return bool(details and details.details_available)

    @strawberry.field(description="Coverages and their exclusions (C4).")
    async def coverages(self, info: Info) -> list[Coverage] | None:
        require_feature(info, "coverages")
        details = await self._details(info)
        if details is None or not details.details_available:
            return None
        language = info.context.language
        return [
            Coverage(
                guarantee=c.guarantee,
                guarantee_label=label(c.guarantee, language),
                insured_amount=Money.of(c.insured_amount) if c.insured_amount else None,
                deductible=Money.of(c.deductible) if c.deductible else None,
                annual_premium=Money.of(c.annual_premium),
                index=IndexLink(
                    name=c.index.name, base_value=c.index.base_value, base_date=c.index.base_date
                )
                if c.index
                else None,
                exclusions=list(c.exclusions),
            )
            for c in details.coverages
        ]

    @strawberry.field(description="What the contract as a whole does not cover (C4).")
    async def exclusions(self, info: Info) -> list[str] | None:
        details = await self._details(info)
        if details is None or not details.details_available:
            return None
        return list(details.exclusions)

    @strawberry.field(description="The insured vehicle or building.")
    async def insured_object(self, info: Info) -> InsuredObject | None:
        details = await self._details(info)
        thing = details.insured_object if details and details.details_available else None
        if isinstance(thing, records.Vehicle):
            return Vehicle(
                plate=thing.plate,
                vin=thing.vin,
                make=thing.make,
                model=thing.model,
                first_registration=thing.first_registration,
            )
        if isinstance(thing, records.Building):
            a = thing.address
            return Building(
                street=a.street,
                number=a.number,
                postcode=a.postcode,
                city=a.city,
                kind=thing.kind,
                rooms=thing.rooms,
            )
        return None

    @strawberry.field(description="Bonus-malus degree (car insurance).")
    async def bonus_malus(self, info: Info) -> int | None:
        details = await self._details(info)
        return details.bonus_malus if details and details.details_available else None

    @strawberry.field(description="Yearly premium of the whole policy.")
    async def annual_premium(self, info: Info) -> Money | None:
        details = await self._details(info)
        if details is None or details.annual_premium is None:
            return None
        return Money.of(details.annual_premium)
