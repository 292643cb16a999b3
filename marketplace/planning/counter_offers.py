"""Counter-offers: a factory answers an assignment with a later start on the same machine instead of a plain decline,
and the order's buyer accepts or rejects it (docs/collaboration.md, "Counter-offers").

While an offer is open its booking is "countered": planning keeps it where it is. Accepting moves the booking to the
proposed slot and commits it ("accepted"; a re-plan after commit, through the outbox, moves the later steps after
it); rejecting is a decline — the machine
is excluded and the step re-placed on other capacity. Each decision is one conditional update of the offer's status,
so two answers at once decide it once. The price is not negotiable here: what the factory is paid stays the share of
the order's paid price shown on its schedule."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from marketplace.accounts.models import Firm
from marketplace.db_types import utcnow
from marketplace.errors import FieldError
from marketplace.events import CounterOfferChanged
from marketplace.extensions import db
from marketplace.orders.access import buyer_order, readable_order
from marketplace.orders.models import Booking, Order, OrderStep
from marketplace.outbox import emit
from marketplace.planning import services
from marketplace.planning.adapter import FIXED_BOOKING_STATES
from marketplace.planning.models import CounterOffer
from marketplace.tenancy import current_firm

OPEN_ORDER_STATUSES = ("paid", "planned", "in_production")
MAX_DELAY = timedelta(days=60)


def _overlapping(booking: Booking, start: datetime, end: datetime) -> int:
    return db.session.scalar(select(func.count()).select_from(Booking).where(
        Booking.machine_id == booking.machine_id, Booking.id != booking.id, Booking.status != "cancelled",
        Booking.starts_at < end, Booking.ends_at > start)) or 0


def _committed_successors(step: OrderStep) -> list[OrderStep]:
    """The order's next steps that planning will not move (committed, or held by their own counter-offer)."""
    later = [s for s in step.order.steps if step.sequence in (s.predecessors or [])]
    if not later:
        return []
    fixed = set(db.session.scalars(select(Booking.order_step_id).where(
        Booking.order_step_id.in_([s.id for s in later]), Booking.status.in_(FIXED_BOOKING_STATES))))
    return [s for s in later if s.id in fixed or s.status in ("started", "done")]


def _check_slot(booking: Booking, start: datetime, end: datetime) -> None:
    units = booking.machine.units if booking.machine is not None else 1
    if _overlapping(booking, start, end) >= units:
        raise FieldError("starts_at", _("The machine is already booked then; choose a time it is free."))


def propose(booking: Booking, firm: Firm, starts_at: datetime, note: str = "", user=None) -> CounterOffer:
    """The factory can do the step on this machine, but only from ``starts_at`` (later than planned)."""
    if booking.order_step_id is None or booking.machine_id is None:
        raise FieldError("status", _("Only platform orders can be answered with a counter-offer."))
    if booking.status != "planned":
        raise FieldError("status", _("Only a proposed assignment can be answered with a counter-offer (this one is "
                                     "%(status)s).", status=booking.status))
    step = booking.step
    if step.order.status not in OPEN_ORDER_STATUSES:
        raise FieldError("status", _("The order is no longer open for changes."))
    if starts_at.tzinfo is None:
        raise FieldError("starts_at", _("Give the start with its time zone."))
    if starts_at <= booking.starts_at:
        raise FieldError("starts_at", _("A counter-offer proposes a later start than the planned one."))
    if starts_at > booking.starts_at + MAX_DELAY:
        raise FieldError("starts_at", _("A counter-offer can move the start by at most %(days)d days.",
                                        days=MAX_DELAY.days))
    if _committed_successors(step):
        raise FieldError("starts_at", _("A later step of this order is already committed; decline instead."))
    end = starts_at + (booking.ends_at - booking.starts_at)
    _check_slot(booking, starts_at, end)
    offer = CounterOffer(order_id=step.order_id, order_step_id=step.id, booking_id=booking.id,
                         machine_id=booking.machine_id, firm_id=firm.id, planned_start=booking.starts_at,
                         planned_end=booking.ends_at, proposed_start=starts_at, proposed_end=end,
                         note=note.strip()[:300], created_by_id=getattr(user, "id", None))
    booking.status = "countered"
    db.session.add(offer)
    db.session.flush()
    emit(CounterOfferChanged(counter_offer_id=offer.id, order_id=offer.order_id, status="open"))
    return offer


def _decide(offer: CounterOffer, status: str, user) -> None:
    """Move an open offer to ``status`` once — a second answer (or a concurrent one) is refused — and tell the
    other side (and planning) after commit."""
    done = db.session.execute(update(CounterOffer).where(CounterOffer.id == offer.id, CounterOffer.status == "open")
                              .values(status=status, decided_by_id=getattr(user, "id", None), decided_at=utcnow())
                              .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        db.session.rollback()
        raise FieldError("status", _("This counter-offer was already answered."))
    db.session.refresh(offer)
    emit(CounterOfferChanged(counter_offer_id=offer.id, order_id=offer.order_id, status=status))


def _booking_of(offer: CounterOffer) -> Booking:
    booking = db.session.get(Booking, offer.booking_id) if offer.booking_id else None
    if booking is None or booking.status != "countered":
        raise FieldError("status", _("This counter-offer was already answered."))
    return booking


def accept(offer: CounterOffer, user) -> CounterOffer:
    """The buyer takes the later start: the booking moves there and is committed; later steps follow on the re-plan
    queued after commit (planning.handlers)."""
    booking = _booking_of(offer)
    if booking.step.order.status not in OPEN_ORDER_STATUSES:
        raise FieldError("status", _("The order is no longer open for changes."))
    _check_slot(booking, offer.proposed_start, offer.proposed_end)
    _decide(offer, "accepted", user)
    booking.starts_at, booking.ends_at, booking.status = offer.proposed_start, offer.proposed_end, "accepted"
    booking.note = f"counter-offer {offer.id}"
    db.session.flush()
    return offer


def reject(offer: CounterOffer, user) -> CounterOffer:
    """The buyer keeps the date: the factory's machine is excluded and the step re-placed elsewhere (a decline)."""
    booking = _booking_of(offer)
    _decide(offer, "rejected", user)
    booking.status = "planned"
    services.decline(booking, offer.firm, f"counter-offer {offer.id} rejected", user)
    return offer


def withdraw(offer: CounterOffer, user) -> CounterOffer:
    """The factory takes its offer back: the assignment is proposed again as planned."""
    booking = _booking_of(offer)
    _decide(offer, "withdrawn", user)
    booking.status = "planned"
    return offer


def of_order(order: Order) -> list[CounterOffer]:
    return list(db.session.scalars(select(CounterOffer).where(CounterOffer.order_id == order.id)
                                   .order_by(CounterOffer.id)))


def open_of_bookings(booking_ids: list[int]) -> dict[int, CounterOffer]:
    if not booking_ids:
        return {}
    return {o.booking_id: o for o in db.session.scalars(select(CounterOffer).where(
        CounterOffer.booking_id.in_(booking_ids), CounterOffer.status == "open"))}


def readable(offer_id: int) -> CounterOffer:
    """The offer if the current firm made it or may read its order; otherwise 404."""
    offer = db.session.get(CounterOffer, offer_id)
    if offer is None:
        abort(404, f"No counter-offer with id {offer_id}.")
    if offer.firm_id != current_firm().id:
        readable_order(offer.order_id)
    return offer


def answerable(offer_id: int) -> CounterOffer:
    """The offer, for its order's buyer to accept or reject (others who may read it get 403)."""
    offer = readable(offer_id)
    buyer_order(offer.order_id)
    return offer


def own(offer_id: int) -> CounterOffer:
    """The offer, for the factory firm that made it to withdraw."""
    offer = readable(offer_id)
    if offer.firm_id != current_firm().id:
        abort(403, _("Only the factory that made the counter-offer can withdraw it."))
    return offer
