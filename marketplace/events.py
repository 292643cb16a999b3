"""The events that cross features: the one contract between the feature that changes state and the features that
follow up. Each is a frozen dataclass of plain values; `topic` names it in the outbox.

Emit with `marketplace.outbox.emit(event)` inside the transaction that makes the change; subscribe with
`@marketplace.outbox.subscribe(EventClass)`. docs/architecture.md draws who emits and who handles what.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import ClassVar

TOPICS: dict[str, type[Event]] = {}


@dataclass(frozen=True)
class Event:
    topic: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.topic:
            TOPICS[cls.topic] = cls

    def to_payload(self) -> dict:
        return asdict(self)

    @classmethod
    def from_payload(cls, payload: dict) -> Event:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in payload.items() if k in names})

    @property
    def lock_key(self) -> str | None:
        """The entity this event's handlers change; two handlers of one entity never run at once."""
        order_id = getattr(self, "order_id", None)
        return f"order:{order_id}" if order_id is not None else None


# -- orders -> payments, payments -> planning --------------------------------------------------------------------
@dataclass(frozen=True)
class PaymentRequested(Event):
    """The buyer pressed Pay: charge `amount_fen` (the voucher's `subsidy_fen` already deducted). The payments
    feature decides how (authorise-and-capture or charge now)."""
    topic: ClassVar[str] = "order.payment_requested"
    order_id: int
    attempt: int
    amount_fen: int
    subsidy_fen: int = 0
    programme_id: int | None = None


@dataclass(frozen=True)
class OrderCancelled(Event):
    """Cancelled before production: void or refund the payment, reverse the voucher subsidy's posting."""
    topic: ClassVar[str] = "order.cancelled"
    order_id: int
    subsidy_fen: int = 0
    programme_id: int | None = None


@dataclass(frozen=True)
class DeliveryConfirmed(Event):
    """The buyer has the parts: capture, settle and pay the factories out."""
    topic: ClassVar[str] = "order.delivery_confirmed"
    order_id: int


@dataclass(frozen=True)
class RefundApproved(Event):
    """A refund request was approved by the operator or the factory: refund `amount_fen`."""
    topic: ClassVar[str] = "order.refund_approved"
    order_id: int
    request_id: int
    amount_fen: int


@dataclass(frozen=True)
class OrderPaid(Event):
    """The order's payment is authorised or captured; its steps can be planned."""
    topic: ClassVar[str] = "order.paid"
    order_id: int
    cluster_id: int


# -- webhooks and sweeps -> payments ------------------------------------------------------------------------------
@dataclass(frozen=True)
class PaymentSyncRequested(Event):
    """Something changed at the provider (a signed webhook named this order's PaymentIntent, charge, refund or
    dispute), or a periodic sweep found an operation whose outcome is unknown: re-fetch and bring the books up."""
    topic: ClassVar[str] = "payment.sync_requested"
    order_id: int
    reason: str = ""
    dispute_id: str | None = None


# -- planning ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PlanRequested(Event):
    topic: ClassVar[str] = "plan.requested"
    run_id: int
    cluster_id: int

    @property
    def lock_key(self) -> str | None:
        return f"cluster:{self.cluster_id}:plan"


@dataclass(frozen=True)
class StepDeclined(Event):
    """A factory declined a booked step: re-place it at once (local repair), then re-plan in the background."""
    topic: ClassVar[str] = "plan.step_declined"
    order_step_id: int
    order_id: int
    cluster_id: int
    user_id: int | None = None

    @property
    def lock_key(self) -> str | None:
        return f"cluster:{self.cluster_id}:plan"  # before the full re-plan queued with it, never beside it


@dataclass(frozen=True)
class CounterOfferChanged(Event):
    """A factory answered an assignment with a later start, or the buyer decided on it: tell the other side."""
    topic: ClassVar[str] = "plan.counter_offer_changed"
    counter_offer_id: int
    order_id: int
    status: str  # open accepted rejected withdrawn

    @property
    def lock_key(self) -> str | None:
        return f"notify:order:{self.order_id}"


# -- accounts -> mail ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class InvitationCreated(Event):
    """An owner invited someone to the firm: send the invitation e-mail."""
    topic: ClassVar[str] = "accounts.invitation_created"
    invitation_id: int

    @property
    def lock_key(self) -> str | None:
        return f"invitation:{self.invitation_id}"


# -- orders and messages -> notifications -------------------------------------------------------------------------
@dataclass(frozen=True)
class OrderStatusChanged(Event):
    """An order moved from one status to another (written by orders.lifecycle.transition with its audit row)."""
    topic: ClassVar[str] = "order.status_changed"
    order_id: int
    order_event_id: int
    from_status: str
    to_status: str

    @property
    def lock_key(self) -> str | None:
        return f"notify:order:{self.order_id}"  # not the order's own key: a page never waits for a notification


@dataclass(frozen=True)
class StepFinished(Event):
    """A factory finished a step of an order: tell the buyer how far it is."""
    topic: ClassVar[str] = "order.step_finished"
    order_id: int
    order_step_id: int

    @property
    def lock_key(self) -> str | None:
        return f"notify:order:{self.order_id}"


@dataclass(frozen=True)
class VoucherIssued(Event):
    """The operator issued a service voucher to a buyer firm: tell its users."""
    topic: ClassVar[str] = "vouchers.issued"
    voucher_id: int

    @property
    def lock_key(self) -> str | None:
        return f"voucher:{self.voucher_id}"


@dataclass(frozen=True)
class VoucherApplicationChanged(Event):
    """An SME applied for a voucher (tell the operators) or the operator rejected it (tell the SME; an approval
    issues a voucher, which says so itself)."""
    topic: ClassVar[str] = "vouchers.application_changed"
    application_id: int
    status: str

    @property
    def lock_key(self) -> str | None:
        return f"voucher-application:{self.application_id}"


@dataclass(frozen=True)
class MessagePosted(Event):
    """Someone wrote in an order's thread: tell the other participants."""
    topic: ClassVar[str] = "message.posted"
    order_id: int
    message_id: int

    @property
    def lock_key(self) -> str | None:
        return f"notify:order:{self.order_id}"


@dataclass(frozen=True)
class NotificationCreated(Event):
    """A notification reached a user's inbox: e-mail it if the user wants that kind by e-mail."""
    topic: ClassVar[str] = "notification.created"
    notification_id: int

    @property
    def lock_key(self) -> str | None:
        return f"notification:{self.notification_id}"


# -- bids -> notifications --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BidRequestPublished(Event):
    """A buyer published a part for bids: tell the factories that can make it."""
    topic: ClassVar[str] = "bids.request_published"
    request_id: int

    @property
    def lock_key(self) -> str | None:
        return f"bid-request:{self.request_id}"


@dataclass(frozen=True)
class BidSubmitted(Event):
    """A factory bid (or revised its bid): tell the buyer."""
    topic: ClassVar[str] = "bids.bid_submitted"
    request_id: int
    bid_id: int
    price_fen: int

    @property
    def lock_key(self) -> str | None:
        return f"bid-request:{self.request_id}"


@dataclass(frozen=True)
class BidQuestionChanged(Event):
    """A factory asked about a request (tell the buyer), or the buyer answered (tell every capable factory)."""
    topic: ClassVar[str] = "bids.question_changed"
    request_id: int
    question_id: int
    answered: bool

    @property
    def lock_key(self) -> str | None:
        return f"bid-request:{self.request_id}"


@dataclass(frozen=True)
class BidAwarded(Event):
    """The buyer awarded a bid and an order was placed: tell the winner and the other bidders."""
    topic: ClassVar[str] = "bids.awarded"
    request_id: int
    bid_id: int
    order_id: int

    @property
    def lock_key(self) -> str | None:
        return f"bid-request:{self.request_id}"


# -- leases -> payments, notifications ---------------------------------------------------------------------------
@dataclass(frozen=True)
class LeaseChanged(Event):
    """A lease moved to `status`: approved (charge the deposit and the first rent; `attempt` counts the lessee's
    tries after a decline), cancelled (refund what was paid), closed (refund the deposit, less what the lessor
    kept); requested, declined, active and returned only tell people."""
    topic: ClassVar[str] = "leases.changed"
    lease_id: int
    status: str
    attempt: int = 1

    @property
    def lock_key(self) -> str | None:
        return f"lease:{self.lease_id}"


@dataclass(frozen=True)
class LeaseMoneyDue(Event):
    """The sweep found work on a lease's money: an instalment due, or a charge or refund whose outcome is unknown."""
    topic: ClassVar[str] = "leases.money_due"
    lease_id: int

    @property
    def lock_key(self) -> str | None:
        return f"lease:{self.lease_id}"


# -- the runner itself -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PeriodicTask(Event):
    """A periodic task's turn (reconciliation, the sweep of unknown outcomes, clean-up)."""
    topic: ClassVar[str] = "outbox.periodic"
    name: str

    @property
    def lock_key(self) -> str | None:
        return f"periodic:{self.name}"


__all__ = [name for name, value in globals().items() if isinstance(value, type) and issubclass(value, Event)]
