"""The search API on both backends: free text (Chinese and English), filters, facets, sorting, idle capacity."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest


def utc(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def ids(response):
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


def search(client, path="capacity", **params):
    return client.get(f"/api/v1/search/{path}", query_string=params)


@pytest.fixture
def buyer(api_as, scene, search_backend):
    return api_as(scene.buyer_user)


@pytest.mark.parametrize("text, expected", [
    ("铣削", ["m1"]),              # two characters: below the trigram length
    ("数控铣削", ["m1"]),
    ("三轴", ["m1"]),
    ("milling", ["m1"]),
    ("HAAS", ["m1"]),
    ("激光切割", ["m2"]),
    ("laser", ["m2"]),             # the inactive Bystronic laser is not listed
    ("车削", ["m3"]),
    ("黄铜", ["m3"]),
    ("东莞 ss304", ["m1", "m2"]),
    ("铣削 不锈钢", ["m1"]),
    ("nothing-like-this", []),
])
def test_free_text_in_chinese_and_english(buyer, scene, text, expected):
    assert sorted(ids(search(buyer, q=text))) == sorted(getattr(scene, name).id for name in expected)


def test_backend_is_reported(buyer, search_backend):
    assert search(buyer).get_json()["backend"] == search_backend


def test_filters(buyer, scene):
    everything = ids(search(buyer))
    assert everything == [scene.m1.id, scene.m2.id, scene.m3.id]
    assert ids(search(buyer, process="laser_cut")) == [scene.m2.id]
    assert ids(search(buyer, process=["laser_cut", "cnc_turn"])) == [scene.m2.id, scene.m3.id]
    assert ids(search(buyer, material="brass_c360")) == [scene.m3.id]
    assert ids(search(buyer, certification="IATF16949")) == [scene.m1.id, scene.m2.id]
    assert ids(search(buyer, certification=["ISO9001", "IATF16949"])) == [scene.m1.id, scene.m2.id]
    assert ids(search(buyer, max_rate_fen=12000)) == [scene.m1.id, scene.m3.id]
    assert ids(search(buyer, min_rate_fen=12001, max_rate_fen=20000)) == [scene.m2.id]
    assert ids(search(buyer, min_rating=1)) == []          # nobody is rated yet
    assert ids(search(buyer, q="ss304", process="laser_cut")) == [scene.m2.id]


def test_facet_counts(buyer):
    facets = search(buyer).get_json()["facets"]
    counts = {field: {b["value"]: b["count"] for b in buckets} for field, buckets in facets.items()}
    assert counts["process"] == {"cnc_mill_3ax": 1, "laser_cut": 1, "cnc_turn": 1}
    assert counts["material"] == {"al6061": 2, "ss304": 2, "steel_q235": 1, "brass_c360": 1}
    assert counts["certification"] == {"ISO9001": 3, "IATF16949": 2}
    narrowed = search(buyer, process="laser_cut").get_json()["facets"]
    assert {b["value"]: b["count"] for b in narrowed["material"]} == {"ss304": 1, "steel_q235": 1}
    labels = {b["value"]: b["label"] for b in facets["process"]}
    assert labels["laser_cut"] == "Laser cutting"


def test_distance_filter_and_sort(buyer, scene):
    near_s2 = dict(lat=22.95, lon=113.90)
    body = search(buyer, sort="distance", **near_s2).get_json()
    assert [i["id"] for i in body["items"]] == [scene.m3.id, scene.m1.id, scene.m2.id]
    assert body["items"][0]["distance_km"] == pytest.approx(0, abs=0.01)
    assert body["items"][1]["distance_km"] == pytest.approx(18.0, abs=1.0)
    assert ids(search(buyer, lat=22.81, lon=113.80, max_km=5)) == [scene.m1.id, scene.m2.id]
    assert ids(search(buyer, lat=22.81, lon=113.80, max_km=50, sort="distance")) == [scene.m1.id, scene.m2.id,
                                                                                       scene.m3.id]


def test_sort_by_rate_and_rating(buyer, scene):
    assert ids(search(buyer, sort="rate")) == [scene.m3.id, scene.m1.id, scene.m2.id]
    assert ids(search(buyer, sort="rating")) == [scene.m1.id, scene.m2.id, scene.m3.id]  # all unrated: stable
    assert sorted(ids(search(buyer, q="ss304", sort="relevance"))) == [scene.m1.id, scene.m2.id]


def test_pagination(buyer, scene):
    body = search(buyer, page=2, page_size=2).get_json()
    assert body["total"] == 3 and [i["id"] for i in body["items"]] == [scene.m3.id]


def test_idle_capacity_between_two_dates(buyer, scene, today, db):
    window = dict(idle_from=(today + timedelta(days=1)).isoformat(), idle_to=(today + timedelta(days=3)).isoformat())
    body = search(buyer, **window).get_json()
    assert [i["id"] for i in body["items"]] == [scene.m1.id, scene.m3.id]  # the laser has no idle windows
    assert [i["idle_minutes"] for i in body["items"]] == [3 * 12 * 60, 3 * 2 * 60]
    assert ids(search(buyer, min_idle_hours=30, **window)) == [scene.m1.id]
    assert ids(search(buyer, min_idle_hours=5, **window)) == [scene.m1.id, scene.m3.id]

    # A 10-hour booking inside Haas's window (08:00-20:00 Shanghai = 00:00-12:00 UTC) takes it below 30 hours.
    from marketplace.orders.models import Booking
    day = today + timedelta(days=2)
    db.session.add(Booking(machine=scene.m1, starts_at=utc(day, 1), ends_at=utc(day, 11), note="outside job"))
    db.session.commit()
    assert ids(search(buyer, min_idle_hours=30, **window)) == []
    assert search(buyer, min_idle_hours=5, **window).get_json()["items"][0]["idle_minutes"] == 26 * 60


def test_suppliers(buyer, scene, today):
    body = search(buyer, "suppliers", q="精工").get_json()
    assert [i["id"] for i in body["items"]] == [scene.s1.id]
    item = body["items"][0]
    assert item["rate_fen"] == 12000 and item["rating"] is None
    assert item["details"]["processes"] == ["cnc_mill_3ax", "laser_cut"]
    assert ids(search(buyer, "suppliers", process="cnc_turn")) == [scene.s2.id]
    assert ids(search(buyer, "suppliers", certification="IATF16949")) == [scene.s1.id]
    window = dict(idle_from=today.isoformat(), idle_to=(today + timedelta(days=1)).isoformat())
    assert ids(search(buyer, "suppliers", min_idle_hours=20, **window)) == [scene.s1.id]
    assert ids(search(buyer, "suppliers", sort="distance", lat=22.95, lon=113.90)) == [scene.s2.id, scene.s1.id]


def test_tenant_isolation(api_as, scene, search_backend):
    other = api_as(scene.f3_user)
    assert ids(search(other, q="铣削")) == [scene.m5.id]
    assert ids(search(other)) == [scene.m5.id]
    assert ids(search(other, "suppliers")) == [scene.s3.id]
    mine = api_as(scene.buyer_user)
    assert scene.m5.id not in ids(search(mine, q="elsewhere")) and ids(search(mine, q="elsewhere")) == []
