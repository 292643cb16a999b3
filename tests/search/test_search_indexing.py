"""Incremental indexing after commit (never for a rolled-back change) and the bulk reindex command."""
from __future__ import annotations


def ids(response):
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


def test_a_rolled_back_change_never_reaches_the_index(api_as, scene, db, search_backend):
    buyer = api_as(scene.buyer_user)
    scene.m1.name = "Rolled-back Wonder 回滚"
    db.session.flush()
    db.session.rollback()
    assert ids(buyer.get("/api/v1/search/capacity", query_string={"q": "Wonder"})) == []
    assert ids(buyer.get("/api/v1/search/capacity", query_string={"q": "回滚"})) == []

    scene.m1.name = "Committed Wonder 提交"
    db.session.commit()
    assert ids(buyer.get("/api/v1/search/capacity", query_string={"q": "Wonder"})) == [scene.m1.id]
    assert ids(buyer.get("/api/v1/search/capacity", query_string={"q": "提交"})) == [scene.m1.id]


def test_changes_through_the_api_are_searchable_at_once(api_as, scene, db, search_backend):
    f2 = api_as(scene.f2_user)
    created = f2.post("/api/v1/machines", json={
        "factory_id": scene.s2.id, "name": "DMG Mori 五轴", "process_code": "cnc_mill_5ax", "materials": ["ti6al4v"],
        "units": 1, "envelope_x_mm": 500, "envelope_y_mm": 500, "envelope_z_mm": 400, "best_tolerance_mm": 0.005,
        "hourly_rate_fen": 30000})
    assert created.status_code == 201, created.get_json()
    machine_id = created.get_json()["id"]
    buyer = api_as(scene.buyer_user)
    assert ids(buyer.get("/api/v1/search/capacity", query_string={"q": "五轴"})) == [machine_id]
    assert ids(buyer.get("/api/v1/search/capacity", query_string={"material": "ti6al4v"})) == [machine_id]
    supplier = buyer.get("/api/v1/search/suppliers", query_string={"process": "cnc_mill_5ax"}).get_json()
    assert [i["id"] for i in supplier["items"]] == [scene.s2.id]

    assert f2.patch(f"/api/v1/factories/{scene.s2.id}", json={"name": "松山湖新厂"}).status_code == 200
    assert sorted(ids(buyer.get("/api/v1/search/capacity", query_string={"q": "松山湖"}))) == [scene.m3.id, machine_id]

    assert f2.delete(f"/api/v1/machines/{machine_id}").status_code == 204
    assert ids(buyer.get("/api/v1/search/capacity", query_string={"q": "五轴"})) == []
    assert ids(buyer.get("/api/v1/search/suppliers", query_string={"process": "cnc_mill_5ax"})) == []


def test_renaming_a_firm_reindexes_its_sites_and_machines(api_as, scene, db, search_backend):
    scene.f2.name = "Renamed 更名 Works"
    db.session.commit()
    buyer = api_as(scene.buyer_user)
    assert ids(buyer.get("/api/v1/search/capacity", query_string={"q": "更名"})) == [scene.m3.id]
    assert ids(buyer.get("/api/v1/search/suppliers", query_string={"q": "更名"})) == [scene.s2.id]


def test_reindex_command_rebuilds_everything(app, api_as, scene, create_order, backend, db, search_backend):
    create_order(scene.buyer)
    buyer = api_as(scene.buyer_user)
    before = buyer.get("/api/v1/search/capacity").get_json()
    backend.reset(db.session)
    db.session.commit()
    assert ids(buyer.get("/api/v1/search/capacity")) == []
    result = app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "capacity 4" in result.output and "supplier 3" in result.output and "job 1" in result.output
    assert buyer.get("/api/v1/search/capacity").get_json() == before
