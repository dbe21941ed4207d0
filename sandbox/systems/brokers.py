"""The broker registry: who the brokers are and which customers and contracts each one manages.

    GET  /brokers                    ?page=&size=, by FSMA number
    GET  /brokers/{fsma}             one broker
    POST /brokers/batch              {"fsmas": [...]} -> {"brokers": [...], "unknown": [...]}
    GET  /brokers/{fsma}/portfolio   ?page=&size=, the broker's customers and their contracts

An FSMA number is the broker's enterprise number; it is accepted in any separator form
("0403.019.261", "0403019261", "403019261") and always answered as "0xxx.xxx.xxx".

Broker: {"fsma", "name", "address": {"street", "number", "postcode", "city", "country"},
"phone", "email", "website"}.

Portfolio item, one per customer (the contract's policyholder, a person or a company):
{"customer": {"kind": "PERSON" | "COMPANY", "partyId" | null, "enterpriseNumber" | null},
 "contracts": [{"policyNumber": "BB/NNNNNNN/SS", "productCode", "productFamily": "LIFE" |
 "NON_LIFE", "status": "ACTIVE" | "IN_ACCEPTANCE" | "SURRENDERED" | "EXPIRED" | "CANCELLED" |
 "SUSPENDED", "roles": [{"role": "POLICYHOLDER" | "INSURED" | ..., "partyId" | null,
 "enterpriseNumber" | null}]}]}; customers ordered persons first then companies, each by id.

Paging: `page` from 1 (default 1), `size` 1..100 (default 20); the answer is {"items", "page",
"size", "totalItems", "totalPages"} (the portfolio adds "fsma" and "totalContracts"), and a page
past the end is empty.

Errors: {"error": {"code": "...", "message": "..."}}.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.ids import (
    format_enterprise_number,
    is_valid_enterprise_number,
    normalise_reference,
    policy_number,
)
from sandbox.systems import SystemContext
from sandbox.world import Broker, Contract, ContractRole, Family, Role, World

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_BATCH = 500
WHOLE = re.compile(r"0*([0-9]{1,18})")  # ASCII digits only
FAMILY_CODES = {Family.LIFE: "LIFE", Family.NONLIFE: "NON_LIFE"}

_ERROR_CODES = {
    400: "BAD_REQUEST",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    429: "TOO_MANY_REQUESTS",
    500: "INTERNAL_ERROR",
    502: "BAD_GATEWAY",
    503: "SERVICE_UNAVAILABLE",
}

_CustomerKey = tuple[str, str]  # ("PERSON", party id) | ("COMPANY", enterprise number digits)


def render_error(status: int, message: str, code: str | None = None) -> Response:
    error = {"code": code or _ERROR_CODES.get(status, "ERROR"), "message": message}
    return JSONResponse({"error": error}, status_code=status)


class _Refused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


def fsma_digits(value: str) -> str:
    """The 10 digits of an enterprise number typed in any form (a missing leading 0 added)."""
    digits = normalise_reference(value)
    return "0" + digits if len(digits) == 9 else digits


def _whole(raw: str) -> int:
    """A whole number in ASCII digits (int() alone also takes " 5", "+5", "5_0" or "٥");
    ValueError otherwise, or past 18 significant digits."""
    match = WHOLE.fullmatch(raw)
    if match is None:
        raise ValueError(raw)
    return int(match.group(1))


def _paging(request: Request) -> tuple[int, int]:
    try:
        page = _whole(request.query_params.get("page", "1"))
        size = _whole(request.query_params.get("size", str(DEFAULT_PAGE_SIZE)))
    except ValueError:
        raise _Refused(400, "INVALID_PAGING", "page and size must be whole numbers") from None
    if page < 1 or not 1 <= size <= MAX_PAGE_SIZE:
        message = f"page must be >= 1 and size between 1 and {MAX_PAGE_SIZE}"
        raise _Refused(400, "INVALID_PAGING", message)
    return page, size


def _paged(items: Sequence[Any], page: int, size: int) -> dict[str, Any]:
    return {
        "items": list(items[(page - 1) * size : page * size]),
        "page": page,
        "size": size,
        "totalItems": len(items),
        "totalPages": -(-len(items) // size),
    }


def _broker(broker: Broker) -> dict[str, Any]:
    address = broker.address
    return {
        "fsma": format_enterprise_number(normalise_reference(broker.fsma)),
        "name": broker.name,
        "address": {
            "street": address.street,
            "number": address.number,
            "postcode": address.postcode,
            "city": address.city,
            "country": address.country,
        },
        "phone": broker.phone,
        "email": broker.email,
        "website": broker.website,
    }


def _party_ref(role: ContractRole) -> dict[str, Any]:
    number = role.company_number
    return {
        "partyId": role.party_id,
        "enterpriseNumber": format_enterprise_number(normalise_reference(number))
        if number
        else None,
    }


def _customer_key(contract: Contract) -> _CustomerKey:
    """The contract's policyholder; failing that, its first party (a customer all the same)."""
    holders = [r for r in contract.roles if r.role is Role.POLICYHOLDER]
    for role in [*holders, *contract.roles]:
        if role.party_id:
            return ("PERSON", role.party_id)
        if role.company_number:
            return ("COMPANY", normalise_reference(role.company_number))
    return ("UNKNOWN", "")


def _customer(key: _CustomerKey) -> dict[str, Any]:
    kind, ident = key
    return {
        "kind": kind,
        "partyId": ident if kind == "PERSON" else None,
        "enterpriseNumber": format_enterprise_number(ident) if kind == "COMPANY" else None,
    }


class _Registry:
    def __init__(self, world: World) -> None:
        self.world = world
        self.by_digits = {normalise_reference(b.fsma): b for b in world.brokers.values()}
        self.ordered = [self.by_digits[d] for d in sorted(self.by_digits)]
        self.portfolios: dict[str, list[dict[str, Any]]] = {}
        self.contract_counts: dict[str, int] = {}
        grouped: dict[str, dict[_CustomerKey, list[Contract]]] = {}
        for contract in world.contracts.values():
            broker = fsma_digits(contract.broker_fsma)
            grouped.setdefault(broker, {}).setdefault(_customer_key(contract), []).append(contract)
        for broker, customers in grouped.items():
            items = []
            for key in sorted(customers, key=lambda k: (k[0] != "PERSON", k)):
                contracts = sorted(
                    (self._contract(c) for c in customers[key]), key=lambda c: c["policyNumber"]
                )
                items.append({"customer": _customer(key), "contracts": contracts})
            self.portfolios[broker] = items
            self.contract_counts[broker] = sum(len(c) for c in customers.values())

    def _contract(self, contract: Contract) -> dict[str, Any]:
        product = self.world.products[contract.product]
        return {
            "policyNumber": policy_number(product.a509, contract.base, contract.suffix),
            "productCode": product.code,
            "productFamily": FAMILY_CODES[product.family],
            "status": contract.status.name,
            "roles": [
                {"role": r.role.name, **_party_ref(r)}
                for r in contract.roles
                if r.party_id or r.company_number  # not a clause-only beneficiary
            ],
        }

    def find(self, value: str) -> Broker | None:
        return self.by_digits.get(fsma_digits(value))

    def broker(self, request: Request) -> Broker:
        value = request.path_params["fsma"]
        found = self.find(value)
        if found is None:
            if not is_valid_enterprise_number(fsma_digits(value)):
                raise _Refused(400, "INVALID_FSMA", "not a valid FSMA (enterprise) number")
            raise _Refused(404, "BROKER_NOT_FOUND", "no broker with this FSMA number")
        return found

    async def list_brokers(self, request: Request) -> Response:
        page, size = _paging(request)
        return JSONResponse(_paged([_broker(b) for b in self.ordered], page, size))

    async def get_broker(self, request: Request) -> Response:
        return JSONResponse(_broker(self.broker(request)))

    async def batch(self, request: Request) -> Response:
        try:
            body = json.loads(await request.body())
        except ValueError:
            raise _Refused(400, "INVALID_BODY", "the body must be JSON") from None
        values = body.get("fsmas") if isinstance(body, dict) else None
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise _Refused(400, "INVALID_BODY", '"fsmas" must be a list of strings')
        if len(values) > MAX_BATCH:
            raise _Refused(400, "INVALID_BODY", f'"fsmas" holds at most {MAX_BATCH} entries')
        brokers: list[dict[str, Any]] = []
        unknown: list[str] = []
        for value in values:
            found = self.find(value)
            if found is None:
                unknown.append(value)
            else:
                brokers.append(_broker(found))
        return JSONResponse({"brokers": brokers, "unknown": unknown})

    async def portfolio(self, request: Request) -> Response:
        broker = self.broker(request)
        page, size = _paging(request)
        digits = normalise_reference(broker.fsma)
        answer = _paged(self.portfolios.get(digits, []), page, size)
        answer["fsma"] = format_enterprise_number(digits)
        answer["totalContracts"] = self.contract_counts.get(digits, 0)
        return JSONResponse(answer)


def _handler(
    method: Callable[[Request], Awaitable[Response]],
) -> Callable[[Request], Awaitable[Response]]:
    async def handle(request: Request) -> Response:
        try:
            return await method(request)
        except _Refused as exc:
            return render_error(exc.status, str(exc), exc.code)

    return handle


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    response = render_error(exc.status_code, exc.detail)
    response.headers.update(exc.headers or {})  # e.g. Allow on a 405
    return response


def create_app(ctx: SystemContext) -> Starlette:
    registry = _Registry(ctx.world)
    routes = [
        Route("/brokers", _handler(registry.list_brokers), methods=["GET"]),
        Route("/brokers/batch", _handler(registry.batch), methods=["POST"]),
        Route("/brokers/{fsma}", _handler(registry.get_broker), methods=["GET"]),
        Route("/brokers/{fsma}/portfolio", _handler(registry.portfolio), methods=["GET"]),
    ]
    return Starlette(routes=routes, exception_handlers={HTTPException: _http_error})
