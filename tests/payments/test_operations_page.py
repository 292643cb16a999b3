"""/operations: parked work with its error and a Retry button, work being retried, the last reconciliation — for
the cluster's operator only, in Chinese first."""

from __future__ import annotations

from marketplace.events import DeliveryConfirmed
from marketplace.outbox import emit
from marketplace.outbox.models import OutboxMessage
from marketplace.payments.reconcile import reconcile

PASSWORD = "correct horse battery"


def _signed_in(app, user, locale="zh"):
    client = app.test_client()
    if locale == "en":
        client.post("/language/en")
    client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    return client


def test_operator_sees_parked_work_and_retries_it(app, db, drain, create_firm, create_user, create_cluster, buyer,
                                                  create_paid_order, fake_stripe):
    app.config["OUTBOX_MAX_ATTEMPTS"] = 1
    order = create_paid_order(buyer, 10_000)  # never paid: settling it must fail
    emit(DeliveryConfirmed(order_id=order.id))
    db.session.commit()
    drain()
    row = db.session.query(OutboxMessage).filter_by(handler="payments.settle").one()
    assert row.state == "parked" and "settlement of order" in row.last_error
    reconcile()
    operator = create_user(create_firm("operator", name="Office"))
    page = _signed_in(app, operator).get("/operations").get_data(as_text=True)
    assert "后台任务" in page and "已搁置" in page and "扣款并向工厂结算" in page and f"order:{order.id}" in page
    assert "账目与支付服务商一致" in page  # the reconciliation found nothing to repair
    english = _signed_in(app, operator, "en").get("/operations").get_data(as_text=True)
    assert "Background work" in english and "Retry" in english

    stranger = create_user(create_firm("operator", name="Other", cluster=create_cluster()))
    client = _signed_in(app, stranger)
    assert "payments.settle" not in client.get("/operations").get_data(as_text=True)
    assert client.post(f"/operations/{row.id}/retry").status_code == 404
    assert _signed_in(app, create_user(buyer)).get("/operations").status_code == 403

    assert _signed_in(app, operator).post(f"/operations/{row.id}/retry").status_code == 302
    db.session.refresh(row)
    assert row.state == "pending" and row.attempts == 0
