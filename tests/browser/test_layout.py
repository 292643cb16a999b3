"""The layout at a phone's width (375 px) and a laptop's (1366 px), in Chinese and English, as each role of the demo
cluster: no page scrolls sideways (wide tables scroll inside themselves), the header fits on one line at 1366 px,
and screenshots of every page are kept in test-artifacts/layout/."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "layout"
ROLES = ("operator", "factory01", "buyer01", "lessor01")
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
WIDEST = ("() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > "
          "document.documentElement.clientWidth + 1 && !e.closest('.overflow-auto, .dash-table-wrap, table, "
          ".leaflet-container, .dash-chart, pre')).slice(0, 3).map(e => e.tagName + '.' + e.className + ' ' + "
          "(e.textContent || '').trim().slice(0, 40))")


@pytest.fixture
def demo_site(app, db, live_server):
    from marketplace import demo

    demo.load(plan_seconds=1.0)
    return live_server


def pages_of(page) -> list[str]:
    links = page.eval_on_selector_all(".main-nav a[href^='/'], .account-menu a[href^='/']",
                                      "els => els.map(e => e.getAttribute('href'))")
    return [link for link in dict.fromkeys(links) if link not in ("/",) and not link.startswith("/api")]


@pytest.mark.parametrize("role", ROLES)
def test_no_page_scrolls_sideways_and_the_header_fits(demo_site, browser, role):
    from marketplace.demo import DEMO_PASSWORD

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for locale, language in (("zh-CN", "zh_Hans_CN"), ("en-US", "en")):
        for width in (375, 1366):
            context = browser.new_context(locale=locale, viewport={"width": width, "height": 900})
            context.set_default_timeout(15_000)
            page = context.new_page()
            page.goto(f"{demo_site}/sign-in")
            page.fill("input[name=email]", f"{role}@demo.smp.cn")
            page.fill("input[name=password]", DEMO_PASSWORD)
            page.click("[data-testid=sign-in]")
            page.wait_for_url(re.compile(r"/home$"))
            if page.locator(f"[data-testid=lang-{language}]").count():  # only the other language has a button
                if width < 1200:
                    page.click("[data-testid=menu]")
                page.click(f"[data-testid=lang-{language}]")
            if width == 1366:
                height = page.evaluate("() => document.querySelector('header nav').getBoundingClientRect().height")
                if height > 72:  # one row of links is about 60 px high; a second row doubles it
                    problems.append(f"{role} {locale} 1366: the header is {height:.0f} px high (two rows)")
            for path in ["/home", *pages_of(page)]:
                page.goto(f"{demo_site}{path}")
                page.wait_for_load_state("networkidle")
                name = f"{role}-{language}-{width}-{urlsplit(path).path.strip('/').replace('/', '_') or 'home'}"
                page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
                if page.evaluate(OVERFLOW) > 1:
                    problems.append(f"{name}: scrolls sideways by {page.evaluate(OVERFLOW)} px "
                                    f"({page.evaluate(WIDEST)})")
            context.close()
    assert problems == [], "\n".join(problems)
