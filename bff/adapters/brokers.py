"""The broker registry: brokers' contact details and the customers and contracts each manages.

This module owns the registry's conventions: FSMA numbers printed `0NNN.NNN.NNN` (returned as
10 digits), printed contract numbers, its product codes and upper-case family, status and
role names, page/size paging, and its batch limit (500 numbers per call).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar

import httpx

from bff.adapters.batches import in_chunks
from bff.adapters.errors import BackendNotFound, BackendProtocolError
from bff.adapters.http import JsonReader, json_of, send
from bff.adapters.numbers import enterprise_digits, enterprise_of_answer, key_of_printed
from bff.adapters.products import product_of
from bff.domain.records import (
    Broker,
    ContractParty,
    ContractStatus,
    CustomerKind,
    Family,
    Page,
    PartyRole,
    PortfolioContract,
    PortfolioCustomer,
    PostalAddress,
)

SYSTEM = "brokers"
BATCH_SIZE = 500

FAMILIES = {"LIFE": Family.LIFE, "NON_LIFE": Family.NONLIFE}
STATUSES = {
    "ACTIVE": ContractStatus.ACTIVE,
    "IN_ACCEPTANCE": ContractStatus.IN_ACCEPTANCE,
    "SURRENDERED": ContractStatus.SURRENDERED,
    "EXPIRED": ContractStatus.EXPIRED,
    "CANCELLED": ContractStatus.CANCELLED,
    "SUSPENDED": ContractStatus.SUSPENDED,
}
ROLES = {
    "POLICYHOLDER": PartyRole.POLICYHOLDER,
    "CO_POLICYHOLDER": PartyRole.CO_POLICYHOLDER,
    "INSURED": PartyRole.INSURED,
    "BENEFICIARY": PartyRole.BENEFICIARY,
    "BENEFICIARY_LIFE": PartyRole.BENEFICIARY_LIFE,
    "BENEFICIARY_DEATH": PartyRole.BENEFICIARY_DEATH,
    "DRIVER": PartyRole.DRIVER,
    "OWNER": PartyRole.OWNER,
}
KINDS = {"PERSON": CustomerKind.PERSON, "COMPANY": CustomerKind.COMPANY}

_T = TypeVar("_T")


class BrokersPort(Protocol):
    async def brokers(self, fsmas: Sequence[str]) -> dict[str, Broker]: ...

    async def portfolio(self, fsma: str, page: int, size: int) -> Page[PortfolioCustomer]: ...


class BrokersAdapter:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def brokers(self, fsmas: Sequence[str]) -> dict[str, Broker]:
        """Brokers by FSMA number (10 digits, as keyed); unknown or malformed ones are absent."""
        wanted = [d for d in (enterprise_digits(f) for f in fsmas) if d is not None]

        async def fetch(chunk: list[str]) -> list[Broker]:
            response = await send(
                self.client,
                SYSTEM,
                "POST",
                "/brokers/batch",
                json_body={"fsmas": chunk},
                idempotent=True,
            )
            answer = JsonReader(SYSTEM, json_of(SYSTEM, response))
            return [_broker(item) for item in answer.objects("brokers")]

        asked = set(wanted)
        return {
            broker.fsma: broker
            for answer in await in_chunks(wanted, BATCH_SIZE, fetch)
            for broker in answer
            if broker.fsma in asked
        }

    async def portfolio(self, fsma: str, page: int, size: int) -> Page[PortfolioCustomer]:
        """One page (from 1) of the broker's customers with their contracts; `total` counts
        customers. An unknown broker is `BackendNotFound`."""
        digits = enterprise_digits(fsma)
        if digits is None:
            raise BackendNotFound(SYSTEM, "no broker with such an FSMA number")
        response = await send(
            self.client,
            SYSTEM,
            "GET",
            f"/brokers/{digits}/portfolio",
            params={"page": page, "size": size},
            allow=frozenset({200, 404}),
        )
        if response.status_code == 404:
            raise BackendNotFound(SYSTEM, "no such broker")
        answer = JsonReader(SYSTEM, json_of(SYSTEM, response), "portfolio")
        items = tuple(_customer(item) for item in answer.objects("items"))
        last = answer.integer("totalPages")
        return Page(
            items=items,
            next=str(page + 1) if page < last else None,
            total=answer.integer("totalItems"),
        )


def _code(data: JsonReader, name: str, table: dict[str, _T]) -> _T:
    code = data.text(name)
    try:
        return table[code]
    except KeyError:
        raise BackendProtocolError(SYSTEM, f"{data.where}.{name}: unknown code {code!r}") from None


def _opt_enterprise(data: JsonReader, name: str) -> str | None:
    value = data.opt_text(name)
    return None if value is None else enterprise_of_answer(SYSTEM, value)


def _broker(data: JsonReader) -> Broker:
    address = data.obj("address")
    return Broker(
        fsma=enterprise_of_answer(SYSTEM, data.text("fsma")),
        name=data.text("name"),
        address=PostalAddress(
            street=address.text("street"),
            number=address.text("number"),
            postcode=address.text("postcode"),
            city=address.text("city"),
            country=address.text("country"),
        ),
        phone=data.text("phone"),
        email=data.text("email"),
        website=data.text("website"),
    )


def _customer(data: JsonReader) -> PortfolioCustomer:
    customer = data.obj("customer")
    kind = _code(customer, "kind", KINDS)
    party_id = customer.opt_text("partyId")
    enterprise = _opt_enterprise(customer, "enterpriseNumber")
    if (party_id is None) == (enterprise is None) or (kind is CustomerKind.PERSON) != (
        party_id is not None
    ):
        raise BackendProtocolError(SYSTEM, f"{customer.where}: kind and identifier disagree")
    return PortfolioCustomer(
        kind=kind,
        party_id=party_id,
        enterprise_number=enterprise,
        contracts=tuple(_contract(item) for item in data.objects("contracts")),
    )


def _contract(data: JsonReader) -> PortfolioContract:
    number = data.text("policyNumber")
    return PortfolioContract(
        key=key_of_printed(SYSTEM, number),
        number=number,
        product=product_of(data.text("productCode")),
        family=_code(data, "productFamily", FAMILIES),
        status=_code(data, "status", STATUSES),
        parties=tuple(_party(item) for item in data.objects("roles")),
    )


def _party(data: JsonReader) -> ContractParty:
    return ContractParty(
        role=_code(data, "role", ROLES),
        party_id=data.opt_text("partyId"),
        enterprise_number=_opt_enterprise(data, "enterpriseNumber"),
    )
