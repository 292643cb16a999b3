"""Chinese first: every page reachable by links, as each role of the demo cluster (its paid history and a fresh
quote included), shows no English word in Chinese outside an allowlist (brands, standards, units, codes) and what
users typed; the same crawl in English shows no Chinese outside what users typed."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import text

ROLES = ("operator", "factory01", "buyer01", "lessor01")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PER_SHAPE = 2
MAX_PAGES = 120
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


def typed_by_users(db) -> str:
    """Everything users (and the demo's firms) typed: names, addresses, titles, references, comments."""
    columns = {"firms": ("name", "contact_name", "address", "description", "email"),
               "factories": ("name", "address", "contact_name"), "machines": ("name",),
               "equipment": ("name", "description"), "users": ("name", "email"), "clusters": ("name", "region"),
               "orders": ("title", "reference", "delivery_address"), "voucher_programmes": ("name",),
               "quotes": ("reference", "file_name"), "leases": ("reference",), "ratings": ("comment",),
               "vouchers": ("code",), "order_events": ("reason",), "calendar_exceptions": ("note",),
               "report_plans": ("name",)}
    values = []
    for table, names in columns.items():
        for name in names:
            values += [v for (v,) in db.session.execute(text(f"SELECT {name} FROM {table}")) if v]
    return "\n".join(values)


def report(leaks: dict, role: str, language: str) -> str:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"language-leaks-{language}-{role}.json"
    path.write_text(json.dumps(leaks, ensure_ascii=False, indent=1))
    return f"words of the other language on {len(leaks)} pages: {path}"


def crawl(client, crawler) -> dict[str, str]:
    """The visible text of every page reachable by links, by page shape (/orders/N)."""
    return {re.sub(r"\d+", "N", urlsplit(path).path): " ".join(page.text)
            for path, _, page in crawler.crawl(client, max_pages=MAX_PAGES, per_shape=PER_SHAPE,
                                               shape_of=lambda p: re.sub(r"\d+", "N", urlsplit(p).path))
            if page is not None}


@pytest.fixture
def demo(app, paid_demo):
    return app


def signed_in(app, role, language, crawler):
    from marketplace.demo import DEMO_PASSWORD

    client = app.test_client()
    client.post(f"/language/{language}")
    assert client.post("/sign-in", data={"email": f"{role}@demo.smp.cn", "password": DEMO_PASSWORD}).status_code == 302
    if role.startswith("buyer"):
        client.post("/quotes/new", data=crawler.quote_form)
    return client


def english_in(pages: dict, db, crawler) -> dict:
    typed = typed_by_users(db)
    leaks = {shape: crawler.english_words(words, typed) for shape, words in pages.items()}
    return {shape: words for shape, words in leaks.items() if words}


@pytest.mark.parametrize("role", ROLES)
def test_chinese_pages_show_no_english(demo, db, role, crawler):
    pages = crawl(signed_in(demo, role, "zh_Hans_CN", crawler), crawler)
    leaks = english_in(pages, db, crawler)
    assert len(pages) >= 8
    assert leaks == {}, report(leaks, role, "zh")


def test_the_quote_page_shows_no_english(demo, db, crawler):
    """The quoting library's breakdown lines, findings and assumptions are worded by the app (codes with parameters)."""
    pages = crawl(signed_in(demo, "buyer01", "zh_Hans_CN", crawler), crawler)
    assert "/quotes/N" in pages
    assert english_in({"/quotes/N": pages["/quotes/N"]}, db, crawler) == {}


@pytest.mark.parametrize("role", ROLES)
def test_english_pages_show_no_chinese(demo, db, role, crawler):
    pages = crawl(signed_in(demo, role, "en", crawler), crawler)
    typed = typed_by_users(db)
    leaks = {shape: sorted({run for run in CJK.findall(words) if run not in typed and run != "中文"})
             for shape, words in pages.items()}
    leaks = {shape: runs for shape, runs in leaks.items() if runs}
    assert len(pages) >= 8
    assert leaks == {}, report(leaks, role, "en")
