"""A buyer searches in a real Chromium, in English and Chinese: list, facets, filters, and the Leaflet map
(markers on a plain background: no tile server is configured, and nothing may leave 127.0.0.1)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"




@pytest.fixture
def scene_for_csrf_app(csrf_app, scene):
    return scene


@pytest.mark.parametrize("locale, language, words", [
    ("en-US", "en", {"results": "3 results", "tab": "Suppliers", "filtered": "1 result"}),
    ("zh-CN", "zh_Hans_CN", {"results": "3 条结果", "tab": "供应商", "filtered": "1 条结果"}),
])
def test_buyer_searches_with_filters_list_and_map(live_server, browser, scene, locale, language, words):
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(10_000)
    external = []
    context.route(re.compile(r"^(?!http://127\.0\.0\.1).*"), lambda route: (external.append(route.request.url),
                                                                           route.abort()))
    page = context.new_page()
    try:
        page.goto(f"{live_server}/sign-in")
        page.fill("input[name=email]", scene.buyer_user.email)
        page.fill("input[name=password]", PASSWORD)
        page.click("[data-testid=sign-in]")
        page.wait_for_url(re.compile(r"/home$"))
        if page.locator(f"[data-testid=lang-{language}]").count():  # only the other language has a button
            page.click(f"[data-testid=lang-{language}]")
        page.click("[data-testid=nav-search]")
        page.wait_for_url(re.compile(r"/search/$"))

        assert page.locator("[data-testid=result-count]").inner_text() == words["results"]
        assert page.locator("[data-testid=search-results] > li").count() == 3
        assert page.locator("[data-testid=tab-supplier]").inner_text() == words["tab"]
        page.wait_for_selector("#search-map.leaflet-container[data-ready='3']")
        assert page.locator("#search-map .leaflet-interactive").count() == 3      # three circle markers
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"search-{language}.png"), full_page=True)

        page.check("input[name=process][value=laser_cut]")
        page.fill("input[name=q]", "不锈钢")
        page.click("[data-testid=search-submit]")
        page.wait_for_url(re.compile(r"process=laser_cut"))
        assert page.locator("[data-testid=result-count]").inner_text() == words["filtered"]
        assert "Trumpf" in page.locator("[data-testid=search-results]").inner_text()
        assert page.locator("input[name=process][value=laser_cut]").is_checked()
        page.wait_for_selector("#search-map.leaflet-container[data-ready='1']")
        page.screenshot(path=str(ARTIFACTS / f"search-{language}-filtered.png"), full_page=True)
        assert external == []
    finally:
        context.close()
