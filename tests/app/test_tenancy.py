"""Tenant isolation: for every object endpoint of the API, another firm gets 404 and changes nothing."""

import pytest
from sqlalchemy import select

from capacity.models import CalendarException, EquipmentAvailability, InstalmentPlan, WeeklyWindow
from marketplace.accounts.models import ApiToken

VALID_BODIES = {
    "weekly-windows": {"weekday": 1, "start": "20:00", "end": "06:00"},
    "exceptions": {"kind": "open", "starts_at": "2026-12-01T08:00:00+08:00", "ends_at": "2026-12-01T12:00:00+08:00"},
    "instalment-plans": {"months": 24, "annual_rate_bp": 500},
    "availability": {"start_date": "2027-01-01", "end_date": "2027-01-31"},
    "users/<int:user_id>": {"name": "Renamed"},
    "ratings": {"supplier_firm_id": 1, "score": 5},
    "vouchers": {"firm_id": 1},
    "refund-requests": {"amount_fen": 100, "reason": "two parts scratched"},
    "decision": {"approve": True},
    "messages": {"body": "let me in"},
    "bids": {"price_fen": 100, "lead_days": 5},
    "questions": {"question": "may we anodise?"},
    "answer": {"answer": "yes"},
    "award": {"bid_id": 1, "delivery_address": "x"},
    "counter-offer": {"starts_at": "2027-01-10T08:00:00+08:00"},
    "decline": {"reason": "busy"},
    "hand-over": {"note": "fine"},
    "return": {"note": "back"},
    "inspect": {"kept_fen": 0},
    "applications": {"purpose": "x", "requested_fen": 10**12},  # over any cap: an SME of the cluster gets a 422
    "decide": {"application_ids": [1], "approve": True},
    "reimbursements": {"amount_fen": 1, "reference": "x", "received_on": "2026-11-30"},
    "plans/<int:report_plan_id>": {"targets": {"firms": 30}},
}


@pytest.fixture
def world(db, create_firm, create_user, create_factory, create_machine, create_equipment, create_cluster):
    """Firm A (factory and lessor) with one of everything; firm B, operators of A's cluster and of another."""
    a = create_firm("factory", "lessor", name="A")
    user_a = create_user(a)
    site = create_factory(a)
    machine = create_machine(site)
    item = create_equipment(a, listed=False, site_factory_id=site.id)
    now = site.created_at
    with db.session.no_autoflush:
        window = WeeklyWindow(machine=machine, weekday=0, start_minute=1200, end_minute=360)
        exception = CalendarException(
            machine=machine, kind="blackout", starts_at=now, ends_at=now.replace(year=now.year + 1)
        )
        plan = InstalmentPlan(equipment=item, months=6, annual_rate_bp=450)
        availability = EquipmentAvailability(equipment=item, start_date=now.date(), end_date=now.date())
        token, _ = ApiToken.issue(user_a, "a's token")
        db.session.add_all([window, exception, plan, availability, token])
    db.session.commit()
    ids = {
        "factory_id": site.id,
        "machine_id": machine.id,
        "window_id": window.id,
        "exception_id": exception.id,
        "equipment_id": item.id,
        "plan_id": plan.id,
        "availability_id": availability.id,
        "firm_id": a.id,
        "token_id": token.id,
        "user_id": user_a.id,
    } | _orders_and_money(db, a, user_a, site, machine, create_firm, create_equipment, create_factory)
    b = create_user(create_firm("factory", "lessor", "buyer", name="B"))
    operator = create_user(create_firm("operator", name="Operator"))
    other_cluster = create_cluster()
    stranger_operator = create_user(create_firm("operator", name="Other operator", cluster=other_cluster))
    return {"ids": ids, "a": user_a, "b": b, "operator": operator, "stranger_operator": stranger_operator}


def _orders_and_money(db, a, user_a, site, machine, create_firm, create_equipment, create_factory):
    """A's order with a booked step, a lease A holds, a quote, a planning run and a voucher programme."""
    from datetime import date, timedelta

    from capacity.lease_models import Lease
    from marketplace.orders.models import Booking, Order, OrderStep
    from marketplace.payments.models import RefundRequest
    from marketplace.planning.models import PlanRun
    from marketplace.quotes.models import Quote
    from marketplace.vouchers.models import VoucherProgramme

    now = site.created_at
    order = Order(reference="W-1", cluster_id=a.cluster_id, buyer=a, title="Bracket", status="accepted",
                  material_code="al6061", quantity=5, release_date=date(2026, 12, 1), due_date=date(2026, 12, 9),
                  delivery_latitude=22.8, delivery_longitude=113.8, total_fen=100_000)
    step = OrderStep(sequence=1, process_code="cnc_mill_3ax", run_minutes_per_unit=5)
    order.steps.append(step)
    booking = Booking(machine=machine, step=step, starts_at=now + timedelta(days=1),
                      ends_at=now + timedelta(days=1, hours=1))
    lessor = create_firm("lessor", name="Lessor C")
    item = create_equipment(lessor, site_factory_id=create_factory(lessor).id, delivered_to_lessee=False)
    lease = Lease(reference="LS-W1", equipment=item, lessee=a, start_date=date(2027, 1, 1), end_date=date(2027, 1, 5),
                  days=5, daily_rate_fen=1, rent_fen=5, deposit_fen=0, total_payable_fen=5)
    quote = Quote(reference="Q-W1", cluster_id=a.cluster_id, buyer_firm_id=a.id, user_id=user_a.id,
                  valid_until=now + timedelta(days=14), material_code="al6061", quantity=5, quantities=[5],
                  route=["cnc_mill_3ax"], route_proposed=True, feasible=True, lead_time_tier="standard",
                  unit_price_fen=1, total_fen=5, inputs={}, geometry={}, breaks=[], tiers=[], work_content=[],
                  warnings=[], assumptions=[])
    run = PlanRun(cluster_id=a.cluster_id, state="done")
    programme = VoucherProgramme(cluster_id=a.cluster_id, name="P", budget_fen=100, per_firm_cap_fen=10,
                                 kind="fixed", value_fen=5, valid_from=date(2026, 1, 1), valid_until=date(2026, 12, 31))
    db.session.add_all([order, booking, lease, quote, run, programme])
    db.session.flush()
    refund_request = RefundRequest(order_id=order.id, amount_fen=100, reason="scratched")
    db.session.add(refund_request)
    document = _document(db, order, user_a)
    from marketplace.bids.models import BidRequest

    bid_request = BidRequest(reference="RFQ-W1", cluster_id=a.cluster_id, buyer_firm_id=a.id, user_id=user_a.id,
                             quote_id=quote.id, title="Bracket", deadline_at=now + timedelta(days=3))
    from marketplace.addresses.models import DeliveryAddress

    address = DeliveryAddress(firm_id=a.id, address="A's dock", latitude=22.8, longitude=113.8)
    db.session.add_all([bid_request, address])
    db.session.flush()
    from marketplace.bids.models import BidQuestion

    question = BidQuestion(request_id=bid_request.id, firm_id=a.id, user_id=user_a.id, question="?")
    from marketplace.planning.models import CounterOffer

    offer = CounterOffer(order_id=order.id, order_step_id=step.id, booking_id=booking.id, machine_id=machine.id,
                         firm_id=a.id, planned_start=booking.starts_at, planned_end=booking.ends_at,
                         proposed_start=booking.starts_at + timedelta(days=1),
                         proposed_end=booking.ends_at + timedelta(days=1))
    from marketplace.documents.blobs import store
    from marketplace.leasing.models import LeasePhoto
    from marketplace.reports.models import ReportPlan, ReportTarget

    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
    photo = LeasePhoto(public_id="w-lease-photo-0123", lease_id=lease.id, stage="handover", filename="a.png",
                       content_type="image/png", size_bytes=len(png), sha256=store().put(png),
                       uploader_user_id=user_a.id)

    report_plan = ReportPlan(cluster_id=a.cluster_id, name="Province", period_start=date(2026, 1, 1),
                             period_end=date(2026, 12, 31), targets=[ReportTarget(metric="firms", stored_value=20)])
    db.session.add_all([question, offer, report_plan, photo])
    db.session.commit()
    return {"order_id": order.id, "booking_id": booking.id, "lease_id": lease.id, "quote_id": quote.id,
            "run_id": run.id, "programme_id": programme.id, "request_id": refund_request.id,
            "public_id": document.public_id, "bid_request_id": bid_request.id, "address_id": address.id,
            "question_id": question.id, "offer_id": offer.id, "report_plan_id": report_plan.id,
            "photo_id": photo.public_id}


def _document(db, order, user):
    """A drawing of the order (in the blob store) and a message of its thread."""
    from marketplace.documents.blobs import store
    from marketplace.documents.models import Document
    from marketplace.messages.models import Message

    pdf = b"%PDF-1.4\n%%EOF\n"
    document = Document(public_id="w-drawing-0123456789abcdef", order_id=order.id, kind="drawing",
                        filename="a.pdf", content_type="application/pdf", size_bytes=len(pdf),
                        sha256=store().put(pdf), uploader_user_id=user.id, uploader_firm_id=user.firm_id)
    db.session.add(document)
    db.session.flush()
    db.session.add(Message(order_id=order.id, author_user_id=user.id, author_firm_id=user.firm_id, body="hello",
                           document_id=document.id))
    return document


OPERATOR_ONLY = ("/api/v1/plan-runs/", "/api/v1/voucher-programmes/", "/api/v1/reports/")
PUBLIC_IN_CLUSTER = {"/api/v1/suppliers/<int:firm_id>"}  # a supplier's profile: every firm of the cluster sees it
# any SME of the cluster may apply to its programmes (the amount asked here is over the cap: 422, nothing stored)
APPLY_IN_CLUSTER = {("POST", "/api/v1/voucher-programmes/<int:programme_id>/applications")}


def object_endpoints(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.arguments:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


def snapshot(db):
    """Every row of every table (but the intruder's own token's last-used stamp, which auth updates)."""
    state = {}
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if c.name != "last_used_at"]
        rows = db.session.execute(select(*columns)).all()
        state[table.name] = sorted(map(repr, rows))
    return state


def call(client, rule, method, ids):
    url = rule.rule
    for name in rule.arguments:
        url = url.replace(f"<int:{name}>", str(ids[name])).replace(f"<{name}>", str(ids[name]))
    assert "<" not in url, f"no id for {url}"
    body = next((b for suffix, b in VALID_BODIES.items() if rule.rule.endswith(suffix)), {})
    query = (
        {"start": "2026-12-01T00:00:00+08:00", "end": "2026-12-08T00:00:00+08:00"} if url.endswith("/idle") else None
    )
    return client.open(
        url, method=method, json=body if method in ("POST", "PATCH", "PUT") else None, query_string=query
    )


@pytest.mark.parametrize("intruder", ["b", "stranger_operator"])
def test_other_firms_get_404_and_change_nothing(app, db, world, api_as, intruder):
    client = api_as(world[intruder])
    endpoints = list(object_endpoints(app))
    assert len(endpoints) >= 15
    before = snapshot(db)
    for rule, method in endpoints:
        response = call(client, rule, method, world["ids"])
        if intruder == "b" and rule.rule in PUBLIC_IN_CLUSTER:
            assert response.status_code == 200
            continue
        if intruder == "b" and (method, rule.rule) in APPLY_IN_CLUSTER:
            assert response.status_code == 422
            continue
        assert response.status_code == 404, (method, rule.rule, response.status_code, response.json)
        assert set(response.json) == {"code", "status", "message", "errors"}
    db.session.expire_all()
    assert snapshot(db) == before


def test_owner_reaches_every_object_endpoint(app, world, api_as):
    client = api_as(world["a"])
    for rule, method in object_endpoints(app):
        if method == "GET" and not rule.rule.startswith(OPERATOR_ONLY):
            response = call(client, rule, method, world["ids"])
            allowed = 404 if rule.rule.startswith("/api/v1/equipment-listings") else 200  # A's item is unlisted
            assert response.status_code == allowed, (rule.rule, response.json)


def test_operator_reads_its_cluster_but_cannot_write(app, db, world, api_as):
    client = api_as(world["operator"])
    ids = world["ids"]
    assert client.get(f"/api/v1/factories/{ids['factory_id']}").status_code == 200
    assert client.get(f"/api/v1/machines/{ids['machine_id']}").status_code == 200
    assert client.get(f"/api/v1/firms/{ids['firm_id']}").status_code == 200
    assert client.get("/api/v1/firms").json["total"] == 4  # A, B, lessor C and the operator itself, not the stranger
    before = snapshot(db)
    r = client.patch(f"/api/v1/machines/{ids['machine_id']}", json={"hourly_rate_fen": 1})
    assert r.status_code == 403
    assert client.delete(f"/api/v1/factories/{ids['factory_id']}").status_code == 403
    db.session.expire_all()
    assert snapshot(db) == before


def test_list_endpoints_show_only_own_records(world, api_as):
    client = api_as(world["b"])
    for url in ("/api/v1/factories", "/api/v1/machines", "/api/v1/equipment"):
        assert client.get(url).json["total"] == 0, url
    assert [f["name"] for f in client.get("/api/v1/firms").json["items"]] == ["B"]
