"""Voucher applications: an SME applies with a purpose; the operator approves in batches (vouchers issued in one
transaction, never committing more than the budget) or rejects with a note; pages in both languages; the API."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from marketplace.errors import FieldError
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.vouchers import applications, services
from marketplace.vouchers.models import Voucher, VoucherApplication

TODAY = date.today()


@pytest.fixture
def programme(db, dummy_cluster):
    made = services.create_programme(dummy_cluster.id, {
        "name": "数字化服务券 2026", "budget_fen": 1_000_000, "per_firm_cap_fen": 400_000, "kind": "percent",
        "percent_bp": 3000, "value_fen": 0, "eligible_processes": [], "valid_from": TODAY - timedelta(days=10),
        "valid_until": TODAY + timedelta(days=200)})
    db.session.commit()
    return made


@pytest.fixture
def people(create_firm, create_user):
    operator = create_user(create_firm("operator", name="Songshan Lake Operator"))
    smes = [create_user(create_firm("buyer", name=f"SME {n}")) for n in range(4)]
    return operator, smes


def test_apply_review_in_a_batch_and_never_overcommit(programme, people, drain):
    operator, smes = people
    firms = [u.firm for u in smes]
    for field, purpose, amount in [("purpose", "   ", 100_000), ("requested_fen", "brackets", 400_001),
                                   ("requested_fen", "brackets", 0)]:
        with pytest.raises(FieldError) as error:
            applications.apply(programme, firms[0], purpose, amount, TODAY)
        assert error.value.field == field
    asked = [applications.apply(programme, firm, f"50 CNC brackets for line {n}", 300_000, TODAY)
             for n, firm in enumerate(firms)]
    db.session.commit()
    with pytest.raises(FieldError):  # one application under review per firm
        applications.apply(programme, firms[0], "again", 1_000, TODAY)
    drain()
    assert db.session.scalar(select(func.count(Notification.id)).where(Notification.kind == "voucher_applied")) == 4

    with pytest.raises(FieldError) as error:  # four times 3,000 is more than the 10,000 budget
        applications.decide(programme, [a.id for a in asked], True, "", operator)
    assert error.value.field == "application_ids" and "¥12,000.00" in error.value.message
    db.session.rollback()
    assert db.session.scalar(select(func.count(Voucher.id))) == 0

    applications.decide(programme, [asked[0].id, asked[1].id, asked[2].id], True, "", operator)
    db.session.commit()
    codes = {a.firm_id: a.voucher.code for a in asked[:3]}
    assert all(db.session.get(VoucherApplication, a.id).status == "approved" for a in asked[:3])
    assert [v.cap_fen for v in db.session.scalars(select(Voucher))] == [300_000] * 3 and len(set(codes.values())) == 3
    assert applications.committed_fen(programme) == 900_000
    with pytest.raises(FieldError):  # decided already: nothing moves twice
        applications.decide(programme, [asked[0].id], True, "", operator)
    db.session.rollback()
    with pytest.raises(FieldError) as error:  # a rejection needs its reason
        applications.decide(programme, [asked[3].id], False, " ", operator)
    assert error.value.field == "note"
    applications.decide(programme, [asked[3].id], False, "Budget used up this quarter", operator)
    db.session.commit()
    drain()
    rejected = db.session.scalars(select(Notification).where(Notification.kind == "voucher_rejected")).all()
    assert [n.user.firm_id for n in rejected] == [firms[3].id]
    assert db.session.scalar(select(func.count(Notification.id)).where(Notification.kind == "voucher_issued")) == 3
    again = applications.apply(programme, firms[3], "smaller: 10 brackets", 100_000, TODAY)  # may ask again
    assert again.status == "applied"


@pytest.mark.parametrize("language, words", [("en", ["Apply for a voucher", "being reviewed", "Approve the ticked"]),
                                              ("zh", ["申请服务券", "审核中", "批准勾选的申请"])])
def test_pages(sign_in, app, client, programme, people, language, words):
    operator, smes = people
    sign_in(client, smes[0], language)
    page = client.get("/vouchers/mine").get_data(as_text=True)
    assert words[0] in page and programme.name in page
    prefix = f"a{programme.id}-"
    blank = client.post(f"/vouchers/{programme.id}/apply", data={prefix + "purpose": "", prefix + "requested_fen": "1"})
    assert blank.status_code == 422 and f'data-field="{prefix}purpose"' in blank.get_data(as_text=True)
    too_much = client.post(f"/vouchers/{programme.id}/apply", data={prefix + "purpose": "brackets",
                                                                    prefix + "requested_fen": "5000"})
    assert too_much.status_code == 422 and f'data-field="{prefix}requested_fen"' in too_much.get_data(as_text=True)
    assert db.session.scalar(select(func.count(VoucherApplication.id))) == 0
    done = client.post(f"/vouchers/{programme.id}/apply", data={prefix + "purpose": "50 件 CNC 支架",
                                                                prefix + "requested_fen": "2500.50"})
    assert done.status_code == 302
    assert words[1] in client.get("/vouchers/mine").get_data(as_text=True)
    application = db.session.scalar(select(VoucherApplication))
    assert application.requested_fen == 250_050

    desk = app.test_client()
    sign_in(desk, operator, language)
    page = desk.get(f"/vouchers/{programme.id}").get_data(as_text=True)
    assert words[2] in page and "50 件 CNC 支架" in page and "¥2,500.50" in page
    decided = desk.post(f"/vouchers/{programme.id}/applications", data={
        "application_ids": [str(application.id)], "decision": "approve", "d-note": ""})
    assert decided.status_code == 302
    db.session.refresh(application)
    assert application.status == "approved" and application.voucher.cap_fen == 250_050
    assert application.voucher.code in client.get("/vouchers/mine").get_data(as_text=True)
    nothing = desk.post(f"/vouchers/{programme.id}/applications", data={"decision": "approve", "d-note": ""})
    assert nothing.status_code == 422


def test_api(api_as, programme, people, create_firm, create_user):
    operator, smes = people
    sme, desk = api_as(smes[0]), api_as(operator)
    made = sme.post(f"/api/v1/voucher-programmes/{programme.id}/applications",
                    json={"purpose": "brackets", "requested_fen": 100_000})
    assert made.status_code == 201 and made.get_json()["status"] == "applied"
    assert sme.post(f"/api/v1/voucher-programmes/{programme.id}/applications",
                    json={"purpose": "brackets", "requested_fen": 10**9}).status_code == 422
    assert sme.get(f"/api/v1/voucher-programmes/{programme.id}/applications").status_code == 404
    listed = desk.get(f"/api/v1/voucher-programmes/{programme.id}/applications").get_json()
    assert [a["id"] for a in listed] == [made.get_json()["id"]]
    other = create_firm("operator", cluster=create_firm("buyer").cluster.__class__(slug="x", name="X",
                                                                                   timezone="Asia/Shanghai"))
    intruder = api_as(create_user(other))
    assert intruder.get(f"/api/v1/voucher-programmes/{programme.id}/applications").status_code == 404
    decided = desk.post(f"/api/v1/voucher-programmes/{programme.id}/applications/decide",
                        json={"application_ids": [made.get_json()["id"]], "approve": True})
    assert decided.status_code == 200 and decided.get_json()[0]["voucher_code"].startswith("SV-")
    assert sme.get("/api/v1/voucher-applications").get_json()[0]["status"] == "approved"


def test_a_programme_for_small_firms_checks_the_stated_headcount(db, dummy_cluster, people, api_as, client,
                                                                 sign_in):
    """max_employees 50: a firm that states no headcount is asked to, one of 80 is refused (apply, issue, and a batch
    approval after it grew), one of 30 gets its voucher; the firm states its headcount on its profile."""
    operator, (small, unknown, large, grew) = people
    small.firm.employees, large.firm.employees, grew.firm.employees = 30, 80, 40
    made = api_as(operator).post("/api/v1/voucher-programmes", json={
        "name": "小微企业服务券", "budget_fen": 1_000_000, "per_firm_cap_fen": 100_000, "kind": "fixed",
        "value_fen": 10_000, "valid_from": TODAY.isoformat(), "valid_until": (TODAY + timedelta(days=90)).isoformat(),
        "max_employees": 50})
    assert made.status_code == 201, made.json
    programme = db.session.get(services.VoucherProgramme, made.json["id"])
    assert programme.max_employees == 50
    with pytest.raises(FieldError) as missing:
        applications.apply(programme, unknown.firm, "brackets", 10_000, TODAY)
    assert missing.value.field == "programme_id" and "50" in missing.value.message
    with pytest.raises(FieldError) as too_big:
        services.issue(programme, large.firm)
    assert too_big.value.field == "firm_id" and "80" in too_big.value.message
    asked = [applications.apply(programme, firm, "brackets", 10_000, TODAY) for firm in (small.firm, grew.firm)]
    db.session.commit()
    grew.firm.employees = 60  # it grew after applying
    db.session.commit()
    with pytest.raises(FieldError) as grown:
        applications.decide(programme, [a.id for a in asked], True, "", operator)
    assert grown.value.field == "application_ids" and "60" in grown.value.message
    db.session.rollback()
    assert db.session.scalar(select(func.count(Voucher.id))) == 0
    applications.decide(programme, [asked[0].id], True, "", operator)
    db.session.commit()
    assert [v.firm_id for v in db.session.scalars(select(Voucher))] == [small.firm_id]

    sign_in(client, unknown, "zh")
    page = client.get("/firm").get_data(as_text=True)
    assert 'name="employees"' in page
    bad = client.post("/firm", data={"name": unknown.firm.name, "employees": "0"})
    assert bad.status_code == 422 and 'data-field="employees"' in bad.get_data(as_text=True)
    assert client.post("/firm", data={"name": unknown.firm.name, "employees": "12"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(type(unknown.firm), unknown.firm_id).employees == 12
