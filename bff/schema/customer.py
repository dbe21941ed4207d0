"""The person behind the session."""

from __future__ import annotations

import strawberry

from bff.context import Info
from bff.domain import records
from bff.resolvers.customer import contracts_of
from bff.schema.contract import Contract


@strawberry.type(description="A customer of the insurer, as the customer database knows them.")
class Customer:
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

    @strawberry.field(description="Correspondence language (nl, fr, en or de).")
    def language(self) -> str:
        return self.party.language.value

    @strawberry.field(description="Every contract on which the customer has a role.")
    async def contracts(self, info: Info) -> list[Contract]:
        headers = await contracts_of(info, self.party.id)
        return [Contract.from_record(header) for header in headers]
