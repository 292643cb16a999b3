"""A small cluster for the order path: a mill and an anodising line at two sites, a buyer, an operator, payments."""

from __future__ import annotations

import time

import pytest

from capacity.models import WeeklyWindow


@pytest.fixture
def app_config(app_config, tmp_path):
    return app_config | {"QUOTE_UPLOAD_DIR": str(tmp_path / "uploads"), "PLANNING_TIME_LIMIT_S": 2.0}


@pytest.fixture
def shops(db, create_firm, create_user, create_factory, create_machine):
    """Two factory firms: milling at one site, anodising at another 5 km away; idle every day 00:00-24:00."""
    mill_firm, finish_firm = create_firm("factory", name="Mill Co"), create_firm("factory", name="Finish Co")
    mill = create_machine(create_factory(mill_firm, name="Mill plant"), "cnc_mill_3ax", name="Mill",
                          materials=("al6061",))
    anodise = create_machine(create_factory(finish_firm, name="Finish plant", lat=22.85, lon=113.82), "anodise",
                             name="Anodise", materials=("al6061",), hourly_rate_fen=9000, envelope_x_mm=2000,
                             envelope_y_mm=800, envelope_z_mm=800)
    for machine in (mill, anodise):
        for day in range(7):
            db.session.add(WeeklyWindow(machine=machine, weekday=day, start_minute=0, end_minute=1440))
    db.session.commit()
    return {"mill_user": create_user(mill_firm), "finish_user": create_user(finish_firm), "mill_firm": mill_firm,
            "finish_firm": finish_firm}


@pytest.fixture
def buyer_user(create_firm, create_user):
    return create_user(create_firm("buyer", name="Buyer Co"))


@pytest.fixture
def operator_user(create_firm, create_user):
    return create_user(create_firm("operator", name="Cluster office"))


@pytest.fixture
def fake_stripe(app):
    import httpx

    from marketplace import payments
    from marketplace.devtools.fake_stripe import FakeStripe

    fake = FakeStripe(connect=True)
    payments.init_app(app, transport=httpx.MockTransport(fake), sleep=lambda s: None)
    return fake


@pytest.fixture
def planned_order(api_as, shops, buyer_user, fake_stripe, drain):
    """A paid order planned across both factories (milling at Mill Co, anodising at Finish Co). Returns its JSON."""
    buyer = api_as(buyer_user)
    quote = buyer.post("/api/v1/quotes", json={"material": "al6061", "quantity": 20, "bbox_mm": [100, 60, 20],
                                               "volume_mm3": 80000, "finish": "anodised"}).json
    order = buyer.post("/api/v1/orders", json={"quote_id": quote["id"], "delivery_address": "长安镇振安路 88 号",
                                               "delivery_latitude": 22.80, "delivery_longitude": 113.80}).json
    assert buyer.post(f"/api/v1/orders/{order['id']}/pay", json={}).status_code == 202
    for _ in range(120):  # with a live server, its own job thread may hold a row that drain() then does not see
        drain()
        order = buyer.get(f"/api/v1/orders/{order['id']}").json
        if order["status"] == "planned":
            break
        time.sleep(0.25)
    assert order["status"] == "planned", order
    return order


@pytest.fixture
def outsider_user(create_firm, create_user):
    """A factory of the same cluster with nothing to do with the order."""
    return create_user(create_firm("factory", name="Other Works"))


@pytest.fixture
def big_mill(db, create_firm, create_user, create_factory, create_machine):
    firm = create_firm("factory", name="Big Mill Co")
    machine = create_machine(create_factory(firm, name="Big Mill plant", lat=22.83, lon=113.79), "cnc_mill_3ax",
                             name="Gantry")
    for day in range(7):
        db.session.add(WeeklyWindow(machine=machine, weekday=day, start_minute=0, end_minute=1440))
    db.session.commit()
    return {"user": create_user(firm), "firm": firm, "machine": machine}


@pytest.fixture
def assembler(db, create_firm, create_user, create_factory, create_machine):
    firm = create_firm("factory", name="Assembly Co")
    machine = create_machine(create_factory(firm, name="Assembly hall", lat=22.88, lon=113.75), "assembly",
                             name="Bench", materials=(), hourly_rate_fen=6000, envelope_x_mm=3000,
                             envelope_y_mm=3000, envelope_z_mm=3000, best_tolerance_mm=0.5)
    db.session.add_all([WeeklyWindow(machine=machine, weekday=d, start_minute=0, end_minute=1440) for d in range(7)])
    db.session.commit()
    return {"user": create_user(firm), "firm": firm, "machine": machine}
