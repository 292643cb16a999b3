"""Outbox handlers: turn committed events into notifications (one per user and cause, however often the event is
delivered), then e-mail each one in its reader's language."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from marketplace import mail
from marketplace.accounts.models import Firm, User
from marketplace.bids.models import Bid, BidQuestion, BidRequest
from marketplace.bids.services import capable_firm_ids, route_of
from marketplace.db_types import utcnow
from marketplace.events import (
    BidAwarded,
    BidQuestionChanged,
    BidRequestPublished,
    BidSubmitted,
    CounterOfferChanged,
    MessagePosted,
    NotificationCreated,
    OrderStatusChanged,
    StepFinished,
    VoucherIssued,
)
from marketplace.extensions import db, insert_on_conflict
from marketplace.messages.models import Message
from marketplace.notifications import wording
from marketplace.notifications.models import Notification, NotificationPreference
from marketplace.orders.models import Booking, Order, OrderStep
from marketplace.outbox import emit, subscribe
from marketplace.planning.models import CounterOffer
from marketplace.vouchers.models import Voucher

BUYER_KINDS = {"paid": "order_paid", "planned": "order_planned", "in_production": "production_started",
               "shipped": "order_shipped", "delivered": "rating_asked", "cancelled": "order_cancelled",
               "refunded": "order_refunded"}
SUPPLIER_KINDS = {"planned": "work_assigned", "delivered": "order_delivered", "completed": "order_completed",
                  "cancelled": "order_cancelled", "disputed": "order_disputed"}


def supplier_firm_ids(order_id: int) -> set[int]:
    bookings = db.session.scalars(select(Booking).join(OrderStep, Booking.order_step_id == OrderStep.id)
                                  .where(OrderStep.order_id == order_id))
    return {b.factory.firm_id for b in bookings if b.factory is not None}


def _users_of(firm_ids) -> list[User]:
    return db.session.scalars(select(User).where(User.firm_id.in_(list(firm_ids)), User.active.is_(True))
                              .order_by(User.id)).all()


def notify(users, kind: str, params: dict, link: str, source_key: str) -> int:
    """Add the notification for each user unless it is there already; queue its e-mail. Returns how many are new."""
    new = 0
    for user in users:
        stmt = (insert_on_conflict(Notification)
                .values(user_id=user.id, kind=kind, params=params, link=link, source_key=source_key,
                        created_at=utcnow())
                .on_conflict_do_nothing(index_elements=["user_id", "source_key"]).returning(Notification.id))
        notification_id = db.session.execute(stmt).scalar()
        if notification_id is not None:
            new += 1
            emit(NotificationCreated(notification_id=notification_id), dedupe=f"notification:{notification_id}")
    return new


@subscribe(OrderStatusChanged, name="notifications.order_status")
def order_status(event: OrderStatusChanged) -> None:
    order = db.session.get(Order, event.order_id)
    if order is None:
        return
    params, link = {"ref": order.reference, "title": order.title}, f"/orders/{order.id}"
    source = f"order-event:{event.order_event_id}"
    if kind := BUYER_KINDS.get(event.to_status):
        notify(_users_of([order.buyer_firm_id]), kind, params, link, source)
    if kind := SUPPLIER_KINDS.get(event.to_status):
        notify(_users_of(supplier_firm_ids(order.id) - {order.buyer_firm_id}), kind, params, link, source)


@subscribe(StepFinished, name="notifications.step_finished")
def step_finished(event: StepFinished) -> None:
    order, step = db.session.get(Order, event.order_id), db.session.get(OrderStep, event.order_step_id)
    if order is None or step is None or step.status != "done":
        return
    done = sum(1 for s in order.steps if s.status == "done")
    params = {"ref": order.reference, "title": order.title, "process": step.process_code, "done": done,
              "steps": len(order.steps)}
    notify(_users_of([order.buyer_firm_id]), "step_done", params, f"/orders/{order.id}", f"step:{step.id}")


@subscribe(CounterOfferChanged, name="notifications.counter_offer")
def counter_offer_changed(event: CounterOfferChanged) -> None:
    """An open offer asks the buyer to decide; a decision tells the factory (a withdrawal tells no one)."""
    offer = db.session.get(CounterOffer, event.counter_offer_id)
    if offer is None or event.status == "withdrawn":
        return
    order = db.session.get(Order, offer.order_id)
    params = {"ref": order.reference, "title": order.title, "firm": offer.firm.name,
              "process": offer.step.process_code, "start": offer.proposed_start.isoformat()}
    if event.status == "open":
        notify(_users_of([order.buyer_firm_id]), "counter_offer", params, f"/orders/{order.id}#counter-offers",
               f"counter-offer:{offer.id}")
    else:
        notify(_users_of([offer.firm_id]), f"counter_offer_{event.status}", params, "/schedule",
               f"counter-offer:{offer.id}:{event.status}")


@subscribe(VoucherIssued, name="notifications.voucher_issued")
def voucher_issued(event: VoucherIssued) -> None:
    voucher = db.session.get(Voucher, event.voucher_id)
    if voucher is None:
        return
    params = {"ref": voucher.code, "programme": voucher.programme.name, "amount": f"¥{voucher.cap_fen / 100:,.2f}"}
    notify(_users_of([voucher.firm_id]), "voucher_issued", params, "/vouchers/mine", f"voucher:{voucher.id}")


@subscribe(MessagePosted, name="notifications.message_posted")
def message_posted(event: MessagePosted) -> None:
    message, order = db.session.get(Message, event.message_id), db.session.get(Order, event.order_id)
    if message is None or order is None:
        return
    firms = {order.buyer_firm_id} | supplier_firm_ids(order.id)
    # the operator hears of a thread it has written in
    firms |= set(db.session.scalars(select(Message.author_firm_id).join(Firm, Firm.id == Message.author_firm_id)
                                    .where(Message.order_id == order.id, Firm.is_operator.is_(True))))
    users = [u for u in _users_of(firms) if u.id != message.author_user_id]
    excerpt = message.body[:140] + ("…" if len(message.body) > 140 else "")
    if not excerpt and message.document is not None:
        excerpt = message.document.filename
    params = {"ref": order.reference, "title": order.title, "author": message.author.name,
              "firm": message.author_firm.name, "excerpt": excerpt}
    notify(users, "message", params, f"/orders/{order.id}#messages", f"message:{message.id}")


@subscribe(BidRequestPublished, name="notifications.bid_requested")
def bid_requested(event: BidRequestPublished) -> None:
    request = db.session.get(BidRequest, event.request_id)
    if request is None or request.status != "open":
        return
    firms = capable_firm_ids(request.cluster_id, route_of(request)) - {request.buyer_firm_id}
    params = {"ref": request.reference, "title": request.title,
              "deadline": request.deadline_at.astimezone(ZoneInfo(request.buyer.cluster.timezone))
              .strftime("%Y-%m-%d %H:%M")}
    notify(_users_of(firms), "bid_requested", params, f"/bids/{request.id}", f"bid-request:{request.id}")


@subscribe(BidSubmitted, name="notifications.bid_received")
def bid_received(event: BidSubmitted) -> None:
    request, bid = db.session.get(BidRequest, event.request_id), db.session.get(Bid, event.bid_id)
    if request is None or bid is None:
        return
    params = {"ref": request.reference, "title": request.title, "firm": bid.firm.name,
              "price": f"¥{event.price_fen / 100:,.2f}"}
    notify(_users_of([request.buyer_firm_id]), "bid_received", params, f"/bids/{request.id}",
           f"bid:{bid.id}:{event.price_fen}")


@subscribe(BidQuestionChanged, name="notifications.bid_question")
def bid_question(event: BidQuestionChanged) -> None:
    request, question = db.session.get(BidRequest, event.request_id), db.session.get(BidQuestion, event.question_id)
    if request is None or question is None:
        return
    params = {"ref": request.reference, "title": request.title, "excerpt": question.question[:140]}
    if not event.answered:
        notify(_users_of([request.buyer_firm_id]), "bid_question", params, f"/bids/{request.id}#questions",
               f"bid-question:{question.id}")
        return
    firms = (capable_firm_ids(request.cluster_id, route_of(request)) | {b.firm_id for b in request.bids}) - {
        request.buyer_firm_id}
    notify(_users_of(firms), "bid_answer", params, f"/bids/{request.id}#questions",
           f"bid-answer:{question.id}:{question.answered_at.isoformat()}")


@subscribe(BidAwarded, name="notifications.bid_awarded")
def bid_awarded(event: BidAwarded) -> None:
    request, order = db.session.get(BidRequest, event.request_id), db.session.get(Order, event.order_id)
    if request is None or order is None:
        return
    params = {"ref": request.reference, "title": request.title, "order": order.reference}
    for bid in request.bids:
        won = bid.id == event.bid_id
        notify(_users_of([bid.firm_id]), "bid_won" if won else "bid_lost", params,
               f"/orders/{order.id}" if won else f"/bids/{request.id}", f"award:{request.id}")


def wants_email(user_id: int, kind: str) -> bool:
    return db.session.scalar(select(NotificationPreference.email).where(
        NotificationPreference.user_id == user_id, NotificationPreference.kind == kind)) is not False


@subscribe(NotificationCreated, name="notifications.send_email")
def send_email(event: NotificationCreated) -> None:
    notification = db.session.get(Notification, event.notification_id)
    if notification is None or notification.emailed_at is not None:
        return
    user = notification.user
    if not user.active or not wants_email(user.id, notification.kind):
        return
    link = f"{current_app.config['PUBLIC_URL'].rstrip('/')}{notification.link}"
    with force_locale(user.locale or "zh_Hans_CN"):
        subject = wording.title(notification.kind, notification.params)
        body = "\n\n".join([wording.line(notification.kind, notification.params), link,
                            str(_("Choose which notifications reach you by e-mail at the foot of your inbox."))])
    mail.send(user.email, subject, body)
    notification.emailed_at = utcnow()
