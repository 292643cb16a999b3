"""Demand versus supply per process: hours of work asked for against idle hours offered.

Demand = open orders' steps not yet done whose [release, due] overlaps the range: setup + run x quantity, divided by
the mean speed factor of the cluster's machines of that process; plus, when the quotes table exists, the work content
of recent feasible quotes (issued in the QUOTE_WINDOW_DAYS before the range ends, still valid at its start).
Supply = offered idle hours in the range (materialised). A process is short when demand exceeds supply, tight from
TIGHT_RATIO of it; the advice names listed equipment of that process to lease, or asks to recruit capacity.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import DateTime, bindparam, func, select, text

from capacity.models import Equipment, Factory, Machine, Process
from marketplace.dashboard.calendar_days import range_bounds
from marketplace.dashboard.queries import Range, hours, supply_by_process
from marketplace.orders.models import OPEN_STATUSES, Order, OrderLine, OrderStep

TIGHT_RATIO = 0.8
QUOTE_WINDOW_DAYS = 30
DONE_STEP_STATES = ("done", "cancelled")


def order_demand_minutes(session, r: Range) -> dict[str, float]:
    """Nominal minutes (speed 1.0) per process of open orders' remaining steps."""
    quantity = func.coalesce(OrderLine.quantity, Order.quantity)  # a line's own quantity, else the order's sets
    work = OrderStep.setup_minutes + OrderStep.run_minutes_per_unit * quantity
    stmt = (select(OrderStep.process_code, func.sum(work))
            .join(Order, Order.id == OrderStep.order_id)
            .outerjoin(OrderLine, OrderLine.id == OrderStep.line_id)
            .where(Order.cluster_id == r.cluster_id, Order.status.in_(OPEN_STATUSES),
                   OrderStep.status.not_in(DONE_STEP_STATES), Order.release_date <= r.last, Order.due_date >= r.first)
            .group_by(OrderStep.process_code))
    return {code: float(minutes or 0) for code, minutes in session.execute(stmt)}


_QUOTE_SQL = {
    "sqlite": """
        SELECT json_extract(w.value, '$.process') AS process,
               SUM(json_extract(w.value, '$.setup_min') + json_extract(w.value, '$.run_min_per_part') * q.quantity)
        FROM quotes q, json_each(q.work_content) w
        WHERE q.cluster_id = :cluster AND q.feasible AND q.created_at >= :since AND q.created_at < :until
          AND q.valid_until >= :start
        GROUP BY 1""",
    "postgresql": """
        SELECT w.value ->> 'process' AS process,
               SUM((w.value ->> 'setup_min')::float + (w.value ->> 'run_min_per_part')::float * q.quantity)
        FROM quotes q CROSS JOIN LATERAL json_array_elements(q.work_content::json) AS w(value)
        WHERE q.cluster_id = :cluster AND q.feasible AND q.created_at >= :since AND q.created_at < :until
          AND q.valid_until >= :start
        GROUP BY 1""",
}


def quote_demand_minutes(session, r: Range, tz_name: str) -> dict[str, float] | None:
    """Minutes per process of recent quotes (SQLite and PostgreSQL read the quotes' JSON work content)."""
    dialect = session.get_bind().dialect.name
    start, end = range_bounds(r.first, r.last, tz_name)
    params = {"cluster": r.cluster_id, "since": (end - timedelta(days=QUOTE_WINDOW_DAYS)).replace(tzinfo=None),
              "until": end.replace(tzinfo=None), "start": start.replace(tzinfo=None)}
    stmt = text(_QUOTE_SQL[dialect]).bindparams(*(bindparam(n, type_=DateTime()) for n in ("since", "until", "start")))
    return {code: float(m or 0) for code, m in session.execute(stmt, params) if code}


def mean_speed(session, cluster_id: int) -> dict[str, float]:
    stmt = (select(Machine.process_code, func.avg(Machine.speed_factor)).join(Factory)
            .where(Factory.cluster_id == cluster_id, Machine.active).group_by(Machine.process_code))
    return {code: float(speed or 1.0) for code, speed in session.execute(stmt)}


def listed_equipment(session, cluster_id: int) -> dict[str, list[dict]]:
    stmt = (select(Equipment.id, Equipment.name, Equipment.process_code, Equipment.daily_rate_fen)
            .where(Equipment.cluster_id == cluster_id, Equipment.listed).order_by(Equipment.daily_rate_fen))
    found: dict[str, list[dict]] = {}
    for row in session.execute(stmt):
        found.setdefault(row.process_code, []).append({"id": row.id, "name": row.name,
                                                       "daily_rate_fen": row.daily_rate_fen})
    return found


def status_of(demand_h: float, offered_h: float) -> str:
    if demand_h <= 0:
        return "ok"
    if offered_h <= 0 or demand_h > offered_h:
        return "shortage"
    return "tight" if demand_h >= TIGHT_RATIO * offered_h else "ok"


def demand_supply(session, r: Range, tz_name: str) -> dict:
    """One row per process with supply or demand, plus whether quotes were counted."""
    orders = order_demand_minutes(session, r)
    quotes = quote_demand_minutes(session, r, tz_name)
    supply = supply_by_process(session, r)
    speed = mean_speed(session, r.cluster_id)
    equipment = listed_equipment(session, r.cluster_id)
    label = Process.name_zh if r.zh else Process.name_en
    names = dict(session.execute(select(Process.code, label)).all())
    rows = []
    for code in sorted(set(orders) | set(quotes or {}) | set(supply)):
        factor = speed.get(code, 1.0)
        order_h = hours(orders.get(code, 0) / factor)
        quote_h = hours((quotes or {}).get(code, 0) / factor)
        offered_h = hours(supply.get(code, {}).get("offered_min", 0))
        booked_h = hours(supply.get(code, {}).get("booked_min", 0))
        demand_h = round(order_h + quote_h, 1)
        status = status_of(demand_h, offered_h)
        advice = None
        if status != "ok":
            items = equipment.get(code, [])
            advice = {"action": "lease" if items else "recruit", "equipment": items[:5],
                      "gap_h": round(max(0.0, demand_h - offered_h), 1)}
        rows.append({"key": code, "label": names.get(code, code), "demand_h": demand_h, "order_h": order_h,
                     "quote_h": quote_h, "offered_h": offered_h, "booked_h": booked_h,
                     "ratio": round(demand_h / offered_h, 3) if offered_h else None, "status": status,
                     "advice": advice})
    return {"quotes_counted": quotes is not None, "rows": rows}


def over_demanded(session, r: Range, tz_name: str, limit: int = 10, supply: dict | None = None) -> list[dict]:
    """Processes with demand, the most over-demanded first (no supply at all ranks highest). `supply`: the
    demand_supply of the same range when the caller has it already."""
    supply = demand_supply(session, r, tz_name) if supply is None else supply
    rows = [row for row in supply["rows"] if row["demand_h"] > 0]
    rows.sort(key=lambda row: (row["offered_h"] > 0, -(row["ratio"] or 0), row["key"]))
    return rows[:limit]
