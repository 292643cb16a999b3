"""Search fixtures: every test in this folder that takes `search_backend` runs on both backends.

Elasticsearch is osmem-server (an in-memory OpenSearch-compatible server, one per test session and xdist worker)
behind `OsmemBridge`, which rewrites elasticsearch-py's `compatible-with` media types that osmem answers with 406.
Each test gets its own index name, deleted afterwards.
"""
from __future__ import annotations

import itertools
import uuid
from datetime import date, timedelta

import pytest

_seq = itertools.count(1)


@pytest.fixture(scope="session")
def osmem_bridge_url():
    from osmem_server import OsmemServer

    from marketplace.devtools.osmem_bridge import OsmemBridge
    server = OsmemServer.start(japanese=False)
    bridge = OsmemBridge(server.url).start()
    yield bridge.url
    bridge.close()
    server.close()
    if server.process.stdout:
        server.process.stdout.close()
    if server.process.stdin:
        server.process.stdin.close()


@pytest.fixture(params=["database", "elasticsearch"])
def search_backend(request):
    return request.param


@pytest.fixture
def app_config(app_config, request):
    """The shared app config, plus the Elasticsearch URL when the test runs on that backend."""
    backend = request.getfixturevalue("search_backend") if "search_backend" in request.fixturenames else "database"
    if backend == "elasticsearch":
        url = request.getfixturevalue("osmem_bridge_url")
        return app_config | {"ELASTICSEARCH_URL": url, "SEARCH_INDEX": f"test-{uuid.uuid4().hex[:12]}",
                             "SEARCH_ES_REFRESH": True}
    return app_config | {"ELASTICSEARCH_URL": None}


@pytest.fixture(autouse=True)
def backend(app):
    backend = app.extensions["search"].backend
    yield backend
    if backend.name == "elasticsearch":
        backend.client.indices.delete(index=backend.index, ignore_unavailable=True)
    backend.close()


@pytest.fixture
def today(app):
    return app.extensions["search"].today()


@pytest.fixture
def weekly(db):
    """weekly(machine, weekday=None, start=480, end=1200): add a weekly idle window (all weekdays when None)."""
    from capacity.models import WeeklyWindow

    def add(machine, weekdays=range(7), start=8 * 60, end=20 * 60):
        for day in weekdays:
            db.session.add(WeeklyWindow(machine=machine, weekday=day, start_minute=start, end_minute=end))
        db.session.commit()
    return add


@pytest.fixture
def create_order(db):
    """create_order(buyer, steps=[("cnc_mill_3ax", ...)], material="al6061", status="quoted", **extra)."""
    from marketplace.orders.models import Order, OrderStep

    def create(buyer, steps=("cnc_mill_3ax",), material="al6061", status="quoted", title=None, **extra):
        n = next(_seq)
        values = dict(quantity=10, release_date=date.today(), due_date=date.today() + timedelta(days=20),
                      delivery_latitude=22.80, delivery_longitude=113.80, description="") | extra
        order = Order(reference=f"SO-T{n:05d}", cluster_id=buyer.cluster_id, buyer=buyer, title=title or f"Order {n}",
                      status=status, material_code=material, **values)
        for i, process in enumerate(steps, start=1):
            order.steps.append(OrderStep(sequence=i, process_code=process, run_minutes_per_unit=5.0))
        db.session.add(order)
        db.session.commit()
        return order
    return create


@pytest.fixture
def scene(db, create_cluster, create_firm, create_user, create_factory, create_machine, weekly):
    """Two clusters. Cluster A: two factory firms (three active machines, one inactive), a buyer, an operator.
    Cluster B: one factory with a milling machine that cluster A must never see."""
    from types import SimpleNamespace
    f1 = create_firm("factory", name="精工机械 Jinggong Machining")
    s1 = create_factory(f1, name="东莞一厂 Dongguan Plant 1", lat=22.81, lon=113.80, address="东莞市长安镇",
                        certifications=["ISO9001", "IATF16949"])
    m1 = create_machine(s1, name="Haas VF-2", process="cnc_mill_3ax", materials=("al6061", "ss304"),
                        hourly_rate_fen=12000)
    m2 = create_machine(s1, name="Trumpf TruLaser 3030", process="laser_cut", materials=("steel_q235", "ss304"),
                        hourly_rate_fen=20000)
    f2 = create_firm("factory", name="Bright Turning Works")
    s2 = create_factory(f2, name="Songshan Lake plant", lat=22.95, lon=113.90, certifications=["ISO9001"])
    m3 = create_machine(s2, name="Mazak QTN-200", process="cnc_turn", materials=("al6061", "brass_c360"),
                        hourly_rate_fen=9000)
    m4 = create_machine(s2, name="Bystronic Fiber", process="laser_cut", materials=("steel_q235",),
                        hourly_rate_fen=15000, active=False)
    weekly(m1, start=8 * 60, end=20 * 60)        # 12 h a day
    weekly(m3, start=6 * 60, end=8 * 60)         # 2 h a day
    buyer = create_firm("buyer", name="Acme Buyer 采购")
    operator = create_firm("operator", name="Park Operator 园区运营")
    other = create_cluster(slug="other", name="Other cluster")
    f3 = create_firm("factory", name="Other 铣削 Works", cluster=other)
    s3 = create_factory(f3, name="Elsewhere", lat=22.81, lon=113.80, certifications=["ISO9001"])
    m5 = create_machine(s3, name="Haas VF-2 elsewhere", process="cnc_mill_3ax", hourly_rate_fen=11000)
    weekly(m5)
    return SimpleNamespace(f1=f1, f2=f2, f3=f3, s1=s1, s2=s2, s3=s3, m1=m1, m2=m2, m3=m3, m4=m4, m5=m5,
                           buyer=buyer, operator=operator, other=other,
                           buyer_user=create_user(buyer), f1_user=create_user(f1), f2_user=create_user(f2),
                           f3_user=create_user(f3), operator_user=create_user(operator))
