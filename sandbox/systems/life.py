"""The life platform: funds, unit-linked and branch-21 contracts, over JSON REST.

English camelCase; contract numbers `NNNNNNN-SS` only (anything else is 400); amounts,
units, NAVs and percentages are JSON strings with a dot ("1234.56"); dates ISO. Lists use
opaque cursors: `?cursor=&limit=` in, `{"items": [...], "nextCursor": str | null}` out.
Errors: `{"error": {"code": "...", "message": "..."}}`. Read-only.

    GET  /funds                                   cursor page of funds (limit 1..100, 50)
    GET  /funds/{isin}                            one fund
    POST /funds/batch                             {"isins": [...]} (<= 200)
                                                  -> {"items": [fund], "notFound": [isin]}
    GET  /funds/{isin}/navs?from=&to=             cursor page of daily NAVs, ascending
                                                  (limit 1..1000, 1000)
    GET  /contracts/{number}                      one contract (the batch item shape)
    POST /contracts/batch                         {"contracts": [...]} (<= 200)
                                                  -> {"items": [contract], "notFound": [...]}
    GET  /contracts/{number}/holdings             {"contract", "detailsAvailable", "holdings"}
    GET  /contracts/{number}/allocation           {"contract", "detailsAvailable", "allocation"}
    POST /contracts/allocation/batch              {"contracts": [...]} -> items + notFound
    GET  /contracts/{number}/reserve-history?months=N     (1..36, 12), month ends ascending:
                                                  {"contract", "detailsAvailable", "months",
                                                   "history": [{"date", "amount"}]}
    POST /contracts/reserve-history/batch         {"contracts": [...], "months": N}
    GET  /contracts/{number}/transactions         cursor page, newest first (limit 1..100, 50);
                                                  every transaction, pending and pre-2020 too,
                                                  plus "detailsAvailable"

A contract without details in the back office (C5) answers `"detailsAvailable": false` and
leaves out holdings, reserves, allocation, history (and has no transactions); that is not an
error. Transaction amounts are positive; the direction follows from the type code (see
`life_codes`). Product and transaction codes are listed in `sandbox.systems.life_codes`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.systems import SystemContext
from sandbox.systems.life_cursor import CursorError, page
from sandbox.systems.life_index import (
    Json,
    LifeContract,
    LifeIndex,
    allocation_json,
    holdings_json,
    nav_json,
    transaction_json,
)
from sandbox.world import Fund

# ASCII digits only: \d and str.isdigit also take "²" or "٣", which int() refuses or misreads
NUMBER = re.compile(r"[0-9]{7}-[0-9]{2}")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
WHOLE = re.compile(r"0*([0-9]{1,18})")  # longer numbers are out of every range anyway
MAX_BATCH = 200
FUNDS_LIMIT = (50, 100)  # (default, max)
NAVS_LIMIT = (1000, 1000)
TRANSACTIONS_LIMIT = (50, 100)
MONTHS = (12, 36)

T = TypeVar("T")

_STATUS_CODES = {
    400: "BAD_REQUEST",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    429: "TOO_MANY_REQUESTS",
    500: "INTERNAL_ERROR",
    502: "BAD_GATEWAY",
    503: "SERVICE_UNAVAILABLE",
}


class LifeError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def error_response(status: int, code: str, message: str) -> Response:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def render_error(status: int, message: str) -> Response:
    return error_response(status, _STATUS_CODES.get(status, f"HTTP_{status}"), message)


def _bad(code: str, message: str) -> LifeError:
    return LifeError(400, code, message)


def _int_param(request: Request, name: str, bounds: tuple[int, int]) -> int:
    default, maximum = bounds
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if not re.fullmatch(r"[0-9]+", raw):
        raise _bad("INVALID_PARAMETER", f"{name} must be a whole number")
    whole = WHOLE.fullmatch(raw)
    value = int(whole.group(1)) if whole else maximum + 1
    if not 1 <= value <= maximum:
        raise _bad("INVALID_PARAMETER", f"{name} must be between 1 and {maximum}")
    return value


def _date_param(request: Request, name: str) -> date | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        if not ISO_DATE.fullmatch(raw):
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        raise _bad("INVALID_PARAMETER", f"{name} must be a date YYYY-MM-DD") from None


async def _body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body())
    except ValueError:
        raise _bad("INVALID_BODY", "the body must be JSON") from None
    if not isinstance(body, dict):
        raise _bad("INVALID_BODY", "the body must be a JSON object")
    return body


def _string_list(body: dict[str, Any], key: str) -> list[str]:
    values = body.get(key)
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise _bad("INVALID_BODY", f"{key} must be a list of strings")
    if len(values) > MAX_BATCH:
        raise _bad("BATCH_TOO_LARGE", f"at most {MAX_BATCH} {key} per call")
    return list(dict.fromkeys(values))


def _check_number(number: str) -> str:
    if not NUMBER.fullmatch(number):
        raise _bad("INVALID_CONTRACT_NUMBER", f"contract number {number!r} is not NNNNNNN-SS")
    return number


def _page(items: list[T], request: Request, limit: int, listing: str) -> tuple[list[T], str | None]:
    try:
        return page(items, request.query_params.get("cursor"), limit, listing)
    except CursorError as exc:
        raise _bad("INVALID_CURSOR", str(exc)) from None


def _page_json(items: list[Json], next_cursor: str | None) -> Json:
    return {"items": items, "nextCursor": next_cursor}


class LifeApi:
    def __init__(self, index: LifeIndex) -> None:
        self.index = index

    def _contract(self, request: Request) -> LifeContract:
        number = _check_number(request.path_params["number"])
        item = self.index.contracts.get(number)
        if item is None:
            raise LifeError(404, "CONTRACT_NOT_FOUND", f"no life contract {number}")
        return item

    async def _contracts(self, request: Request) -> tuple[list[LifeContract], list[str], Json]:
        body = await _body(request)
        numbers = [_check_number(n) for n in _string_list(body, "contracts")]
        found = [self.index.contracts[n] for n in numbers if n in self.index.contracts]
        missing = [n for n in numbers if n not in self.index.contracts]
        return found, missing, body

    async def funds(self, request: Request) -> Response:
        limit = _int_param(request, "limit", FUNDS_LIMIT)
        funds, next_cursor = _page(self.index.funds, request, limit, "funds")
        return JSONResponse(_page_json([self.index.fund_json(f) for f in funds], next_cursor))

    def _fund(self, isin: str) -> Fund:
        fund = self.index.fund_by_isin.get(isin)
        if fund is None:
            raise LifeError(404, "FUND_NOT_FOUND", f"no fund {isin}")
        return fund

    async def fund(self, request: Request) -> Response:
        return JSONResponse(self.index.fund_json(self._fund(request.path_params["isin"])))

    async def funds_batch(self, request: Request) -> Response:
        isins = _string_list(await _body(request), "isins")
        known = self.index.fund_by_isin
        return JSONResponse(
            {
                "items": [self.index.fund_json(known[i]) for i in isins if i in known],
                "notFound": [i for i in isins if i not in known],
            }
        )

    async def navs(self, request: Request) -> Response:
        isin = self._fund(request.path_params["isin"]).isin
        start = _date_param(request, "from")
        end = _date_param(request, "to")
        if start and end and start > end:
            raise _bad("INVALID_PARAMETER", "from must not be after to")
        limit = _int_param(request, "limit", NAVS_LIMIT)
        points = [
            point
            for point in self.index.navs[isin]
            if (start is None or point[0] >= start) and (end is None or point[0] <= end)
        ]
        chosen, next_cursor = _page(points, request, limit, f"navs:{isin}:{start}:{end}")
        return JSONResponse(_page_json([nav_json(p) for p in chosen], next_cursor))

    async def contract(self, request: Request) -> Response:
        return JSONResponse(self.index.contract_json(self._contract(request)))

    async def contracts_batch(self, request: Request) -> Response:
        found, missing, _ = await self._contracts(request)
        return JSONResponse(
            {"items": [self.index.contract_json(c) for c in found], "notFound": missing}
        )

    async def holdings(self, request: Request) -> Response:
        return JSONResponse(_detail(self._contract(request), "holdings", holdings_json))

    async def allocation(self, request: Request) -> Response:
        return JSONResponse(_detail(self._contract(request), "allocation", allocation_json))

    async def allocation_batch(self, request: Request) -> Response:
        found, missing, _ = await self._contracts(request)
        items = [_detail(item, "allocation", allocation_json) for item in found]
        return JSONResponse({"items": items, "notFound": missing})

    def _history(self, item: LifeContract, months: int) -> Json:
        body = _detail(item, "history", lambda c: self.index.reserve_history_json(c, months))
        body["months"] = months
        return body

    async def reserve_history(self, request: Request) -> Response:
        months = _int_param(request, "months", MONTHS)
        return JSONResponse(self._history(self._contract(request), months))

    async def reserve_history_batch(self, request: Request) -> Response:
        found, missing, body = await self._contracts(request)
        months = body.get("months", MONTHS[0])
        if isinstance(months, bool) or not isinstance(months, int):
            raise _bad("INVALID_BODY", "months must be a whole number")
        if not 1 <= months <= MONTHS[1]:
            raise _bad("INVALID_PARAMETER", f"months must be between 1 and {MONTHS[1]}")
        items = [self._history(item, months) for item in found]
        return JSONResponse({"items": items, "notFound": missing})

    async def transactions(self, request: Request) -> Response:
        item = self._contract(request)
        limit = _int_param(request, "limit", TRANSACTIONS_LIMIT)
        available = item.contract.details_available
        transactions = item.transactions if available else []
        chosen, next_cursor = _page(transactions, request, limit, f"transactions:{item.number}")
        body = _page_json([transaction_json(t) for t in chosen], next_cursor)
        body["detailsAvailable"] = available
        return JSONResponse(body)


def _detail(item: LifeContract, key: str, render: Callable[[Any], list[Json]]) -> Json:
    body: Json = {"contract": item.number, "detailsAvailable": item.contract.details_available}
    if item.contract.details_available:
        body[key] = render(item.contract)
    return body


async def _on_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, LifeError):
        return error_response(exc.status, exc.code, exc.message)
    if isinstance(exc, HTTPException):
        response = render_error(exc.status_code, exc.detail)
        response.headers.update(exc.headers or {})
        return response
    raise exc


def create_app(ctx: SystemContext) -> Starlette:
    api = LifeApi(LifeIndex(ctx.world))
    routes = [
        Route("/funds", api.funds, methods=["GET"]),
        Route("/funds/batch", api.funds_batch, methods=["POST"]),
        Route("/funds/{isin}", api.fund, methods=["GET"]),
        Route("/funds/{isin}/navs", api.navs, methods=["GET"]),
        Route("/contracts/batch", api.contracts_batch, methods=["POST"]),
        Route("/contracts/allocation/batch", api.allocation_batch, methods=["POST"]),
        Route("/contracts/reserve-history/batch", api.reserve_history_batch, methods=["POST"]),
        Route("/contracts/{number}", api.contract, methods=["GET"]),
        Route("/contracts/{number}/holdings", api.holdings, methods=["GET"]),
        Route("/contracts/{number}/allocation", api.allocation, methods=["GET"]),
        Route("/contracts/{number}/reserve-history", api.reserve_history, methods=["GET"]),
        Route("/contracts/{number}/transactions", api.transactions, methods=["GET"]),
    ]
    return Starlette(
        routes=routes, exception_handlers={LifeError: _on_error, HTTPException: _on_error}
    )
