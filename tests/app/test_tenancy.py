"""Tenant isolation: for every object endpoint of the API, another firm gets 404 and changes nothing."""

import pytest
from sqlalchemy import select

from capacity.models import CalendarException, EquipmentAvailability, InstalmentPlan, WeeklyWindow
from marketplace.accounts.models import ApiToken

VALID_BODIES = {
    "weekly-windows": {"weekday": 1, "start": "20:00", "end": "06:00"},
    "exceptions": {"kind": "open", "starts_at": "2026-12-01T08:00:00+08:00", "ends_at": "2026-12-01T12:00:00+08:00"},
    "instalment-plans": {"months": 24, "annual_rate_bp": 500},
    "availability": {"start_date": "2027-01-01", "end_date": "2027-01-31"},
    "users/<int:user_id>": {"name": "Renamed"},
}


@pytest.fixture
def world(db, create_firm, create_user, create_factory, create_machine, create_equipment, create_cluster):
    """Firm A (factory and lessor) with one of everything; firm B, operators of A's cluster and of another."""
    a = create_firm("factory", "lessor", name="A")
    user_a = create_user(a)
    site = create_factory(a)
    machine = create_machine(site)
    item = create_equipment(a, listed=False, site_factory_id=site.id)
    now = site.created_at
    with db.session.no_autoflush:
        window = WeeklyWindow(machine=machine, weekday=0, start_minute=1200, end_minute=360)
        exception = CalendarException(
            machine=machine, kind="blackout", starts_at=now, ends_at=now.replace(year=now.year + 1)
        )
        plan = InstalmentPlan(equipment=item, months=6, annual_rate_bp=450)
        availability = EquipmentAvailability(equipment=item, start_date=now.date(), end_date=now.date())
        token, _ = ApiToken.issue(user_a, "a's token")
        db.session.add_all([window, exception, plan, availability, token])
    db.session.commit()
    ids = {
        "factory_id": site.id,
        "machine_id": machine.id,
        "window_id": window.id,
        "exception_id": exception.id,
        "equipment_id": item.id,
        "plan_id": plan.id,
        "availability_id": availability.id,
        "firm_id": a.id,
        "token_id": token.id,
        "user_id": user_a.id,
    }
    b = create_user(create_firm("factory", "lessor", "buyer", name="B"))
    operator = create_user(create_firm("operator", name="Operator"))
    other_cluster = create_cluster()
    stranger_operator = create_user(create_firm("operator", name="Other operator", cluster=other_cluster))
    return {"ids": ids, "a": user_a, "b": b, "operator": operator, "stranger_operator": stranger_operator}


def object_endpoints(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.arguments:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


def snapshot(db):
    """Every row of every table (but the intruder's own token's last-used stamp, which auth updates)."""
    state = {}
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if c.name != "last_used_at"]
        rows = db.session.execute(select(*columns)).all()
        state[table.name] = sorted(map(repr, rows))
    return state


def call(client, rule, method, ids):
    url = rule.rule
    for name in rule.arguments:
        url = url.replace(f"<int:{name}>", str(ids[name]))
    assert "<" not in url, f"no id for {url}"
    body = next((b for suffix, b in VALID_BODIES.items() if rule.rule.endswith(suffix)), {})
    query = (
        {"start": "2026-12-01T00:00:00+08:00", "end": "2026-12-08T00:00:00+08:00"} if url.endswith("/idle") else None
    )
    return client.open(
        url, method=method, json=body if method in ("POST", "PATCH", "PUT") else None, query_string=query
    )


@pytest.mark.parametrize("intruder", ["b", "stranger_operator"])
def test_other_firms_get_404_and_change_nothing(app, db, world, api_as, intruder):
    client = api_as(world[intruder])
    endpoints = list(object_endpoints(app))
    assert len(endpoints) >= 15
    before = snapshot(db)
    for rule, method in endpoints:
        response = call(client, rule, method, world["ids"])
        assert response.status_code == 404, (method, rule.rule, response.status_code, response.json)
        assert set(response.json) == {"code", "status", "message", "errors"}
    db.session.expire_all()
    assert snapshot(db) == before


def test_owner_reaches_every_object_endpoint(app, world, api_as):
    client = api_as(world["a"])
    for rule, method in object_endpoints(app):
        if method == "GET":
            response = call(client, rule, method, world["ids"])
            allowed = 404 if rule.rule.startswith("/api/v1/equipment-listings") else 200  # A's item is unlisted
            assert response.status_code == allowed, (rule.rule, response.json)


def test_operator_reads_its_cluster_but_cannot_write(app, db, world, api_as):
    client = api_as(world["operator"])
    ids = world["ids"]
    assert client.get(f"/api/v1/factories/{ids['factory_id']}").status_code == 200
    assert client.get(f"/api/v1/machines/{ids['machine_id']}").status_code == 200
    assert client.get(f"/api/v1/firms/{ids['firm_id']}").status_code == 200
    assert client.get("/api/v1/firms").json["total"] == 3  # A, B and the operator itself, not the stranger
    before = snapshot(db)
    r = client.patch(f"/api/v1/machines/{ids['machine_id']}", json={"hourly_rate_fen": 1})
    assert r.status_code == 403
    assert client.delete(f"/api/v1/factories/{ids['factory_id']}").status_code == 403
    db.session.expire_all()
    assert snapshot(db) == before


def test_list_endpoints_show_only_own_records(world, api_as):
    client = api_as(world["b"])
    for url in ("/api/v1/factories", "/api/v1/machines", "/api/v1/equipment"):
        assert client.get(url).json["total"] == 0, url
    assert [f["name"] for f in client.get("/api/v1/firms").json["items"]] == ["B"]
