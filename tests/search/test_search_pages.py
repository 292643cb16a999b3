"""The search page without JavaScript: list, facets, filters, errors, in Chinese and English."""
from __future__ import annotations

from datetime import timedelta

import pytest

PASSWORD = "correct horse battery"




@pytest.mark.parametrize("language, words", [
    ("en", ["Idle capacity", "Suppliers", "Process", "Certification", "Sort by", "results", "Laser cutting"]),
    ("zh", ["闲置产能", "供应商", "工艺", "认证", "排序", "条结果", "激光切割"]),
])
def test_search_page_lists_results_with_facets(sign_in, client, scene, language, words):
    sign_in(client, scene.buyer_user, language)
    html = client.get("/search/").get_data(as_text=True)
    for word in words:
        assert word in html, word
    assert 'id="search-map"' in html and "leaflet.js" in html
    assert "Haas VF-2" in html and "Trumpf" in html and "Mazak" in html and "elsewhere" not in html
    assert 'data-tile-url=""' in html      # no tile server unless configured


def test_search_page_filters(sign_in, client, scene, today):
    sign_in(client, scene.buyer_user)
    html = client.get("/search/capacity", query_string={"q": "铣削"}).get_data(as_text=True)
    assert "Haas VF-2" in html and "Trumpf" not in html
    form = {"process": "laser_cut", "max_rate": "250", "lat": "22.81", "lon": "113.80", "max_km": "",
            "sort": "distance"}
    html = client.get("/search/capacity", query_string=form).get_data(as_text=True)
    assert "Trumpf" in html and "Haas" not in html and "km away" in html
    html = client.get("/search/capacity", query_string={"max_rate": "100"}).get_data(as_text=True)
    assert "Mazak" in html and "Haas" not in html
    window = {"idle_from": (today + timedelta(days=1)).isoformat(), "idle_to": (today + timedelta(days=2)).isoformat(),
              "min_idle_hours": "10"}
    html = client.get("/search/capacity", query_string=window).get_data(as_text=True)
    assert "Haas" in html and "Mazak" not in html and "idle hours" in html
    html = client.get("/search/supplier", query_string={"certification": "IATF16949"}).get_data(as_text=True)
    assert "精工机械" in html and "Bright Turning" not in html


def test_search_page_reports_bad_input(sign_in, client, scene):
    sign_in(client, scene.buyer_user)
    response = client.get("/search/capacity", query_string={"idle_from": "2026-13-40", "idle_to": "2026-12-01"})
    assert response.status_code == 422 and 'data-field="idle_from"' in response.get_data(as_text=True)
    response = client.get("/search/capacity", query_string={"min_rate": "cheap"})
    assert response.status_code == 422 and 'data-field="min_rate"' in response.get_data(as_text=True)
    response = client.get("/search/capacity", query_string={"q": '"NEAR(*:'})
    assert response.status_code == 200


def test_tabs_per_role(sign_in, client, scene):
    sign_in(client, scene.buyer_user)
    assert client.get("/search/job").status_code == 404 and client.get("/search/firm").status_code == 404
    client.post("/sign-out")
    sign_in(client, scene.f1_user)
    assert "Job board" in client.get("/search/job").get_data(as_text=True)
    client.post("/sign-out")
    sign_in(client, scene.operator_user)
    html = client.get("/search/firm", query_string={"kind": "factory"}).get_data(as_text=True)
    assert "精工机械" in html and "Acme Buyer" not in html


def test_search_page_needs_sign_in(client):
    assert client.get("/search/").status_code == 302
