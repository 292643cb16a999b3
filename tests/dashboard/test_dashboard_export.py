"""Tables and CSV: the page's table views work without JavaScript; CSV is UTF-8 with a BOM, in both languages."""

import csv
import io

import pytest

RANGE = {"start": "2026-11-23", "end": "2026-11-29"}


@pytest.fixture
def operator_client(client, world):
    client.post("/sign-in", data={"email": world.operator.email, "password": "correct horse battery"})
    client.post("/language/en", data={"next": "/dashboard"})
    return client


def rows_of(response):
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_utilisation_csv_by_machine(operator_client):
    response = operator_client.get("/dashboard/export/utilisation.csv", query_string=RANGE | {"group_by": "machine"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="dashboard-utilisation-2026-11-23-2026-11-29.csv"' in response.headers["Content-Disposition"]
    rows = rows_of(response)
    assert rows[0] == ["Machine", "Factory", "Process", "Units", "Offered idle hours", "Booked hours",
                       "Utilisation (%)", "Booked outside offered hours"]
    assert ["Mill A", "North", "cnc_mill_3ax", "2", "40.0", "7.0", "17.5", "2.0"] in rows


def test_heatmap_csv_is_factories_by_days(operator_client):
    rows = rows_of(operator_client.get("/dashboard/export/heatmap.csv", query_string=RANGE))
    assert rows[0] == ["Factory", *[f"2026-11-{d}" for d in range(23, 30)]]
    north = next(r for r in rows if r[0] == "North")
    assert north[1] == str(round(5 / 24 * 100, 1))  # Monday


def test_chinese_csv_and_headers(operator_client):
    operator_client.post("/language/zh_Hans_CN", data={"next": "/dashboard"})
    rows = rows_of(operator_client.get("/dashboard/export/utilisation.csv", query_string=RANGE | {
        "group_by": "process"}))
    assert rows[0][0] == "工艺"
    assert any(r[0] == "阳极氧化" for r in rows[1:])


def test_every_table_has_a_csv(operator_client):
    for name in ("heatmap", "trend", "utilisation", "under-used", "over-demanded", "demand-supply", "funnel",
                 "firms", "kpis"):
        response = operator_client.get(f"/dashboard/export/{name}.csv", query_string=RANGE)
        assert response.status_code == 200, name
        assert len(rows_of(response)) >= (1 if name == "over-demanded" else 2), name  # no demand in this world
    assert operator_client.get("/dashboard/export/nothing.csv").status_code == 404
    kpis = rows_of(operator_client.get("/dashboard/export/kpis.csv", query_string=RANGE))
    fees = next(r for r in kpis if r[0] == "Platform fees (CNY)")
    assert fees[1] == "" and fees[2] == "not yet available"


def test_the_page_renders_every_table_without_javascript(operator_client):
    html = operator_client.get("/dashboard", query_string=RANGE).get_data(as_text=True)
    for name in ("heatmap", "trend", "utilisation", "under-used", "over-demanded", "demand-supply", "funnel",
                 "firms", "kpis"):
        assert f'data-testid="table-{name}"' in html, name
    assert 'data-testid="csv-heatmap"' in html and "vendor/echarts/echarts.min.js" in html
    assert "Mill" not in html or "North" in html
    assert "<th scope=\"row\">North</th>" in html
