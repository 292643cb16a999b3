"""Production tracking: factories start and finish steps and ship; the buyer confirms delivery, which captures the
payment and pays the factories out; then the buyer rates its suppliers. The buyer's timeline joins it all up,
transport legs between sites included."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.exceptions import Forbidden

from marketplace.accounts.models import Firm
from marketplace.db_types import utcnow
from marketplace.errors import FieldError
from marketplace.events import DeliveryConfirmed, StepFinished
from marketplace.extensions import db
from marketplace.orders.lifecycle import transition
from marketplace.orders.models import Booking, Order, OrderStep, Rating
from marketplace.outbox import emit, emit_notice
from marketplace.placements import SiteRef
from matching.model import Site, TransportConfig
from matching.prepare import haversine_km, travel


def _booking_of(step: OrderStep) -> Booking | None:
    return db.session.scalar(select(Booking).where(Booking.order_step_id == step.id).order_by(Booking.starts_at))


def start_step(booking: Booking, user, now: datetime | None = None) -> OrderStep:
    step, order = booking.step, booking.step.order
    if step.status not in ("planned", "pending"):
        raise FieldError("status", _("This step is already %(status)s.", status=step.status))
    previous = [s for s in order.steps if s.sequence < step.sequence and s.status != "done"]
    if previous:
        raise FieldError("status", _("Step %(n)d must be finished first.", n=previous[0].sequence))
    if order.status == "planned":
        transition(order, "in_production", user, f"step {step.sequence} started")
    elif order.status != "in_production":
        raise FieldError("status", _("The order is %(status)s; production cannot start.", status=order.status))
    step.status, step.started_at, booking.status = "started", now or utcnow(), "started"
    return step


def finish_step(booking: Booking, user, now: datetime | None = None) -> OrderStep:
    step = booking.step
    if step.status != "started":
        raise FieldError("status", _("Only a started step can be finished."))
    step.status, step.finished_at, booking.status = "done", now or utcnow(), "done"
    emit_notice(StepFinished(order_id=step.order_id, order_step_id=step.id), dedupe=f"step-finished:{step.id}")
    return step


def ship(order: Order, user) -> Order:
    """Only the factory of the last step ships: it holds the finished parts."""
    last = max(order.steps, key=lambda s: s.sequence, default=None)
    booking = _booking_of(last) if last is not None else None
    if booking is None or booking.factory is None or booking.factory.firm_id != user.firm_id:
        raise Forbidden(_("Only the factory of the last step ships the order."))
    if any(s.status != "done" for s in order.steps):
        raise FieldError("status", _("Every step must be finished before the order ships."))
    transition(order, "shipped", user, "shipped by the last factory")
    return order


def confirm_delivery(order: Order, user, now: datetime | None = None) -> bool:
    """The buyer has the parts: the order is delivered now; capturing the payment, paying the factories and
    completing the order follow after commit (DeliveryConfirmed). Repeating it is harmless: returns False."""
    if order.status in ("delivered", "completed"):
        return False
    if order.status != "shipped":
        raise FieldError("status", _("Only a shipped order can be confirmed as delivered."))
    transition(order, "delivered", user, "delivery confirmed by the buyer")
    order.delivered_at = now or utcnow()
    emit(DeliveryConfirmed(order_id=order.id), dedupe=f"order:{order.id}:delivered")
    db.session.commit()
    return True


def suppliers_of(order: Order) -> list[Firm]:
    firm_ids = {b.factory.firm_id for s in order.steps if (b := _booking_of(s)) is not None and b.factory}
    return list(db.session.scalars(select(Firm).where(Firm.id.in_(firm_ids)).order_by(Firm.name)))


def rate(order: Order, user, supplier_firm_id: int, score: int, comment: str) -> Rating:
    if order.status not in ("delivered", "completed"):
        raise FieldError("status", _("You can rate suppliers once the order is delivered."))
    if supplier_firm_id not in {f.id for f in suppliers_of(order)}:
        raise FieldError("supplier_firm_id", _("This firm did not work on the order."))
    if db.session.scalar(select(Rating.id).where(Rating.order_id == order.id,
                                                 Rating.supplier_firm_id == supplier_firm_id)):
        raise FieldError("supplier_firm_id", _("You have already rated this supplier for this order."))
    rating = Rating(order=order, buyer_firm_id=order.buyer_firm_id, supplier_firm_id=supplier_firm_id, score=score,
                    comment=comment)
    db.session.add(rating)
    db.session.flush()
    return rating


def supplier_rating(firm_id: int) -> tuple[float | None, int]:
    avg, count = db.session.execute(select(func.avg(Rating.score), func.count(Rating.id))
                                    .where(Rating.supplier_firm_id == firm_id)).one()
    return (round(float(avg), 2) if avg is not None else None), count


def recent_ratings(firm_id: int, limit: int) -> list[Rating]:
    return list(db.session.scalars(select(Rating).where(Rating.supplier_firm_id == firm_id)
                                   .order_by(Rating.id.desc()).limit(limit)))


def _predecessors(order: Order, index: int) -> list[int]:
    """Sequence numbers the step at `index` waits for: its own list ([0] = none), else the previous step."""
    step = order.steps[index]
    if step.predecessors:
        return [p for p in step.predecessors if p > 0]
    return [order.steps[index - 1].sequence] if index else []


def _leg(problem_stub, origin: Site, site: Site) -> dict:
    minutes, cost = travel(problem_stub, origin, site)
    return {"kind": "transport", "from": origin.id, "to": site.id,
            "km": round(haversine_km(origin.lat, origin.lon, site.lat, site.lon), 1), "minutes": minutes,
            "cost_fen": cost}


def timeline(order: Order, transport: TransportConfig | None = None) -> list[dict]:
    """Steps in order with where and when they run, and the transport legs into each step from the sites of the
    steps it waits for (several for an assembly of several lines), and to the buyer."""
    transport = transport or TransportConfig()
    problem_stub = SimpleNamespace(transport=transport)  # travel() reads only the transport settings
    entries, site_of = [], {}
    for index, step in enumerate(order.steps):
        booking = _booking_of(step)
        factory = booking.factory if booking else None
        site = Site(str(SiteRef(factory.id)), factory.latitude, factory.longitude) if factory else None
        origins = [site_of[p] for p in _predecessors(order, index) if site_of.get(p) is not None]
        for origin in {o.id: o for o in origins}.values():
            if site is not None and origin.id != site.id:
                entries.append(_leg(problem_stub, origin, site))
        entries.append({"kind": "step", "sequence": step.sequence, "process": step.process_code,
                        "line": step.line.position if step.line is not None else None,
                        "status": step.status, "factory": factory.name if factory else None,
                        "factory_firm_id": factory.firm_id if factory else None,
                        "machine": booking.machine.name if booking and booking.machine else None,
                        "planned_start": booking.starts_at if booking else None,
                        "planned_end": booking.ends_at if booking else None,
                        "started_at": step.started_at, "finished_at": step.finished_at})
        site_of[step.sequence] = site or (origins[0] if origins else None)
    last = site_of.get(order.steps[-1].sequence) if order.steps else None
    if last is not None:
        entries.append(_leg(problem_stub, last, Site("delivery", order.delivery_latitude, order.delivery_longitude)))
    return entries
