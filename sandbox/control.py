"""Fault injection and call accounting, the same for every simulated system.

Each system's app is wrapped by `Controlled`, which answers `/_sandbox/*` itself (never counted,
never faulted) and applies the current `Faults` to every other request:

    GET    /_sandbox/faults   the current switches          PUT   replace  PATCH  merge
    DELETE /_sandbox/faults   back to the system's defaults
    GET    /_sandbox/calls    {"total": n, "endpoints": {"GET /funds/{isin}": n, ...}}
    DELETE /_sandbox/calls    reset the counters
    GET    /_sandbox/systems  every system's base URL (the same answer on every port)
    GET    /_sandbox/personas the named personas, with sandbox-only broker client credentials

Other `/_sandbox/` paths go to the system's own app, uncounted and unfaulted (the identity
providers register relying parties there).
"""

from __future__ import annotations

import asyncio
import json
import math
import random
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Match
from starlette.types import Message, Receive, Scope, Send

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class Faults:
    """The run-time switches of one system. Rates are probabilities between 0 and 1."""

    latency_median_ms: float = 0.0  # log-normal latency; 0 = none
    latency_p95_ms: float = 0.0  # equal to the median (or lower) = a fixed latency
    error_rate: float = 0.0  # answer 500 in the system's own error format
    outage: bool = False  # answer 502, as the gateway in front of a dead system would
    maintenance: bool = False  # answer 503 with Retry-After (a maintenance window)
    maintenance_retry_after_s: int = 600
    stall_rate: float = 0.0  # never answer (until the client gives up)
    overload_rate: float = 0.0  # answer 429 with Retry-After
    overload_retry_after_s: int = 1
    write_fail_after_apply_rate: float = 0.0  # writes: apply, then answer 500 anyway

    def sample_latency(self, rng: random.Random) -> float:
        """Seconds to wait before answering."""
        median = self.latency_median_ms
        if median <= 0:
            return 0.0
        if self.latency_p95_ms <= median:
            return median / 1000
        sigma = math.log(self.latency_p95_ms / median) / 1.6448536269514722
        return rng.lognormvariate(math.log(median), sigma) / 1000

    def merged(self, changes: Mapping[str, Any]) -> Faults:
        known = {f.name: f.type for f in fields(self)}
        unknown = sorted(set(changes) - set(known))
        if unknown:
            raise ValueError(f"unknown fault switch(es): {', '.join(unknown)}")
        cleaned: dict[str, Any] = {}
        for name, value in changes.items():
            current = getattr(self, name)
            if isinstance(current, bool):
                if not isinstance(value, bool):
                    raise ValueError(f"{name} must be true or false")
                cleaned[name] = value
            elif isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{name} must be a number")
            elif name.endswith("_rate") and not 0 <= value <= 1:
                raise ValueError(f"{name} must be between 0 and 1")
            elif value < 0:
                raise ValueError(f"{name} must not be negative")
            else:
                cleaned[name] = type(current)(value)
        return replace(self, **cleaned)


NO_FAULTS = Faults()


@dataclass
class Control:
    """The mutable state behind one system's `/_sandbox` routes."""

    system: str
    defaults: Faults = NO_FAULTS
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    faults: Faults = NO_FAULTS
    calls: Counter[str] = field(default_factory=Counter)
    directory: dict[str, str] = field(default_factory=dict)  # system name -> base URL
    personas: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.faults = self.defaults


ErrorRenderer = Callable[[int, str], Response]


def json_error(status: int, message: str) -> Response:
    return JSONResponse({"error": {"status": status, "message": message}}, status_code=status)


class Controlled:
    """ASGI wrapper that counts calls and injects faults in front of one system's app."""

    def __init__(
        self,
        app: Starlette,
        control: Control,
        render_error: ErrorRenderer = json_error,
    ) -> None:
        self.app = app
        self.control = control
        self.render_error = render_error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path.startswith("/_sandbox/"):
            await self._control(scope, receive, send)
            return
        self.control.calls[self._endpoint(scope)] += 1
        faults = self.control.faults
        rng = self.control.rng
        delay = faults.sample_latency(rng)
        if delay:
            await asyncio.sleep(delay)
        if faults.outage:
            await self.render_error(502, "bad gateway: system unreachable")(scope, receive, send)
            return
        if faults.maintenance:
            response = self.render_error(503, "system in maintenance")
            response.headers["Retry-After"] = str(faults.maintenance_retry_after_s)
            await response(scope, receive, send)
            return
        if faults.stall_rate and rng.random() < faults.stall_rate:
            await _wait_for_disconnect(receive)
            return
        if faults.overload_rate and rng.random() < faults.overload_rate:
            response = self.render_error(429, "too many requests")
            response.headers["Retry-After"] = str(faults.overload_retry_after_s)
            await response(scope, receive, send)
            return
        if faults.error_rate and rng.random() < faults.error_rate:
            await self.render_error(500, "internal error")(scope, receive, send)
            return
        if (
            scope["method"] in WRITE_METHODS
            and faults.write_fail_after_apply_rate
            and rng.random() < faults.write_fail_after_apply_rate
        ):
            await self.app(scope, receive, _discard)
            await self.render_error(500, "internal error")(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _endpoint(self, scope: Scope) -> str:
        """`METHOD /route/{template}`, plus the SOAP action's last segment when one is sent;
        paths no route knows share one key, so the counters cannot grow without bound."""
        method: str = scope["method"]
        template = "(unmatched)"
        for route in self.app.routes:
            match, _ = route.matches(scope)
            if match is not Match.NONE:
                template = getattr(route, "path", template)
                if match is Match.FULL:
                    break
        key = f"{method} {template}"
        for name, value in scope["headers"]:
            if name == b"soapaction":
                action = value.decode("latin-1").strip().strip('"').rsplit("/", 1)[-1]
                if action:
                    key = f"{key} {action}"
        return key

    async def _control(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        control = self.control
        route = (request.method, scope["path"])
        response: Response
        if route == ("GET", "/_sandbox/faults"):
            response = JSONResponse(asdict(control.faults))
        elif route in {("PUT", "/_sandbox/faults"), ("PATCH", "/_sandbox/faults")}:
            try:
                body = json.loads(await request.body())
                if not isinstance(body, dict):
                    raise ValueError("expected a JSON object")
                base = control.faults if request.method == "PATCH" else control.defaults
                control.faults = base.merged(body)
            except ValueError as exc:
                response = JSONResponse({"error": str(exc)}, status_code=400)
            else:
                response = JSONResponse(asdict(control.faults))
        elif route == ("DELETE", "/_sandbox/faults"):
            control.faults = control.defaults
            response = JSONResponse(asdict(control.faults))
        elif route == ("GET", "/_sandbox/calls"):
            response = JSONResponse(
                {"total": sum(control.calls.values()), "endpoints": dict(control.calls)}
            )
        elif route == ("DELETE", "/_sandbox/calls"):
            control.calls.clear()
            response = Response(status_code=204)
        elif route == ("GET", "/_sandbox/systems"):
            response = JSONResponse(control.directory)
        elif route == ("GET", "/_sandbox/personas"):
            response = JSONResponse(control.personas)
        else:
            await self.app(scope, receive, send)
            return
        await response(scope, receive, send)


async def _wait_for_disconnect(receive: Receive) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return


async def _discard(message: Message) -> None:
    return None
