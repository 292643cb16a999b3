"""The capacity REST API end to end: create, read, update, delete, and bad input naming the field."""

import pytest
from sqlalchemy import func, select

from capacity.models import CalendarException, Factory, Machine, WeeklyWindow

MACHINE = {
    "name": "Haas VF-2 #7",
    "process_code": "cnc_mill_3ax",
    "units": 2,
    "envelope_x_mm": 762,
    "envelope_y_mm": 406,
    "envelope_z_mm": 508,
    "best_tolerance_mm": 0.01,
    "hourly_rate_fen": 12000,
    "setup_minutes": 45,
    "speed_factor": 1.1,
    "materials": ["al6061", "ss304"],
}


@pytest.fixture
def factory_api(api_as, factory_user):
    return api_as(factory_user)


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_factory_crud(factory_api, db):
    r = factory_api.post(
        "/api/v1/factories",
        json={"name": "Plant A", "latitude": 22.81, "longitude": 113.8, "certifications": ["ISO9001", "IATF16949"]},
    )
    assert r.status_code == 201, r.json
    site = r.json
    assert site["certifications"] == ["ISO9001", "IATF16949"]
    r = factory_api.get("/api/v1/factories")
    assert r.json["total"] == 1 and r.json["items"][0]["name"] == "Plant A"
    r = factory_api.patch(f"/api/v1/factories/{site['id']}", json={"address": "长安镇长青路 8 号"})
    assert r.status_code == 200 and r.json["address"] == "长安镇长青路 8 号"
    assert factory_api.get("/api/v1/factories?certification=IATF16949").json["total"] == 1
    assert factory_api.get("/api/v1/factories?certification=ISO14001").json["total"] == 0
    assert factory_api.delete(f"/api/v1/factories/{site['id']}").status_code == 204
    assert factory_api.get(f"/api/v1/factories/{site['id']}").status_code == 404


def test_machine_with_calendar_and_idle_intervals(factory_api, dummy_factory):
    r = factory_api.post("/api/v1/machines", json=MACHINE | {"factory_id": dummy_factory.id})
    assert r.status_code == 201, r.json
    machine = r.json
    assert machine["materials"] == ["al6061", "ss304"] and machine["currency"] == "CNY"
    for day in range(5):
        r = factory_api.post(
            f"/api/v1/machines/{machine['id']}/weekly-windows", json={"weekday": day, "start": "20:00", "end": "06:00"}
        )
        assert r.status_code == 201, r.json
    r = factory_api.post(
        f"/api/v1/machines/{machine['id']}/exceptions",
        json={
            "kind": "blackout",
            "starts_at": "2026-11-24T22:00:00+08:00",
            "ends_at": "2026-11-25T02:00:00+08:00",
            "note": "spindle service",
        },
    )
    assert r.status_code == 201, r.json
    r = factory_api.get(
        f"/api/v1/machines/{machine['id']}/idle",
        query_string={"start": "2026-11-23T00:00:00+08:00", "end": "2026-11-30T00:00:00+08:00"},
    )
    assert r.status_code == 200, r.json
    # Mon-Fri nights: Mon 20-24 (4h), Tue-Fri 00-06 + 20-24 (10h each) minus Tue/Wed blackout 4h, Sat 00-06.
    assert r.json["idle_minutes"] == (4 + 4 * 10 + 6 - 4) * 60
    assert r.json["intervals"][0]["start"].startswith("2026-11-23T12:00:00")  # 20:00 local = 12:00 UTC
    assert factory_api.get("/api/v1/machines?process=cnc_mill_3ax&material=ss304").json["total"] == 1
    assert factory_api.get("/api/v1/machines?material=pom").json["total"] == 0


@pytest.mark.parametrize(
    "field, value",
    [
        ("hourly_rate_fen", 0),
        ("hourly_rate_fen", -5),
        ("envelope_x_mm", 0),
        ("envelope_z_mm", -1),
        ("best_tolerance_mm", 0),
        ("units", 0),
        ("speed_factor", 0),
        ("name", "x" * 101),
        ("name", ""),
        ("process_code", "x" * 33),
        ("setup_minutes", -1),
    ],
)
def test_machine_rejects_bad_values(factory_api, dummy_factory, db, field, value):
    before = count(db, Machine)
    r = factory_api.post("/api/v1/machines", json=MACHINE | {"factory_id": dummy_factory.id, field: value})
    assert r.status_code == 422
    assert set(r.json) == {"code", "status", "message", "errors"} and r.json["code"] == 422
    assert field in r.json["errors"], r.json
    assert count(db, Machine) == before


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("process_code", "plasma_magic", "Unknown process code"),
        ("materials", ["al6061", "unobtainium"], "unobtainium"),
    ],
)
def test_machine_rejects_unknown_codes(factory_api, dummy_factory, db, field, value, message):
    r = factory_api.post("/api/v1/machines", json=MACHINE | {"factory_id": dummy_factory.id, field: value})
    assert r.status_code == 422 and message in r.json["errors"][field][0]
    assert count(db, Machine) == 0


def test_duplicate_machine_name_in_a_site_is_rejected(factory_api, dummy_factory, db):
    assert factory_api.post("/api/v1/machines", json=MACHINE | {"factory_id": dummy_factory.id}).status_code == 201
    r = factory_api.post("/api/v1/machines", json=MACHINE | {"factory_id": dummy_factory.id})
    assert r.status_code == 422 and "name" in r.json["errors"]
    assert count(db, Machine) == 1


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"latitude": 91}, "latitude"),
        ({"longitude": -181}, "longitude"),
        ({"latitude": "north"}, "latitude"),
        ({"certifications": ["ISO1234"]}, "certifications.0"),
        ({"name": "y" * 201}, "name"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_factory_rejects_bad_values(factory_api, db, payload, field):
    r = factory_api.post("/api/v1/factories", json={"name": "Plant", "latitude": 22.8, "longitude": 113.8} | payload)
    assert r.status_code == 422 and field in r.json["errors"], r.json
    assert count(db, Factory) == 0


def test_window_validation(factory_api, dummy_machine, db):
    url = f"/api/v1/machines/{dummy_machine.id}"
    assert factory_api.post(f"{url}/weekly-windows", json={"weekday": 7, "start": "08:00", "end": "09:00"}).json[
        "errors"
    ].keys() == {"weekday"}
    assert (
        "start"
        in factory_api.post(f"{url}/weekly-windows", json={"weekday": 1, "start": "8am", "end": "09:00"}).json["errors"]
    )
    assert (
        "end"
        in factory_api.post(f"{url}/weekly-windows", json={"weekday": 1, "start": "08:00", "end": "08:00"}).json[
            "errors"
        ]
    )
    r = factory_api.post(
        f"{url}/exceptions",
        json={"kind": "open", "starts_at": "2026-11-24T10:00:00+08:00", "ends_at": "2026-11-24T09:00:00+08:00"},
    )
    assert r.status_code == 422 and "ends_at" in r.json["errors"]
    r = factory_api.post(
        f"{url}/exceptions",
        json={"kind": "open", "starts_at": "2026-11-24T10:00:00", "ends_at": "2026-11-24T12:00:00+08:00"},
    )
    assert r.status_code == 422 and "starts_at" in r.json["errors"]  # no time zone given
    assert count(db, WeeklyWindow) == 0 and count(db, CalendarException) == 0


def test_overlapping_blackouts_are_rejected(factory_api, dummy_machine, db):
    url = f"/api/v1/machines/{dummy_machine.id}/exceptions"
    first = {"kind": "blackout", "starts_at": "2026-12-01T08:00:00+08:00", "ends_at": "2026-12-01T18:00:00+08:00"}
    assert factory_api.post(url, json=first).status_code == 201
    r = factory_api.post(
        url, json=first | {"starts_at": "2026-12-01T17:00:00+08:00", "ends_at": "2026-12-02T08:00:00+08:00"}
    )
    assert r.status_code == 422 and "starts_at" in r.json["errors"]
    touching = first | {"starts_at": "2026-12-01T18:00:00+08:00", "ends_at": "2026-12-01T20:00:00+08:00"}
    assert factory_api.post(url, json=touching).status_code == 201
    assert count(db, CalendarException) == 2


def test_unknown_filters_and_bad_pages_are_422(factory_api):
    assert "colour" in factory_api.get("/api/v1/machines?colour=red").json["errors"]
    assert "page_size" in factory_api.get("/api/v1/machines?page_size=10000").json["errors"]
    assert "start" in factory_api.get("/api/v1/machines/1/idle?start=yesterday&end=today").json["errors"]


def test_buyer_cannot_add_sites(api_as, create_firm, create_user):
    buyer = create_user(create_firm("buyer"))
    r = api_as(buyer).post("/api/v1/factories", json={"name": "X", "latitude": 22.8, "longitude": 113.8})
    assert r.status_code == 403 and r.json["code"] == 403


def test_catalogue_lists_at_least_14_processes(factory_api):
    processes = factory_api.get("/api/v1/processes").json
    codes = {p["code"] for p in processes}
    assert len(codes) >= 14 and {"cnc_mill_3ax", "cnc_mill_5ax", "sls_print", "cmm_inspect"} <= codes
    assert all(p["unit_of_work"] and p["cost_drivers"] for p in processes)
    materials = {m["code"]: m for m in factory_api.get("/api/v1/materials").json}
    assert materials["al6061"]["density_g_cm3"] == 2.7 and materials["al6061"]["price_fen_per_kg"] > 0


def test_nul_characters_are_refused_naming_the_field(factory_api, dummy_factory, db):
    assert factory_api.get("/api/v1/machines?q=%00").json["errors"].keys() == {"q"}
    r = factory_api.post("/api/v1/machines", json=MACHINE | {"factory_id": dummy_factory.id, "name": "Mill\x00"})
    assert r.status_code == 422 and "name" in r.json["errors"]
    assert count(db, Machine) == 0
