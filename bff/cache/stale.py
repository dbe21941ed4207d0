"""Which systems' data a request was answered with from the cache although it is past its
freshness, because the system was down or in maintenance. One report per request (a context
variable set by the GraphQL endpoint); the endpoint puts it in the response's extensions."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import UTC, datetime


class StaleReport:
    def __init__(self) -> None:
        self._oldest: dict[str, float] = {}  # system -> oldest fetch time served

    def add(self, system: str, fetched_at: float) -> None:
        known = self._oldest.get(system)
        self._oldest[system] = fetched_at if known is None else min(known, fetched_at)

    def extension(self) -> list[dict[str, str]]:
        """`[{"system": "life", "asOf": "2026-11-23T09:12:00+00:00"}]`: sorted, one per system."""
        return [
            {
                "system": system,
                "asOf": datetime.fromtimestamp(at, UTC).isoformat(timespec="seconds"),
            }
            for system, at in sorted(self._oldest.items())
        ]

    def __bool__(self) -> bool:
        return bool(self._oldest)


_REPORT: ContextVar[StaleReport | None] = ContextVar("bff_stale_report", default=None)


@contextlib.contextmanager
def stale_scope() -> Iterator[StaleReport]:
    report = StaleReport()
    token = _REPORT.set(report)
    try:
        yield report
    finally:
        _REPORT.reset(token)


def report_stale(system: str, fetched_at: float) -> None:
    report = _REPORT.get()
    if report is not None:
        report.add(system, fetched_at)


def current_stale_report() -> StaleReport | None:
    return _REPORT.get()
