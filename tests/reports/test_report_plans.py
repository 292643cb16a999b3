"""Programme plans: how a target is judged, what the API and the page refuse (field named, in the user's language,
nothing stored), and who may see a plan."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from marketplace.reports.metrics import BY_KEY
from marketplace.reports.models import ReportPlan, ReportTarget
from marketplace.reports.services import elapsed_share, judge

PLAN = {"name": "省级共享制造示范平台", "period_start": "2026-07-01", "period_end": "2027-06-30",
        "targets": {"firms": 20, "gmv_fen": 100_000_00, "on_time_rate": 0.9, "average_lead_time_days": 12.5}}


def test_elapsed_share_counts_the_days_begun():
    start, end = date(2026, 1, 1), date(2026, 1, 10)
    assert elapsed_share(start, end, date(2025, 12, 31)) == 0
    assert elapsed_share(start, end, start) == 0.1
    assert elapsed_share(start, end, date(2026, 1, 5)) == 0.5
    assert elapsed_share(start, end, end) == 1 == elapsed_share(start, end, date(2027, 1, 1))


@pytest.mark.parametrize("metric,target,actual,share,status", [
    ("firms", 20, 23, 0.5, "met"),
    ("firms", 20, 19, 0.5, "behind"),             # a count of firms now is not judged pro rata
    ("gmv_fen", 1000, 600, 0.5, "on_track"),      # cumulative: 600 >= 1000 x 0.5
    ("gmv_fen", 1000, 400, 0.5, "behind"),
    ("gmv_fen", 1000, 999, 1.0, "behind"),        # the period is over: pro rata no longer helps
    ("gmv_fen", 1000, 1000, 1.0, "met"),
    ("average_lead_time_days", 10, 9.5, 0.5, "met"),   # a ceiling
    ("average_lead_time_days", 10, 10.5, 0.5, "behind"),
    ("on_time_rate", 0.9, None, 0.5, "no_data"),
    ("gmv_fen", 1000, 0, 0.0, "not_started"),
])
def test_a_target_is_judged(metric, target, actual, share, status):
    assert judge(BY_KEY[metric], target, actual, share)[0] == status


def test_progress_and_expectation():
    status, progress, expected = judge(BY_KEY["gmv_fen"], 1000, 600, 0.5)
    assert (progress, expected) == (0.6, 500)
    assert judge(BY_KEY["average_lead_time_days"], 10, 9, 0.5)[1:] == (None, None)  # no "progress" of a ceiling


@pytest.fixture
def operator(create_firm, create_user):
    return create_user(create_firm("operator", name="长安镇产业服务中心"))


def _count(db):
    return db.session.scalar(select(func.count(ReportPlan.id))), db.session.scalar(select(func.count(ReportTarget.id)))


def test_the_api_stores_targets_in_their_units(db, operator, api_as):
    client = api_as(operator)
    created = client.post("/api/v1/reports/plans", json=PLAN)
    assert created.status_code == 201, created.json
    assert created.json["targets"] == PLAN["targets"]
    stored = {t.metric: t.stored_value for t in db.session.scalars(select(ReportTarget))}
    assert stored == {"firms": 20, "gmv_fen": 100_000_00, "on_time_rate": 9000, "average_lead_time_days": 1250}
    plan_id = created.json["id"]
    assert [p["id"] for p in client.get("/api/v1/reports/plans").json] == [plan_id]
    revised = client.put(f"/api/v1/reports/plans/{plan_id}", json={"targets": {"firms": 25}})
    assert revised.status_code == 200 and revised.json["targets"] == {"firms": 25}
    report = client.get(f"/api/v1/reports/plans/{plan_id}").json
    assert [(r["metric"], r["target"]) for r in report["rows"]] == [("firms", 25)]
    assert report["rows"][0]["actual"] == 1  # the operator's firm is the only firm of the cluster
    assert client.delete(f"/api/v1/reports/plans/{plan_id}").status_code == 204
    assert _count(db) == (0, 0)


@pytest.mark.parametrize("change,field", [
    ({"targets": {"firms": 20, "firmz": 3}}, "targets.firmz"),
    ({"targets": {"utilisation": 1.5}}, "targets.utilisation"),
    ({"targets": {"firms": 2.5}}, "targets.firms"),
    ({"targets": {"gmv_fen": -1}}, "targets.gmv_fen"),
    ({"targets": {}}, "targets"),
    ({"period_end": "2026-06-30"}, "period_end"),
    ({"period_end": "2028-07-01"}, "period_end"),   # longer than the dashboard's 366 days
    ({"name": " "}, "name"),
    ({"period_start": "2026-13-01"}, "period_start"),
    ({"period_start": "9999-12-30", "period_end": "9999-12-31"}, "period_start"),
])
def test_the_api_refuses_bad_plans_naming_the_field(db, operator, api_as, change, field):
    client = api_as(operator)
    response = client.post("/api/v1/reports/plans", json=PLAN | change, headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 422, response.json
    assert field in response.json["errors"], response.json
    assert _count(db) == (0, 0)


def test_a_second_plan_with_the_same_name_and_start_is_refused_in_chinese(db, operator, api_as):
    client = api_as(operator)
    assert client.post("/api/v1/reports/plans", json=PLAN).status_code == 201
    again = client.post("/api/v1/reports/plans", json=PLAN, headers={"Accept-Language": "zh-CN"})
    assert again.status_code == 422
    assert again.json["errors"]["name"] == ["该项目已有从这一天开始的考核期目标。"]
    assert _count(db) == (1, 4)


def test_only_the_clusters_operator_sees_its_plans(db, operator, api_as, create_firm, create_user, create_cluster,
                                                   app):
    plan_id = api_as(operator).post("/api/v1/reports/plans", json=PLAN).json["id"]
    buyer = api_as(create_user(create_firm("buyer", "factory")))
    assert buyer.get("/api/v1/reports/plans").status_code == 403
    assert buyer.post("/api/v1/reports/plans", json=PLAN | {"name": "x"}).status_code == 403
    stranger = api_as(create_user(create_firm("operator", cluster=create_cluster())))
    assert stranger.get("/api/v1/reports/plans").json == []
    for client in (buyer, stranger):
        for suffix in ("", "/report.pdf", "/report.xlsx"):
            assert client.get(f"/api/v1/reports/plans/{plan_id}{suffix}").status_code == 404
    assert app.test_client().get("/api/v1/reports/plans").status_code == 401
    assert _count(db) == (1, 4)


def test_the_page_takes_yuan_and_percent_and_shows_refusals_by_the_field(db, client, operator, sign_in):
    sign_in(client, operator, "zh")
    form = {"name": "市级服务型制造项目", "period_start": "2026-07-01", "period_end": "2027-06-30",
            "firms": "20", "gmv_fen": "1000000.50", "on_time_rate": "92.5", "average_lead_time_days": "12"}
    bad = client.post("/reports", data=form | {"on_time_rate": "120", "firms": "2.5"})
    assert bad.status_code == 422
    page = bad.get_data(as_text=True)
    assert '<small class="error" data-field="on_time_rate">应在 0 到 100 之间。</small>' in page
    assert '<small class="error" data-field="firms">请输入整数。</small>' in page
    assert _count(db) == (0, 0)
    too_long = client.post("/reports", data=form | {"period_end": "2028-01-01"})
    assert too_long.status_code == 422 and 'data-field="period_end"' in too_long.get_data(as_text=True)
    assert _count(db) == (0, 0)
    saved = client.post("/reports", data=form)
    assert saved.status_code == 302
    stored = {t.metric: t.stored_value for t in db.session.scalars(select(ReportTarget))}
    assert stored == {"firms": 20, "gmv_fen": 100_000_050, "on_time_rate": 9250, "average_lead_time_days": 1200}
    report_page = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "绩效报告" in report_page and "¥1,000,000.50" in report_page and "92.5 %" in report_page
    assert 'value="1000000.5"' in report_page  # the revise form shows the target as typed
    plan = db.session.scalar(select(ReportPlan))
    revised = client.post(f"/reports/{plan.id}", data={"firms": "30"})
    assert revised.status_code == 302
    assert {t.metric: t.stored_value for t in db.session.scalars(select(ReportTarget))} == {"firms": 30}
    assert client.post(f"/reports/{plan.id}/delete").status_code == 302
    assert _count(db) == (0, 0)


def test_a_plan_created_concurrently_is_refused_by_the_unique_key(db, operator, monkeypatch):
    """Two requests pass the existence check at once: the second insert meets the unique key and becomes a 422 on
    `name` (not a 500), and the first plan stays whole."""
    from marketplace.errors import FieldError
    from marketplace.reports import services

    start, end = date(2026, 7, 1), date(2027, 6, 30)
    services.create_plan(operator.firm.cluster, "Province", start, end, {"firms": 20}, operator.id)
    db.session.commit()
    monkeypatch.setattr(db.session, "scalar", lambda *a, **k: None)  # the check ran before the other commit
    with pytest.raises(FieldError) as refused:
        services.create_plan(operator.firm.cluster, "Province", start, end, {"firms": 30}, operator.id)
    assert refused.value.field == "name"
    monkeypatch.undo()
    db.session.commit()
    assert _count(db) == (1, 1)
    assert db.session.scalar(select(ReportTarget.stored_value)) == 20
