"""Lay idle intervals out on a week grid (seven local days x 24 hours) for the week view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from capacity.calendar import Interval


@dataclass(frozen=True)
class Block:
    top_pct: float
    height_pct: float
    label: str


@dataclass(frozen=True)
class Day:
    date: date
    blocks: tuple[Block, ...]
    idle_hours: float


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_bounds(monday: date, tz_name: str) -> tuple[datetime, datetime]:
    tz = ZoneInfo(tz_name)
    start = datetime.combine(monday, time(0), tzinfo=tz)
    return start.astimezone(UTC), (start + timedelta(days=7)).astimezone(UTC)


def lay_out(intervals: list[Interval], monday: date, tz_name: str) -> list[Day]:
    tz = ZoneInfo(tz_name)
    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        day_start = datetime.combine(day, time(0), tzinfo=tz)
        day_end = day_start + timedelta(days=1)
        blocks, minutes = [], 0.0
        for start, end in intervals:
            s, e = max(start, day_start), min(end, day_end)
            if e <= s:
                continue
            top = (s - day_start).total_seconds() / 86400 * 100
            height = (e - s).total_seconds() / 86400 * 100
            blocks.append(
                Block(
                    round(top, 3),
                    round(height, 3),
                    f"{s.astimezone(tz):%H:%M}–{'24:00' if e == day_end else e.astimezone(tz).strftime('%H:%M')}",
                )
            )
            minutes += (e - s).total_seconds() / 60
        days.append(Day(day, tuple(blocks), round(minutes / 60, 1)))
    return days
