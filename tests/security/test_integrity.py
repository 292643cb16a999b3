"""Integrity: a machine or site holding work of an open order cannot be removed (a clear 409 / message; deactivating
stays possible), a site with history is removed without a 500, only the last step's factory ships, and every
`next` a form sends stays on this site."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from marketplace.db_types import utcnow


@pytest.fixture
def work(db, create_firm, create_user, create_factory, create_machine):
    """An order in production: step 1 done on Mill (firm A), step 2 started on Anodise (firm B)."""
    from marketplace.orders.models import Booking, Order, OrderStep

    firm_a, firm_b, buyer = create_firm("factory"), create_firm("factory"), create_firm("buyer")
    site_a, site_b = create_factory(firm_a, name="Site A"), create_factory(firm_b, name="Site B")
    mill, anodise = create_machine(site_a, "cnc_mill_3ax", name="Mill"), create_machine(site_b, "anodise",
                                                                                         name="Anodise")
    order = Order(reference="O-1", cluster_id=buyer.cluster_id, buyer=buyer, title="Bracket",
                  status="in_production", material_code="al6061", quantity=5, release_date=date.today(),
                  due_date=date.today() + timedelta(days=9), delivery_latitude=22.8, delivery_longitude=113.8)
    now = utcnow()
    steps = []
    for n, (process, machine, status) in enumerate((("cnc_mill_3ax", mill, "done"), ("anodise", anodise, "started")),
                                                   start=1):
        step = OrderStep(sequence=n, process_code=process, setup_minutes=10, run_minutes_per_unit=5, status=status)
        order.steps.append(step)
        steps.append(step)
        db.session.add(Booking(machine=machine, unit=0, step=step, status=status,
                               starts_at=now + timedelta(hours=n), ends_at=now + timedelta(hours=n + 1)))
    db.session.add(order)
    db.session.commit()
    return {"order": order, "mill": mill, "anodise": anodise, "site_a": site_a, "site_b": site_b,
            "user_a": create_user(firm_a), "user_b": create_user(firm_b), "steps": steps}


def test_machine_holding_open_work_is_not_deleted(db, api_as, work):
    from capacity.models import Machine

    api = api_as(work["user_b"])
    response = api.delete(f"/api/v1/machines/{work['anodise'].id}")
    assert response.status_code == 409 and "O-1" in response.json["message"]
    assert db.session.get(Machine, work["anodise"].id) is not None
    assert api.patch(f"/api/v1/machines/{work['anodise'].id}", json={"active": False}).status_code == 200
    response = api_as(work["user_a"]).delete(f"/api/v1/factories/{work['site_a'].id}")  # its step is done, unpaid
    assert response.status_code == 409


def test_machine_page_says_why_it_stays(app, db, client, sign_in, work):
    from capacity.models import Machine

    sign_in(client, work["user_b"])
    response = client.post(f"/capacity/machines/{work['anodise'].id}/delete", follow_redirects=True)
    assert response.status_code == 200 and "deactivate it instead" in response.get_data(as_text=True)
    assert db.session.get(Machine, work["anodise"].id) is not None


def test_removal_is_allowed_once_the_order_is_closed_and_keeps_history(db, api_as, work, dummy_cluster):
    from capacity.models import Factory
    from marketplace.quotes.models import CompletedJob

    work["order"].status = "completed"
    job = CompletedJob(reference="J-1", cluster_id=dummy_cluster.id, factory_id=work["site_a"].id,
                       process_code="cnc_mill_3ax", route=["cnc_mill_3ax"], material_code="al6061", quantity=3,
                       features={}, request={}, actual_cost_fen=10_000, completed_at=utcnow())
    db.session.add(job)
    db.session.commit()
    assert api_as(work["user_a"]).delete(f"/api/v1/factories/{work['site_a'].id}").status_code == 204
    db.session.expire_all()
    assert db.session.get(Factory, work["site_a"].id) is None
    assert db.session.get(CompletedJob, job.id).factory_id is None  # the job stays in the calibration history


def test_only_the_last_steps_factory_ships(db, api_as, work):
    work["steps"][1].status = "done"
    db.session.commit()
    refused = api_as(work["user_a"]).post(f"/api/v1/orders/{work['order'].id}/ship")
    assert refused.status_code == 403
    assert api_as(work["user_b"]).post(f"/api/v1/orders/{work['order'].id}/ship").json["status"] == "shipped"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "\t//evil.example",
                                    "javascript:alert(1)"])
def test_next_never_leaves_the_site(client, sign_in, work, target):
    from marketplace.orders.models import Booking

    sign_in(client, work["user_b"])
    booking = Booking.query.filter_by(machine_id=work["anodise"].id).one()
    response = client.post(f"/bookings/{booking.id}/finish", data={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/orders/{work['order'].id}"
    assert client.post("/language/en", data={"next": target}).headers["Location"] == "/"
    fresh = client.application.test_client()
    signed = fresh.post(f"/sign-in?next={target}", data={"email": work["user_a"].email,
                                                         "password": "correct horse battery"})
    assert signed.headers["Location"] == "/home"


def test_next_on_this_site_is_followed(client, sign_in, work):
    from marketplace.orders.models import Booking

    sign_in(client, work["user_b"])
    booking = Booking.query.filter_by(machine_id=work["anodise"].id).one()
    response = client.post(f"/bookings/{booking.id}/finish", data={"next": "/schedule?week=2026-W49"})
    assert response.headers["Location"] == "/schedule?week=2026-W49"


def test_leased_equipment_is_unlisted_not_deleted(db, api_as, create_firm, create_user, create_equipment):
    from datetime import date as day

    from capacity.lease_models import Lease
    from capacity.models import Equipment

    lessor, lessee = create_firm("lessor"), create_firm("factory")
    item = create_equipment(lessor, name="Sodick AL400G")
    db.session.add(Lease(reference="L-1", equipment_id=item.id, lessee_firm_id=lessee.id, start_date=day(2026, 12, 1),
                         end_date=day(2026, 12, 5), days=5, daily_rate_fen=1000, rent_fen=5000, deposit_fen=0,
                         total_payable_fen=5000, status="returned"))
    db.session.commit()
    api = api_as(create_user(lessor))
    response = api.delete(f"/api/v1/equipment/{item.id}")
    assert response.status_code == 409 and "L-1" in response.json["message"]
    assert db.session.get(Equipment, item.id) is not None
    assert api.patch(f"/api/v1/equipment/{item.id}", json={"listed": False}).status_code == 200
    bare = create_equipment(lessor, name="Unleased")
    assert api.delete(f"/api/v1/equipment/{bare.id}").status_code == 204
