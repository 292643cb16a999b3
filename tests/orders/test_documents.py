"""Documents of an order: who can attach and download them, what is accepted, and that bytes are stored once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.documents.blobs import LocalBlobStore
from marketplace.documents.models import Document

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
STEP = b"ISO-10303-21;\nHEADER;\nFILE_DESCRIPTION((''),'2;1');\nENDSEC;\nDATA;\nENDSEC;\nEND-ISO-10303-21;\n"


def _attach(client, order_id, name, data, kind="drawing", **form):
    return client.post(f"/api/v1/orders/{order_id}/documents", data={"kind": kind, "file": (_io(data), name), **form},
                       content_type="multipart/form-data")


def _io(data):
    import io

    return io.BytesIO(data)


def _step_id(order, sequence):
    return next(s["id"] for s in order["steps"] if s["sequence"] == sequence)


def test_buyer_drawing_reaches_the_factories_and_nobody_else(api_as, planned_order, buyer_user, shops,
                                                             operator_user, outsider_user):
    buyer, mill, outsider = api_as(buyer_user), api_as(shops["mill_user"]), api_as(outsider_user)
    r = _attach(buyer, planned_order["id"], "支架 drawing rev B.pdf", PDF)
    assert r.status_code == 201, r.json
    doc = r.json
    assert doc["content_type"] == "application/pdf" and doc["filename"] == "支架 drawing rev B.pdf"
    assert len(doc["id"]) >= 20                                                  # random, not a counter
    for reader in (mill, api_as(shops["finish_user"]), api_as(operator_user), buyer):
        got = reader.get(f"/api/v1/documents/{doc['id']}")
        assert got.status_code == 200 and got.data == PDF
        assert got.headers["Content-Disposition"].startswith("attachment")
        assert got.headers["X-Content-Type-Options"] == "nosniff"
        assert [d["id"] for d in reader.get(f"/api/v1/orders/{planned_order['id']}/documents").json] == [doc["id"]]
    assert outsider.get(f"/api/v1/documents/{doc['id']}").status_code == 404
    assert outsider.get(f"/api/v1/orders/{planned_order['id']}/documents").status_code == 404
    assert _attach(outsider, planned_order["id"], "x.pdf", PDF).status_code == 404


def test_a_step_document_is_seen_by_that_steps_factory_only(api_as, planned_order, buyer_user, shops):
    buyer = api_as(buyer_user)
    anodise_step = _step_id(planned_order, 2)
    r = _attach(buyer, planned_order["id"], "colour spec.pdf", PDF, kind="spec", step_id=str(anodise_step))
    assert r.status_code == 201, r.json
    assert api_as(shops["finish_user"]).get(f"/api/v1/documents/{r.json['id']}").status_code == 200
    assert api_as(shops["mill_user"]).get(f"/api/v1/documents/{r.json['id']}").status_code == 404
    assert api_as(shops["mill_user"]).get(f"/api/v1/orders/{planned_order['id']}/documents").json == []


def test_a_factory_attaches_its_inspection_report_but_a_buyer_cannot(api_as, planned_order, buyer_user, shops):
    r = _attach(api_as(shops["mill_user"]), planned_order["id"], "CMM report.pdf", PDF, kind="inspection_report",
                step_id=str(_step_id(planned_order, 1)))
    assert r.status_code == 201, r.json
    refused = _attach(api_as(buyer_user), planned_order["id"], "fake report.pdf", PDF, kind="inspection_report")
    assert refused.status_code == 422 and "kind" in refused.json["errors"]
    assert api_as(buyer_user).get(f"/api/v1/documents/{r.json['id']}").data == PDF


@pytest.mark.parametrize("name,data,field", [
    ("drawing.pdf", b"<html><script>alert(1)</script></html>", "file"),     # a name is not a type
    ("empty.pdf", b"", "file"),
    ("part.step", STEP, None),
    ("a.pdf", PDF, "step_id"),                                              # with a step of another order
])
def test_what_is_accepted(api_as, planned_order, buyer_user, db, name, data, field):
    extra = {"step_id": "999999"} if field == "step_id" else {}
    before = db.session.scalar(select(func.count(Document.id)))
    r = _attach(api_as(buyer_user), planned_order["id"], name, data, kind="cad" if name.endswith("step") else
                "drawing", **extra)
    if field is None:
        assert r.status_code == 201 and r.json["content_type"] == "model/step"
    else:
        assert r.status_code == 422 and field in r.json["errors"], r.json
        db.session.rollback()
        assert db.session.scalar(select(func.count(Document.id))) == before  # nothing partial stored


def test_the_same_bytes_are_stored_once_and_a_path_in_the_name_is_dropped(app, api_as, planned_order, buyer_user):
    buyer = api_as(buyer_user)
    one = _attach(buyer, planned_order["id"], "../../etc/passwd.pdf", PDF).json
    two = _attach(buyer, planned_order["id"], "C:/drawings/copy.pdf", PDF).json
    assert one["filename"] == "passwd.pdf" and two["filename"] == "copy.pdf"
    assert one["sha256"] == two["sha256"] and one["id"] != two["id"]
    from marketplace.documents import blobs

    with app.test_request_context():
        store = blobs.store()
        assert isinstance(store, LocalBlobStore) and store.has(one["sha256"])
        assert len([p for p in store.root.rglob("*") if p.is_file()]) == 1


def test_the_quote_cad_file_is_downloadable_by_the_assigned_factory(api_as, shops, buyer_user, outsider_user,
                                                                    fake_stripe, drain):
    from pathlib import Path

    stl = (Path(__file__).parents[1] / "quoting" / "corpus").glob("*.stl")
    path = next(iter(sorted(stl)), None)
    if path is None:
        pytest.fail("the CAD corpus has no STL")
    buyer = api_as(buyer_user)
    quote = buyer.post("/api/v1/quotes", data={"material": "al6061", "quantity": "5",
                                               "file": (_io(path.read_bytes()), path.name)},
                       content_type="multipart/form-data")
    assert quote.status_code == 201, quote.json
    order = buyer.post("/api/v1/orders", json={"quote_id": quote.json["id"], "delivery_address": "东莞",
                                               "delivery_latitude": 22.8, "delivery_longitude": 113.8}).json
    buyer.post(f"/api/v1/orders/{order['id']}/pay", json={})
    drain()
    mill = api_as(shops["mill_user"])
    page = mill.get(f"/orders/{order['id']}")
    assert page.status_code == 200 and f"/orders/{order['id']}/quote-file".encode() in page.data
    got = mill.get(f"/orders/{order['id']}/quote-file")
    assert got.status_code == 200 and got.data == path.read_bytes()
    assert api_as(outsider_user).get(f"/orders/{order['id']}/quote-file").status_code == 404
