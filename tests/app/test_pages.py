"""Server-rendered pages in both languages, and the capacity editor's forms with their errors."""

import re

import pytest
from sqlalchemy import func, select

from capacity.models import Factory, Machine, WeeklyWindow

PASSWORD = "correct horse battery"  # the password the create_user fixture sets




def test_translations_are_complete():
    import importlib.util

    spec = importlib.util.spec_from_file_location("translations", "scripts/translations.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.missing() == []


def test_language_comes_from_the_browser_or_the_switch(client):
    assert "登录" in client.get("/sign-in", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_data(as_text=True)
    assert ">Sign in<" in client.get("/sign-in", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    client.post("/language/en")
    assert ">Sign in<" in client.get("/sign-in", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    client.post("/language/zh_Hans_CN")
    assert "登录" in client.get("/sign-in", headers={"Accept-Language": "en"}).get_data(as_text=True)


@pytest.mark.parametrize("language, words", [("en", ["Capacity", "Your sites"]), ("zh", ["产能", "您的厂区"])])
def test_every_page_renders_for_a_factory(sign_in, client, factory_user, dummy_machine, create_equipment, language,
                                          words):
    item = create_equipment(factory_user.firm, site_factory_id=dummy_machine.factory_id, delivered_to_lessee=False)
    sign_in(client, factory_user, language)
    home = client.get("/home").get_data(as_text=True)
    assert all(w in home for w in words)
    for url in [
        "/capacity/",
        f"/capacity/factories/{dummy_machine.factory_id}",
        f"/capacity/factories/{dummy_machine.factory_id}/machines/new",
        f"/capacity/machines/{dummy_machine.id}",
        "/equipment/",
        f"/equipment/{item.id}",
        "/equipment/listings",
        "/account",
        "/firm",
    ]:
        r = client.get(url)
        assert r.status_code == 200, url
        html = r.get_data(as_text=True)
        if language == "zh":
            assert 'lang="zh-CN"' in html and "Sign out" not in html, url


@pytest.mark.parametrize(
    "kind, testid", [("operator", "operator-home"), ("buyer", "buyer-home"), ("lessor", "lessor-home")]
)
def test_home_page_per_role(sign_in, client, create_firm, create_user, kind, testid):
    user = create_user(create_firm(kind))
    sign_in(client, user)
    assert f'data-testid="{testid}"' in client.get("/home").get_data(as_text=True)
    if kind == "buyer":
        assert client.get("/capacity/").status_code == 403


def test_other_firms_pages_are_404(sign_in, client, create_firm, create_user, dummy_machine):
    sign_in(client, create_user(create_firm("factory")))
    assert client.get(f"/capacity/machines/{dummy_machine.id}").status_code == 404
    assert client.get(f"/capacity/factories/{dummy_machine.factory_id}").status_code == 404
    assert client.post(f"/capacity/machines/{dummy_machine.id}/delete").status_code == 404


def test_add_machine_and_week_view(sign_in, client, db, factory_user, dummy_factory):
    sign_in(client, factory_user)
    form = {
        "name": "Brother S700X2 #2",
        "process_code": "cnc_mill_3ax",
        "units": "1",
        "materials": ["al6061", "pom"],
        "envelope_x_mm": "700",
        "envelope_y_mm": "400",
        "envelope_z_mm": "300",
        "best_tolerance_mm": "0.01",
        "hourly_rate_yuan": "95.5",
        "setup_minutes": "40",
        "speed_factor": "1",
        "active": "y",
    }
    r = client.post(f"/capacity/factories/{dummy_factory.id}/machines/new", data=form | {"hourly_rate_yuan": "-3"})
    assert r.status_code == 422 and 'data-field="hourly_rate_yuan"' in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Machine.id))) == 0
    r = client.post(f"/capacity/factories/{dummy_factory.id}/machines/new", data=form)
    assert r.status_code == 302
    machine = db.session.scalars(select(Machine)).one()
    assert machine.hourly_rate_fen == 9550 and machine.material_codes == ["al6061", "pom"]
    r = client.post(
        f"/capacity/machines/{machine.id}/weekly?week=2026-11-23",
        data={"w-weekdays": ["0", "2"], "w-start": "20:00", "w-end": "06:00"},
    )
    assert r.status_code == 302
    html = client.get(f"/capacity/machines/{machine.id}?week=2026-11-23").get_data(as_text=True)
    assert html.count('data-testid="idle-block"') == 4  # Mon and Wed evenings, Tue and Thu mornings
    assert "20:00–24:00" in html and "00:00–06:00" in html
    r = client.post(
        f"/capacity/machines/{machine.id}/exceptions",
        data={"x-kind": "blackout", "x-starts_at": "2026-11-23T22:00", "x-ends_at": "2026-11-23T21:00"},
    )
    assert r.status_code == 422 and 'data-field="x-ends_at"' in r.get_data(as_text=True)
    r = client.post(
        f"/capacity/machines/{machine.id}/exceptions",
        data={"x-kind": "blackout", "x-starts_at": "2026-11-23T22:00", "x-ends_at": "2026-11-24T02:00"},
    )
    assert r.status_code == 302
    html = client.get(f"/capacity/machines/{machine.id}?week=2026-11-23").get_data(as_text=True)
    assert "20:00–22:00" in html and "02:00–06:00" in html
    r = client.post(
        f"/capacity/machines/{machine.id}/exceptions",
        data={"x-kind": "blackout", "x-starts_at": "2026-11-24T01:00", "x-ends_at": "2026-11-24T03:00"},
    )
    assert r.status_code == 422 and "Overlaps the blackout" in r.get_data(as_text=True)
    summary = client.get(f"/capacity/factories/{dummy_factory.id}?week=2026-11-23").get_data(as_text=True)
    assert re.search(r"Brother S700X2 #2", summary)


def test_site_form_rejects_bad_coordinates_and_duplicates(sign_in, client, db, factory_user, dummy_factory):
    sign_in(client, factory_user)
    r = client.post("/capacity/", data={"name": "North", "latitude": "95", "longitude": "113.8"})
    assert r.status_code == 422 and 'data-field="latitude"' in r.get_data(as_text=True)
    r = client.post("/capacity/", data={"name": dummy_factory.name, "latitude": "22.8", "longitude": "113.8"})
    assert r.status_code == 422 and 'data-field="name"' in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Factory.id))) == 1
    assert db.session.scalar(select(func.count(WeeklyWindow.id))) == 0


def test_api_docs_page_and_spec(client):
    spec = client.get("/api/openapi.json").json
    assert spec["openapi"].startswith("3.") and "/api/v1/machines" in spec["paths"]
    assert "bearerAuth" in spec["components"]["securitySchemes"]
    docs = client.get("/api/docs").get_data(as_text=True)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs
    with client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js") as asset:
        assert asset.status_code == 200
