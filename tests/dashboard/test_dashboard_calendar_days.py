"""The pure day-splitting core: windows over midnight, bookings over the range edges, zones."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from capacity.calendar import WeeklySlot, expand
from marketplace.dashboard.calendar_days import minutes_per_day, range_bounds

SH = ZoneInfo("Asia/Shanghai")


def at(day, hour, minute=0, tz=SH):
    return datetime(2026, 11, day, hour, minute, tzinfo=tz)


def test_a_window_over_midnight_is_split_between_its_two_days():
    first, last = date(2026, 11, 23), date(2026, 11, 24)
    start, end = range_bounds(first, last, "Asia/Shanghai")
    idle = expand([WeeklySlot(0, 20 * 60, 6 * 60)], [], start, end, "Asia/Shanghai")  # Monday 20:00-06:00
    result = minutes_per_day(idle, [], first, last, "Asia/Shanghai")
    assert [(d.day.day, d.offered) for d in result] == [(23, 240), (24, 360)]


def test_bookings_count_only_inside_the_range_and_inside_idle_windows():
    first = last = date(2026, 11, 23)
    idle = [(at(23, 0), at(23, 6))]  # what Sunday's 20:00-06:00 window leaves on Monday
    bookings = [(at(22, 22), at(23, 2)),  # crosses the range start: 2 h
                (at(23, 5), at(23, 7)),  # half inside the window: 1 h inside, 1 h outside
                (at(23, 23), at(24, 1))]  # crosses the range end, outside any window: 1 h outside
    [day] = minutes_per_day(idle, bookings, first, last, "Asia/Shanghai")
    assert (day.offered, day.booked_inside, day.booked_outside) == (360, 180, 120)


def test_days_follow_the_cluster_zone_not_utc():
    first = last = date(2026, 11, 23)
    idle = [(at(23, 7, tz=ZoneInfo("UTC")), at(23, 18, tz=ZoneInfo("UTC")))]  # 15:00-02:00 Shanghai
    [day] = minutes_per_day(idle, [], first, last, "Asia/Shanghai")
    assert day.offered == 9 * 60  # 15:00-24:00 local; the rest belongs to the 24th
    [utc_day] = minutes_per_day(idle, [], first, last, "UTC")
    assert utc_day.offered == 11 * 60


def test_a_day_with_a_daylight_saving_change_has_its_real_length():
    tz = "Europe/Berlin"  # 2026-03-29 has 23 hours
    first = last = date(2026, 3, 29)
    start, end = range_bounds(first, last, tz)
    assert (end - start).total_seconds() == 23 * 3600
    idle = expand([WeeklySlot(6, 0, 1440)], [], start, end, tz)
    [day] = minutes_per_day(idle, [], first, last, tz)
    assert day.offered == 23 * 60
