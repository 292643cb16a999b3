"""Publish a quoted part for bids, bid on it, and award it.

Who sees a request: its buyer, the cluster's operator, and the factories of the cluster with an active machine for
every process of the part's route (the size, material or tolerance that stopped the instant quote is theirs to
judge). Anyone else gets 404. A factory may bid (and revise its bid) until the deadline; the buyer awards one bid,
once: the order is placed at that price plus the platform fee, every step assigned to the winner.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import func, select

from capacity.models import Factory, Machine
from marketplace.accounts.models import Firm
from marketplace.bids.models import MAX_LEAD_DAYS, MAX_PRICE_FEN, Bid, BidQuestion, BidRequest
from marketplace.errors import FieldError
from marketplace.events import BidAwarded, BidQuestionChanged, BidRequestPublished, BidSubmitted
from marketplace.extensions import db
from marketplace.fees import price_with_fee
from marketplace.orders.checkout import quote_in_use
from marketplace.orders.lifecycle import transition
from marketplace.orders.models import Order, OrderStep
from marketplace.outbox import emit_notice
from marketplace.quotes.models import Quote
from marketplace.tenancy import current_firm

MAX_DEADLINE_DAYS = 30


def route_of(request: BidRequest) -> list[str]:
    return [w.process for w in request.quote.work_steps] or list(request.quote.route)


def capable_firm_ids(cluster_id: int, processes) -> set[int]:
    """Factory firms of the cluster with an active machine of every one of the processes."""
    processes = set(processes)
    if not processes:
        return set()
    rows = db.session.execute(
        select(Factory.firm_id, func.count(func.distinct(Machine.process_code)))
        .join(Machine, Machine.factory_id == Factory.id)
        .where(Factory.cluster_id == cluster_id, Machine.active.is_(True), Machine.process_code.in_(processes))
        .group_by(Factory.firm_id)).all()
    return {firm_id for firm_id, count in rows if count == len(processes)}


def publish(quote: Quote, user, deadline_days: int, notes: str, now: datetime) -> BidRequest:
    if quote.buyer_firm_id != user.firm_id:
        raise FieldError("quote_id", _("No quote with id %(id)s belongs to your firm.", id=quote.id))
    if quote_in_use(quote.id):
        raise FieldError("quote_id", _("An order was already placed from this quote."))
    if db.session.scalar(select(BidRequest.id).where(BidRequest.quote_id == quote.id)):
        raise FieldError("quote_id", _("This quote is already out for bids."))
    if not 1 <= deadline_days <= MAX_DEADLINE_DAYS:
        raise FieldError("deadline_days", _("Give the factories 1 to %(n)d days to bid.", n=MAX_DEADLINE_DAYS))
    tz = ZoneInfo(user.firm.cluster.timezone)
    request = BidRequest(reference=f"RFQ-{now.astimezone(tz):%y%m}-{secrets.token_hex(3).upper()}",
                         cluster_id=quote.cluster_id, buyer_firm_id=quote.buyer_firm_id, user_id=user.id,
                         quote_id=quote.id, title=quote.reference, notes=(notes or "").strip()[:4000],
                         deadline_at=now + timedelta(days=deadline_days), status="open")
    db.session.add(request)
    db.session.flush()
    emit_notice(BidRequestPublished(request_id=request.id), dedupe=f"bid-request:{request.id}")
    return request


def may_read(request: BidRequest, firm: Firm) -> bool:
    if request.buyer_firm_id == firm.id or (firm.is_operator and request.cluster_id == firm.cluster_id):
        return True
    if request.cluster_id != firm.cluster_id or not firm.is_factory:
        return False
    if db.session.scalar(select(Bid.id).where(Bid.request_id == request.id, Bid.firm_id == firm.id)):
        return True
    return firm.id in capable_firm_ids(request.cluster_id, route_of(request))


def readable_request(request_id: int) -> BidRequest:
    request = db.session.get(BidRequest, request_id)
    if request is None or not may_read(request, current_firm()):
        abort(404, f"No request for bids with id {request_id}.")
    return request


def visible_requests(firm: Firm) -> list[BidRequest]:
    """The buyer's own requests; the operator's cluster's; for a factory, the open ones it can make."""
    stmt = select(BidRequest).order_by(BidRequest.id.desc()).limit(200)
    if firm.is_operator:
        return db.session.scalars(stmt.where(BidRequest.cluster_id == firm.cluster_id)).all()
    own = db.session.scalars(stmt.where(BidRequest.buyer_firm_id == firm.id)).all() if firm.is_buyer else []
    if not firm.is_factory:
        return own
    open_ones = db.session.scalars(stmt.where(BidRequest.cluster_id == firm.cluster_id,
                                              BidRequest.buyer_firm_id != firm.id)).all()
    return own + [r for r in open_ones if may_read(r, firm)]


def _locked(request: BidRequest) -> BidRequest:
    db.session.execute(select(BidRequest.id).where(BidRequest.id == request.id).with_for_update())
    db.session.refresh(request)
    return request


def submit(request: BidRequest, firm: Firm, user, price_fen: int, lead_days: int, notes: str,
           now: datetime) -> Bid:
    """Place or revise the firm's bid (the caller commits)."""
    request = _locked(request)
    if request.buyer_firm_id == firm.id or not firm.is_factory:
        raise FieldError("price_fen", _("Only the cluster's factories bid on a request."))
    if not request.is_open(now):
        raise FieldError("price_fen", _("Bidding on %(ref)s has closed.", ref=request.reference))
    if firm.id not in capable_firm_ids(request.cluster_id, route_of(request)):
        raise FieldError("price_fen", _("List a machine for every process of the part before you bid."))
    if not 1 <= price_fen <= MAX_PRICE_FEN:
        raise FieldError("price_fen", _("Give a price between ¥0.01 and ¥%(max)s.", max=f"{MAX_PRICE_FEN // 100:,}"))
    if not 1 <= lead_days <= MAX_LEAD_DAYS:
        raise FieldError("lead_days", _("Give a lead time of 1 to %(n)d days.", n=MAX_LEAD_DAYS))
    bid = db.session.scalar(select(Bid).where(Bid.request_id == request.id, Bid.firm_id == firm.id))
    if bid is None:
        bid = Bid(request_id=request.id, firm_id=firm.id)
        db.session.add(bid)
    bid.user_id, bid.price_fen, bid.lead_days = user.id, price_fen, lead_days
    bid.notes, bid.status = (notes or "").strip()[:2000], "active"
    db.session.flush()
    emit_notice(BidSubmitted(request_id=request.id, bid_id=bid.id, price_fen=price_fen),
         dedupe=f"bid:{bid.id}:{price_fen}:{lead_days}")
    return bid


def withdraw(request: BidRequest, firm: Firm, now: datetime) -> None:
    request = _locked(request)
    bid = db.session.scalar(select(Bid).where(Bid.request_id == request.id, Bid.firm_id == firm.id))
    if bid is None or bid.status != "active" or request.status != "open":
        raise FieldError("bid", _("You have no open bid on this request."))
    bid.status = "withdrawn"


def award(request: BidRequest, bid_id: int, user, delivery: dict, now: datetime) -> Order:
    """Place the order at the bid's price (plus the fee), its steps assigned to the winner; once per request."""
    request = _locked(request)
    if request.buyer_firm_id != user.firm_id:
        abort(403, _("Only the buyer can do this."))
    if request.status != "open":
        raise FieldError("bid_id", _("%(ref)s has already been awarded or withdrawn.", ref=request.reference))
    bid = db.session.get(Bid, bid_id)
    if bid is None or bid.request_id != request.id or bid.status != "active":
        raise FieldError("bid_id", _("Choose one of the bids on this request."))
    if not (delivery.get("address") or "").strip():
        raise FieldError("delivery_address", _("Give the delivery address."))
    quote = request.quote
    tz = ZoneInfo(user.firm.cluster.timezone)
    ship_by = datetime.combine((now.astimezone(tz) + timedelta(days=bid.lead_days)).date(),
                               datetime.min.time().replace(hour=18), tzinfo=tz)
    order = Order(reference=f"SMP-{now.astimezone(tz):%y%m}-{secrets.token_hex(3).upper()}",
                  cluster_id=request.cluster_id, buyer_firm_id=request.buyer_firm_id, quote_id=quote.id,
                  title=request.title[:200], status="quoted", material_code=quote.material_code,
                  quantity=quote.quantity, release_date=now.astimezone(tz).date(), due_date=ship_by.date(),
                  delivery_address=delivery["address"].strip()[:300], delivery_latitude=delivery["latitude"],
                  delivery_longitude=delivery["longitude"], total_fen=price_with_fee(bid.price_fen), tier="bid",
                  promised_at=ship_by, description=bid.notes)
    for sequence, work in enumerate(quote.work_steps, start=1):
        envelope = work.envelope_mm
        order.steps.append(OrderStep(sequence=sequence, process_code=work.process, setup_minutes=work.setup_min,
                                     run_minutes_per_unit=work.run_min_per_part, envelope_x_mm=envelope[0],
                                     envelope_y_mm=envelope[1], envelope_z_mm=envelope[2],
                                     tolerance_mm=work.tolerance_mm, assigned_firm_id=bid.firm_id))
    db.session.add(order)
    db.session.flush()
    transition(order, "accepted", user, f"awarded to bid {bid.id} on {request.reference}")
    request.status, request.awarded_bid_id, request.order_id = "awarded", bid.id, order.id
    for other in request.bids:
        if other.status == "active":
            other.status = "won" if other.id == bid.id else "lost"
    db.session.flush()
    emit_notice(BidAwarded(request_id=request.id, bid_id=bid.id, order_id=order.id), dedupe=f"award:{request.id}")
    return order


MAX_QUESTION = 2000


def ask(request: BidRequest, firm: Firm, user, text: str, now: datetime) -> BidQuestion:
    """A factory that may bid asks the buyer something before the deadline (the caller commits)."""
    text = (text or "").strip()
    if request.buyer_firm_id == firm.id or not firm.is_factory:
        raise FieldError("question", _("Only the cluster's factories ask about a request."))
    if not request.is_open(now):
        raise FieldError("question", _("Bidding on %(ref)s has closed.", ref=request.reference))
    if not 1 <= len(text) <= MAX_QUESTION:
        raise FieldError("question", _("Write your question (at most %(n)d characters).", n=MAX_QUESTION))
    question = BidQuestion(request_id=request.id, firm_id=firm.id, user_id=user.id, question=text)
    db.session.add(question)
    db.session.flush()
    emit_notice(BidQuestionChanged(request_id=request.id, question_id=question.id, answered=False),
                dedupe=f"bid-question:{question.id}:asked")
    return question


def answer(request: BidRequest, question_id: int, user, text: str, now: datetime) -> BidQuestion:
    """The buyer answers (or corrects an answer); every factory that sees the request is told."""
    if request.buyer_firm_id != user.firm_id:
        abort(403, _("Only the buyer can do this."))
    question = db.session.get(BidQuestion, question_id)
    if question is None or question.request_id != request.id:
        raise FieldError("question_id", _("No such question on this request."))
    text = (text or "").strip()
    if not 1 <= len(text) <= MAX_QUESTION:
        raise FieldError("answer", _("Write the answer (at most %(n)d characters).", n=MAX_QUESTION))
    question.answer, question.answered_at = text, now
    db.session.flush()
    emit_notice(BidQuestionChanged(request_id=request.id, question_id=question.id, answered=True),
                dedupe=f"bid-question:{question.id}:answered:{now.isoformat()}")
    return question
