"""Every response carries the security headers; bodies and numbers are bounded before anything converts them."""

from __future__ import annotations

import time

import pytest


@pytest.mark.parametrize("path", ["/sign-in", "/api/openapi.json", "/api/docs", "/static/js/search-map.js",
                                  "/no-such-page", "/api/v1/me"])
def test_headers_on_pages_api_static_and_errors(client, path, assert_secured):
    with client.get(path) as response:
        assert_secured(response)
        assert "Strict-Transport-Security" not in response.headers  # plain-HTTP demo: no HSTS


def test_hsts_when_cookies_are_https_only(app_config):
    from marketplace import create_app

    app = create_app(app_config | {"SESSION_COOKIE_SECURE": True})
    response = app.test_client().get("/sign-in", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Secure" in response.headers["Set-Cookie"]


def test_swagger_ui_has_no_inline_script(client):
    html = client.get("/api/docs").get_data(as_text=True)
    assert "<script>" not in html and "swagger-init.js" in html


@pytest.mark.parametrize("path", ["/api/v1/quotes", "/api/v1/orders", "/webhooks/payments"])
def test_deep_json_is_a_400_before_authentication(client, path):
    body = "[" * 6000 + "]" * 6000
    response = client.post(path, data=body, content_type="application/json")
    assert response.status_code == 400
    assert "nested deeper than 32" in response.get_json()["message"]


def test_huge_integer_in_json_is_a_400(client, buyer_token):
    response = client.post("/api/v1/quotes", data='{"quantity": ' + "9" * 5000 + "}",
                           headers={"Authorization": f"Bearer {buyer_token}"}, content_type="application/json")
    assert response.status_code == 400
    assert "too long" in response.get_json()["message"]


def test_oversized_json_is_a_413(app, client, buyer_token):
    app.config["MAX_JSON_BYTES"] = 1000
    response = client.post("/api/v1/quotes", data='{"notes": "' + "x" * 2000 + '"}',
                           headers={"Authorization": f"Bearer {buyer_token}"}, content_type="application/json")
    assert response.status_code == 413


@pytest.mark.parametrize("value", ["1e999990", "Infinity", "NaN", "9" * 400, "1e309", "-1e999"])
def test_search_rate_with_an_absurd_number_answers_at_once(client, sign_in, buyer_user, value):
    sign_in(client, buyer_user)
    started = time.perf_counter()
    response = client.get(f"/search/?min_rate={value}")
    assert time.perf_counter() - started < 2
    assert response.status_code == 422
    assert 'data-field="min_rate"' in response.get_data(as_text=True)


@pytest.fixture
def buyer_user(create_firm, create_user):
    return create_user(create_firm("buyer"))


@pytest.fixture
def buyer_token(buyer_user, token_for):
    return token_for(buyer_user)


@pytest.fixture
def factory_user(create_firm, create_user):
    return create_user(create_firm("factory"))


def test_subnormal_latitude_is_stored_as_zero_not_a_500(client, sign_in, factory_user, token_for, db):
    """5e-324 underflows PostgreSQL's double precision; the API and the form store 0 instead (CI runs this on PG)."""
    from capacity.models import Factory

    response = client.post("/api/v1/factories", json={"name": "Tiny", "latitude": 5e-324, "longitude": 113.8},
                           headers={"Authorization": f"Bearer {token_for(factory_user)}"})
    assert response.status_code == 201, response.json
    sign_in(client, factory_user)
    page = client.post("/capacity/", data={"name": "Tiny form", "latitude": "5e-324", "longitude": "-5e-324"})
    assert page.status_code in (200, 302)
    assert {f.latitude for f in db.session.query(Factory).all()} == {0.0}


@pytest.mark.parametrize("value", ["Infinity", "1e309", "9" * 400, "NaN", "-1e999"])
def test_machine_units_and_quote_quantity_refuse_extremes_by_the_field(client, sign_in, factory_user, value,
                                                                         create_factory):
    site = create_factory(factory_user.firm)
    sign_in(client, factory_user)
    response = client.post(f"/capacity/factories/{site.id}/machines/new", data={"name": "M", "units": value,
                                                                                 "process_code": "cnc_mill_3ax"})
    assert response.status_code == 422 and 'data-field="units"' in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/api/v1/search/capacity", "/api/v1/search/suppliers"])
def test_subnormal_coordinates_in_a_search_are_not_a_500(client, path, buyer_token):
    """On PostgreSQL, radians(5e-324) underflowed inside the distance expression (CI runs this on PG)."""
    response = client.get(path, query_string={"lat": "5e-324", "lon": "-5e-324", "max_km": "5e-324"},
                          headers={"Authorization": f"Bearer {buyer_token}"})
    assert response.status_code in (200, 422)


def test_digits_and_brackets_inside_json_strings_do_not_count(client, buyer_token):
    """The guard scans outside strings only: a long reference number or a note full of brackets is no reason for a
    400 (the schema answers such a body on its own terms)."""
    body = '{"notes": "' + "9" * 200 + "[" * 100 + '"}'
    response = client.post("/api/v1/quotes", data=body, content_type="application/json",
                           headers={"Authorization": f"Bearer {buyer_token}"})
    assert response.status_code == 422 and "too long" not in response.get_json()["message"]
