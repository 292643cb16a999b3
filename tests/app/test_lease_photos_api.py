"""Lease photos through the API: the lessor adds handover photos while the lease is in use, either side adds return
photos once it is returned; only JPEG or PNG; both sides read them, nobody else (404); refusals name the field and
store nothing."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from capacity import lease_lifecycle
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
    record = lease(item, lessee, today, today + timedelta(days=2), site=site, today=today)
    lease_lifecycle.approve(record, owner, today)
    lease_lifecycle.mark_paid(record)
    db.session.commit()
    return record, users, today


def _upload(client, lease_id, stage, files, language="zh-CN"):
    return client.post(f"/api/v1/leases/{lease_id}/photos", content_type="multipart/form-data",
                       headers={"Accept-Language": language},
                       data={"stage": stage, "photos": [(io.BytesIO(data), name) for name, data in files]})


def _photos(db):
    return db.session.scalar(select(func.count(LeasePhoto.id)))


def test_photos_follow_the_lease(db, api_as, paid_lease, create_firm, create_user):
    record, (owner_user, lessee_user), today = paid_lease
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
