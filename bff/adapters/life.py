"""The life platform (funds, unit-linked and branch-21 contracts): JSON REST, English camelCase.

This module owns that system's conventions: contract numbers `NNNNNNN-SS` (nothing else is
accepted), amounts, units, NAVs and percentages as dot-decimal strings, ISO dates, opaque
cursors (`?cursor=&limit=` in, `{"items", "nextCursor"}` out), batches of at most 200 answering
`{"items", "notFound"}`, and its own transaction type codes, which it maps to canonical records.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import NoReturn, Protocol, TypeVar

import httpx

from bff.adapters.batches import in_chunks
from bff.adapters.errors import BackendNotFound, BackendProtocolError, BackendRejected
from bff.adapters.http import JsonReader, json_of, send
from bff.domain.records import (
    Allocation,
    AllocationShare,
    ContractKey,
    Fund,
    Holding,
    LifeDetails,
    Money,
    NavPoint,
    Page,
    ReserveHistory,
    ReservePoint,
    Transaction,
    TransactionState,
    TransactionType,
)

SYSTEM = "life"
BATCH_SIZE = 200

T = TypeVar("T")

# The platform's own transaction type codes (F6).
_TRANSACTION_TYPES = {
    "PREM": TransactionType.PREMIUM,
    "SURR": TransactionType.SURRENDER,
    "PSUR": TransactionType.PARTIAL_SURRENDER,
    "SWIT": TransactionType.SWITCH,
    "ASSL": TransactionType.AUTO_SWITCH_STOP_LOSS,
    "ASCG": TransactionType.AUTO_SWITCH_SECURE_GAINS,
    "ASDF": TransactionType.AUTO_SWITCH_DRIP_FEED,
    "ASPD": TransactionType.AUTO_SWITCH_PROFIT_DYNAMISATION,
    "RISK": TransactionType.RISK_PREMIUM,
    "TRFR": TransactionType.TRANSFER,
    "ALEV": TransactionType.ADVANCE_LEVY,
    "PROF": TransactionType.PROFIT_SHARING,
    "ADVC": TransactionType.ADVANCE,
}
_TRANSACTION_STATES = {
    "EXECUTED": TransactionState.EXECUTED,
    "PENDING": TransactionState.PENDING,
}

_NUMBER = re.compile(r"(\d{7})-(\d{2})")
_ISIN = re.compile(r"[A-Z]{2}[A-Z0-9]{9}[0-9]")
_DECIMAL = re.compile(r"-?\d+(\.\d+)?")
_NOT_FOUND_CODES = frozenset({"CONTRACT_NOT_FOUND", "FUND_NOT_FOUND"})


class LifePort(Protocol):
    async def contracts(self, keys: Sequence[ContractKey]) -> dict[ContractKey, LifeDetails]: ...

    async def allocations(self, keys: Sequence[ContractKey]) -> dict[ContractKey, Allocation]: ...

    async def reserve_histories(
        self, keys: Sequence[ContractKey], months: int
    ) -> dict[ContractKey, ReserveHistory]: ...

    async def transactions(
        self, key: ContractKey, cursor: str | None, limit: int
    ) -> Page[Transaction]: ...

    async def funds(self, isins: Sequence[str]) -> dict[str, Fund]: ...

    async def all_funds(self, cursor: str | None, limit: int) -> Page[Fund]: ...

    async def navs(
        self, isin: str, start: date | None, end: date | None, cursor: str | None, limit: int
    ) -> Page[NavPoint]: ...


class LifeAdapter:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def contracts(self, keys: Sequence[ContractKey]) -> dict[ContractKey, LifeDetails]:
        """Holdings and reserves (F2); C5 contracts come back with details_available False."""
        return await self._contract_batch("/contracts/batch", keys, {}, _details)

    async def allocations(self, keys: Sequence[ContractKey]) -> dict[ContractKey, Allocation]:
        """The allocation of future premiums (F3)."""
        return await self._contract_batch("/contracts/allocation/batch", keys, {}, _allocation)

    async def reserve_histories(
        self, keys: Sequence[ContractKey], months: int
    ) -> dict[ContractKey, ReserveHistory]:
        """Month-end reserves, ascending, at most `months` of them (F4; the system takes 1-36)."""
        path = "/contracts/reserve-history/batch"
        return await self._contract_batch(path, keys, {"months": months}, _history)

    async def transactions(
        self, key: ContractKey, cursor: str | None, limit: int
    ) -> Page[Transaction]:
        """One page of the contract's transactions, newest first, pending ones included (the
        domain rules filter, F6). A contract without details (C5) has none. Unknown contract:
        BackendNotFound. `limit`: 1-100."""
        path = f"/contracts/{life_number(key)}/transactions"
        answer = await self._get(path, _paging(cursor, limit))
        if not answer.flag("detailsAvailable"):
            return Page(items=(), next=None)
        items = tuple(_transaction(item) for item in answer.objects("items"))
        return Page(items=items, next=answer.opt_text("nextCursor"))

    async def funds(self, isins: Sequence[str]) -> dict[str, Fund]:
        """The known funds among `isins`; unknown ISINs are absent."""
        found: dict[str, Fund] = {}
        for chunk in await in_chunks(isins, BATCH_SIZE, self._funds_chunk):
            found.update(chunk)
        return found

    async def all_funds(self, cursor: str | None, limit: int) -> Page[Fund]:
        """One page of every fund, by ISIN. `limit`: 1-100."""
        answer = await self._get("/funds", _paging(cursor, limit))
        items = tuple(_fund(item) for item in answer.objects("items"))
        return Page(items=items, next=answer.opt_text("nextCursor"))

    async def navs(
        self, isin: str, start: date | None, end: date | None, cursor: str | None, limit: int
    ) -> Page[NavPoint]:
        """One page of the fund's daily NAVs, ascending, from `start` to `end` (both included,
        both optional). Unknown fund: BackendNotFound. `limit`: 1-1000."""
        if not _ISIN.fullmatch(isin):
            raise BackendNotFound(SYSTEM, "no fund has that ISIN")  # never sent: it is no ISIN
        params = _paging(cursor, limit)
        if start is not None:
            params["from"] = start.isoformat()
        if end is not None:
            params["to"] = end.isoformat()
        answer = await self._get(f"/funds/{isin}/navs", params)
        items = tuple(_nav(item) for item in answer.objects("items"))
        return Page(items=items, next=answer.opt_text("nextCursor"))

    async def _get(self, path: str, params: dict[str, str | int]) -> JsonReader:
        response = await send(
            self.client, SYSTEM, "GET", path, params=params, allow=frozenset({200, 404})
        )
        if response.status_code == 404:
            _raise_not_found(response, path)
        return JsonReader(SYSTEM, json_of(SYSTEM, response))

    async def _post(self, path: str, body: dict[str, object]) -> JsonReader:
        # every POST of the life platform is a batch read
        response = await send(self.client, SYSTEM, "POST", path, json_body=body, idempotent=True)
        return JsonReader(SYSTEM, json_of(SYSTEM, response))

    async def _contract_batch(
        self,
        path: str,
        keys: Sequence[ContractKey],
        extra: Mapping[str, object],
        read: Callable[[JsonReader, ContractKey], T],
    ) -> dict[ContractKey, T]:
        async def chunk(part: list[ContractKey]) -> dict[ContractKey, T]:
            numbers = {life_number(key): key for key in part}
            answer = await self._post(path, {"contracts": list(numbers), **extra})
            found: dict[ContractKey, T] = {}
            for item in answer.objects("items"):
                key = _answered_key(item, numbers)
                found[key] = read(item, key)
            _check_complete(answer, numbers.keys() - {life_number(k) for k in found})
            return found

        merged: dict[ContractKey, T] = {}
        for part in await in_chunks(keys, BATCH_SIZE, chunk):
            merged.update(part)
        return merged

    async def _funds_chunk(self, isins: list[str]) -> dict[str, Fund]:
        answer = await self._post("/funds/batch", {"isins": isins})
        found: dict[str, Fund] = {}
        for item in answer.objects("items"):
            fund = _fund(item)
            if fund.isin not in isins:
                raise BackendProtocolError(SYSTEM, f"{item.where}: a fund that was not asked for")
            found[fund.isin] = fund
        _check_complete(answer, set(isins) - found.keys())
        return found


def life_number(key: ContractKey) -> str:
    """The platform's contract number, `NNNNNNN-SS`."""
    return f"{key.base:07d}-{key.suffix:02d}"


def _paging(cursor: str | None, limit: int) -> dict[str, str | int]:
    params: dict[str, str | int] = {"limit": limit}
    if cursor:
        params["cursor"] = cursor
    return params


def _raise_not_found(response: httpx.Response, path: str) -> NoReturn:
    """A 404 naming an unknown contract or fund is BackendNotFound; any other 404 (an unknown
    path) means we called the system wrongly."""
    try:
        code = JsonReader(SYSTEM, response.json()).obj("error").text("code")
    except (ValueError, UnicodeDecodeError, BackendProtocolError):
        code = ""
    if code in _NOT_FOUND_CODES:
        raise BackendNotFound(SYSTEM, f"{path}: {code}")
    raise BackendRejected(SYSTEM, f"refused GET {path} with 404", status=404)


def _answered_key(item: JsonReader, asked: dict[str, ContractKey]) -> ContractKey:
    number = item.text("contract")
    if not _NUMBER.fullmatch(number):
        raise BackendProtocolError(SYSTEM, f"{item.where}.contract: expected NNNNNNN-SS")
    key = asked.get(number)
    if key is None:
        raise BackendProtocolError(SYSTEM, f"{item.where}: a contract that was not asked for")
    return key


def _check_complete(answer: JsonReader, unanswered: set[str]) -> None:
    """Every number asked for is either among the items or in notFound."""
    not_found = answer.items("notFound")
    if not all(isinstance(value, str) for value in not_found):
        raise BackendProtocolError(SYSTEM, "answer.notFound: expected a list of strings")
    if not unanswered <= set(not_found):
        raise BackendProtocolError(SYSTEM, f"answer leaves out {len(unanswered)} asked for")


def _decimal(data: JsonReader, name: str) -> Decimal:
    """A dot-decimal string ("32481.94"); exponents, NaN and decimal commas are not."""
    text = data.text(name)
    if not _DECIMAL.fullmatch(text):
        raise BackendProtocolError(SYSTEM, f"{data.where}.{name}: expected a dot-decimal string")
    return Decimal(text)


def _opt_decimal(data: JsonReader, name: str) -> Decimal | None:
    return None if data.data.get(name) is None else _decimal(data, name)


def _coded(data: JsonReader, name: str, codes: dict[str, T]) -> T:
    code = data.text(name)
    try:
        return codes[code]
    except KeyError:
        raise BackendProtocolError(SYSTEM, f"{data.where}.{name}: unknown code {code!r}") from None


def _details(item: JsonReader, key: ContractKey) -> LifeDetails:
    if not item.flag("detailsAvailable"):
        return LifeDetails(key=key, details_available=False)
    currency = item.text("currency")
    reserve = item.opt_obj("reserve")
    guaranteed = _opt_decimal(item, "guaranteedReserve")
    return LifeDetails(
        key=key,
        details_available=True,
        holdings=tuple(
            Holding(isin=holding.text("isin"), units=_decimal(holding, "units"))
            for holding in item.objects("holdings")
        ),
        reserve=None if reserve is None else Money(_decimal(reserve, "amount"), currency),
        reserve_date=None if reserve is None else reserve.day("date"),
        guaranteed_reserve=None if guaranteed is None else Money(guaranteed, currency),
        guaranteed_rate=_opt_decimal(item, "guaranteedRate"),
    )


def _allocation(item: JsonReader, key: ContractKey) -> Allocation:
    if not item.flag("detailsAvailable"):
        return Allocation(key=key, details_available=False)
    shares = tuple(
        AllocationShare(isin=share.text("isin"), percent=_decimal(share, "percent"))
        for share in item.objects("allocation")
    )
    return Allocation(key=key, details_available=True, shares=shares)


def _history(item: JsonReader, key: ContractKey) -> ReserveHistory:
    if not item.flag("detailsAvailable"):
        return ReserveHistory(key=key, details_available=False)
    points = tuple(
        ReservePoint(day=point.day("date"), amount=Money(_decimal(point, "amount")))
        for point in item.objects("history")
    )
    return ReserveHistory(key=key, details_available=True, points=points)


def _transaction(item: JsonReader) -> Transaction:
    return Transaction(
        id=item.text("id"),
        day=item.day("date"),
        type=_coded(item, "type", _TRANSACTION_TYPES),
        state=_coded(item, "status", _TRANSACTION_STATES),
        amount=Money(_decimal(item, "amount"), item.text("currency")),
        isin=item.opt_text("isin"),
    )


def _risk_class(data: JsonReader, name: str) -> int:
    value = data.integer(name)
    if not 1 <= value <= 7:
        raise BackendProtocolError(SYSTEM, f"{data.where}.{name}: expected an SRI from 1 to 7")
    return value


def _nav(item: JsonReader) -> NavPoint:
    return NavPoint(day=item.day("date"), value=_decimal(item, "value"))


def _fund(item: JsonReader) -> Fund:
    latest = item.opt_obj("latestNav")
    return Fund(
        isin=item.text("isin"),
        name=item.text("name"),
        currency=item.text("currency"),
        risk_class=_risk_class(item, "riskClass"),
        risk_class_history=tuple(
            (change.day("from"), _risk_class(change, "riskClass"))
            for change in item.objects("riskClassHistory")
        ),
        latest_nav=None if latest is None else _nav(latest),
    )
