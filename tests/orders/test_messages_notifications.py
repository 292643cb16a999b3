"""An order's thread and what it sets off: unread counts, inbox notifications for the other participants, and
e-mails in each reader's language through a real SMTP server on loopback — sent by the runner, never the request."""

from __future__ import annotations

import io
from datetime import date, timedelta

from sqlalchemy import func, select

from marketplace.notifications.models import Notification

PDF = b"%PDF-1.4\n% a sketch\n%%EOF\n"


def _inbox(client):
    return client.get("/api/v1/notifications").json


def test_a_message_with_an_attachment_reaches_the_order_and_no_one_else(app, db, api_as, planned_order, buyer_user,
                                                                         shops, outsider_user, drain, smtp_server):
    buyer, mill = api_as(buyer_user), api_as(shops["mill_user"])
    shops["mill_user"].locale = "zh_Hans_CN"
    buyer_user.locale = "en"
    db.session.commit()
    drain()
    smtp_server.messages.clear()                          # the planning e-mails are not this test's subject
    r = buyer.post(f"/api/v1/orders/{planned_order['id']}/messages",
                   data={"body": "Can you hold ±0.02 on the bore?", "file": (io.BytesIO(PDF), "bore detail.pdf")},
                   content_type="multipart/form-data")
    assert r.status_code == 201, r.json
    assert smtp_server.messages == []                    # nothing sent inside the request
    attachment = r.json["attachment_id"]
    assert mill.get(f"/api/v1/documents/{attachment}").data == PDF
    assert api_as(outsider_user).get(f"/api/v1/documents/{attachment}").status_code == 404
    assert api_as(outsider_user).get(f"/api/v1/orders/{planned_order['id']}/messages").status_code == 404
    thread = mill.get(f"/api/v1/orders/{planned_order['id']}/messages").json
    assert thread["unread"] == 1 and thread["items"][0]["body"] == "Can you hold ±0.02 on the bore?"
    assert buyer.get(f"/api/v1/orders/{planned_order['id']}/messages").json["unread"] == 0   # own message

    drain()
    to_mill = [m for m in smtp_server.messages if m["To"] == shops["mill_user"].email]
    assert len(to_mill) == 1
    assert to_mill[0]["Subject"] == f"{planned_order['reference']} 有新消息"
    assert "bore" in to_mill[0].get_content() and f"/orders/{planned_order['id']}#messages" in to_mill[0].get_content()
    assert not [m for m in smtp_server.messages if m["To"] in (buyer_user.email, outsider_user.email)]
    drain()                                              # delivered again: still one notification, one e-mail
    assert len([m for m in smtp_server.messages if m["To"] == shops["mill_user"].email]) == 1
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.kind == "message", Notification.user_id == shops["mill_user"].id)) == 1

    inbox = _inbox(mill)
    assert inbox["unread"] >= 1 and inbox["items"][0]["kind"] == "message"
    assert mill.post(f"/api/v1/orders/{planned_order['id']}/messages/read").status_code == 204
    assert mill.get(f"/api/v1/orders/{planned_order['id']}/messages").json["unread"] == 0
    assert mill.post("/api/v1/notifications/read", json={}).json["unread"] == 0


def test_order_events_notify_buyer_and_factories_in_their_language(app, db, smtp_server, api_as, planned_order,
                                                                   buyer_user, shops, drain):
    drain()                                      # the SMTP server was up before the order was paid and planned
    buyer_kinds = {n["kind"] for n in _inbox(api_as(buyer_user))["items"]}
    assert {"order_paid", "order_planned"} <= buyer_kinds
    mill_items = _inbox(api_as(shops["mill_user"]))["items"]
    assert [n["kind"] for n in mill_items] == ["work_assigned"]
    assert mill_items[0]["link"] == f"/orders/{planned_order['id']}"
    subjects = {m["To"]: m["Subject"] for m in smtp_server.messages if "work" in m["Subject"] or "新" in m["Subject"]}
    assert subjects[shops["mill_user"].email] == f"您有新的生产任务：{planned_order['reference']}"  # default: Chinese
    assert subjects[shops["finish_user"].email].endswith(planned_order["reference"])


def test_preferences_switch_email_off_but_keep_the_inbox(app, db, api_as, planned_order, buyer_user, shops, drain,
                                                         smtp_server):
    mill = api_as(shops["mill_user"])
    drain()
    r = mill.put("/api/v1/notifications/preferences", json={"email": {"message": False}})
    assert r.status_code == 200 and r.json["email"]["message"] is False and r.json["email"]["work_assigned"] is True
    bad = mill.put("/api/v1/notifications/preferences", json={"email": {"lottery": True}})
    assert bad.status_code == 422
    smtp_server.messages.clear()
    api_as(buyer_user).post(f"/api/v1/orders/{planned_order['id']}/messages", json={"body": "图纸已更新"})
    drain()
    assert [m for m in smtp_server.messages if m["To"] == shops["mill_user"].email] == []
    assert _inbox(mill)["items"][0]["text"].endswith("图纸已更新")


def test_an_empty_or_oversized_message_is_refused_and_nothing_is_stored(db, api_as, planned_order, buyer_user):
    from marketplace.messages.models import Message

    buyer = api_as(buyer_user)
    for body in ("   ", "长" * 4001):
        r = buyer.post(f"/api/v1/orders/{planned_order['id']}/messages", json={"body": body})
        assert r.status_code == 422 and "body" in r.json["errors"], r.json
    r = buyer.post(f"/api/v1/orders/{planned_order['id']}/messages", data={"body": "x", "file": (io.BytesIO(b"MZ"),
                   "tool.exe")}, content_type="multipart/form-data")
    assert r.status_code == 422 and "file" in r.json["errors"]
    db.session.rollback()
    assert db.session.scalar(select(func.count(Message.id))) == 0


def test_a_finished_step_and_a_voucher_reach_the_buyer_in_chinese(db, smtp_server, api_as, planned_order,
                                                                   buyer_user, operator_user, shops, drain):
    mill = api_as(shops["mill_user"])
    today = date.today()
    rows = mill.get("/api/v1/schedule", query_string={"start": f"{today}T00:00:00+08:00",
                                                      "end": f"{today + timedelta(days=60)}T00:00:00+08:00"}).json
    booking = next(b for b in rows if b["order_reference"] == planned_order["reference"])
    assert mill.post(f"/api/v1/bookings/{booking['id']}/start").status_code == 200
    assert mill.post(f"/api/v1/bookings/{booking['id']}/finish").status_code == 200
    programme = api_as(operator_user).post("/api/v1/voucher-programmes", json={
        "name": "数字化服务券", "budget_fen": 1_000_000, "per_firm_cap_fen": 200_000, "kind": "percent",
        "percent_bp": 3000, "valid_from": "2026-01-01", "valid_until": "2027-12-31"}).json
    voucher = api_as(operator_user).post(f"/api/v1/voucher-programmes/{programme['id']}/vouchers",
                                         json={"firm_id": buyer_user.firm_id}).json
    drain()
    items = {n["kind"]: n for n in api_as(buyer_user).get("/api/v1/notifications").json["items"]}
    assert items["step_done"]["title"] == f"{planned_order['reference']}: CNC milling (3-axis) done"  # API: en
    assert items["step_done"]["text"].startswith("1 of 2 steps")
    mails = {m["Subject"]: m for m in smtp_server.messages if m["To"] == buyer_user.email}
    assert f"{planned_order['reference']}：三轴数控铣削 已完成" in mails                  # e-mail: the reader's zh
    assert f"您获得服务券 {voucher['code']}" in mails
    assert "¥2,000.00" in mails[f"您获得服务券 {voucher['code']}"].get_content()


def test_the_preferences_page_lists_what_reaches_each_kind_of_firm(app, sign_in, shops, buyer_user):
    pages = {}
    for name, user in (("buyer", buyer_user), ("factory", shops["mill_user"])):
        client = app.test_client()
        sign_in(client, user, "en")
        pages[name] = client.get("/notifications/").get_data(as_text=True)
    assert 'value="rating_asked"' in pages["buyer"] and 'value="work_assigned"' not in pages["buyer"]
    assert 'value="work_assigned"' in pages["factory"] and 'value="rating_asked"' not in pages["factory"]
    client = app.test_client()
    sign_in(client, shops["mill_user"], "en")
    assert client.post("/notifications/preferences", data={"email": ["bid_won"]}).status_code == 302
    page = client.get("/notifications/").get_data(as_text=True)
    assert 'value="bid_won" checked' in page and 'value="work_assigned" checked' not in page
