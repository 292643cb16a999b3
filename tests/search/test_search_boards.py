"""The factories' job board and the operators' firm search, on both backends."""
from __future__ import annotations

from datetime import date, timedelta


def ids(response):
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


def test_job_board_shows_open_steps_a_factory_can_do(api_as, scene, create_order, create_firm, search_backend):
    milling = create_order(scene.buyer, steps=("cnc_mill_3ax", "anodise"), title="铝支架 bracket")
    turning = create_order(scene.buyer, steps=("cnc_turn",), material="brass_c360", title="Brass bushing 黄铜衬套")
    create_order(scene.buyer, steps=("cnc_mill_3ax",), status="draft", title="Draft milling")      # not open
    create_order(scene.buyer, steps=("cnc_mill_3ax",), status="completed", title="Done milling")   # not open
    elsewhere = create_firm("buyer", name="Other buyer", cluster=scene.other)
    create_order(elsewhere, steps=("cnc_mill_3ax",), title="Other cluster milling")                 # not ours

    f1 = api_as(scene.f1_user)
    body = f1.get("/api/v1/search/jobs").get_json()
    assert [i["id"] for i in body["items"]] == [milling.steps[0].id]   # no anodising line, no turning
    assert body["items"][0]["details"]["reference"] == milling.reference
    assert ids(f1.get("/api/v1/search/jobs", query_string={"q": "支架"})) == [milling.steps[0].id]
    assert ids(f1.get("/api/v1/search/jobs", query_string={"q": "bushing"})) == []

    f2 = api_as(scene.f2_user)
    assert ids(f2.get("/api/v1/search/jobs")) == [turning.steps[0].id]
    assert ids(f2.get("/api/v1/search/jobs", query_string={"q": "黄铜"})) == [turning.steps[0].id]

    other = api_as(scene.f3_user)   # mills al6061 too, but in another cluster
    assert ids(other.get("/api/v1/search/jobs")) == [] or \
        all(i != milling.steps[0].id for i in ids(other.get("/api/v1/search/jobs")))

    assert api_as(scene.buyer_user).get("/api/v1/search/jobs").status_code == 403


def test_job_board_window_and_distance(api_as, scene, create_order, search_backend):
    soon = create_order(scene.buyer, release_date=date.today(), due_date=date.today() + timedelta(days=5))
    later = create_order(scene.buyer, release_date=date.today() + timedelta(days=30),
                         due_date=date.today() + timedelta(days=40), delivery_latitude=23.5, delivery_longitude=114.5)
    f1 = api_as(scene.f1_user)
    window = {"window_from": (date.today() + timedelta(days=1)).isoformat(),
              "window_to": (date.today() + timedelta(days=3)).isoformat()}
    assert ids(f1.get("/api/v1/search/jobs", query_string=window)) == [soon.steps[0].id]
    near = {"lat": 22.81, "lon": 113.80}
    assert ids(f1.get("/api/v1/search/jobs", query_string={**near, "max_km": 20})) == [soon.steps[0].id]
    assert ids(f1.get("/api/v1/search/jobs", query_string={**near, "sort": "distance"})) == [soon.steps[0].id,
                                                                                            later.steps[0].id]


def test_job_board_follows_order_status(api_as, scene, create_order, db, search_backend):
    order = create_order(scene.buyer)
    f1 = api_as(scene.f1_user)
    assert ids(f1.get("/api/v1/search/jobs")) == [order.steps[0].id]
    order.status = "cancelled"
    db.session.commit()
    assert ids(f1.get("/api/v1/search/jobs")) == []
    order.status = "paid"
    db.session.commit()
    assert ids(f1.get("/api/v1/search/jobs")) == [order.steps[0].id]
    db.session.delete(order)
    db.session.commit()
    assert ids(f1.get("/api/v1/search/jobs")) == []


def test_operators_search_the_firms_of_their_cluster(api_as, scene, search_backend):
    operator = api_as(scene.operator_user)
    assert ids(operator.get("/api/v1/search/firms", query_string={"q": "精工"})) == [scene.f1.id]
    assert ids(operator.get("/api/v1/search/firms", query_string={"q": "采购"})) == [scene.buyer.id]
    assert ids(operator.get("/api/v1/search/firms", query_string={"kind": "factory"})) == [scene.f1.id, scene.f2.id]
    body = operator.get("/api/v1/search/firms").get_json()
    assert scene.f3.id not in [i["id"] for i in body["items"]]          # another cluster's firm
    assert {b["value"]: b["count"] for b in body["facets"]["firm_kind"]} == {"factory": 2, "buyer": 1,
                                                                             "operator": 1}
    assert api_as(scene.buyer_user).get("/api/v1/search/firms").status_code == 403
