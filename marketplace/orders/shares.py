"""What each factory is paid for each of its steps of an order: the one split that the schedule's "You receive",
the settlement's payouts and the factory's statement all read (docs/payments.md, "Fee model").

The funds held for an order (its price until it is paid) less the platform fee inside them (``marketplace.fees``)
are split between the order's bookings in proportion to their cost (booked minutes when no booking has a cost), by
the largest-remainder method; a factory firm's payout is the sum of its bookings' shares."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.fees import fee_in, split
from marketplace.orders.models import Booking, Order, OrderStep

PAYABLE_BOOKING_EXCLUDED = ("cancelled", "declined")


@dataclass(frozen=True)
class Share:
    booking_id: int
    firm_id: int
    gross_fen: int     # the booking's part of what the buyer paid
    fee_fen: int       # the platform fee inside it
    net_fen: int       # what the factory receives for it


def payable_bookings(order: Order) -> list[Booking]:
    return list(db.session.scalars(
        select(Booking).join(OrderStep, Booking.order_step_id == OrderStep.id)
        .where(OrderStep.order_id == order.id, Booking.status.not_in(PAYABLE_BOOKING_EXCLUDED))
        .order_by(Booking.id)))


def _weights(bookings: list[Booking]) -> dict[int, int]:
    costs = {b.id: b.cost_fen or 0 for b in bookings if b.factory is not None}
    if sum(costs.values()) > 0:
        return {k: v for k, v in costs.items() if v > 0}
    return {b.id: max(1, int((b.ends_at - b.starts_at).total_seconds() // 60)) for b in bookings
            if b.factory is not None}


def order_shares(order: Order, held_fen: int | None = None) -> list[Share]:
    """Each booking's share of ``held_fen`` (default: the order's price), fee and net; [] without a booking."""
    held = order.total_fen if held_fen is None else held_fen
    bookings = {b.id: b for b in payable_bookings(order)}
    weights = _weights(list(bookings.values()))
    if not weights or held is None or held <= 0:
        return []
    fee = fee_in(held)
    nets, fees = split(held - fee, weights), split(fee, weights)
    return [Share(k, bookings[k].factory.firm_id, nets[k] + fees[k], fees[k], nets[k]) for k in sorted(weights)]


def firm_totals(shares: list[Share]) -> dict[int, Share]:
    """Per factory firm: the sum of its bookings' shares (booking_id 0)."""
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for s in shares:
        sums[s.firm_id][0] += s.gross_fen
        sums[s.firm_id][1] += s.fee_fen
        sums[s.firm_id][2] += s.net_fen
    return {firm: Share(0, firm, *values) for firm, values in sorted(sums.items())}
