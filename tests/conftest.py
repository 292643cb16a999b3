"""Fixtures shared by every test.

The database is real: SQLite (a fresh file per test, copied from a template built by the migrations) or, when
TEST_DATABASE_URL is set, PostgreSQL (one schema per xdist worker, built by the migrations, emptied after each test).
"""

from __future__ import annotations

import contextlib
import ipaddress
import itertools
import os
import re
import shutil
import socket
import threading
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from werkzeug.serving import make_server

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def _allowed(address) -> bool:
    if isinstance(address, (str, bytes)):  # unix socket
        return True
    host = address[0]
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def _no_outbound_network(monkeypatch):
    """Any connection to a non-loopback address fails the test: tests talk only to servers they start."""
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def guard(real):
        def connect(self, address):
            if not _allowed(address):
                raise AssertionError(f"test tried to reach the network: {address!r}")
            return real(self, address)

        return connect

    monkeypatch.setattr(socket.socket, "connect", guard(real_connect))
    monkeypatch.setattr(socket.socket, "connect_ex", guard(real_connect_ex))


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _postgres_url() -> str:
    url = TEST_DATABASE_URL
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3Dtest_{_worker()}"


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    from marketplace import create_app
    from marketplace.demo import catalogue
    from marketplace.extensions import db

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test"})
    with app.app_context():
        upgrade()
        catalogue.seed()
        db.session.commit()
        db.engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """Build the schema once per test session (and worker) with the real migrations."""
    if TEST_DATABASE_URL:
        import sqlalchemy as sa

        base = sa.create_engine(TEST_DATABASE_URL.replace("postgresql://", "postgresql+psycopg://", 1))
        with base.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "test_{_worker()}" CASCADE'))
            conn.execute(sa.text(f'CREATE SCHEMA "test_{_worker()}"'))
        base.dispose()
        url = _postgres_url()
        _migrate(url)
        return url
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    _migrate(f"sqlite:///{path}")
    return path


@pytest.fixture
def database_url(database_template, tmp_path):
    if TEST_DATABASE_URL:
        yield database_template
        _truncate(database_template)
        return
    path = tmp_path / "test.sqlite"
    shutil.copyfile(database_template, path)
    yield f"sqlite:///{path}"


KEEP_TABLES = {"alembic_version", "processes", "materials"}


def _truncate(url: str) -> None:
    import sqlalchemy as sa

    from marketplace.extensions import db

    engine = sa.create_engine(url)
    tables = [t.name for t in db.metadata.sorted_tables if t.name not in KEEP_TABLES]
    with engine.begin() as conn:
        conn.execute(sa.text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def app_config(database_url, tmp_path):
    return {
        "BLOB_DIR": str(tmp_path / "blobs"),  # documents of this test only
        "MAIL_DIR": str(tmp_path / "mail"),
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": None,
        "OUTBOX_WORKER": "off",  # tests deliver background work with `drain()`; live servers start the thread
    }


def _make_app(config):
    from marketplace import create_app
    from marketplace.extensions import db

    app = create_app(config)

    @app.before_request
    def _fresh_request_globals():
        # The test keeps one app context open (so fixtures and requests share the session); in production each
        # request has its own `g`, so drop what Flask-Login cached there by an earlier request.
        from flask import g

        for name in list(vars(g)):
            delattr(g, name)

    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(app_config):
    yield from _make_app(app_config)


@pytest.fixture
def csrf_app(app_config):
    """The app with CSRF protection on, as in production."""
    yield from _make_app(app_config | {"WTF_CSRF_ENABLED": True})


@pytest.fixture
def db(app):
    from marketplace.extensions import db

    return db


@pytest.fixture
def client(app):
    return app.test_client()


# Factory fixtures in pairs: a `create_x` callable and a ready `dummy_x`.
PASSWORD = "correct horse battery"
_seq = itertools.count(1)


@pytest.fixture
def create_cluster(db):
    from marketplace.accounts.models import Cluster

    def create(slug=None, name=None):
        n = next(_seq)
        cluster = Cluster(slug=slug or f"cluster-{n}", name=name or f"Cluster {n}", timezone="Asia/Shanghai")
        db.session.add(cluster)
        db.session.commit()
        return cluster

    return create


@pytest.fixture
def dummy_cluster(create_cluster):
    return create_cluster(slug="dummy", name="Dummy cluster")


@pytest.fixture
def create_firm(db, dummy_cluster):
    from marketplace.accounts.models import Firm

    def create(*kinds, name=None, cluster=None):
        firm = Firm(
            cluster=cluster or dummy_cluster,
            name=name or f"Firm {next(_seq)}",
            **{f"is_{k}": True for k in (kinds or ("buyer",))},
        )
        db.session.add(firm)
        db.session.commit()
        return firm

    return create


@pytest.fixture
def create_user(db):
    from marketplace.accounts.models import User

    def create(firm, role="owner", email=None):
        user = User(firm=firm, email=email or f"user{next(_seq)}@example.com", name="Test User", role=role)
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
        return user

    return create


@pytest.fixture
def token_for(db):
    from marketplace.accounts.models import ApiToken

    def issue(user):
        token, secret = ApiToken.issue(user, "test")
        db.session.add(token)
        db.session.commit()
        return secret

    return issue


@pytest.fixture
def api_as(app, token_for):
    """api_as(user) -> a test client that sends that user's bearer token."""

    def make(user):
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token_for(user)}"
        return client

    return make


@pytest.fixture
def create_factory(db):
    from capacity.models import Factory

    def create(firm, name=None, lat=22.81, lon=113.80, **extra):
        site = Factory(
            firm=firm,
            cluster_id=firm.cluster_id,
            name=name or f"Site {next(_seq)}",
            latitude=lat,
            longitude=lon,
            **extra,
        )
        db.session.add(site)
        db.session.commit()
        return site

    return create


@pytest.fixture
def create_machine(db):
    from capacity.models import Machine, Material

    def create(site, process="cnc_mill_3ax", name=None, materials=("al6061",), **extra):
        values = (
            dict(
                units=1,
                envelope_x_mm=800,
                envelope_y_mm=500,
                envelope_z_mm=500,
                best_tolerance_mm=0.01,
                hourly_rate_fen=12000,
                setup_minutes=30,
                speed_factor=1.0,
            )
            | extra
        )
        machine = Machine(
            factory=site,
            name=name or f"Machine {next(_seq)}",
            process_code=process,
            materials=[db.session.get(Material, c) for c in materials],
            **values,
        )
        db.session.add(machine)
        db.session.commit()
        return machine

    return create


@pytest.fixture
def create_equipment(db):
    from capacity.models import Equipment

    def create(owner, name=None, process="cnc_mill_5ax", **extra):
        values = (
            dict(
                envelope_x_mm=600,
                envelope_y_mm=600,
                envelope_z_mm=400,
                best_tolerance_mm=0.01,
                daily_rate_fen=150000,
                deposit_fen=5000000,
                min_days=3,
                delivered_to_lessee=True,
            )
            | extra
        )
        item = Equipment(
            owner=owner,
            cluster_id=owner.cluster_id,
            name=name or f"Equipment {next(_seq)}",
            process_code=process,
            **values,
        )
        db.session.add(item)
        db.session.commit()
        return item

    return create


@pytest.fixture
def factory_firm(create_firm):
    return create_firm("factory", name="Jinhui Precision")


@pytest.fixture
def factory_user(create_user, factory_firm):
    return create_user(factory_firm)


@pytest.fixture
def dummy_factory(create_factory, factory_firm):
    return create_factory(factory_firm, name="Plant 1")


@pytest.fixture
def dummy_machine(create_machine, dummy_factory):
    return create_machine(dummy_factory, name="Haas VF-2 #1")


@pytest.fixture
def sign_in():
    """sign_in(client, user, language="en"): choose the language, then sign in with the fixtures' password."""

    def sign(client, user, language="en"):
        client.post(f"/language/{'en' if language == 'en' else 'zh_Hans_CN'}")
        response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:300]

    return sign


@pytest.fixture
def browser_sign_in():
    """browser_sign_in(page, base_url, user): sign in through the page, as a person does."""
    import re

    def sign(page, base, user):
        page.goto(f"{base}/sign-in")
        page.fill("input[name=email]", user.email)
        page.fill("input[name=password]", PASSWORD)
        page.click("[data-testid=sign-in]")
        page.wait_for_url(re.compile(r"/home$"))

    return sign


# Browser tests: a live server in a thread and Debian's Chromium driven by Playwright.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture
def drain(app):
    """drain() delivers every outbox row that is due now, as the runner would after commit."""
    from marketplace.outbox.runner import drain as deliver

    return deliver


@contextlib.contextmanager
def _served(app):
    """`app` on a loopback port with its embedded durable-work thread, as `scripts/demo.sh` serves it."""
    from marketplace.outbox.worker import EmbeddedWorker

    app.config["OUTBOX_POLL_S"] = 0.1
    worker = EmbeddedWorker(app)
    worker.start()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        worker.stop()


@pytest.fixture
def live_server(csrf_app):
    """The site for a browser (CSRF on), with its runner thread."""
    with _served(csrf_app) as url:
        yield url


@pytest.fixture
def live_api(app):
    """The test's own app (its fixtures' payments client included) over HTTP, with its runner thread."""
    with _served(app) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page_factory(browser):
    contexts = []

    def make(locale="en-US"):
        context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name):
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def smtp_server(app):
    """A real SMTP server (aiosmtpd) on loopback; the app sends through it. `.messages` holds what arrived."""
    from email import message_from_bytes, policy

    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
            return "250 OK"

    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    try:
        yield inbox
    finally:
        controller.stop()


def _localstripe(tmp_path_factory):
    from marketplace.devtools.localstripe_server import start_local_server

    handle = start_local_server(port=0, state_dir=tmp_path_factory.mktemp("localstripe"))
    yield handle
    handle.stop()


@pytest.fixture(scope="session")
def localstripe_server(tmp_path_factory):
    """localstripe in a child process on 127.0.0.1, its pickle in this run's temp dir; stopped at the end (the
    payments tests share it)."""
    yield from _localstripe(tmp_path_factory)


@pytest.fixture(scope="module")
def own_localstripe(tmp_path_factory):
    """A localstripe of this test module's own: the demo's hundreds of payments stay out of the shared one."""
    yield from _localstripe(tmp_path_factory)


@pytest.fixture
def redis_url():
    """The test Redis (TEST_REDIS_URL, default database 15). Unreachable, it fails the test in CI and skips it
    elsewhere."""
    import redis

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.ConnectionError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is unreachable at {url}")
        pytest.skip(f"Redis is unreachable at {url}")
    return url


@pytest.fixture
def paid_demo(app, db, own_localstripe):
    """The whole demo cluster in the test's database, its paid history included (through a local payments server of
    the module's own). Returns the demo's load context."""
    from marketplace import demo, payments

    app.config["STRIPE_API_BASE"] = own_localstripe.base_url
    payments.init_app(app, sleep=lambda s: None)
    return demo.load(plan_seconds=1.0)


# A crawler of the site's pages, shared by the form fuzzer and the language crawl.
CRAWL_SKIP = re.compile(r"^/(sign-out|static/|api/|webhooks/)|\.csv$|/export")
HIDDEN_TAGS = ("script", "style", "code", "noscript", "template")
QUOTE_FORM = {"material": "al6061", "quantity": "20", "length_mm": "100", "width_mm": "60", "height_mm": "20",
              "volume_cm3": "80", "quantity_breaks": "1, 10", "lead_time_tier": "standard", "tolerance_class": "m",
              "finish": "anodised", **{f"route-{i}": "" for i in range(4)}}


class SitePage(HTMLParser):
    """One page as a crawler sees it: its links, its forms (fields with type, current values and options) and the
    text a person sees or hears (placeholders, titles, labels; not scripts, styles or <code>)."""

    def __init__(self, html: str):
        super().__init__()
        self.links, self.forms, self.text = [], [], []
        self._form = self._select = None
        self._hidden = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in HIDDEN_TAGS:
            self._hidden += 1
        self.text += [a[k] for k in ("placeholder", "title", "aria-label", "alt") if a.get(k)]
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
        if tag in HIDDEN_TAGS:
            self._hidden -= 1
        elif tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


# Not words of either language: brands, standards, units, file formats, protocol words, material grades.
ENGLISH_ALLOWED = {
    "ISO", "IATF", "CNC", "API", "REST", "CSV", "STL", "STEP", "CAD", "DFM", "JavaScript", "OpenAPI", "Swagger",
    "Authorization", "Bearer", "English", "ABS", "POM", "PLA", "PA12", "PC", "PP", "TPU", "SLS", "FDM", "EDM",
    "CMM", "Stripe", "WebGL", "Ra", "mm", "kg", "km", "cm", "CNY", "RMB", "ID", "SMP", "HIS", "Q235", "SS304",
    "RoHS", "ASCII", "GMV", "CPU", "OpenCASCADE", "SHA", "PDF", "PNG", "JPEG", "DXF",  # file formats, as in Chinese UIs
    "Excel",
}
ENGLISH_WORD = re.compile(r"[A-Za-z][A-Za-z_]{2,}")


def english_words(text: str, typed: str = "") -> list[str]:
    """The English words of a Chinese page's text, less the allowlist and what users typed."""
    return sorted({w for w in ENGLISH_WORD.findall(text) if w not in ENGLISH_ALLOWED and w not in typed})


def page_text(html: str) -> str:
    return " ".join(SitePage(html).text)


def crawl_site(client, *, max_pages: int, per_shape: int, shape_of, start: str = "/home"):
    """Yield (path, response, page) for every page reachable by links from `start` — at most `per_shape` pages of
    one shape (`shape_of(path)`, e.g. /orders/N), `max_pages` in all; `page` is None unless the answer is HTML."""
    seen, queue, shapes = set(), [start], defaultdict(int)
    while queue and len(seen) < max_pages:
        path = queue.pop(0)
        shape = shape_of(path)
        if path in seen or shapes[shape] >= per_shape:
            continue
        seen.add(path)
        shapes[shape] += 1
        response = client.get(path)
        page = SitePage(response.get_data(as_text=True)) \
            if response.status_code == 200 and response.mimetype == "text/html" else None
        yield path, response, page
        for href in page.links if page else ():
            href = urldefrag(href)[0]
            if href.startswith("/") and not href.startswith("//") and not CRAWL_SKIP.search(urlsplit(href).path):
                queue.append(href)


@pytest.fixture
def crawler():
    """crawler.crawl(client, max_pages=, per_shape=, shape_of=) walks the site; crawler.quote_form is a valid
    instant-quote form (declared geometry) for a buyer to post first, so that a quote's pages are there;
    crawler.page_text(html) is what a person reads and crawler.english_words(text, typed) its English words."""
    from types import SimpleNamespace

    return SimpleNamespace(crawl=crawl_site, skip=CRAWL_SKIP, quote_form=dict(QUOTE_FORM), page_text=page_text,
                           english_words=english_words)
