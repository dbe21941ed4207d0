"""How far back the reserve evolution goes (F4)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from bff.domain.profiles import FrontendProfile
from bff.domain.records import ReserveHistory, ReservePoint


def reserve_window(
    profile: FrontendProfile, history: ReserveHistory, today: date
) -> list[ReservePoint]:
    """F4: the points after the month end lying `reserve_history_months` months before the last
    month end on or before today, up to today, ascending. With month-end points that is at most
    that many points: on 2025-06-30 with 12 months, 2024-07-31 to 2025-06-30; on 2025-06-15,
    2024-06-30 to 2025-05-31. Empty when the back office has no details (C5)."""
    if not history.details_available or profile.reserve_history_months == 0:
        return []
    cutoff = _months_back(last_month_end(today), profile.reserve_history_months)
    return sorted((p for p in history.points if cutoff < p.day <= today), key=lambda p: p.day)


def last_month_end(today: date) -> date:
    """Today when it is a month's last day, else the last day of the previous month."""
    if (today + timedelta(days=1)).day == 1:
        return today
    return today.replace(day=1) - timedelta(days=1)


def _months_back(month_end: date, months: int) -> date:
    index = month_end.year * 12 + month_end.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, calendar.monthrange(year, month + 1)[1])
