"""Idle-capacity calendars: expand weekly patterns, one-off windows and blackouts into concrete intervals.

Pure code: aware datetimes in, aware UTC datetimes out. Weekly patterns are read in the cluster's local time zone,
so "weekdays 20:00-06:00" means local evenings whatever the zone's offset.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class WeeklySlot:
    weekday: int  # 0 = Monday
    start_minute: int  # minutes after local midnight, 0..1439
    end_minute: int  # 1..1440; <= start_minute means the slot ends on the next day

    @property
    def crosses_midnight(self) -> bool:
        return self.end_minute <= self.start_minute


@dataclass(frozen=True)
class OneOff:
    kind: str  # "open" or "blackout"
    start: datetime
    end: datetime


def _local(d: date, minute: int, tz: ZoneInfo) -> datetime:
    return datetime.combine(d, time(0), tzinfo=tz) + timedelta(minutes=minute)


def merge(intervals: list[Interval]) -> list[Interval]:
    """Union of intervals, sorted; touching intervals are joined."""
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def subtract(intervals: list[Interval], holes: list[Interval]) -> list[Interval]:
    """Parts of the (merged, sorted) intervals not covered by any hole."""
    result: list[Interval] = []
    holes = merge(holes)
    for start, end in intervals:
        cursor = start
        for h_start, h_end in holes:
            if h_end <= cursor or h_start >= end:
                continue
            if h_start > cursor:
                result.append((cursor, h_start))
            cursor = max(cursor, h_end)
            if cursor >= end:
                break
        if cursor < end:
            result.append((cursor, end))
    return result


def expand(
    weekly: list[WeeklySlot], one_offs: list[OneOff], start: datetime, end: datetime, tz_name: str = "Asia/Shanghai"
) -> list[Interval]:
    """Concrete idle intervals (UTC) inside [start, end): weekly slots plus open one-offs, minus blackouts."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be timezone-aware")
    if end <= start:
        return []
    tz = ZoneInfo(tz_name)
    first = start.astimezone(tz).date() - timedelta(days=1)  # a slot from the day before may cross midnight
    last = end.astimezone(tz).date()
    by_day: dict[int, list[WeeklySlot]] = {}
    for slot in weekly:
        by_day.setdefault(slot.weekday, []).append(slot)
    raw: list[Interval] = []
    day = first
    while day <= last:
        for slot in by_day.get(day.weekday(), ()):
            s = _local(day, slot.start_minute, tz)
            e = _local(day + timedelta(days=1) if slot.crosses_midnight else day, slot.end_minute, tz)
            raw.append((s.astimezone(UTC), e.astimezone(UTC)))
        day += timedelta(days=1)
    raw.extend((o.start.astimezone(UTC), o.end.astimezone(UTC)) for o in one_offs if o.kind == "open")
    blackouts = [(o.start.astimezone(UTC), o.end.astimezone(UTC)) for o in one_offs if o.kind == "blackout"]
    clipped = [(max(s, start), min(e, end)) for s, e in merge(raw) if e > start and s < end]
    return subtract(clipped, blackouts)


def total_minutes(intervals: list[Interval]) -> int:
    return int(sum((e - s).total_seconds() for s, e in intervals) // 60)


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    return a_start < b_end and b_start < a_end
