"""Delivery addresses: saved ones are chosen, new ones need an address and get the map pin's point, nothing is
stored from a refused form, and nobody uses another firm's address."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.addresses.models import DeliveryAddress
from marketplace.orders.models import Order

DECLARED = {"material": "al6061", "quantity": 20, "bbox_mm": [100, 60, 20], "volume_mm3": 80000}


def _quote(api_as, user):
    return api_as(user).post("/api/v1/quotes", json=DECLARED).json


def _counts(db):
    db.session.rollback()
    return (db.session.scalar(select(func.count(Order.id))),
            db.session.scalar(select(func.count(DeliveryAddress.id))))


def test_a_new_address_needs_text_and_is_saved_with_the_pin(app, db, api_as, sign_in, shops, buyer_user):
    client = app.test_client()
    sign_in(client, buyer_user, "zh")
    quote = _quote(api_as, buyer_user)
    refused = client.post(f"/quotes/{quote['id']}/order", data={"tier": "standard", "delivery_address": "  ",
                                                                 "delivery_latitude": "22.9",
                                                                 "delivery_longitude": "113.7", "save_address": "1"})
    assert refused.status_code == 422
    assert 'data-field="delivery_address"' in refused.get_data(as_text=True)
    assert "请填写收货地址" in refused.get_data(as_text=True)
    assert _counts(db) == (0, 0)                                           # nothing partial
    placed = client.post(f"/quotes/{quote['id']}/order", data={
        "tier": "standard", "delivery_address": "长安镇振安路 88 号 3 号门", "delivery_latitude": "22.812345",
        "delivery_longitude": "113.791234", "save_address": "1", "address_label": "二号仓"})
    assert placed.status_code == 302, placed.get_data(as_text=True)[-400:]
    order = db.session.scalar(select(Order))
    assert (order.delivery_address, order.delivery_latitude, order.delivery_longitude) == (
        "长安镇振安路 88 号 3 号门", 22.812345, 113.791234)
    saved = db.session.scalar(select(DeliveryAddress))
    assert (saved.label, saved.latitude) == ("二号仓", 22.812345)


def test_a_saved_address_is_chosen_and_another_firms_is_refused(app, db, api_as, sign_in, shops, buyer_user,
                                                                create_firm, create_user):
    buyer = api_as(buyer_user)
    mine = buyer.post("/api/v1/addresses", json={"address": "虎门镇 5 号", "latitude": 22.82, "longitude": 113.67,
                                                 "label": "总部"})
    assert mine.status_code == 201, mine.json
    other = api_as(create_user(create_firm("buyer", name="Other buyer")))
    theirs = other.post("/api/v1/addresses", json={"address": "厚街镇", "latitude": 22.9, "longitude": 113.6}).json
    quote = _quote(api_as, buyer_user)
    stolen = buyer.post("/api/v1/orders", json={"quote_id": quote["id"], "delivery_address_id": theirs["id"]})
    assert stolen.status_code == 422 and "delivery_address_id" in stolen.json["errors"]
    assert other.delete(f"/api/v1/addresses/{mine.json['id']}").status_code == 404
    client = app.test_client()
    sign_in(client, buyer_user, "en")
    page = client.get(f"/quotes/{quote['id']}/order").get_data(as_text=True)
    assert "虎门镇 5 号" in page and "厚街镇" not in page
    placed = client.post(f"/quotes/{quote['id']}/order", data={"tier": "standard",
                                                               "delivery_address_id": str(mine.json["id"])})
    assert placed.status_code == 302
    order = db.session.scalar(select(Order))
    assert (order.delivery_address, order.delivery_longitude) == ("虎门镇 5 号", 113.67)


def test_the_api_needs_an_address_and_a_point(api_as, shops, buyer_user):
    buyer = api_as(buyer_user)
    quote = _quote(api_as, buyer_user)
    no_point = buyer.post("/api/v1/orders", json={"quote_id": quote["id"], "delivery_address": "东莞"})
    assert no_point.status_code == 422 and "delivery_latitude" in no_point.json["errors"]
    no_text = buyer.post("/api/v1/orders", json={"quote_id": quote["id"], "delivery_latitude": 22.8,
                                                 "delivery_longitude": 113.8})
    assert no_text.status_code == 422 and "delivery_address" in no_text.json["errors"]
