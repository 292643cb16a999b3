"""REST API: refund requests (the buyer asks, the operator or a factory of the order decides), payables and
payouts. An approved request is refunded in the background (RefundApproved); its refund's status follows the
provider's."""

from __future__ import annotations

from flask import abort
from flask.views import MethodView
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from marketplace.accounts.auth import require_kind
from marketplace.api_common import api_blueprint
from marketplace.db_types import utcnow
from marketplace.errors import FieldError
from marketplace.events import RefundApproved
from marketplace.extensions import db
from marketplace.orders.access import readable_order, supplier_order_ids
from marketplace.orders.models import Order, OrderStep
from marketplace.outbox import emit
from marketplace.payments import settlement
from marketplace.payments.models import Payment, Payout, Refund, RefundRequest
from marketplace.payments.schemas import (
    PayablesSchema,
    PayoutSchema,
    RefundDecisionSchema,
    RefundRequestCreateSchema,
    RefundRequestSchema,
)
from marketplace.tenancy import current_firm

payments_blp = api_blueprint("payments_api", __name__, "", "Refund requests, payables and payouts")


def _view(request: RefundRequest) -> dict:
    refund = db.session.scalar(select(Refund).where(Refund.idempotency_key == f"refund_request:{request.id}"))
    view = {c: getattr(request, c) for c in RefundRequestSchema().fields if hasattr(request, c)}
    return view | {"refund_status": refund.status if refund else None}


def _open_amount(order: Order) -> int:
    """Captured, minus refunded, minus refunds in flight, minus requests still waiting for a decision."""
    payment = db.session.scalar(select(Payment).where(Payment.order_id == order.id))
    if payment is None or payment.status != "succeeded":
        raise FieldError("amount_fen", _("Nothing has been captured for this order yet."))
    waiting = sum(r.amount_fen for r in db.session.scalars(select(RefundRequest).where(
        RefundRequest.order_id == order.id, RefundRequest.status == "requested")))
    return payment.refundable_fen - waiting


@payments_blp.route("/orders/<int:order_id>/refund-requests")
class RefundRequests(MethodView):
    @payments_blp.response(200, RefundRequestSchema(many=True))
    def get(self, order_id):
        """The order's refund requests"""
        order = readable_order(order_id)
        rows = db.session.scalars(select(RefundRequest).where(RefundRequest.order_id == order.id)
                                  .order_by(RefundRequest.id))
        return [_view(r) for r in rows]

    @payments_blp.arguments(RefundRequestCreateSchema)
    @payments_blp.response(201, RefundRequestSchema)
    def post(self, data, order_id):
        """Ask for money back, all or part, with a reason (the buyer)"""
        order = readable_order(order_id)
        if order.buyer_firm_id != current_firm().id:
            abort(403, _("Only the buyer can ask for a refund."))
        db.session.execute(select(Order.id).where(Order.id == order.id).with_for_update())
        available = _open_amount(order)
        if data["amount_fen"] > available:
            raise FieldError("amount_fen", _("At most %(amount)s fen can still be asked for.",
                                             amount=max(available, 0)))
        request = RefundRequest(order_id=order.id, amount_fen=data["amount_fen"], reason=data["reason"],
                                requested_by_id=current_user.id)
        db.session.add(request)
        db.session.commit()
        return _view(request)


@payments_blp.route("/refund-requests/<int:request_id>/decision")
class RefundDecision(MethodView):
    @payments_blp.arguments(RefundDecisionSchema)
    @payments_blp.response(202, RefundRequestSchema)
    def post(self, data, request_id):
        """Approve or decline a refund request (the cluster's operator, or a factory that worked on the order).
        An approval answers at once; the refund is sent in the background."""
        request = db.session.get(RefundRequest, request_id)
        order = db.session.get(Order, request.order_id) if request else None
        firm = current_firm()
        works_on = order is not None and db.session.scalar(
            supplier_order_ids(firm.id).where(OrderStep.order_id == order.id).limit(1)) is not None
        operates = order is not None and firm.is_operator and order.cluster_id == firm.cluster_id
        if order is None or not (works_on or operates or order.buyer_firm_id == firm.id):
            abort(404, f"No refund request with id {request_id}.")
        if not (works_on or operates):
            abort(403, _("The operator or a factory of the order decides."))
        if request.status != "requested":
            raise FieldError("approve", _("This request was already %(status)s.", status=request.status))
        request.status = "approved" if data["approve"] else "declined"
        request.decision_note, request.decided_by_id, request.decided_at = data["note"], current_user.id, utcnow()
        if data["approve"]:
            emit(RefundApproved(order_id=order.id, request_id=request.id, amount_fen=request.amount_fen),
                 dedupe=f"refund_request:{request.id}")
        db.session.commit()
        return _view(request)


def _payout_view(payout: Payout) -> dict:
    order = db.session.get(Order, payout.order_id)
    return {c: getattr(payout, c) for c in PayoutSchema().fields if hasattr(payout, c)} | {
        "order_reference": order.reference}


@payments_blp.route("/payables")
class Payables(MethodView):
    @payments_blp.response(200, PayablesSchema)
    def get(self):
        """What the platform owes your factory firm, and the payouts not yet paid"""
        require_kind("factory")
        owed = settlement.firm_payables(current_firm())
        return {"owed_fen": owed["owed_fen"], "payouts": [_payout_view(p) for p in owed["payouts"]]}


@payments_blp.route("/payouts")
class Payouts(MethodView):
    @payments_blp.response(200, PayoutSchema(many=True))
    def get(self):
        """Your firm's payouts (factories), or every payout of the cluster (operators); newest first"""
        firm = current_firm()
        if firm.is_operator:
            rows = db.session.scalars(select(Payout).where(Payout.cluster_id == firm.cluster_id)
                                      .order_by(Payout.id.desc()).limit(500))
        else:
            require_kind("factory")
            rows = settlement.firm_payouts(firm)
        return [_payout_view(p) for p in rows]


BLUEPRINTS = (payments_blp,)
