"""Reorder: the same part quoted again against today's capacity, from a past order or an expired quote."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

CUBE = Path(__file__).parents[1] / "quoting" / "corpus" / "cube-10x10mm__Cube_10x10.stl"


@pytest.fixture
def app_config(app_config, tmp_path):
    return app_config | {"QUOTE_UPLOAD_DIR": str(tmp_path / "uploads")}


def test_a_file_quote_is_quoted_again_with_the_same_part(api_as, create_firm, create_user, create_factory,
                                                         create_machine):
    factory = create_firm("factory")
    create_machine(create_factory(factory), "cnc_mill_3ax")
    buyer_user = create_user(create_firm("buyer"))
    buyer = api_as(buyer_user)
    first = buyer.post("/api/v1/quotes", data={"material": "al6061", "quantity": "30", "tolerance_class": "f",
                                               "due_date": "2026-12-20",
                                               "file": (io.BytesIO(CUBE.read_bytes()), CUBE.name)},
                       content_type="multipart/form-data")
    assert first.status_code == 201, first.json
    again = buyer.post(f"/api/v1/quotes/{first.json['id']}/requote")
    assert again.status_code == 201, again.json
    fresh = again.json
    assert fresh["id"] != first.json["id"] and fresh["reference"] != first.json["reference"]
    for key in ("material_code", "quantity", "file_sha256"):
        assert fresh[key] == first.json[key], key
    assert fresh["geometry"]["volume_mm3"] == pytest.approx(first.json["geometry"]["volume_mm3"])
    other = api_as(create_user(create_firm("buyer", name="Someone else")))
    assert other.post(f"/api/v1/quotes/{first.json['id']}/requote").status_code == 404


def test_reorder_from_the_order_page(app, db, sign_in, api_as, create_firm, create_user, create_factory,
                                     create_machine):
    from capacity.models import WeeklyWindow

    machine = create_machine(create_factory(create_firm("factory")), "cnc_mill_3ax")
    db.session.add_all([WeeklyWindow(machine=machine, weekday=d, start_minute=0, end_minute=1440) for d in range(7)])
    db.session.commit()
    buyer_user = create_user(create_firm("buyer"))
    quote = api_as(buyer_user).post("/api/v1/quotes", json={"material": "al6061", "quantity": 5,
                                                            "bbox_mm": [40, 30, 10], "volume_mm3": 9000}).json
    order = api_as(buyer_user).post("/api/v1/orders", json={"quote_id": quote["id"], "delivery_address": "东莞",
                                                            "delivery_latitude": 22.8,
                                                            "delivery_longitude": 113.8}).json
    client = app.test_client()
    sign_in(client, buyer_user, "zh")
    page = client.get(f"/orders/{order['id']}").get_data(as_text=True)
    assert 'data-testid="reorder"' in page and "再次下单" in page
    answer = client.post(f"/quotes/{quote['id']}/requote")
    assert answer.status_code == 302 and answer.headers["Location"] != f"/quotes/{quote['id']}"
    shown = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "按今日产能重新报价" in shown or "新报价" in shown
