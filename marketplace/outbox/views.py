"""/operations: the operator's view of durable work — rows that keep failing (parked, with their error and a retry
button), work waiting to be retried, and the last payments reconciliation."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from marketplace.accounts.auth import firm_required
from marketplace.extensions import db
from marketplace.orders.models import Order
from marketplace.outbox.models import OutboxMessage
from marketplace.outbox.runner import retry_parked
from marketplace.payments.reconcile import last_run

operations_web = Blueprint("operations", __name__)

HANDLER_LABELS = {
    "payments.charge": _l("Charge the buyer"),
    "payments.release": _l("Release or refund a cancelled order's payment"),
    "payments.settle": _l("Capture and pay the factories"),
    "payments.refund": _l("Send an approved refund"),
    "payments.sync": _l("Check a payment with the provider"),
    "planning.plan_paid_order": _l("Plan a paid order"),
    "planning.execute": _l("Planning run"),
    "planning.repair_declined_step": _l("Re-place a declined step"),
    "outbox.periodic": _l("Periodic check"),
}


def _visible(rows: list[OutboxMessage]) -> list[OutboxMessage]:
    """The rows of the operator's cluster (by their lock: `order:<id>` or `cluster:<id>:plan`) and the cluster-less
    ones (periodic checks); one query for all the orders named."""
    kinds = {row.id: (row.lock_key or "").split(":") for row in rows}
    order_ids = {int(parts[1]) for parts in kinds.values() if parts[0] == "order"}
    order_cluster = dict(db.session.execute(select(Order.id, Order.cluster_id).where(Order.id.in_(order_ids))).all()
                         ) if order_ids else {}
    cluster_id = current_user.firm.cluster_id

    def cluster_of(parts: list[str]) -> int | None:
        if parts[0] == "order":
            return order_cluster.get(int(parts[1]))
        return int(parts[1]) if parts[0] == "cluster" else None

    return [row for row in rows if cluster_of(kinds[row.id]) in (cluster_id, None)]


@operations_web.route("/operations")
@firm_required("operator")
def index():
    parked = _visible(list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.state == "parked")
                                              .order_by(OutboxMessage.id.desc()).limit(200))))
    retrying = _visible(list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.state.in_(("pending", "running")), OutboxMessage.attempts > 0)
        .order_by(OutboxMessage.next_attempt_at).limit(200))))
    counts = dict(db.session.execute(select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)).all())
    return render_template("operations/index.html", parked=parked, retrying=retrying, counts=counts,
                           reconcile=last_run(), labels=HANDLER_LABELS)


@operations_web.route("/operations/<int:message_id>/retry", methods=["POST"])
@firm_required("operator")
def retry(message_id: int):
    row = db.session.get(OutboxMessage, message_id)
    if row is None or not _visible([row]):
        abort(404)
    if retry_parked(message_id):
        flash(_("Queued again."), "success")
    else:
        flash(_("This work is not parked any more."), "info")
    return redirect(url_for("operations.index"))
