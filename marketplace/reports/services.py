"""Programme plans and their report: each target beside the dashboard's figure for the plan's period.

The actuals are `dashboard.kpis.all_kpis` over the plan's period so far (its first day through today, or its last
day once it is over; the dashboard's own range and materialised days), so a report and the dashboard shown for the
same days agree to the fen. Status per target:
  met          the actual reaches the target (a floor), or stays within it (a ceiling: lead time)
  on_track     not reached yet, but a cumulative figure (orders, money) is at or above the target pro rata to the
               share of the period that has passed
  behind       neither; for a period that has not started: not_started; without data: no_data
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import Cluster
from marketplace.dashboard import kpis as dashboard_kpis
from marketplace.dashboard import services as dashboard
from marketplace.errors import FieldError
from marketplace.extensions import db
from marketplace.reports.metrics import BY_KEY, MAXIMUM, METRICS, Metric
from marketplace.reports.models import ReportPlan, ReportTarget

NAME_MAX = 200
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)  # a programme's period, not a typo's year 9999


def _duplicate() -> FieldError:
    return FieldError("name", _("This programme already has targets for a period starting on this day."))


def _check_targets(targets: dict) -> dict[str, int]:
    if not targets:
        raise FieldError("targets", _("Set at least one target."))
    stored = {}
    for key, value in targets.items():
        metric = BY_KEY.get(key)
        if metric is None:
            raise FieldError(f"targets.{key}", _("Unknown metric."))
        if value is None or not 0 <= value <= MAXIMUM[metric.unit]:
            raise FieldError(f"targets.{key}", _("Must be between 0 and %(max)s.", max=MAXIMUM[metric.unit]))
        if metric.unit in ("count", "fen") and value != int(value):
            raise FieldError(f"targets.{key}", _("Must be a whole number."))
        stored[key] = metric.stored(value)
    return stored


def create_plan(cluster: Cluster, name: str, start: date, end: date, targets: dict, user_id: int | None
                ) -> ReportPlan:
    """A programme's targets for the local days start..end (at most the dashboard's longest range)."""
    name = (name or "").strip()
    if not name:
        raise FieldError("name", _("Give the programme's name."))
    if len(name) > NAME_MAX:
        raise FieldError("name", _("At most %(n)d characters.", n=NAME_MAX))
    if not (EARLIEST <= start <= LATEST and EARLIEST <= end <= LATEST):
        raise FieldError("period_start" if not EARLIEST <= start <= LATEST else "period_end",
                         _("Choose days between %(first)s and %(last)s.", first=EARLIEST.isoformat(),
                           last=LATEST.isoformat()))
    try:
        dashboard.resolve_dates(start, end, cluster.timezone)  # the dashboard's range rules
    except FieldError as refused:
        raise FieldError("period_end", refused.message) from refused
    stored = _check_targets(targets)
    if db.session.scalar(select(ReportPlan.id).where(ReportPlan.cluster_id == cluster.id, ReportPlan.name == name,
                                                     ReportPlan.period_start == start)):
        raise _duplicate()
    plan = ReportPlan(cluster_id=cluster.id, name=name, period_start=start, period_end=end, created_by_id=user_id,
                      targets=[ReportTarget(metric=k, stored_value=v) for k, v in stored.items()])
    try:
        with db.session.begin_nested():  # a concurrent request with the same plan: the unique key refuses it
            db.session.add(plan)
    except IntegrityError:
        raise _duplicate() from None
    return plan


def set_targets(plan: ReportPlan, targets: dict) -> ReportPlan:
    """Replace the plan's targets (the operator revised them)."""
    stored = _check_targets(targets)
    for target in list(plan.targets):  # in place: a metric's row is updated, never deleted and inserted again
        if target.metric in stored:
            target.stored_value = stored.pop(target.metric)
        else:
            plan.targets.remove(target)
    plan.targets.extend(ReportTarget(metric=k, stored_value=v) for k, v in stored.items())
    db.session.flush()
    return plan


def plans_of(cluster_id: int) -> list[ReportPlan]:
    return db.session.scalars(select(ReportPlan).where(ReportPlan.cluster_id == cluster_id)
                              .order_by(ReportPlan.period_start.desc(), ReportPlan.id.desc())).all()


def elapsed_share(start: date, end: date, today: date) -> float:
    """The share of the period's days that have begun by today (0 before it starts, 1 after it ends)."""
    if today < start:
        return 0.0
    return min((today - start).days + 1, (end - start).days + 1) / ((end - start).days + 1)


def judge(metric: Metric, target, actual, share: float) -> tuple[str, float | None, float | None]:
    """(status, progress = actual / target for floors, the pro-rata expectation for cumulative floors)."""
    expected = round(target * share, 4) if metric.cumulative and not metric.at_most else None
    progress = round(actual / target, 4) if actual is not None and target and not metric.at_most else None
    if share == 0:
        return "not_started", progress, expected
    if actual is None:
        return "no_data", progress, expected
    if (actual <= target) if metric.at_most else (actual >= target):
        return "met", progress, expected
    if expected is not None and share < 1 and actual >= expected:
        return "on_track", progress, expected
    return "behind", progress, expected


def report(plan: ReportPlan, cluster: Cluster, today: date, locale: str) -> tuple[dict, bool]:
    """The plan's report and whether dashboard rows were materialised (the caller commits then). The actuals are
    the period so far: its first day through today (or its last day, once it is over), so offered hours still
    ahead do not dilute the utilisation."""
    through = min(plan.period_end, max(today, plan.period_start))
    r, wrote = dashboard.open_range(db.session, cluster, plan.period_start, through, locale)
    figures = {k["key"]: k for k in dashboard_kpis.all_kpis(db.session, r, cluster.timezone)}
    share = elapsed_share(plan.period_start, plan.period_end, today)
    targets = {t.metric: t.stored_value for t in plan.targets}
    rows = []
    for metric in METRICS:
        if metric.key not in targets:
            continue
        target = metric.shown(targets[metric.key])
        actual = metric.pick(figures[metric.kpi]["value"])
        status, progress, expected = judge(metric, target, actual, share)
        rows.append({"metric": metric.key, "unit": metric.unit, "at_most": metric.at_most, "target": target,
                     "actual": actual, "expected": expected, "progress": progress, "status": status})
    summary = {s: sum(1 for row in rows if row["status"] == s)
               for s in ("met", "on_track", "behind", "no_data", "not_started")}
    return {"id": plan.id, "name": plan.name, "period_start": plan.period_start, "period_end": plan.period_end,
            "through": through, "timezone": cluster.timezone, "as_of": today, "elapsed_share": round(share, 4),
            "rows": rows,
            "summary": summary, "lead_source": figures["average_lead_time_days"]["source"]}, wrote
