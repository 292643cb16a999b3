"""The Instant quote pages without JavaScript: form, result, errors on the fields, expiry, both languages."""

from __future__ import annotations

import io

import pytest

PASSWORD = "correct horse battery"




FORM = {
    "length_mm": "100",
    "width_mm": "60",
    "height_mm": "20",
    "volume_cm3": "80",
    "material": "al6061",
    "quantity": "20",
    "quantity_breaks": "1, 10, 100",
    "tolerance_class": "m",
    "finish": "anodised",
    "lead_time_tier": "standard",
    "route-0": "",
    "route-1": "",
    "route-2": "",
    "route-3": "",
}


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Instant quote", "Price breaks", "Expedite", "Platform fee"]),
        ("zh", ["即时报价", "阶梯价格", "加急", "平台服务费"]),
    ],
)
def test_declared_quote_from_the_form(sign_in, app, client, plant, buyer, language, words):
    sign_in(client, buyer, language)
    page = client.get("/quotes/new")
    assert page.status_code == 200 and words[0] in page.get_data(as_text=True)
    response = client.post("/quotes/new", data=FORM)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    for word in words:
        assert word in html
    assert 'data-testid="breaks"' in html and 'data-tier="economy"' in html
    assert client.get("/quotes/").status_code == 200


def test_stl_upload_from_the_form(sign_in, app, client, plant, buyer, stl_bytes):
    sign_in(client, buyer)
    data = {k: v for k, v in FORM.items() if not k.endswith("_mm") and k != "volume_cm3"}
    data["file"] = (io.BytesIO(stl_bytes), "plate.stl")
    response = client.post("/quotes/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    assert "plate.stl" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_errors_are_shown_on_the_fields(sign_in, app, client, plant, buyer):
    sign_in(client, buyer)
    response = client.post("/quotes/new", data={k: v for k, v in FORM.items() if k != "volume_cm3"})
    assert response.status_code == 422 and 'data-field="volume_cm3"' in response.get_data(as_text=True)
    data = {k: v for k, v in FORM.items() if not k.endswith("_mm") and k != "volume_cm3"}
    data["file"] = (io.BytesIO(b"solid nothing\nendsolid"), "bad.stl")
    response = client.post("/quotes/new", data=data, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'data-field="file"' in html
    response = client.post("/quotes/new", data=FORM | {"volume_cm3": "1000"})  # more than the box
    assert response.status_code == 422 and 'data-field="volume_cm3"' in response.get_data(as_text=True)


def test_an_expired_quote_says_so(sign_in, app, client, plant, buyer):
    app.config["QUOTE_VALID_DAYS"] = 0
    sign_in(client, buyer)
    location = client.post("/quotes/new", data=FORM).headers["Location"]
    assert 'data-testid="expired"' in client.get(location).get_data(as_text=True)


def test_infeasible_quote_is_explained(sign_in, app, client, plant, buyer):
    sign_in(client, buyer)
    location = client.post("/quotes/new", data=FORM | {"route-0": "wire_edm"}).headers["Location"]
    html = client.get(location).get_data(as_text=True)
    assert 'data-testid="infeasible"' in html and "no factory in the cluster offers Wire EDM" in html


def test_other_firms_cannot_see_the_page(sign_in, app, client, plant, buyer, create_firm, create_user):
    sign_in(client, buyer)
    location = client.post("/quotes/new", data=FORM).headers["Location"]
    client.post("/sign-out")
    sign_in(client, create_user(create_firm("buyer", name="Nosy buyer")))
    assert client.get(location).status_code == 404


def test_an_empty_quote_form_says_what_is_missing_once(sign_in, client, plant, buyer):
    sign_in(client, buyer)
    empty = {k: ("" if k.endswith("_mm") or k == "volume_cm3" else v) for k, v in FORM.items()}
    html = client.post("/quotes/new", data=empty).get_data(as_text=True)
    assert html.count('class="error"') == 1 and 'data-field="file"' in html
    partly = FORM | {"height_mm": "", "volume_cm3": ""}
    html = client.post("/quotes/new", data=partly).get_data(as_text=True)
    assert html.count("Give this too") == 2 and 'data-field="height_mm"' in html and 'data-field="volume_cm3"' in html
