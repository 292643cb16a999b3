"""The programme report on the whole demo cluster with its paid history: every actual equals the dashboard's figure
for the same range, in the JSON report, the PDF and the Excel workbook."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pypdf
from flask_babel import force_locale
from sqlalchemy import select

from marketplace.reports.metrics import METRICS
from marketplace.reports.wording import value_text

TARGETS = {"firms": 20, "factory_firms": 30, "buyer_firms": 40, "orders_posted": 200, "orders_accepted": 150,
           "orders_completed": 100, "gmv_fen": 500_000_00, "voucher_subsidies_fen": 20_000_00,
           "platform_fees_fen": 10_000_00, "utilisation": 0.6, "on_time_rate": 0.9, "quote_to_order": 0.5,
           "average_lead_time_days": 10}


def test_report_equals_the_dashboard_for_the_same_range(db, paid_demo, api_as):
    from marketplace.accounts.models import Firm, User

    cluster = paid_demo.cluster
    operator = db.session.scalar(select(User).join(Firm).where(Firm.cluster_id == cluster.id,
                                                               Firm.is_operator.is_(True)))
    client = api_as(operator)
    today = datetime.now(ZoneInfo(cluster.timezone)).date()
    start, end = today - timedelta(days=89), today + timedelta(days=90)  # a period half-way through
    created = client.post("/api/v1/reports/plans", json={
        "name": "省级共享制造示范平台", "period_start": start.isoformat(), "period_end": end.isoformat(),
        "targets": TARGETS})
    assert created.status_code == 201, created.json
    assert created.json["targets"] == TARGETS
    report = client.get(f"/api/v1/reports/plans/{created.json['id']}").json
    kpis = {k["key"]: k["value"] for k in client.get(
        "/api/v1/dashboard/kpis", query_string={"start": start.isoformat(), "end": today.isoformat()}).json["items"]}
    rows = {row["metric"]: row for row in report["rows"]}
    assert set(rows) == {m.key for m in METRICS}
    expected = {"firms": kpis["firms"]["total"], "factory_firms": kpis["firms"]["factory"],
                "buyer_firms": kpis["firms"]["buyer"], "orders_posted": kpis["order_funnel"]["stages"]["posted"],
                "orders_accepted": kpis["order_funnel"]["stages"]["accepted"],
                "orders_completed": kpis["order_funnel"]["stages"]["completed"], "gmv_fen": kpis["gmv_fen"],
                "voucher_subsidies_fen": kpis["money_flows"]["subsidies_fen"],
                "platform_fees_fen": kpis["platform_fees_fen"], "utilisation": kpis["utilisation"],
                "on_time_rate": kpis["on_time_rate"], "quote_to_order": kpis["quote_to_order"],
                "average_lead_time_days": kpis["average_lead_time_days"]}
    assert {k: rows[k]["actual"] for k in expected} == expected
    # the demo has real history: none of these is empty or zero
    assert all(v for k, v in expected.items()), expected
    assert 0 < report["elapsed_share"] < 1 and report["through"] == today.isoformat()  # the period so far
    # 20 firms on the platform: the demo has more than that
    assert rows["firms"]["status"] == "met" and rows["firms"]["progress"] > 1
    for row in rows.values():
        if row["status"] == "on_track":
            assert row["actual"] >= row["expected"] and row["actual"] < row["target"]
        if row["status"] == "behind" and not row["at_most"]:
            assert row["actual"] < row["target"]

    pdf = client.get(f"/api/v1/reports/plans/{created.json['id']}/report.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    Path("test-artifacts").mkdir(exist_ok=True)
    Path("test-artifacts/programme-report.pdf").write_bytes(pdf.data)
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.data)).pages)
    assert "省级共享制造示范平台" in text and "项目绩效报告" in text and "Programme performance report" in text
    for row in report["rows"]:
        assert value_text(row["unit"], row["actual"]).replace(" ", "") in text.replace(" ", ""), row

    book = client.get(f"/api/v1/reports/plans/{created.json['id']}/report.xlsx")
    assert book.status_code == 200
    Path("test-artifacts/programme-report.xlsx").write_bytes(book.data)
    sheet = openpyxl.load_workbook(io.BytesIO(book.data)).active
    cells = {r[0]: r[1:] for r in sheet.iter_rows(values_only=True) if r and r[0]}
    with force_locale("en"):
        labels = {m.key: str(m.label) for m in METRICS}
    for row in report["rows"]:
        label = next(k for k in cells if k.endswith(f"/ {labels[row['metric']]}"))
        target, actual = cells[label][0], cells[label][1]
        scale = 100 if row["unit"] == "fen" else 1
        assert actual == (row["actual"] / scale if row["unit"] == "fen" else row["actual"]), row
        assert target == row["target"] / scale
