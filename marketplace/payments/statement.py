"""A factory's statement (对账单) for one month: every step it is paid for in the month's settlements, what it
receives for each — the split the settlement itself used (``orders.shares``) — the payouts those steps add up to,
and the orders it works on that are not settled yet, with what it will receive for them.

It reconciles to the fen: the steps of each settled order sum to that order's payout (``StatementOrder.reconciles``,
checked by the tests and shown on the page), and the month's total is the sum of its payouts."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time

from flask_babel import gettext as _
from sqlalchemy import func, select

from capacity.models import Factory, Machine
from marketplace.extensions import db
from marketplace.i18n import local_datetime, local_zone
from marketplace.orders.models import Booking, Order, OrderStep
from marketplace.orders.shares import order_shares
from marketplace.payments.models import Payout
from marketplace.wording import process_name

PAID = ("paid", "settled_manually")
UNSETTLED_ORDER_STATUSES = ("paid", "planned", "in_production", "shipped", "delivered", "disputed")  # paid for


@dataclass(frozen=True)
class StepLine:
    sequence: int
    process_code: str
    net_fen: int


@dataclass
class StatementOrder:
    order: Order
    lines: list[StepLine]
    payout: Payout | None = None   # None: not settled yet (the amounts are what the factory will receive)

    @property
    def total_fen(self) -> int:
        return sum(line.net_fen for line in self.lines)

    @property
    def reconciles(self) -> bool:
        return self.payout is None or self.payout.amount_fen == self.total_fen


@dataclass
class Statement:
    month: date
    start: datetime
    end: datetime
    settled: list[StatementOrder] = field(default_factory=list)
    upcoming: list[StatementOrder] = field(default_factory=list)

    @property
    def total_fen(self) -> int:
        return sum(o.payout.amount_fen for o in self.settled)

    @property
    def paid_fen(self) -> int:
        return sum(o.payout.amount_fen for o in self.settled if o.payout.status in PAID)

    @property
    def awaiting_fen(self) -> int:
        return self.total_fen - self.paid_fen

    @property
    def upcoming_fen(self) -> int:
        return sum(o.total_fen for o in self.upcoming)

    @property
    def reconciles(self) -> bool:
        return all(o.reconciles for o in self.settled)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The month in the cluster's time zone, as aware datetimes [start, end)."""
    zone = local_zone()
    first = month.replace(day=1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return datetime.combine(first, time(), zone), datetime.combine(following, time(), zone)


def _lines(order: Order, firm_id: int, held_fen: int | None) -> list[StepLine]:
    shares = [s for s in order_shares(order, held_fen) if s.firm_id == firm_id]
    bookings = {b.id: b for b in db.session.scalars(select(Booking).where(Booking.id.in_([s.booking_id
                                                                                          for s in shares])))}
    lines = [StepLine(bookings[s.booking_id].step.sequence, bookings[s.booking_id].step.process_code, s.net_fen)
             for s in shares]
    return sorted(lines, key=lambda line: line.sequence)


def statement(firm, month: date) -> Statement:
    start, end = month_bounds(month)
    out = Statement(month.replace(day=1), start, end)
    payouts = db.session.scalars(select(Payout).where(Payout.firm_id == firm.id, Payout.created_at >= start,
                                                      Payout.created_at < end).order_by(Payout.created_at)).all()
    for payout in payouts:
        order = db.session.get(Order, payout.order_id)
        held = sum(p.gross_fen for p in db.session.scalars(select(Payout).where(Payout.order_id == order.id)))
        out.settled.append(StatementOrder(order, _lines(order, firm.id, held), payout))
    settled_ids = select(Payout.order_id).where(Payout.firm_id == firm.id)
    mine = (select(Order).join(OrderStep, OrderStep.order_id == Order.id)
            .join(Booking, Booking.order_step_id == OrderStep.id).outerjoin(Machine, Booking.machine_id == Machine.id)
            .join(Factory, Factory.id == func.coalesce(Machine.factory_id, Booking.site_factory_id))
            .where(Factory.firm_id == firm.id, Order.status.in_(UNSETTLED_ORDER_STATUSES),
                   Order.id.not_in(settled_ids))
            .distinct().order_by(Order.id))
    for order in db.session.scalars(mine):
        lines = _lines(order, firm.id, None)
        if lines:
            out.upcoming.append(StatementOrder(order, lines))
    return out


def csv_bytes(st: Statement) -> bytes:
    """The statement as CSV (UTF-8 with a byte-order mark, which spreadsheet programs read as Chinese text)."""
    states = {"paid": _("Settled"), "settled_manually": _("Settled by bank transfer"),
              "pending": _("Awaiting settlement"), "pending_manual_settlement": _("Awaiting settlement"),
              "failed": _("Settlement failed")}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_("Order"), _("Title"), _("Step"), _("Process"), _("You receive") + " (CNY)", _("State"),
                     _("Settled on")])
    for item in st.settled:
        for line in item.lines:
            writer.writerow([item.order.reference, item.order.title, line.sequence, process_name(line.process_code),
                             f"{line.net_fen / 100:.2f}", states.get(item.payout.status, item.payout.status),
                             local_datetime(item.payout.created_at)])
    writer.writerow([_("Total"), "", "", "", f"{st.total_fen / 100:.2f}", "", ""])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
