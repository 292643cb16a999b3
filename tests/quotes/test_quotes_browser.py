"""Playwright + Debian Chromium: a buyer uploads a generated STL on the Instant quote page, in English then Chinese,
and sees the price breaks and the three lead-time tiers. Screenshots go to test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "correct horse battery"
@pytest.fixture
def page_for(page_factory):
    """One Playwright browser per test session (tests/conftest.py); a new context per page."""
    return page_factory


@pytest.mark.parametrize(
    ("locale", "texts"),
    [
        ("en-US", ("Instant quote", "Price breaks", "Expedite", "Get instant quote")),
        ("zh-CN", ("即时报价", "阶梯价格", "加急", "获取即时报价")),
    ],
)
def test_buyer_uploads_an_stl_and_sees_breaks_and_tiers(
    live_server, page_for, plant, buyer, stl_bytes, tmp_path, locale, texts
):
    stl = tmp_path / "bracket.stl"
    stl.write_bytes(stl_bytes)
    page = page_for(locale)
    page.goto(f"{live_server}/sign-in")
    page.fill("input[name=email]", buyer.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=sign-in]")
    page.click("[data-testid=nav-quote]")
    page.wait_for_url("**/quotes/new")
    assert texts[0] in page.title()
    page.set_input_files("input[name=file]", str(stl))
    page.select_option("select[name=material]", "al6061")
    page.fill("input[name=quantity]", "25")
    page.fill("input[name=quantity_breaks]", "1, 10, 100, 500")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"quotes-form-{locale}.png"), full_page=True)
    page.get_by_role("button", name=texts[3]).click()
    page.wait_for_selector("[data-testid=breaks]")
    body = page.inner_text("main")
    assert texts[1] in body and texts[2] in body and "bracket.stl" in body
    rows = page.locator("[data-testid=breaks] tbody tr")
    assert rows.count() == 5
    assert page.locator("[data-testid=tiers] tbody tr").count() == 3
    page.screenshot(path=str(ARTIFACTS / f"quotes-result-{locale}.png"), full_page=True)
