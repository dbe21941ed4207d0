"""Contracts as the frontends see them."""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry

from bff.domain import records


@strawberry.enum(description="Where a contract stands in its life cycle.")
class ContractStatus(Enum):
    ACTIVE = strawberry.enum_value("active", description="In force.")
    IN_ACCEPTANCE = strawberry.enum_value(
        "in_acceptance", description="Signed, not yet in force (acceptance or first payment)."
    )
    SURRENDERED = strawberry.enum_value("surrendered", description="Ended by surrender.")
    EXPIRED = strawberry.enum_value("expired", description="Ended at its term.")
    CANCELLED = strawberry.enum_value("cancelled", description="Cancelled.")
    SUSPENDED = strawberry.enum_value("suspended", description="Temporarily not in force.")


@strawberry.type(description="An insurance contract of the viewer.")
class Contract:
    number: str = strawberry.field(description="The contract number as printed on the policy.")
    status: ContractStatus = strawberry.field(description="Life-cycle status.")
    start_date: date = strawberry.field(description="Date the contract took effect.")
    end_date: date | None = strawberry.field(description="Term date, if the contract has one.")

    @classmethod
    def from_record(cls, header: records.ContractHeader) -> Contract:
        return cls(
            number=header.number,
            status=ContractStatus(header.status.value),
            start_date=header.start_date,
            end_date=header.end_date,
        )
