"""The lease page with the test client: photos at handover (only JPEG or PNG; a bad one refuses the whole handover
and nothing is kept), served to the lease's two sides only; the actions shown follow the viewer's role; the same
photos through the API (stage and role checked, refusals name the field and keep nothing, 404 to others)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from capacity import lease_lifecycle
from capacity.lease_models import Lease
from capacity.leasing import lease
from capacity.models import EquipmentAvailability
from marketplace.db_types import utcnow
from marketplace.i18n import local_zone
from marketplace.leasing.models import LeasePhoto


def png(colour=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def paid_lease(db, create_firm, create_user, create_equipment, create_factory):
    owner, lessee = create_firm("lessor", name="Owner Leasing"), create_firm("factory", name="Lessee Works")
    users = create_user(owner), create_user(lessee)
    site = create_factory(lessee)
    item = create_equipment(owner, min_days=1, daily_rate_fen=10_000, deposit_fen=50_000, delivered_to_lessee=True)
    today = utcnow().astimezone(local_zone()).date()
    db.session.add(EquipmentAvailability(equipment=item, start_date=today, end_date=today + timedelta(days=30)))
    db.session.commit()
    record = lease(item, lessee, today + timedelta(days=2), today + timedelta(days=4), site=site, today=today)
    lease_lifecycle.approve(record, owner, today)
    lease_lifecycle.mark_paid(record)  # as the payments handler does once the charge succeeded
    db.session.commit()
    return record, users


@pytest.mark.parametrize("language, words", [("en", ["Hand over", "paid, awaiting handover"]),
                                              ("zh", ["交付设备", "已付款，待交付"])])
def test_handover_with_photos(sign_in, app, client, db, paid_lease, create_user, create_firm, language, words):
    record, (owner_user, lessee_user) = paid_lease
    sign_in(client, owner_user, language)
    page = client.get(f"/leases/{record.id}").get_data(as_text=True)
    assert all(w in page for w in words) and 'data-testid="cancel"' not in page

    refused = client.post(f"/leases/{record.id}/hand-over", content_type="multipart/form-data", data={
        "note": "fine", "photos": [(io.BytesIO(png()), "front.png"), (io.BytesIO(b"%PDF-1.4 x"), "manual.pdf")]})
    assert refused.status_code == 422 and 'data-field="photos"' in refused.get_data(as_text=True)
    db.session.refresh(record)
    assert record.status == "paid" and db.session.scalar(select(func.count(LeasePhoto.id))) == 0

    done = client.post(f"/leases/{record.id}/hand-over", content_type="multipart/form-data", data={
        "note": "Spindle 1,204 h", "photos": [(io.BytesIO(png()), "front.png"), (io.BytesIO(png((0, 90, 0))),
                                                                                   "side.png")]})
    assert done.status_code == 302
    db.session.refresh(record)
    assert record.status == "active"
    photos = db.session.scalars(select(LeasePhoto).order_by(LeasePhoto.id)).all()
    assert [(p.stage, p.filename, p.content_type) for p in photos] == [
        ("handover", "front.png", "image/png"), ("handover", "side.png", "image/png")]
    url = f"/leases/{record.id}/photos/{photos[0].public_id}"
    assert url in client.get(f"/leases/{record.id}").get_data(as_text=True)

    lessee_client = app.test_client()
    sign_in(lessee_client, lessee_user, language)
    served = lessee_client.get(url)
    assert served.status_code == 200 and served.data == png() and served.headers["Content-Type"] == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"

    outsider = app.test_client()
    sign_in(outsider, create_user(create_firm("factory")), language)
    assert outsider.get(url).status_code == 404 and outsider.get(f"/leases/{record.id}").status_code == 404
    assert db.session.get(Lease, record.id).status == "active"


def test_buyer_without_a_site_leases_to_a_delivery_address(sign_in, client, db, create_firm, create_user,
                                                             create_equipment):
    owner, buyer = create_firm("lessor"), create_firm("buyer", name="Humen Garments")
    item = create_equipment(owner, min_days=1, daily_rate_fen=10_000, deposit_fen=50_000, delivered_to_lessee=True)
    today = utcnow().astimezone(local_zone()).date()
    db.session.add(EquipmentAvailability(equipment=item, start_date=today, end_date=today + timedelta(days=30)))
    db.session.commit()
    sign_in(client, create_user(buyer), "zh")
    form = {"start_date": (today + timedelta(days=2)).isoformat(), "end_date": (today + timedelta(days=4)).isoformat(),
            "instalment_months": "0", "action": "lease"}
    page = client.get(f"/equipment/{item.id}/lease").get_data(as_text=True)
    assert 'name="delivery_address"' in page and 'name="site_factory_id"' not in page  # no site to choose
    blank = client.post(f"/equipment/{item.id}/lease", data=form)
    assert blank.status_code == 422 and 'data-field="delivery_address"' in blank.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Lease.id))) == 0
    done = client.post(f"/equipment/{item.id}/lease", data=form | {
        "delivery_address": "  东莞市虎门镇  连升路 8 号，王先生 138 0000 0000 "})
    assert done.status_code == 302
    record = db.session.scalar(select(Lease))
    assert (record.site_factory_id, record.delivery_address, record.status) == (
        None, "东莞市虎门镇 连升路 8 号，王先生 138 0000 0000", "requested")
    assert "东莞市虎门镇" in client.get(f"/leases/{record.id}").get_data(as_text=True)


def test_a_saved_delivery_address_can_be_chosen(sign_in, client, db, api_as, create_firm, create_user,
                                                create_equipment):
    from marketplace.addresses.models import DeliveryAddress

    owner, buyer, other = create_firm("lessor"), create_firm("buyer", name="Humen Garments"), create_firm("buyer")
    item = create_equipment(owner, min_days=1, daily_rate_fen=10_000, deposit_fen=50_000, delivered_to_lessee=True)
    today = utcnow().astimezone(local_zone()).date()
    db.session.add(EquipmentAvailability(equipment=item, start_date=today, end_date=today + timedelta(days=30)))
    dock = DeliveryAddress(firm_id=buyer.id, label="二号仓", address="东莞市虎门镇连升路 8 号",
                           contact="王先生 138 0000 0000", latitude=22.8, longitude=113.7)
    foreign = DeliveryAddress(firm_id=other.id, address="别家的仓库", latitude=22.8, longitude=113.7)
    db.session.add_all([dock, foreign])
    db.session.commit()
    user = create_user(buyer)
    sign_in(client, user, "zh")
    form = {"start_date": (today + timedelta(days=2)).isoformat(), "end_date": (today + timedelta(days=3)).isoformat(),
            "instalment_months": "0", "action": "lease"}
    page = client.get(f"/equipment/{item.id}/lease").get_data(as_text=True)
    assert "二号仓 · 东莞市虎门镇连升路 8 号 (王先生 138 0000 0000)" in page and "别家的仓库" not in page
    refused = client.post(f"/equipment/{item.id}/lease", data=form | {"delivery_address_id": str(foreign.id)})
    assert refused.status_code == 422 and 'data-field="delivery_address_id"' in refused.get_data(as_text=True)
    assert client.post(f"/equipment/{item.id}/lease", data=form | {"delivery_address_id": str(dock.id)}
                       ).status_code == 302
    record = db.session.scalar(select(Lease))
    assert record.delivery_address == "东莞市虎门镇连升路 8 号 (王先生 138 0000 0000)"
    api = api_as(user)
    body = {"equipment_id": item.id, "start_date": (today + timedelta(days=5)).isoformat(),
            "end_date": (today + timedelta(days=6)).isoformat()}
    assert api.post("/api/v1/leases", json=body | {"delivery_address_id": foreign.id}).json["errors"] == {
        "delivery_address_id": ["Choose one of your saved addresses."]}
    made = api.post("/api/v1/leases", json=body | {"delivery_address_id": dock.id})
    assert made.status_code == 201 and made.json["delivery_address"] == record.delivery_address
    assert db.session.scalar(select(func.count(Lease.id))) == 2


@pytest.mark.parametrize("kept", ["1e309", "NaN", "150.005", "-1", "999999999999"])
def test_inspection_refuses_hostile_amounts(sign_in, client, db, paid_lease, kept):
    record, (owner_user, lessee_user) = paid_lease
    today = utcnow().astimezone(local_zone()).date()
    lease_lifecycle.hand_over(record, record.equipment.owner, today, "ok")
    lease_lifecycle.give_back(record, record.lessee, today, "")
    db.session.commit()
    sign_in(client, owner_user)
    r = client.post(f"/leases/{record.id}/inspect", data={"kept_fen": kept, "reason": "x"})
    assert r.status_code == 422 and 'data-field="kept' in r.get_data(as_text=True)
    db.session.refresh(record)
    assert record.status == "returned" and record.kept_fen == 0


# -- photos through the API: the lessor's at handover while in use, either side's at return -----------------------
def _upload(client, lease_id, stage, files, language="zh-CN"):
    return client.post(f"/api/v1/leases/{lease_id}/photos", content_type="multipart/form-data",
                       headers={"Accept-Language": language},
                       data={"stage": stage, "photos": [(io.BytesIO(data), name) for name, data in files]})


def _photos(db):
    return db.session.scalar(select(func.count(LeasePhoto.id)))


def test_photos_through_the_api_follow_the_lease(db, api_as, paid_lease, create_firm, create_user):
    record, (owner_user, lessee_user) = paid_lease
    today = utcnow().astimezone(local_zone()).date()
    owner, lessee = api_as(owner_user), api_as(lessee_user)
    early = _upload(owner, record.id, "handover", [("front.png", png())])
    assert early.status_code == 422 and "stage" in early.json["errors"]  # paid, not handed over yet
    lease_lifecycle.hand_over(record, owner_user.firm, today, "Spindle 1,204 h")
    db.session.commit()
    assert _upload(lessee, record.id, "handover", [("x.png", png())]).json["errors"]["stage"] == [
        "只有出租方可以添加交付照片。"]
    mixed = _upload(owner, record.id, "handover", [("front.png", png()), ("manual.pdf", b"%PDF-1.4 x")])
    assert mixed.status_code == 422 and "photos" in mixed.json["errors"] and _photos(db) == 0
    added = _upload(owner, record.id, "handover", [("front.png", png()), ("side.png", png((0, 90, 0)))])
    assert added.status_code == 201 and [p["filename"] for p in added.json] == ["front.png", "side.png"]
    lease_lifecycle.give_back(record, lessee_user.firm, today, "back")
    db.session.commit()
    assert _upload(lessee, record.id, "return", [("scratch.png", png((9, 9, 9)))]).status_code == 201
    assert _upload(owner, record.id, "handover", [("late.png", png())]).status_code == 422  # returned now
    assert _upload(owner, record.id, "return", []).json["errors"]["photos"]

    listed = lessee.get(f"/api/v1/leases/{record.id}/photos").json
    assert [(p["stage"], p["filename"]) for p in listed] == [("handover", "front.png"), ("handover", "side.png"),
                                                             ("return", "scratch.png")]
    content = owner.get(listed[2]["url"])
    assert content.status_code == 200 and content.data == png((9, 9, 9)) and content.mimetype == "image/png"
    stranger = api_as(create_user(create_firm("factory", name="Stranger")))
    assert stranger.get(f"/api/v1/leases/{record.id}/photos").status_code == 404
    assert stranger.get(listed[0]["url"]).status_code == 404
    assert _upload(stranger, record.id, "return", [("x.png", png())]).status_code == 404
    assert _photos(db) == 3
