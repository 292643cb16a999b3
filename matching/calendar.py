"""Interval index per machine unit: sorted busy intervals inside sorted idle windows, queried with bisect.

Used by the greedy dispatcher and the quote insertion (not by the validator).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right


class UnitCalendar:
    """Busy intervals of one unit (non-overlapping, sorted by start; ends are then sorted too)."""

    __slots__ = ("ends", "starts")

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def is_free(self, start: int, end: int) -> bool:
        i = bisect_right(self.ends, start)  # first busy interval ending after start
        return i >= len(self.starts) or self.starts[i] >= end

    def earliest_in(self, t: int, dur: int, wend: int) -> int | None:
        """Earliest s >= t with [s, s+dur) free and s+dur <= wend."""
        ends, starts = self.ends, self.starts
        i = bisect_right(ends, t)
        n = len(starts)
        while t + dur <= wend:
            if i >= n or starts[i] >= t + dur:
                return t
            t = max(t, ends[i])
            i += 1
        return None

    def add(self, start: int, end: int) -> None:
        i = bisect_left(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)

    def remove(self, start: int, end: int) -> None:
        i = bisect_left(self.starts, start)
        while i < len(self.starts) and self.starts[i] == start:
            if self.ends[i] == end:
                del self.starts[i]
                del self.ends[i]
                return
            i += 1
        raise KeyError((start, end))

    def busy_between(self, a: int, b: int) -> int:
        tot = 0
        i = bisect_right(self.ends, a)
        while i < len(self.starts) and self.starts[i] < b:
            tot += min(b, self.ends[i]) - max(a, self.starts[i])
            i += 1
        return tot


class ResourceCalendar:
    """Idle windows of a resource and one :class:`UnitCalendar` per unit."""

    __slots__ = ("units", "wends", "wstarts")

    def __init__(self, windows: tuple[tuple[int, int], ...], units: int) -> None:
        self.wstarts = [w[0] for w in windows]
        self.wends = [w[1] for w in windows]
        self.units = [UnitCalendar() for _ in range(units)]

    def earliest(self, est: int, dur: int, horizon: int) -> tuple[int, int] | None:
        """Earliest (start, unit) with start >= est, fully inside one window, ending by ``horizon``."""
        best = None
        k0 = bisect_right(self.wends, est)
        for u, cal in enumerate(self.units):
            for k in range(k0, len(self.wstarts)):
                ws = self.wstarts[k]
                if ws >= horizon or (best is not None and ws >= best[0]):
                    break
                we = min(self.wends[k], horizon)
                s = cal.earliest_in(max(est, ws), dur, we)
                if s is not None:
                    if best is None or s < best[0]:
                        best = (s, u)
                    break
        return best

    def place_fixed(self, start: int, end: int, unit: int | None) -> int:
        """Reserve a fixed interval (booking / frozen step); pick the first free unit when ``unit`` is None."""
        if unit is None:
            for u, cal in enumerate(self.units):
                if cal.is_free(start, end):
                    unit = u
                    break
            else:
                unit = 0  # over-booked input: keep it on unit 0, the validator reports it
        self.units[unit].add(start, end)
        return unit

    def idle_minutes(self, a: int, b: int) -> int:
        """Idle-window minutes inside [a, b), times units."""
        tot = 0
        for k in range(bisect_right(self.wends, a), len(self.wstarts)):
            ws, we = self.wstarts[k], self.wends[k]
            if ws >= b:
                break
            tot += max(0, min(b, we) - max(a, ws))
        return tot * len(self.units)

    def booked_minutes(self, a: int, b: int) -> int:
        return sum(c.busy_between(a, b) for c in self.units)
