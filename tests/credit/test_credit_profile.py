"""Credit profiles: the facts read from a hand-made history, the score each factor gives, and who may see it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from marketplace.credit.scoring import Facts, grade_of, score


def test_scoring_a_long_clean_history_and_a_new_firm():
    steady = Facts(1, tenure_days=800, supplied=60, delivered=50, on_time=45, ratings=20, rating_avg=4.5,
                   declines=2, disputed_supplied=1, refunded_supplied=1, placed=0)
    result = score(steady)
    points = {f["code"]: f["points"] for f in result["factors"]}
    assert points == {"delivery": 22.5, "ratings": 17.5, "disputes": round(20 * (1 - 5 * 2 / 60), 1),
                      "reliability": round(10 * (1 - 4 * 2 / 60), 1), "volume": 15.0, "tenure": 10.0}
    assert result["score"] == round(sum(points.values()), 1) and result["grade"] == "A" and not result["thin"]
    new = score(Facts(2, tenure_days=10))
    assert {f["code"]: f["reason"] for f in new["factors"]} == {
        "delivery": "too_few", "ratings": "too_few", "disputes": "no_orders", "reliability": "no_orders",
        "volume": "delivered", "tenure": "days"}
    assert new["thin"] and new["score"] == 12.5 + 10 + 10 + 5 + 0 + 0.1
    assert new["grade"] == "NR"  # not "D": a new firm is not a high risk, it has no history


def test_a_troubled_history_scores_low():
    troubled = Facts(3, tenure_days=365, supplied=10, delivered=8, on_time=2, ratings=5, rating_avg=1.8,
                     declines=3, disputed_supplied=2, refunded_supplied=1)
    result = score(troubled)
    assert {f["code"]: f["points"] for f in result["factors"]}["disputes"] == 0  # 30 % of orders troubled
    assert result["grade"] == "D"
    assert [grade_of(x) for x in (80, 79.9, 65, 50, 49.9)] == ["A", "B", "B", "C", "D"]


@pytest.fixture
def history(db, create_firm, create_user, create_factory, create_machine):
    """Factory F worked on o1 (on time, 5 stars, refunded 2 of 10 yuan), o2 (late, 3 stars), o3 (disputed) and
    declined a step of o4; buyer B placed o1..o4 (o4 cancelled) and a draft."""
    from marketplace.orders.models import Booking, Order, OrderEvent, OrderStep, Rating
    from marketplace.payments.models import Payment
    from marketplace.planning.models import StepDecline

    factory, buyer = create_firm("factory", name="F"), create_firm("buyer", name="B")
    machine = create_machine(create_factory(factory))
    t0 = datetime(2026, 10, 1, 2, tzinfo=UTC)

    def order(n, status, delivered=None, due=date(2026, 10, 20), booked=True):
        o = Order(reference=f"C-{n}", cluster_id=buyer.cluster_id, buyer=buyer, title="Bracket", status=status,
                  material_code="al6061", quantity=5, release_date=date(2026, 10, 1), due_date=due,
                  delivery_latitude=22.8, delivery_longitude=113.8, delivered_at=delivered)
        step = OrderStep(sequence=1, process_code="cnc_mill_3ax", setup_minutes=10, run_minutes_per_unit=2)
        o.steps.append(step)
        db.session.add(o)
        db.session.flush()
        if booked:
            for k in range(2):  # re-planned once: two bookings of the step, still one order worked on
                db.session.add(Booking(machine=machine, order_step_id=step.id, starts_at=t0 + timedelta(hours=k),
                                       ends_at=t0 + timedelta(hours=k + 1), status="done"))
        return o, step

    o1, _ = order(1, "completed", delivered=datetime(2026, 10, 20, 9, tzinfo=UTC))
    o2, _ = order(2, "delivered", delivered=datetime(2026, 10, 22, 9, tzinfo=UTC))
    o3, _ = order(3, "disputed")
    o4, s4 = order(4, "cancelled", booked=False)
    order(5, "draft", booked=False)
    db.session.add_all([
        OrderEvent(order_id=o3.id, from_status="shipped", to_status="disputed"),
        StepDecline(order_step_id=s4.id, machine_id=machine.id, firm_id=factory.id, reason="busy"),
        Rating(order_id=o1.id, buyer_firm_id=buyer.id, supplier_firm_id=factory.id, score=5),
        Rating(order_id=o2.id, buyer_firm_id=buyer.id, supplier_firm_id=factory.id, score=3),
        Payment(order_id=o1.id, cluster_id=buyer.cluster_id, payer_firm_id=buyer.id, amount_fen=1000,
                captured_fen=1000, refunded_fen=200, capture_method="manual", status="succeeded",
                idempotency_key="k1")])
    db.session.commit()
    operator = create_firm("operator", name="Office")
    return {"factory": factory, "buyer": buyer, "operator": operator, "users": {
        "factory": create_user(factory), "buyer": create_user(buyer), "operator": create_user(operator),
        "rival": create_user(create_firm("factory", name="Rival"))}}


def test_facts_come_from_the_history(db, history):
    from marketplace.credit.facts import facts_of

    f = facts_of(db.session, [history["factory"], history["buyer"]], datetime.now(UTC))
    factory, buyer = f[history["factory"].id], f[history["buyer"].id]
    assert (factory.supplied, factory.delivered, factory.on_time) == (3, 2, 1)
    assert (factory.ratings, factory.rating_avg, factory.declines) == (2, 4.0, 1)
    assert (factory.disputed_supplied, factory.refunded_supplied, factory.placed) == (1, 1, 0)
    assert (buyer.placed, buyer.received, buyer.cancelled, buyer.disputes_opened, buyer.spent_fen) == (4, 2, 1, 1, 800)
    assert buyer.supplied == 0


def test_the_firm_and_its_operator_see_the_profile_nobody_else(db, history, api_as, create_cluster, create_firm,
                                                              create_user):
    url = f"/api/v1/firms/{history['factory'].id}/credit-profile"
    own = api_as(history["users"]["factory"]).get(url, headers={"Accept-Language": "zh-CN"})
    assert own.status_code == 200
    delivery = next(f for f in own.json["factors"] if f["code"] == "delivery")
    assert delivery["reason"] == "too_few" and delivery["points"] == 12.5
    assert delivery["explanation"] == "作为供应商已交付 2 单；需满 3 单才能评价：计一半分。"
    operator = api_as(history["users"]["operator"])
    assert operator.get(url).json["score"] == own.json["score"]
    listed = operator.get("/api/v1/credit-profiles").json
    assert {p["firm"] for p in listed} == {"F", "B", "Rival"}  # every firm but operators
    assert [(p["thin"], -p["score"]) for p in listed] == sorted((p["thin"], -p["score"]) for p in listed)
    for intruder in (history["users"]["rival"], history["users"]["buyer"],
                     create_user(create_firm("operator", cluster=create_cluster()))):
        assert api_as(intruder).get(url).status_code == 404
    assert api_as(history["users"]["rival"]).get("/api/v1/credit-profiles").status_code == 403


def test_pages_show_the_factors_in_chinese(client, history, sign_in):
    sign_in(client, history["users"]["operator"], "zh")
    listing = client.get("/credit").get_data(as_text=True)
    assert "信用档案" in listing and "F" in listing
    page = client.get(f"/credit/{history['buyer'].id}").get_data(as_text=True)
    assert "取消" in page and "争议" in page
    assert client.get("/credit/capabilities").status_code == 200
    client.post("/sign-out")
    sign_in(client, history["users"]["rival"], "zh")
    assert client.get(f"/credit/{history['factory'].id}").status_code == 404
    assert client.get("/credit").status_code == 403
    assert client.get(f"/credit/{history['users']['rival'].firm_id}").status_code == 200
