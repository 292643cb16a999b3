"""Programme KPIs, one function per figure.

Each returns {"key", "value", "unit", "available", "source"}: `value` is None and `available` False while the
table the figure needs does not exist yet (vouchers, payments) or nothing has happened in the range. Figures
switch to better sources by themselves as tables and columns land (see schema_probe): for example the lead time
is the actual one where orders record `delivered_at`, else the promised one.
"""

from __future__ import annotations

from sqlalchemy import DateTime, bindparam, case, func, select, text

from marketplace.accounts.models import Firm
from marketplace.dashboard import schema_probe
from marketplace.dashboard.calendar_days import range_bounds
from marketplace.dashboard.queries import Range
from marketplace.orders.models import Order, OrderStatus

S = OrderStatus
QUOTED_OR_LATER = tuple(s.value for s in (S.QUOTED, S.ACCEPTED, S.PAID, S.PLANNED, S.IN_PRODUCTION, S.SHIPPED,
                                          S.DELIVERED, S.COMPLETED, S.DISPUTED, S.REFUNDED))
ACCEPTED_OR_LATER = QUOTED_OR_LATER[1:]
COMPLETED = (S.DELIVERED.value, S.COMPLETED.value)
GMV_STATES = tuple(s for s in ACCEPTED_OR_LATER if s != S.REFUNDED.value)


def figure(key: str, value, unit: str, source: str) -> dict:
    return {"key": key, "value": value, "unit": unit, "available": value is not None, "source": source}


def _created_in(r: Range, tz_name: str):
    start, end = range_bounds(r.first, r.last, tz_name)
    return (Order.cluster_id == r.cluster_id, Order.created_at >= start, Order.created_at < end)


def firms_by_kind(session, r: Range, tz_name: str) -> dict:
    """Firms on the platform now (not limited to the range): by kind, and all of them."""
    kinds = ("buyer", "factory", "lessor", "operator")
    stmt = select(func.count(Firm.id), *(func.coalesce(func.sum(case((getattr(Firm, f"is_{k}"), 1), else_=0)), 0)
                                          for k in kinds)).where(Firm.cluster_id == r.cluster_id)
    total, *counts = session.execute(stmt).one()
    return figure("firms", {"total": int(total), **{k: int(c) for k, c in zip(kinds, counts, strict=True)}},
                  "firms", "firms")


def order_funnel(session, r: Range, tz_name: str) -> dict:
    """Orders created in the range: posted (not drafts), quoted, accepted, completed; and the count per status."""
    stmt = select(Order.status, func.count(Order.id)).where(*_created_in(r, tz_name)).group_by(Order.status)
    by_status = {status: int(n) for status, n in session.execute(stmt)}
    stage = {"posted": sum(n for s, n in by_status.items() if s != S.DRAFT.value),
             "quoted": sum(by_status.get(s, 0) for s in QUOTED_OR_LATER),
             "accepted": sum(by_status.get(s, 0) for s in ACCEPTED_OR_LATER),
             "completed": sum(by_status.get(s, 0) for s in COMPLETED)}
    return figure("order_funnel", {"stages": stage, "by_status": by_status}, "orders", "orders.status")


def gmv(session, r: Range, tz_name: str) -> dict:
    """Value of orders accepted (or later, not refunded) created in the range."""
    stmt = select(func.count(Order.id), func.sum(Order.total_fen)).where(*_created_in(r, tz_name),
                                                                        Order.status.in_(GMV_STATES))
    count, total = session.execute(stmt).one()
    return figure("gmv_fen", int(total or 0) if count else None, "fen", "orders.total_fen (accepted or later)")


def quote_to_order(session, r: Range, tz_name: str) -> dict:
    """Orders accepted per quote issued in the range; None until the quotes table exists or without quotes."""
    if not schema_probe.has_table(session, "quotes"):
        return figure("quote_to_order", None, "ratio", "waits for quotes")
    start, end = range_bounds(r.first, r.last, tz_name)
    stmt = text("SELECT count(*) FROM quotes WHERE cluster_id = :c AND created_at >= :s AND created_at < :e"
                ).bindparams(bindparam("s", type_=DateTime()), bindparam("e", type_=DateTime()))
    quotes = session.scalar(stmt, {"c": r.cluster_id, "s": start.replace(tzinfo=None), "e": end.replace(tzinfo=None)})
    accepted = session.scalar(select(func.count(Order.id)).where(*_created_in(r, tz_name),
                                                                 Order.status.in_(ACCEPTED_OR_LATER)))
    value = round(accepted / quotes, 4) if quotes else None
    return figure("quote_to_order", value, "ratio", "orders accepted / quotes issued")


def _days_between(session, later, earlier):
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", later - earlier) / 86400.0
    return func.julianday(later) - func.julianday(earlier)


def on_time_rate(session, r: Range, tz_name: str) -> dict:
    """Delivered orders (in the range) delivered by their due date; waits for orders.delivered_at."""
    if not schema_probe.has_column(session, "orders", "delivered_at"):
        return figure("on_time_rate", None, "ratio", "waits for the order lifecycle (orders.delivered_at)")
    delivered = Order.__table__.c.get("delivered_at")
    if delivered is None:  # the column exists in the database but the model has not caught up
        return figure("on_time_rate", None, "ratio", "waits for the order lifecycle (orders.delivered_at)")
    start, end = range_bounds(r.first, r.last, tz_name)
    due = func.date(delivered) <= Order.due_date  # UTC date: a conservative reading of "by the due date"
    stmt = select(func.count(Order.id), func.sum(case((due, 1), else_=0))).where(
        Order.cluster_id == r.cluster_id, delivered >= start, delivered < end)
    count, on_time = session.execute(stmt).one()
    return figure("on_time_rate", round(on_time / count, 4) if count else None, "ratio", "orders.delivered_at")


def average_lead_time(session, r: Range, tz_name: str) -> dict:
    """Mean days from order to delivery for orders delivered in the range (orders.delivered_at); without any,
    the mean promised lead time of orders created in the range."""
    delivered = Order.__table__.c.get("delivered_at")
    if delivered is not None and schema_probe.has_column(session, "orders", "delivered_at"):
        start, end = range_bounds(r.first, r.last, tz_name)
        stmt = select(func.count(Order.id), func.avg(_days_between(session, delivered, Order.created_at))).where(
            Order.cluster_id == r.cluster_id, delivered >= start, delivered < end)
        count, days = session.execute(stmt).one()
        if count:
            return figure("average_lead_time_days", round(float(days), 2), "days",
                          "actual (orders.delivered_at - created_at)")
    stmt = select(func.count(Order.id), func.avg(_days_between(session, Order.promised_at, Order.created_at))).where(
        *_created_in(r, tz_name), Order.promised_at.is_not(None))
    count, days = session.execute(stmt).one()
    return figure("average_lead_time_days", round(float(days), 2) if count else None, "days",
                  "promised (orders.promised_at - created_at)")


def voucher_budget(session, r: Range, tz_name: str) -> dict:
    """Budget, used and remaining per voucher programme of the cluster (now, not limited to the range)."""
    if not schema_probe.has_table(session, "voucher_programmes"):
        return figure("voucher_budget", None, "fen", "waits for vouchers")
    rows = session.execute(text(
        "SELECT name, budget_fen, spent_fen FROM voucher_programmes WHERE cluster_id = :c ORDER BY name"),
        {"c": r.cluster_id}).all()
    if not rows:
        return figure("voucher_budget", None, "fen", "voucher_programmes (none yet)")
    programmes = [{"name": name, "budget_fen": int(budget), "used_fen": int(spent),
                   "remaining_fen": int(budget) - int(spent)} for name, budget, spent in rows]
    total = {k: sum(p[k] for p in programmes) for k in ("budget_fen", "used_fen", "remaining_fen")}
    return figure("voucher_budget", total | {"programmes": programmes}, "fen", "voucher_programmes")


def platform_fees(session, r: Range, tz_name: str) -> dict:
    """Platform fees deducted from factory payouts created in the range."""
    if not schema_probe.has_table(session, "payouts"):
        return figure("platform_fees_fen", None, "fen", "waits for payments")
    start, end = range_bounds(r.first, r.last, tz_name)
    stmt = text("SELECT count(*), sum(fee_fen) FROM payouts WHERE cluster_id = :c AND created_at >= :s "
                "AND created_at < :e AND status <> 'failed'").bindparams(bindparam("s", type_=DateTime()),
                                                                        bindparam("e", type_=DateTime()))
    count, fees = session.execute(stmt, {"c": r.cluster_id, "s": start.replace(tzinfo=None),
                                         "e": end.replace(tzinfo=None)}).one()
    return figure("platform_fees_fen", int(fees or 0) if count else None, "fen", "payouts.fee_fen")


KPIS = (firms_by_kind, order_funnel, gmv, quote_to_order, on_time_rate, average_lead_time, voucher_budget,
        platform_fees)


def all_kpis(session, r: Range, tz_name: str) -> list[dict]:
    return [fn(session, r, tz_name) for fn in KPIS]
