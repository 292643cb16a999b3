"""A multi-part order (RFQ): several of the buyer's quotes become the lines of one order, with an optional
assembly step at the end whose predecessors are every line's last step — possibly at another factory, so planning
places a DAG across factories with the transport legs between them.

Each line keeps its quote's price and promise at the chosen tier; the assembly is priced from the cluster's
assembly rates like any step (setup and minutes per set, the factories' overhead and margin, the platform fee); the
order's promise is the assembly's: the latest line's ship date, the assembly time and a half-day handling buffer.
"""

from __future__ import annotations

import math
import secrets
import statistics
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select

from capacity.models import Factory, Machine
from marketplace.errors import FieldError
from marketplace.extensions import db
from marketplace.fees import price_with_fee
from marketplace.orders.checkout import quote_in_use, tier_offer
from marketplace.orders.lifecycle import transition
from marketplace.orders.models import Order, OrderLine, OrderStep
from marketplace.quotes.models import Quote
from marketplace.quotes.services import quote_params
from matching.prepare import processing_fen

MAX_LINES = 20
ASSEMBLY_SETUP_MIN = 30
HANDLING = timedelta(hours=12)


def assembly_rate_fen(cluster_id: int) -> int:
    """The cluster's median hourly rate for assembly; FieldError when no factory assembles."""
    rates = list(db.session.scalars(select(Machine.hourly_rate_fen).join(Factory).where(
        Factory.cluster_id == cluster_id, Machine.process_code == "assembly", Machine.active.is_(True))))
    if not rates:
        raise FieldError("assembly_minutes", _("No factory of the cluster offers assembly."))
    return int(statistics.median(rates))


def assembly_price(cluster_id: int, minutes_per_set: float, sets: int) -> int:
    """The buyer's price of assembling `sets` sets at `minutes_per_set` (the factories' price plus the fee)."""
    params = quote_params()
    duration = ASSEMBLY_SETUP_MIN + math.ceil(minutes_per_set * sets)
    net = processing_fen(assembly_rate_fen(cluster_id), duration)
    net = round(net * (1 + params.overhead_rate) * (1 + params.margin_rate))
    return price_with_fee(net)


def _lines(quote_ids, user, now: datetime) -> list[Quote]:
    ids = list(dict.fromkeys(quote_ids))
    if not 2 <= len(ids) <= MAX_LINES:
        raise FieldError("quote_ids", _("Choose 2 to %(n)d of your quotes, one per part.", n=MAX_LINES))
    quotes = {q.id: q for q in db.session.scalars(select(Quote).where(Quote.id.in_(ids)))}
    for quote_id in ids:
        quote = quotes.get(quote_id)
        if quote is None or quote.buyer_firm_id != user.firm_id:
            raise FieldError("quote_ids", _("No quote with id %(id)s belongs to your firm.", id=quote_id))
        if quote.valid_until < now or not quote.feasible:
            raise FieldError("quote_ids", _("Quote %(ref)s has expired or cannot be made: quote it again.",
                                            ref=quote.reference))
        if quote_in_use(quote.id):
            raise FieldError("quote_ids", _("An order was already placed from quote %(ref)s.", ref=quote.reference))
    return [quotes[i] for i in ids]


def place_multi_part(quote_ids, user, tier_name: str, assembly: dict, delivery: dict, title: str | None,
                     now: datetime) -> Order:
    """Create the accepted order with one line per quote and the assembly step that joins them (the caller
    commits). `assembly` = {minutes_per_set, sets (default: the smallest line's quantity)}."""
    quotes = _lines(quote_ids, user, now)
    if not (delivery.get("address") or "").strip():
        raise FieldError("delivery_address", _("Give the delivery address."))
    tiers = [tier_offer(q, tier_name) for q in quotes]
    tz = ZoneInfo(user.firm.cluster.timezone)
    most_sets = min(q.quantity for q in quotes)
    minutes, sets = float(assembly["minutes_per_set"]), int(assembly.get("sets") or most_sets)
    if not 0 < minutes <= 24 * 60 or not 1 <= sets <= most_sets:
        raise FieldError("assembly_minutes", _("Give the assembly minutes per set (up to a day) and at most as "
                                               "many sets as the smallest line has parts."))
    total = sum(t.price_fen for t in tiers) + assembly_price(quotes[0].cluster_id, minutes, sets)
    ship_by = (max(t.ship_by for t in tiers) + timedelta(minutes=ASSEMBLY_SETUP_MIN + math.ceil(minutes * sets))
               + HANDLING)
    order = Order(reference=f"SMP-{now.astimezone(tz):%y%m}-{secrets.token_hex(3).upper()}",
                  cluster_id=quotes[0].cluster_id, buyer_firm_id=user.firm_id, quote_id=None,
                  title=(title or " + ".join(q.reference for q in quotes))[:200], status="quoted",
                  material_code=quotes[0].material_code, quantity=sets, release_date=now.astimezone(tz).date(),
                  due_date=ship_by.astimezone(tz).date(), weight=3 if tier_name == "expedite" else 1,
                  delivery_address=delivery["address"].strip()[:300], delivery_latitude=delivery["latitude"],
                  delivery_longitude=delivery["longitude"], total_fen=total, tier=tier_name, promised_at=ship_by)
    sequence, last_steps = 0, []
    for position, (quote, tier) in enumerate(zip(quotes, tiers), start=1):
        line = OrderLine(position=position, quote_id=quote.id, title=quote.reference, material_code=quote.material_code,
                         quantity=quote.quantity, total_fen=tier.price_fen, ship_by=tier.ship_by)
        order.lines.append(line)
        for index, work in enumerate(quote.work_steps):
            sequence += 1
            envelope = work.envelope_mm
            order.steps.append(OrderStep(sequence=sequence, process_code=work.process, line=line,
                                         setup_minutes=work.setup_min, run_minutes_per_unit=work.run_min_per_part,
                                         envelope_x_mm=envelope[0], envelope_y_mm=envelope[1],
                                         envelope_z_mm=envelope[2], tolerance_mm=work.tolerance_mm,
                                         predecessors=[0] if index == 0 else [sequence - 1]))
        last_steps.append(sequence)
    order.steps.append(OrderStep(sequence=sequence + 1, process_code="assembly", setup_minutes=ASSEMBLY_SETUP_MIN,
                                 run_minutes_per_unit=minutes, tolerance_mm=1.0, predecessors=last_steps))
    db.session.add(order)
    db.session.flush()
    transition(order, "accepted", user, f"placed from {len(quotes)} quotes, {tier_name} tier, with assembly")
    return order
