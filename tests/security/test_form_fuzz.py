"""A Hypothesis-driven fuzzer over every page form, as each role of the demo cluster: it signs in, walks every page
it can reach by links (each answers < 500 and carries the security headers), collects every POST form and submits
it with values at the extremes — NaN, Infinity, 1e309, 400-digit integers, 5e-324, empty and huge strings,
Unicode, markup, impossible dates — asserting that no submission is a server error.

Under TESTING an unhandled exception re-raises, so a 500 fails the test with its traceback.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROLES = ("operator", "factory01", "lessor01", "buyer01")
MAX_PAGES = 200
PER_SHAPE = 3
HOSTILE = ["", " ", "NaN", "nan", "Infinity", "-Infinity", "inf", "1e309", "-1e309", "9" * 400, "-" + "9" * 400,
           "5e-324", "-0", "0", "-1", "1e999990", "0x10", "１２３", "1,5", "2147483648", "9223372036854775808",
           "x" * 5000, "测试🙂\u202e\u200b", "<img src=x onerror=alert(1)>", "' OR 1=1 --", "../../etc/passwd",
           "9999-12-31", "0001-01-01", "2026-02-30", "24:00", "25:61", "2026-13-01T25:00", "true", "[]", "{}"]


def crawl(client, crawler, assert_secured):
    """Every page reachable by links (at most PER_SHAPE of one shape, e.g. /orders/N), and the POST forms on them."""
    seen, forms = set(), {}
    for path, response, page in crawler.crawl(client, max_pages=MAX_PAGES, per_shape=PER_SHAPE,
                                              shape_of=lambda p: re.sub(r"\d+", "N", p)):
        seen.add(path)
        assert response.status_code < 500, path
        assert_secured(response)
        for form in page.forms if page else ():
            action = form["action"] or path
            if form["method"] != "post" or crawler.skip.search(urlsplit(action).path):
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
def test_every_page_form_survives_hostile_values(app, demo, role, crawler, assert_secured):
    from marketplace.demo import DEMO_PASSWORD

    app.config.update(PLANNING_TIME_LIMIT_S=0.5)
    client = app.test_client()
    assert client.post("/sign-in", data={"email": demo[role], "password": DEMO_PASSWORD}).status_code == 302
    if role.startswith("buyer"):  # a fresh quote, so that its page and the order form are there to be found
        quote = client.post("/quotes/new", data=crawler.quote_form)
        assert quote.status_code == 302, re.findall(r"error[^>]*>([^<]*)<", quote.get_data(as_text=True))
    pages, forms = crawl(client, crawler, assert_secured)
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
