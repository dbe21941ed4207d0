"""The signed-in customer: their contracts, wealth, documents, messages and companies."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Annotated, Any

import strawberry
from strawberry import relay

from bff.auth.permissions import HighAssurance, is_high_self, principal_of
from bff.auth.principal import PrincipalKind
from bff.context import Info
from bff.domain import records
from bff.domain.labels import label
from bff.domain.products import WEALTH_LINES
from bff.domain.products import product_line as line_of
from bff.domain.wealth import total_wealth
from bff.resolvers.access import (
    check_access,
    require_feature,
    viewer_contracts,
    viewer_party,
)
from bff.resolvers.documents import document_page, notification_page, viewer_documents
from bff.resolvers.guard import backend
from bff.resolvers.prefetch import prefetch_contract_details
from bff.schema.common import (
    Address,
    After,
    ContractStatus,
    DocumentType,
    First,
    Language,
    MandateRole,
    Money,
    ProductLine,
    format_enterprise_number,
    format_iban,
    format_national_number,
    mask_national_number,
)
from bff.schema.contract import Contract, contract_of
from bff.schema.document import (
    Document,
    DocumentConnection,
    DocumentEdge,
    Notification,
    NotificationConnection,
    NotificationEdge,
)
from bff.schema.errors import NotFound
from bff.schema.transaction import PageInfo


@strawberry.type(description="A contract the viewer holds that this app does not show yet (C3).")
class NotShownContract:
    number: str = strawberry.field(description="The contract number.")
    product_line: ProductLine = strawberry.field(description="The kind of product.")
    explanation: str = strawberry.field(
        description="Why it is not shown, in the viewer's language."
    )


@strawberry.type(description="The viewer's total wealth (F1).")
class Wealth:
    total: Money = strawberry.field(
        description="Sum of the current reserves of the visible savings and investment contracts."
    )
    contracts_left_out: int = strawberry.field(
        description="Visible savings contracts whose reserve is not available (C5, outages)."
    )


@strawberry.type(description="A company the viewer acts for (A10).")
class CompanyMandate:
    enterprise_number: str = strawberry.field(description="The company's enterprise number.")
    name: str = strawberry.field(description="The company's name.")
    role: MandateRole = strawberry.field(description="The viewer's role for it.")
    role_label: str = strawberry.field(description="The viewer's role, in words (S3).")


@strawberry.type(description="How the customer can be reached, as the CRM holds it (S2).")
class ContactDetails:
    address: Address = strawberry.field(description="Postal address.")
    email: str | None = strawberry.field(description="Personal e-mail address (A9).")
    phone: str | None = strawberry.field(description="Phone number (E.164).")
    version: str = strawberry.field(
        description="Opaque version of these details; send it back with a change (S2)."
    )


@strawberry.type(description="A customer of the insurer.")
class Customer(relay.Node):
    key: relay.NodeID[str]
    party: strawberry.Private[records.Party]

    @strawberry.field(description="Given name.")
    def first_name(self) -> str:
        return self.party.first_name

    @strawberry.field(description="Family name.")
    def last_name(self) -> str:
        return self.party.last_name

    @strawberry.field(description="Name to greet the customer with.")
    def display_name(self) -> str:
        return f"{self.party.first_name} {self.party.last_name}"

    @strawberry.field(description="Correspondence language (S3).")
    def language(self) -> Language:
        return self.party.language

    @strawberry.field(
        description="National register number, YY.MM.DD-SSS.CC; masked (YY.MM.DD-***.**) "
        "unless the viewer is this person signed in at level high (A2). Null when the "
        "person has none (non-residents)."
    )
    def national_number(self, info: Info) -> str | None:
        digits = self.party.national_number
        if digits is None:
            return None
        if is_high_self(principal_of(info), self.party.id):
            return format_national_number(digits)
        return mask_national_number(digits)

    @strawberry.field(
        description="Bank account (IBAN, in groups of four); needs level high (A2).",
        permission_classes=[HighAssurance],
    )
    def iban(self) -> str | None:
        return format_iban(self.party.iban) if self.party.iban else None

    @strawberry.field(
        description="Address, e-mail and phone (S2); needs level high (A2).",
        permission_classes=[HighAssurance],
    )
    def contact_details(self) -> ContactDetails | None:
        party = self.party
        return ContactDetails(
            address=Address.of(party.address),
            email=party.email,
            phone=party.phone,
            version=party.contact_version,
        )

    @strawberry.field(description="The contracts this app shows the customer (C1, C3, A10).")
    async def contracts(
        self,
        info: Info,
        product_line: Annotated[
            ProductLine | None, strawberry.argument(description="Only this kind of product.")
        ] = None,
        status: Annotated[
            ContractStatus | None, strawberry.argument(description="Only this status.")
        ] = None,
    ) -> list[Contract] | None:
        mine = await viewer_contracts(info, self.party)
        chosen = [
            h
            for h in mine.visible
            if (product_line is None or _line(h) == product_line)
            and (status is None or h.status == status)
        ]
        await prefetch_contract_details(info, chosen)
        return [contract_of(h, info) for h in chosen]

    @strawberry.field(description="Contracts the customer holds that this app does not show (C3).")
    async def not_shown_contracts(self, info: Info) -> list[NotShownContract] | None:
        mine = await viewer_contracts(info, self.party)
        language = info.context.language
        return [
            NotShownContract(
                number=n.number,
                product_line=line_of(n.product),
                explanation=n.explanation.in_language(language),
            )
            for n in mine.not_shown
        ]

    @strawberry.field(description="Total wealth over the visible savings contracts (F1).")
    async def total_wealth(self, info: Info) -> Wealth | None:
        require_feature(info, "total_wealth")
        mine = await viewer_contracts(info, self.party)
        keys = [h.key for h in mine.visible if _line(h) in WEALTH_LINES]
        details = await backend(info.context.loaders.life_by_key.load_many(keys))
        result = total_wealth(d for d in details if d is not None)
        missing = sum(1 for d in details if d is None)
        return Wealth(total=Money.of(result.total), contracts_left_out=result.left_out + missing)

    @strawberry.field(description="Documents, newest first (D2; not in the mobile app, D1).")
    async def documents(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        types: Annotated[
            list[DocumentType] | None, strawberry.argument(description="Only these kinds.")
        ] = None,
    ) -> DocumentConnection | None:
        items, has_next, total = document_page(await viewer_documents(info), first, after, types)
        edges = [DocumentEdge(cursor=c, node=Document.of(d)) for d, c in items]
        return DocumentConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=has_next, end_cursor=edges[-1].cursor if edges else None
            ),
            total_count=total,
        )

    @strawberry.field(description="Messages to the customer, newest first.")
    async def notifications(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        unread_only: Annotated[
            bool, strawberry.argument(description="Only unread messages.")
        ] = False,
    ) -> NotificationConnection | None:
        items, has_next, unread = await notification_page(info, first, after, unread_only)
        edges = [NotificationEdge(cursor=c, node=Notification.of(n)) for n, c in items]
        return NotificationConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=has_next, end_cursor=edges[-1].cursor if edges else None
            ),
            unread_count=unread,
        )

    @strawberry.field(description="Companies the customer acts for (A10).")
    async def companies(self, info: Info) -> list[CompanyMandate] | None:
        require_feature(info, "company_view")
        mandates = await backend(info.context.loaders.mandates_by_party.load(self.party.id))
        language = info.context.language
        return [
            CompanyMandate(
                enterprise_number=format_enterprise_number(m.enterprise_number),
                name=m.name,
                role=m.role,
                role_label=label(m.role, language),
            )
            for m in mandates
        ]

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        return [await _viewer_node(info, node_id) for node_id in node_ids]


async def viewer_customer(info: Info) -> Customer:
    principal = info.context.principal
    if principal is not None and principal.kind is PrincipalKind.CUSTOMER and principal.subject:
        # The contract list needs only the party id: ask the policy administration while
        # the CRM answers (a failure here surfaces on the fields that need the contracts).
        prefetch = info.context.loaders.contracts_by_party.load(principal.subject)
        party, _ = await asyncio.gather(viewer_party(info), prefetch, return_exceptions=True)
        if isinstance(party, BaseException):
            raise party
    else:
        party = await viewer_party(info)
    await check_access(info, party)
    return Customer(key=party.id, party=party)


async def _viewer_node(info: Info, node_id: str) -> Customer:
    customer = await viewer_customer(info)
    if customer.party.id != node_id:
        raise NotFound()
    return customer


def _line(header: records.ContractHeader) -> Any:
    return line_of(header.product)
