"""Programme KPIs, one function per figure.

Each returns {"key", "value", "unit", "available", "source"}: `value` is None and `available` False when nothing
has happened in the range. The lead time is the actual one where orders were delivered in the range, else the
promised one. Definitions (numerator, denominator, range): docs/dashboard.md.
"""

from __future__ import annotations

from sqlalchemy import case, func, select

from marketplace.accounts.models import Firm
from marketplace.dashboard.calendar_days import range_bounds
from marketplace.dashboard.models import ProcessDay
from marketplace.dashboard.queries import Range, ratio
from marketplace.orders.models import Order, OrderLine, OrderStatus
from marketplace.payments.models import LedgerAccount, LedgerLine, LedgerTransaction, Payment, Payout
from marketplace.quotes.models import Quote
from marketplace.vouchers.models import VoucherProgramme

S = OrderStatus
QUOTED_OR_LATER = tuple(s.value for s in (S.QUOTED, S.ACCEPTED, S.PAID, S.PLANNED, S.IN_PRODUCTION, S.SHIPPED,
                                          S.DELIVERED, S.COMPLETED, S.DISPUTED, S.REFUNDED))
ACCEPTED_OR_LATER = QUOTED_OR_LATER[1:]
COMPLETED = (S.DELIVERED.value, S.COMPLETED.value)
GMV_STATES = tuple(s for s in ACCEPTED_OR_LATER if s != S.REFUNDED.value)


def figure(key: str, value, unit: str, source: str) -> dict:
    return {"key": key, "value": value, "unit": unit, "available": value is not None, "source": source}


def _in_range(column, r: Range, tz_name: str):
    """`column` within the range's local days."""
    start, end = range_bounds(r.first, r.last, tz_name)
    return (column >= start, column < end)


def _created_in(r: Range, tz_name: str):
    return (Order.cluster_id == r.cluster_id, *_in_range(Order.created_at, r, tz_name))


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


def _order_ids(r: Range, tz_name: str):
    return select(Order.id).where(*_created_in(r, tz_name))


def gmv(session, r: Range, tz_name: str) -> dict:
    """Money captured from buyers for the orders created in the range, less what was refunded to them (voucher
    subsidies are counted in the voucher budget, not here)."""
    count, captured, refunded = session.execute(
        select(func.count(Payment.id), func.sum(Payment.captured_fen), func.sum(Payment.refunded_fen))
        .where(Payment.order_id.in_(_order_ids(r, tz_name)), Payment.captured_fen > 0)).one()
    return figure("gmv_fen", int(captured or 0) - int(refunded or 0) if count else None, "fen",
                  "payments.captured_fen - payments.refunded_fen")


def _ledger_sum(session, order_ids, account_prefix: str, kind: str | None = None) -> int:
    """Debits minus credits of the accounts ``account_prefix*`` over the orders' ledger transactions."""
    stmt = (select(func.coalesce(func.sum(LedgerLine.debit_fen - LedgerLine.credit_fen), 0))
            .join(LedgerAccount, LedgerLine.account_id == LedgerAccount.id)
            .join(LedgerTransaction, LedgerLine.transaction_id == LedgerTransaction.id)
            .where(LedgerAccount.code.startswith(account_prefix), LedgerTransaction.order_id.in_(order_ids)))
    if kind:
        stmt = stmt.where(LedgerTransaction.kind == kind)
    return int(session.scalar(stmt) or 0)


def money_flows(session, r: Range, tz_name: str) -> dict:
    """Where the money of the orders created in the range went, from three sources that must agree: payments
    (captured, refunded), payouts (to factories, platform fees) and the ledger (voucher subsidies, lost disputes,
    what is still held for the buyers' orders). captured + subsidies = payouts + fees + refunds + disputes lost
    (before settlement) + held."""
    ids = _order_ids(r, tz_name)
    captured, refunded = session.execute(select(func.sum(Payment.captured_fen), func.sum(Payment.refunded_fen))
                                         .where(Payment.order_id.in_(ids))).one()
    paid_out, fees = session.execute(select(func.sum(Payout.amount_fen), func.sum(Payout.fee_fen))
                                     .where(Payout.order_id.in_(ids))).one()
    value = {"captured_fen": int(captured or 0), "subsidies_fen": _ledger_sum(session, ids, "voucher_receivable:"),
             "refunded_fen": int(refunded or 0), "payouts_fen": int(paid_out or 0), "fees_fen": int(fees or 0),
             # a dispute lost before settlement takes the money from what is held; after it, it is the platform's loss
             "disputes_lost_fen": _ledger_sum(session, ids, "buyer:", "dispute_lost"),
             "platform_losses_fen": _ledger_sum(session, ids, "dispute_losses"),
             "held_fen": -_ledger_sum(session, ids, "buyer:")}
    return figure("money_flows", value if value["captured_fen"] or value["subsidies_fen"] else None, "fen",
                  "payments, payouts, ledger")


def quote_to_order(session, r: Range, tz_name: str) -> dict:
    """Of the quotes issued in the range, the share that became an order (accepted or later, whenever it was
    placed). A quote yields at most one order, so the rate is between 0 and 1; None without quotes."""
    quotes = session.scalar(select(func.count(Quote.id)).where(Quote.cluster_id == r.cluster_id,
                                                               *_in_range(Quote.created_at, r, tz_name)))
    ordered = session.scalar(select(func.count(Order.id)).join(Quote, Quote.id == Order.quote_id).where(
        Quote.cluster_id == r.cluster_id, *_in_range(Quote.created_at, r, tz_name),
        Order.status.in_(ACCEPTED_OR_LATER)))
    # a quote that became a line of a multi-part order became an order too (a quote is in one order at most)
    ordered += session.scalar(select(func.count(OrderLine.id)).join(Quote, Quote.id == OrderLine.quote_id)
                              .join(Order, Order.id == OrderLine.order_id).where(
        Quote.cluster_id == r.cluster_id, *_in_range(Quote.created_at, r, tz_name),
        Order.status.in_(ACCEPTED_OR_LATER)))
    value = round(ordered / quotes, 4) if quotes else None
    return figure("quote_to_order", value, "ratio", "orders placed from quotes issued in the range / those quotes")


def _days_between(session, later, earlier):
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", later - earlier) / 86400.0
    return func.julianday(later) - func.julianday(earlier)


def on_time_rate(session, r: Range, tz_name: str) -> dict:
    """Orders delivered in the range that were delivered by their due date."""
    due = func.date(Order.delivered_at) <= Order.due_date  # UTC date: a conservative reading of "by the due date"
    stmt = select(func.count(Order.id), func.sum(case((due, 1), else_=0))).where(
        Order.cluster_id == r.cluster_id, *_in_range(Order.delivered_at, r, tz_name))
    count, on_time = session.execute(stmt).one()
    return figure("on_time_rate", round(on_time / count, 4) if count else None, "ratio", "orders.delivered_at")


def average_lead_time(session, r: Range, tz_name: str) -> dict:
    """Mean days from order to delivery for orders delivered in the range; without any, the mean promised lead
    time of orders created in the range."""
    stmt = select(func.count(Order.id), func.avg(_days_between(session, Order.delivered_at, Order.created_at))).where(
        Order.cluster_id == r.cluster_id, *_in_range(Order.delivered_at, r, tz_name))
    count, days = session.execute(stmt).one()
    if count:
        return figure("average_lead_time_days", round(float(days), 2), "days", "delivered")
    stmt = select(func.count(Order.id), func.avg(_days_between(session, Order.promised_at, Order.created_at))).where(
        *_created_in(r, tz_name), Order.promised_at.is_not(None))
    count, days = session.execute(stmt).one()
    return figure("average_lead_time_days", round(float(days), 2) if count else None, "days", "promised")


def voucher_budget(session, r: Range, tz_name: str) -> dict:
    """Budget, used and remaining per voucher programme of the cluster (now, not limited to the range)."""
    rows = session.execute(select(VoucherProgramme.name, VoucherProgramme.budget_fen, VoucherProgramme.spent_fen)
                           .where(VoucherProgramme.cluster_id == r.cluster_id).order_by(VoucherProgramme.name)).all()
    if not rows:
        return figure("voucher_budget", None, "fen", "voucher_programmes (none yet)")
    programmes = [{"name": name, "budget_fen": int(budget), "used_fen": int(spent),
                   "remaining_fen": int(budget) - int(spent)} for name, budget, spent in rows]
    total = {k: sum(p[k] for p in programmes) for k in ("budget_fen", "used_fen", "remaining_fen")}
    return figure("voucher_budget", total | {"programmes": programmes}, "fen", "voucher_programmes")


def platform_fees(session, r: Range, tz_name: str) -> dict:
    """Platform fees of the settlements (payouts) made in the range: the fee inside the buyers' price."""
    stmt = select(func.count(Payout.id), func.sum(Payout.fee_fen)).where(
        Payout.cluster_id == r.cluster_id, *_in_range(Payout.created_at, r, tz_name), Payout.status != "failed")
    count, fees = session.execute(stmt).one()
    return figure("platform_fees_fen", int(fees or 0) if count else None, "fen", "payouts.fee_fen")


def utilisation(session, r: Range, tz_name: str) -> dict:
    """The cluster's booked hours inside offered idle windows / offered idle hours over the range (the same
    materialised days as the utilisation figures; the range must be covered, services.open_range)."""
    offered, booked = session.execute(
        select(func.coalesce(func.sum(ProcessDay.offered_minutes), 0),
               func.coalesce(func.sum(ProcessDay.booked_minutes), 0))
        .where(ProcessDay.cluster_id == r.cluster_id, ProcessDay.day >= r.first, ProcessDay.day <= r.last)).one()
    return figure("utilisation", ratio(int(booked), int(offered)), "ratio", "dashboard_process_days")


KPIS = (firms_by_kind, order_funnel, gmv, utilisation, quote_to_order, on_time_rate, average_lead_time, voucher_budget,
        platform_fees, money_flows)


def all_kpis(session, r: Range, tz_name: str) -> list[dict]:
    return [fn(session, r, tz_name) for fn in KPIS]
