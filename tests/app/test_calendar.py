"""Idle-capacity expansion: weekly patterns in local time, one-off windows, blackouts, week layout."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from capacity.calendar import OneOff, WeeklySlot, expand, merge, subtract, total_minutes
from capacity.weekview import lay_out, week_bounds

SH = ZoneInfo("Asia/Shanghai")


def local(y, m, d, h=0, mi=0):
    return datetime(y, m, d, h, mi, tzinfo=SH)


def test_night_window_crosses_midnight_in_local_time():
    # Monday 2026-11-23, 20:00-06:00 local = 12:00-22:00 UTC
    slots = [WeeklySlot(0, 20 * 60, 6 * 60)]
    got = expand(slots, [], local(2026, 11, 23), local(2026, 11, 30))
    assert got == [(local(2026, 11, 23, 20).astimezone(UTC), local(2026, 11, 24, 6).astimezone(UTC))]
    assert total_minutes(got) == 600


def test_slot_from_the_day_before_the_range_is_clipped():
    slots = [WeeklySlot(6, 22 * 60, 4 * 60)]  # Sunday 22:00 -> Monday 04:00
    got = expand(slots, [], local(2026, 11, 23), local(2026, 11, 24))
    assert got == [(local(2026, 11, 23, 0).astimezone(UTC), local(2026, 11, 23, 4).astimezone(UTC))]


def test_blackout_cuts_and_open_window_adds():
    slots = [WeeklySlot(d, 8 * 60, 18 * 60) for d in range(5)]
    one_offs = [
        OneOff("blackout", local(2026, 11, 24, 10), local(2026, 11, 24, 12)),
        OneOff("open", local(2026, 11, 28, 9), local(2026, 11, 28, 13)),
    ]
    got = expand(slots, one_offs, local(2026, 11, 23), local(2026, 11, 30))
    assert total_minutes(got) == 5 * 600 - 120 + 240
    tuesday = [(s.astimezone(SH).hour, e.astimezone(SH).hour) for s, e in got if s.astimezone(SH).day == 24]
    assert tuesday == [(8, 10), (12, 18)]


def test_end_at_24_00_and_touching_windows_merge():
    slots = [WeeklySlot(0, 18 * 60, 1440), WeeklySlot(1, 0, 6 * 60)]
    got = expand(slots, [], local(2026, 11, 23), local(2026, 11, 30))
    assert got == [(local(2026, 11, 23, 18).astimezone(UTC), local(2026, 11, 24, 6).astimezone(UTC))]


def test_merge_and_subtract():
    t = datetime(2026, 1, 1, tzinfo=UTC)
    h = timedelta(hours=1)
    assert merge([(t + 2 * h, t + 3 * h), (t, t + h), (t + h, t + 2 * h)]) == [(t, t + 3 * h)]
    assert subtract([(t, t + 10 * h)], [(t + h, t + 2 * h), (t + 9 * h, t + 11 * h)]) == [
        (t, t + h),
        (t + 2 * h, t + 9 * h),
    ]
    assert subtract([(t, t + h)], [(t - h, t + 2 * h)]) == []


def test_week_layout_positions_blocks():
    monday = date(2026, 11, 23)
    start, end = week_bounds(monday, "Asia/Shanghai")
    intervals = expand([WeeklySlot(0, 20 * 60, 6 * 60)], [], start, end)
    days = lay_out(intervals, monday, "Asia/Shanghai")
    assert days[0].idle_hours == 4.0 and days[1].idle_hours == 6.0
    block = days[0].blocks[0]
    assert (round(block.top_pct, 2), round(block.height_pct, 2), block.label) == (83.33, 16.67, "20:00–24:00")
    assert days[1].blocks[0].label == "00:00–06:00"
