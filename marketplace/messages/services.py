"""Post to an order's thread, read it (which marks it read) and count what is unread.

Posting writes the message and a `MessagePosted` event in one transaction; the notifications feature tells the
other participants after commit.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from marketplace.documents import services as documents
from marketplace.errors import FieldError
from marketplace.events import MessagePosted
from marketplace.extensions import db, insert_on_conflict
from marketplace.messages.models import MAX_BODY, Message, ThreadRead
from marketplace.orders.access import visible_orders
from marketplace.orders.models import Order
from marketplace.outbox import emit_notice


def post(order: Order, user, firm, body: str, attachment: tuple[str, bytes] | None = None) -> Message:
    """Add a message (and its attachment, stored as a document of the order); the caller commits."""
    body = (body or "").strip()
    if len(body) > MAX_BODY:
        raise FieldError("body", _("A message has at most %(n)d characters.", n=MAX_BODY))
    if not body and attachment is None:
        raise FieldError("body", _("Write a message or attach a file."))
    document = None
    if attachment is not None:
        filename, data = attachment
        document = documents.attach(order, user, firm, "attachment", filename, data)
    message = Message(order_id=order.id, author_user_id=user.id, author_firm_id=firm.id, body=body,
                      document_id=document.id if document else None)
    db.session.add(message)
    db.session.flush()
    emit_notice(MessagePosted(order_id=order.id, message_id=message.id), dedupe=f"message:{message.id}")
    mark_read(user, order.id, message.id)
    return message


def thread(order: Order) -> list[Message]:
    return db.session.scalars(select(Message).where(Message.order_id == order.id).order_by(Message.id)).all()


def mark_read(user, order_id: int, message_id: int) -> None:
    stmt = insert_on_conflict(ThreadRead).values(user_id=user.id, order_id=order_id, last_read_message_id=message_id)
    larger = func.max if db.session.get_bind().dialect.name == "sqlite" else func.greatest  # never moves back
    db.session.execute(stmt.on_conflict_do_update(
        index_elements=["user_id", "order_id"],
        set_={"last_read_message_id": larger(ThreadRead.last_read_message_id, message_id)}))


def read_thread(order: Order, user) -> list[Message]:
    """The thread, marked read up to its newest message (the caller commits)."""
    messages = thread(order)
    if messages:
        mark_read(user, order.id, messages[-1].id)
    return messages


def unread_by_order(user, order_ids=None) -> dict[int, int]:
    """{order id: messages by others that the user has not seen} over the orders the user's firm may see."""
    visible = visible_orders(user.firm).with_only_columns(Order.id).order_by(None)
    stmt = (select(Message.order_id, func.count(Message.id))
            .outerjoin(ThreadRead, (ThreadRead.order_id == Message.order_id) & (ThreadRead.user_id == user.id))
            .where(Message.order_id.in_(visible), Message.author_user_id != user.id,
                   or_(ThreadRead.id.is_(None), Message.id > ThreadRead.last_read_message_id))
            .group_by(Message.order_id))
    if order_ids is not None:
        stmt = stmt.where(Message.order_id.in_(list(order_ids)))
    return dict(db.session.execute(stmt).all())
