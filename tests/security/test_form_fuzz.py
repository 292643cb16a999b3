"""A Hypothesis-driven fuzzer over every page form, as each role of the demo cluster: it signs in, walks every page
it can reach by links (each answers < 500 and carries the security headers), collects every POST form and submits
it with values at the extremes — NaN, Infinity, 1e309, 400-digit integers, 5e-324, empty and huge strings,
Unicode, markup, impossible dates — asserting that no submission is a server error.

Under TESTING an unhandled exception re-raises, so a 500 fails the test with its traceback.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROLES = ("operator", "factory01", "lessor01", "buyer01")
SKIP_PATHS = re.compile(r"^/(sign-out|static/|api/|webhooks/)|\.csv$|/export")
MAX_PAGES = 200
PER_SHAPE = 3
HOSTILE = ["", " ", "NaN", "nan", "Infinity", "-Infinity", "inf", "1e309", "-1e309", "9" * 400, "-" + "9" * 400,
           "5e-324", "-0", "0", "-1", "1e999990", "0x10", "１２３", "1,5", "2147483648", "9223372036854775808",
           "x" * 5000, "测试🙂\u202e\u200b", "<img src=x onerror=alert(1)>", "' OR 1=1 --", "../../etc/passwd",
           "9999-12-31", "0001-01-01", "2026-02-30", "24:00", "25:61", "2026-13-01T25:00", "true", "[]", "{}"]


class Forms(HTMLParser):
    """Links and POST forms of one page (fields with their type, current value and options)."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {"action": a.get("action") or "", "method": (a.get("method") or "get").lower(),
                          "fields": {}}
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "textarea", "select") and a.get("name"):
            kind = a.get("type", tag).lower()
            if kind in ("submit", "button", "reset", "image"):
                return
            field = self._form["fields"].setdefault(a["name"], {"type": kind, "values": []})
            if a.get("value") is not None:
                field["values"].append(a["value"])
            if tag == "select":
                self._select = field
        elif tag == "option" and self._select is not None and a.get("value") is not None:
            self._select["values"].append(a["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def crawl(client, assert_secured, start="/home"):
    """Every page reachable by links (at most PER_SHAPE of one shape, e.g. /orders/N), and the POST forms on them."""
    seen, queue, forms, shapes = set(), [start], {}, {}
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        shape = re.sub(r"\d+", "N", path)
        if path in seen or shapes.get(shape, 0) >= PER_SHAPE:
            continue
        seen.add(path)
        shapes[shape] = shapes.get(shape, 0) + 1
        response = client.get(path)
        assert response.status_code < 500, path
        assert_secured(response)
        if response.status_code != 200 or not response.mimetype == "text/html":
            continue
        parser = Forms()
        parser.feed(response.get_data(as_text=True))
        for href in parser.links:
            href = urldefrag(href)[0]
            parts = urlsplit(href)
            if parts.netloc or not href.startswith("/") or SKIP_PATHS.search(parts.path):
                continue
            queue.append(href)
        for form in parser.forms:
            action = form["action"] or path
            if form["method"] != "post" or SKIP_PATHS.search(urlsplit(action).path):
                continue
            shape = re.sub(r"\d+", "N", urlsplit(action).path)
            forms.setdefault(shape, (action, form["fields"]))
    return seen, forms


def values_for(field):
    own = [v for v in field["values"] if v is not None]
    choices = [st.sampled_from(HOSTILE), st.text(max_size=40),
               st.integers(min_value=-10**30, max_value=10**30).map(str),
               st.floats(allow_nan=True, allow_infinity=True).map(repr)]
    if own:
        choices.insert(0, st.sampled_from(own))
    return st.one_of(*choices)


@pytest.fixture
def app_config(app_config):
    return app_config | {"RATELIMIT_ENABLED": False}  # the limiter is not what is fuzzed (test_sign_in_limits is)


@pytest.fixture
def demo(app, db):
    from marketplace import demo

    context = demo.load(plan_seconds=1.0)
    return {role: email for role, email, _ in context.logins} | {
        r: f"{r}@demo.smp.cn" for r in ROLES}


@pytest.mark.parametrize("role", ROLES)
def test_every_page_form_survives_hostile_values(app, demo, role, assert_secured):
    from marketplace.demo import DEMO_PASSWORD

    app.config.update(PLANNING_TIME_LIMIT_S=0.5)
    client = app.test_client()
    assert client.post("/sign-in", data={"email": demo[role], "password": DEMO_PASSWORD}).status_code == 302
    if role.startswith("buyer"):  # a fresh quote, so that its page and the order form are there to be found
        quote = client.post("/quotes/new", data={"material": "al6061", "quantity": "20", "length_mm": "100",
                                                 "width_mm": "60", "height_mm": "20", "volume_cm3": "80",
                                                 "quantity_breaks": "1, 10", "lead_time_tier": "standard",
                                                 "tolerance_class": "m", "finish": "none",
                                                 **{f"route-{i}": "" for i in range(4)}})
        assert quote.status_code == 302, re.findall(r"error[^>]*>([^<]*)<", quote.get_data(as_text=True))
    pages, forms = crawl(client, assert_secured)
    assert len(pages) >= 8 and forms, (pages, forms)
    for shape, (action, fields) in sorted(forms.items()):
        if "/sign-out" in action:
            continue

        @settings(max_examples=10, derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(data=st.data())
        def submit(data):
            payload = {name: data.draw(values_for(field), label=name) for name, field in fields.items()
                       if name != "csrf_token"}
            response = client.post(action, data=payload)
            assert response.status_code < 500, (shape, payload)

        submit()
        # a form may sign the user out (a password change keeps this session; other forms must not end it)
        if client.get("/account").status_code != 200:
            client.post("/sign-in", data={"email": demo[role], "password": DEMO_PASSWORD})
