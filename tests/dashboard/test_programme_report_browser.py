"""An operator sets the programme's targets for the dashboard's hand-checked week in a real Chromium, in Chinese and
English, reads the report (utilisation 13 h / 79 h = 16.5 %, the dashboard's own card for the same range) and
downloads the PDF and the Excel workbook."""

from __future__ import annotations

import io
import re

import openpyxl
import pypdf
import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("locale, words", [
    ("zh-CN", {"title": "绩效报告", "behind": "落后", "met": "已达成", "pdf": "项目绩效报告"}),
    ("en-US", {"title": "Programme report", "behind": "Behind", "met": "Met", "pdf": "Programme performance report"}),
])
def test_operator_sets_targets_and_downloads_the_report(live_server, page_factory, browser_sign_in, screenshot, world,
                                                       locale, words, tmp_path):
    page = page_factory(locale)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    browser_sign_in(page, live_server, world.operator)
    page.goto(f"{live_server}/dashboard?start=2026-11-23&end=2026-11-29")
    assert page.inner_text("[data-testid=kpi-utilisation]") == "16.5%"
    page.click("[data-testid=dashboard-reports]")
    assert page.inner_text("h1") == words["title"]
    page.fill("input[name=name]", "省级共享制造示范平台")
    page.fill("input[name=period_start]", "2026-11-23")
    page.fill("input[name=period_end]", "2026-11-29")
    page.fill("input[name=firms]", "4")
    page.fill("input[name=utilisation]", "150")  # over 100 %: refused by the field
    page.click("[data-testid=plan-form] button[type=submit]")
    assert page.locator("small.error[data-field=utilisation]").count() == 1
    page.fill("input[name=utilisation]", "50")
    page.click("[data-testid=plan-form] button[type=submit]")
    page.wait_for_url(re.compile(r"/reports/\d+$"))
    utilisation = page.locator("[data-testid=report] tr[data-metric=utilisation]")
    assert utilisation.locator("[data-testid=actual]").inner_text() == "16.5 %"
    assert utilisation.locator("[data-testid=status]").inner_text() == words["behind"]
    firms = page.locator("[data-testid=report] tr[data-metric=firms]")
    assert firms.locator("[data-testid=actual]").inner_text() == "4"  # operator, factory, buyer, lessor
    assert firms.locator("[data-testid=status]").inner_text() == words["met"]
    screenshot(page, f"programme-report-{locale}")

    with page.expect_download() as info:
        page.click("[data-testid=report-pdf]")
    pdf = tmp_path / "report.pdf"
    info.value.save_as(pdf)
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert "项目绩效报告" in text and "Programme performance report" in text and "16.5 %" in text
    with page.expect_download() as info:
        page.click("[data-testid=report-xlsx]")
    book = tmp_path / "report.xlsx"
    info.value.save_as(book)
    rows = {r[0]: r[1:] for r in openpyxl.load_workbook(book).active.iter_rows(values_only=True) if r and r[0]}
    assert rows["闲置产能利用率 / Utilisation of offered idle hours"][:2] == (0.5, round(13 / 79, 4))
    assert errors == []
