"""The dashboard's entry points for the API, the pages and the CSV export: one registry of figures.

`open_range` makes sure the materialised rows cover the range (the caller commits when it reports a write); each
figure is then a function (session, Range, tz_name, **options) -> data.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from marketplace.dashboard import demand, kpis, materialise, queries
from marketplace.dashboard.queries import Range
from marketplace.errors import FieldError

MAX_DAYS = 366
DEFAULT_BACK, DEFAULT_AHEAD = 30, 29  # default range: the last 30 days and the next 29 (past and planned)


def today_in(tz_name: str) -> date:
    return datetime.now(ZoneInfo(tz_name)).date()


def resolve_dates(start: date | None, end: date | None, tz_name: str, today: date | None = None) -> tuple[date, date]:
    """Fill missing ends of the range and check it (the schemas check the same for the API)."""
    today = today or today_in(tz_name)
    if start is None and end is None:
        start, end = today - timedelta(days=DEFAULT_BACK), today + timedelta(days=DEFAULT_AHEAD)
    elif start is None:
        start = end - timedelta(days=DEFAULT_BACK + DEFAULT_AHEAD)
    elif end is None:
        end = start + timedelta(days=DEFAULT_BACK + DEFAULT_AHEAD)
    if end < start:
        raise FieldError("end", _("Must be on or after start."))
    if (end - start).days + 1 > MAX_DAYS:
        raise FieldError("end", _("At most %(days)d days at a time.", days=MAX_DAYS))
    return start, end


def open_range(session, cluster, start: date, end: date, locale: str) -> tuple[Range, bool]:
    wrote = materialise.ensure_coverage(session, cluster, start, end)
    return Range(cluster.id, start, end, locale), wrote


def _utilisation(session, r, tz, group_by="factory", **_):
    return queries.utilisation(session, r, group_by)


def _heatmap(session, r, tz, **_):
    return queries.heatmap(session, r)


def _trend(session, r, tz, interval="day", **_):
    return queries.trend(session, r, interval)


def _under_used(session, r, tz, limit=10, **_):
    return queries.under_used(session, r, limit)


def _over_demanded(session, r, tz, limit=10, **_):
    return demand.over_demanded(session, r, tz, limit)


def _demand_supply(session, r, tz, **_):
    return demand.demand_supply(session, r, tz)


def _kpis(session, r, tz, **_):
    return kpis.all_kpis(session, r, tz)


FIGURES = {
    "utilisation": _utilisation,
    "heatmap": _heatmap,
    "trend": _trend,
    "under-used": _under_used,
    "over-demanded": _over_demanded,
    "demand-supply": _demand_supply,
    "kpis": _kpis,
}


def compute(session, name: str, r: Range, tz_name: str, **options):
    return FIGURES[name](session, r, tz_name, **options)


def payload(session, cluster, name: str, start: date | None, end: date | None, locale: str,
            **options) -> tuple[dict, bool]:
    """One figure as the API returns it ({start, end, timezone, ...}) and whether rows were materialised (the
    caller commits then)."""
    start, end = resolve_dates(start, end, cluster.timezone)
    r, wrote = open_range(session, cluster, start, end, locale)
    data = compute(session, name, r, cluster.timezone, **options)
    return _wrap(name, data, {"start": start, "end": end, "timezone": cluster.timezone}), wrote


def _wrap(name: str, data, envelope: dict) -> dict:
    if isinstance(data, list):
        return envelope | {"items": data}
    if name == "demand-supply":
        return envelope | {"quotes_counted": data["quotes_counted"], "items": data["rows"]}
    return envelope | data


def page(session, cluster, start: date | None, end: date | None, locale: str, group_by: str = "factory",
         interval: str = "day", limit: int = 10) -> tuple[dict, bool]:
    """Every figure of the page at once, each as `payload` returns it: one range check, and what two figures
    share computed once (demand versus supply feeds over-demanded too)."""
    start, end = resolve_dates(start, end, cluster.timezone)
    r, wrote = open_range(session, cluster, start, end, locale)
    tz = cluster.timezone
    supply = demand.demand_supply(session, r, tz)
    data = {
        "heatmap": queries.heatmap(session, r),
        "trend": queries.trend(session, r, interval),
        "utilisation": queries.utilisation(session, r, group_by),
        "under-used": queries.under_used(session, r, limit),
        "over-demanded": demand.over_demanded(session, r, tz, limit, supply=supply),
        "demand-supply": supply,
        "kpis": kpis.all_kpis(session, r, tz),
    }
    envelope = {"start": start, "end": end, "timezone": tz}
    figures = {name: _wrap(name, value, envelope) for name, value in data.items()}
    figures["utilisation"]["group_by"] = group_by
    return figures, wrote
