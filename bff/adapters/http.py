"""The HTTP plumbing every adapter shares: one call, typed failures, safe JSON reading."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import anyio
import httpx

from bff.adapters.errors import (
    BackendProtocolError,
    BackendRejected,
    BackendUnavailable,
)
from bff.resilience.deadline import remaining
from bff.resilience.guard import guard_of
from bff.resilience.outcomes import BackendThrottled, BackendTimeout


async def send(
    client: httpx.AsyncClient,
    system: str,
    method: str,
    path: str,
    *,
    params: Mapping[str, str | int] | None = None,
    json_body: Any = None,
    content: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    allow: frozenset[int] = frozenset({200}),
    idempotent: bool | None = None,
    check: Callable[[httpx.Response], None] | None = None,
) -> httpx.Response:
    """Send one request; return the response when its status is in `allow`, else raise.

    The request's deadline (bff.resilience.deadline) bounds the call. When the client has a
    guard (bff.resilience), the call goes through the system's breaker, outcome counters and,
    for an idempotent request (default: GET only; adapters mark read-only POSTs), retries.
    `check` looks at an allowed answer inside the guard and may raise: a system that reports
    its failures in the body (a SOAP server fault in a 500) then counts for its breaker."""

    async def attempt(left: float | None) -> httpx.Response:
        response = await _exchange(
            client, system, method, path, params, json_body, content, headers, allow, left
        )
        if check is not None:
            check(response)
        return response

    guard = guard_of(client)
    if guard is None:
        return await attempt(remaining())
    return await guard.call(
        attempt, idempotent=method == "GET" if idempotent is None else idempotent
    )


async def _exchange(
    client: httpx.AsyncClient,
    system: str,
    method: str,
    path: str,
    params: Mapping[str, str | int] | None,
    json_body: Any,
    content: bytes | None,
    headers: Mapping[str, str] | None,
    allow: frozenset[int],
    left: float | None,  # seconds left of the request's deadline; None: no deadline
) -> httpx.Response:
    if left is not None and left <= 0:
        raise BackendTimeout(system, "request deadline spent")
    timeout = _bounded(client.timeout, left) if left is not None else httpx.USE_CLIENT_DEFAULT
    try:
        with anyio.fail_after(left):  # also bounds transports that ignore httpx timeouts
            response = await client.request(
                method,
                path,
                params=params,
                json=json_body,
                content=content,
                headers=headers,
                timeout=timeout,
            )
    except (httpx.TimeoutException, TimeoutError):
        raise BackendTimeout(system, "timed out") from None
    except httpx.HTTPError as exc:
        raise BackendUnavailable(system, f"unreachable ({type(exc).__name__})") from None
    if response.status_code in allow:
        return response
    status = response.status_code
    if status == 429:
        raise BackendThrottled(system, "answered 429", retry_after_s=_retry_after(response))
    if status >= 500:
        raise BackendUnavailable(system, f"answered {status}", retry_after_s=_retry_after(response))
    raise BackendRejected(system, f"refused {method} {path} with {status}", status=status)


def _bounded(timeout: httpx.Timeout, left: float) -> httpx.Timeout:
    """The client's timeouts, none longer than the time left."""

    def cap(value: float | None) -> float:
        return left if value is None else min(value, left)

    return httpx.Timeout(
        connect=cap(timeout.connect),
        read=cap(timeout.read),
        write=cap(timeout.write),
        pool=cap(timeout.pool),
    )


def _retry_after(response: httpx.Response) -> float | None:
    """Retry-After in seconds; None when absent or not a finite, non-negative number."""
    value = response.headers.get("retry-after", "")
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def json_of(system: str, response: httpx.Response) -> Any:
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise BackendProtocolError(system, "answer is not JSON") from None


class JsonReader:
    """Reads fields of one JSON object, raising `BackendProtocolError` instead of
    KeyError/TypeError when the system's answer breaks its own protocol."""

    def __init__(self, system: str, data: Any, where: str = "answer") -> None:
        if not isinstance(data, dict):
            raise BackendProtocolError(system, f"{where}: expected an object")
        self.system = system
        self.data: dict[str, Any] = data
        self.where = where

    def _fail(self, name: str, expected: str) -> BackendProtocolError:
        return BackendProtocolError(self.system, f"{self.where}.{name}: expected {expected}")

    def text(self, name: str) -> str:
        value = self.data.get(name)
        if not isinstance(value, str):
            raise self._fail(name, "a string")
        return value

    def opt_text(self, name: str) -> str | None:
        value = self.data.get(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self._fail(name, "a string or null")
        return value

    def flag(self, name: str) -> bool:
        value = self.data.get(name)
        if not isinstance(value, bool):
            raise self._fail(name, "true or false")
        return value

    def integer(self, name: str) -> int:
        value = self.data.get(name)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self._fail(name, "an integer")
        return value

    def day(self, name: str) -> date:
        try:
            return date.fromisoformat(self.text(name))
        except ValueError:
            raise self._fail(name, "an ISO date") from None

    def decimal(self, name: str) -> Decimal:
        try:
            return Decimal(self.text(name))
        except InvalidOperation:
            raise self._fail(name, "a decimal string") from None

    def obj(self, name: str) -> JsonReader:
        return JsonReader(self.system, self.data.get(name), f"{self.where}.{name}")

    def opt_obj(self, name: str) -> JsonReader | None:
        if self.data.get(name) is None:
            return None
        return self.obj(name)

    def items(self, name: str) -> list[Any]:
        value = self.data.get(name)
        if not isinstance(value, list):
            raise self._fail(name, "a list")
        return value

    def objects(self, name: str) -> list[JsonReader]:
        return [
            JsonReader(self.system, item, f"{self.where}.{name}[{index}]")
            for index, item in enumerate(self.items(name))
        ]

    def opt_integer(self, name: str) -> int | None:
        if self.data.get(name) is None:
            return None
        return self.integer(name)

    def timestamp(self, name: str) -> datetime:
        """An ISO 8601 date and time with an offset (a naive time is a protocol error)."""
        try:
            value = datetime.fromisoformat(self.text(name))
        except ValueError:
            raise self._fail(name, "an ISO timestamp") from None
        if value.utcoffset() is None:
            raise self._fail(name, "an ISO timestamp with an offset")
        return value
