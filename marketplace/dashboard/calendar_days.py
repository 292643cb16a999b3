"""Pure: spread idle intervals and bookings over the local days of a cluster.

No database, no Flask: aware datetimes in, integer minutes per local day out. Day boundaries are local midnights
of the cluster's zone, so a window 20:00-06:00 gives four hours to its first day and six to the next, and a booking
that crosses a range edge counts only its part inside the range.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class DayMinutes:
    day: date
    offered: int  # idle minutes of ONE unit
    booked_inside: int  # booked unit-minutes inside the idle windows
    booked_outside: int  # booked unit-minutes outside them


def day_bounds(first: date, last: date, tz_name: str) -> list[datetime]:
    """UTC instants of local midnight for first .. last + 1 (len = days + 1)."""
    tz = ZoneInfo(tz_name)
    days = (last - first).days + 1
    return [datetime.combine(first + timedelta(days=i), time(0), tzinfo=tz).astimezone(UTC) for i in range(days + 1)]


def range_bounds(first: date, last: date, tz_name: str) -> tuple[datetime, datetime]:
    """[start, end) in UTC of the local days first .. last."""
    bounds = day_bounds(first, first, tz_name)
    tz = ZoneInfo(tz_name)
    return bounds[0], datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)


def _spread(intervals: Iterable[Interval], bounds: list[datetime], seconds: list[float]) -> None:
    """Add the seconds of each interval to the days it covers (clipped to the bounds)."""
    lo, hi = bounds[0], bounds[-1]
    for start, end in intervals:
        start, end = max(start, lo), min(end, hi)
        if end <= start:
            continue
        i = bisect.bisect_right(bounds, start) - 1
        while i < len(seconds) and bounds[i] < end:
            part = (min(end, bounds[i + 1]) - max(start, bounds[i])).total_seconds()
            if part > 0:
                seconds[i] += part
            i += 1


def _inside(booking: Interval, idle: list[Interval], idle_starts: list[datetime]) -> list[Interval]:
    """Parts of the booking covered by the (merged, sorted) idle intervals."""
    start, end = booking
    parts = []
    i = max(0, bisect.bisect_right(idle_starts, start) - 1)
    while i < len(idle) and idle[i][0] < end:
        s, e = max(start, idle[i][0]), min(end, idle[i][1])
        if e > s:
            parts.append((s, e))
        i += 1
    return parts


def minutes_per_day(
    idle: list[Interval], bookings: list[Interval], first: date, last: date, tz_name: str
) -> list[DayMinutes]:
    """Minutes per local day first .. last.

    Args:
        idle: merged, sorted idle intervals in UTC (capacity.calendar.expand gives these).
        bookings: booked intervals in UTC, one entry per booked unit (they may overlap each other).
    Returns:
        one DayMinutes per day, in order; minutes are rounded per day.
    """
    if last < first:
        return []
    bounds = day_bounds(first, last, tz_name)
    n = len(bounds) - 1
    offered, inside, total = [0.0] * n, [0.0] * n, [0.0] * n
    _spread(idle, bounds, offered)
    starts = [s for s, _ in idle]
    for booking in bookings:
        _spread([booking], bounds, total)
        _spread(_inside(booking, idle, starts), bounds, inside)
    result = []
    for i in range(n):
        booked_in = round(inside[i] / 60)
        result.append(DayMinutes(first + timedelta(days=i), round(offered[i] / 60), booked_in,
                                 max(0, round(total[i] / 60) - booked_in)))
    return result
