"""POST/GET /api/v1/quotes on the real database: breaks, tiers from live capacity, bad input, tenancy."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from marketplace.fees import fee_in
from marketplace.quotes.models import Quote


def count(db):
    return db.session.scalar(select(func.count(Quote.id)))


def test_json_quote_has_falling_unit_prices_and_ordered_tiers(app, db, plant, buyer_api, declared):
    response = buyer_api.post("/api/v1/quotes", json=declared)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["feasible"] and body["route"][0] == "cnc_mill_3ax" and body["currency"] == "CNY"
    assert body["reference"].startswith("Q") and not body["expired"]
    units = [b["unit_price_fen"] for b in body["breaks"]]
    assert [b["quantity"] for b in body["breaks"]] == [1, 10, 20, 50, 100, 500]
    assert units == sorted(units, reverse=True) and units[0] > units[-1]
    for b in body["breaks"]:  # the buyer sees step prices and the fee inside the total, no margin or overhead
        assert set(b) == {"quantity", "unit_price_fen", "total_fen", "subtotal_fen", "platform_fee_fen",
                          "transport_fen", "steps"}
        assert b["total_fen"] == b["subtotal_fen"] + b["platform_fee_fen"]
        assert sum(step["fen"] for step in b["steps"]) == b["subtotal_fen"]
        assert [step["process"] for step in b["steps"]] == body["route"]
        assert b["platform_fee_fen"] == fee_in(b["total_fen"], 500)  # the one fee rule (marketplace/fees.py)
    tiers = {t["tier"]: t for t in body["tiers"]}
    assert set(tiers) == {"expedite", "standard", "economy"} and all(t["feasible"] for t in tiers.values())
    ships = [datetime.fromisoformat(tiers[n]["ship_by"]) for n in ("expedite", "standard", "economy")]
    assert ships == sorted(ships)
    assert tiers["expedite"]["price_fen"] > tiers["standard"]["price_fen"] >= tiers["economy"]["price_fen"]
    assert all(t["placements"] for t in tiers.values())
    assert body["valid_until"] > body["created_at"]
    again = buyer_api.get(f"/api/v1/quotes/{body['id']}")
    assert again.status_code == 200 and again.json["tiers"] == body["tiers"]
    listed = buyer_api.get("/api/v1/quotes").json
    assert listed["total"] == 1 and listed["items"][0]["reference"] == body["reference"]


def test_multipart_stl_quote_stores_the_file_once(app, db, plant, buyer_api, stl_bytes):
    data = {
        "material": "al6061",
        "quantity": "10",
        "quantity_breaks": "1,50",
        "tolerance_class": "m",
        "file": (io.BytesIO(stl_bytes), "plate.stl"),
    }
    response = buyer_api.post("/api/v1/quotes", data=data, content_type="multipart/form-data")
    assert response.status_code == 201, response.json
    body = response.json
    assert body["file_name"] == "plate.stl" and body["file_size"] == len(stl_bytes)
    assert body["geometry"]["source"] == "stl" and body["quantities"] == [1, 10, 50]
    stored = Path(app.config["QUOTE_UPLOAD_DIR"]) / f"{body['file_sha256']}.stl"
    assert stored.read_bytes() == stl_bytes
    assert [t["feasible"] for t in body["tiers"]] == [True, True, True]


def test_openapi_documents_json_and_multipart(app, client):
    spec = client.get("/api/openapi.json").json
    content = spec["paths"]["/api/v1/quotes"]["post"]["requestBody"]["content"]
    assert set(content) == {"application/json", "multipart/form-data"}
    assert "put" not in spec["paths"]["/api/v1/quotes/{quote_id}"]


def _box_stl(scale: float = 1.0, drop_face: bool = False) -> bytes:
    import trimesh

    mesh = trimesh.creation.box(extents=(40 * scale, 30 * scale, 10 * scale))
    if drop_face:
        mesh = trimesh.Trimesh(vertices=mesh.vertices, faces=mesh.faces[:-1], process=False)
    return mesh.export(file_type="stl")


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (b"", "empty_file"),
        (bytes(range(256)) * 40, "not_a_mesh"),
        (_box_stl(drop_face=True), "not_watertight"),
        (_box_stl(scale=0.001), "implausible_units"),
    ],
    ids=["empty", "random", "open-mesh", "metres"],
)
def test_bad_files_are_422_naming_the_problem_and_nothing_is_stored(app, db, plant, buyer_api, payload, code):
    data = {"material": "al6061", "quantity": "5", "file": (io.BytesIO(payload), "part.stl")}
    response = buyer_api.post("/api/v1/quotes", data=data, content_type="multipart/form-data")
    assert response.status_code == 422, response.json
    assert set(response.json) == {"code", "status", "message", "errors", "reasons"}
    assert response.json["reasons"] == {"file": code}, response.json
    assert response.json["errors"]["file"][0] and code not in response.json["errors"]["file"][0]  # words, not a code
    assert count(db) == 0
    assert not Path(app.config["QUOTE_UPLOAD_DIR"]).exists() or not any(Path(app.config["QUOTE_UPLOAD_DIR"]).iterdir())


def test_upload_over_the_request_limit_is_413_json(app, db, plant, buyer_api, stl_bytes):
    app.config["MAX_CONTENT_LENGTH"] = len(stl_bytes) // 2
    data = {"material": "al6061", "quantity": "5", "file": (io.BytesIO(stl_bytes), "plate.stl")}
    response = buyer_api.post("/api/v1/quotes", data=data, content_type="multipart/form-data")
    assert response.status_code == 413
    assert set(response.json) == {"code", "status", "message", "errors"} and response.json["code"] == 413
    assert count(db) == 0


def test_upload_over_the_quoting_limit_is_file_too_large(app, db, plant, buyer_api, stl_bytes, monkeypatch):
    import quoting

    monkeypatch.setattr(quoting, "MAX_UPLOAD_BYTES", 1000)
    data = {"material": "al6061", "quantity": "5", "file": (io.BytesIO(stl_bytes), "plate.stl")}
    response = buyer_api.post("/api/v1/quotes", data=data, content_type="multipart/form-data")
    assert response.status_code == 422 and response.json["reasons"]["file"] == "file_too_large"
    assert count(db) == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"material": "unobtainium"}, "material"),
        ({"route": ["cnc_mill_3ax", "laser_sintering"]}, "route"),
        ({"finish": "anodised", "material": "steel1045"}, "finish"),
        ({"volume_mm3": 10_000_000}, "volume_mm3"),
        ({"bbox_mm": [0.1, 0.1, 0.1], "volume_mm3": 0.0005}, "bbox_mm"),
        ({"quantity": 0}, "quantity"),
        ({"tolerance_class": "x"}, "tolerance_class"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_inputs_are_422_naming_the_field(app, db, plant, buyer_api, declared, change, field):
    response = buyer_api.post("/api/v1/quotes", json=declared | change)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"], response.json
    assert count(db) == 0


def test_missing_geometry_names_the_fields(app, db, plant, buyer_api):
    response = buyer_api.post("/api/v1/quotes", json={"material": "al6061", "quantity": 3})
    assert response.status_code == 422 and {"bbox_mm", "volume_mm3"} <= set(response.json["errors"])
    response = buyer_api.post(
        "/api/v1/quotes", data={"material": "al6061", "quantity": "3"}, content_type="multipart/form-data"
    )
    assert response.status_code == 422 and "bbox_mm" in response.json["errors"]


def test_tenant_isolation_and_operator_reads(app, db, plant, buyer_api, declared, create_firm, create_user, api_as):
    quote_id = buyer_api.post("/api/v1/quotes", json=declared).json["id"]
    other = api_as(create_user(create_firm("buyer", name="Other buyer")))
    assert other.get(f"/api/v1/quotes/{quote_id}").status_code == 404
    assert other.get("/api/v1/quotes").json["total"] == 0
    operator = api_as(create_user(create_firm("operator", name="Operator")))
    assert operator.get(f"/api/v1/quotes/{quote_id}").status_code == 200
    assert operator.get("/api/v1/quotes").json["total"] == 1
    assert operator.post("/api/v1/quotes", json=declared).status_code == 403
    assert buyer_api.get("/api/v1/quotes/999999").status_code == 404


def test_quotes_are_immutable(app, db, plant, buyer_api, declared):
    quote_id = buyer_api.post("/api/v1/quotes", json=declared).json["id"]
    for method in ("put", "patch", "delete"):
        assert getattr(buyer_api, method)(f"/api/v1/quotes/{quote_id}", json=declared).status_code == 405
    quote = db.session.get(Quote, quote_id)
    quote.total_fen = 1
    with pytest.raises(ValueError, match="cannot change"):
        db.session.commit()
    db.session.rollback()
