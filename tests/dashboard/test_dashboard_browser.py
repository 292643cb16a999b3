"""An operator uses the dashboard in a real Chromium, in English and Chinese: the charts render (ECharts from
static/vendor, nothing from outside 127.0.0.1), the range changes, and a CSV export downloads with the figures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"




@pytest.mark.parametrize("locale, words", [
    ("en-US", {"title": "Cluster dashboard", "factory": "Factory", "csv_name": "Factory"}),
    ("zh-CN", {"title": "集群看板", "factory": "工厂", "csv_name": "工厂"}),
])
def test_operator_changes_the_range_and_exports_csv(live_server, browser, world, locale, words, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    context.set_default_timeout(15_000)
    external: list[str] = []
    context.route(re.compile(r"^(?!http://127\.0\.0\.1).*"), lambda route: (external.append(route.request.url),
                                                                           route.abort()))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(f"{live_server}/sign-in")
        page.fill("input[name=email]", world.operator.email)
        page.fill("input[name=password]", PASSWORD)
        page.click("[data-testid=sign-in]")
        page.click("[data-testid=nav-dashboard]")
        page.wait_for_selector("h1")
        assert page.inner_text("h1") == words["title"]

        page.fill("[data-testid=range-start]", "2026-11-23")
        page.fill("[data-testid=range-end]", "2026-11-29")
        page.click("[data-testid=range-submit]")
        page.wait_for_url(re.compile(r"start=2026-11-23&end=2026-11-29"))
        for name in ("heatmap", "trend", "utilisation", "demand-supply", "funnel", "firms"):
            page.wait_for_selector(f"[data-testid=chart-{name}][data-ready='1']")
        assert page.locator("[data-testid=chart-heatmap] canvas").count() >= 1
        # with JavaScript the tables fold away under "Table view"; open one and read it
        table = page.locator("[data-testid=table-utilisation]")
        assert not table.is_visible()
        page.locator("#figure-utilisation summary").click()
        assert table.is_visible()
        north = table.locator("tbody tr", has_text="North").inner_text().split("\t")
        assert north[2:5] == ["69.0", "13.0", "18.8"]  # offered, booked, utilisation %
        page.screenshot(path=str(ARTIFACTS / f"dashboard-{locale}.png"), full_page=True)

        with page.expect_download() as info:
            page.click("[data-testid=csv-utilisation]")
        download = info.value
        assert download.suggested_filename == "dashboard-utilisation-2026-11-23-2026-11-29.csv"
        path = tmp_path / download.suggested_filename
        download.save_as(path)
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        lines = raw.decode("utf-8-sig").splitlines()
        assert lines[0].split(",")[0] == words["csv_name"]
        assert any(line.startswith("North,Jinhui Precision,69.0,13.0,18.8,") for line in lines), lines
        assert external == [] and errors == []
    finally:
        context.close()
