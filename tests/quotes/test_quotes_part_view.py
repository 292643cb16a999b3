"""The part on the quote page: its mesh (STL) for the 3D view and a static top view (PNG) are served to the
quote's buyer and the cluster's operator — not to another firm — and the page draws it in a real browser, or shows
the picture where WebGL is missing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import trimesh

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "correct horse battery"


@pytest.fixture
def quoted(sign_in, client, plant, buyer, stl_bytes):
    sign_in(client, buyer, "en")
    form = {"material": "al6061", "quantity": "5", "quantity_breaks": "1", "tolerance_class": "m", "finish": "none",
            "lead_time_tier": "standard", **{f"route-{i}": "" for i in range(4)},
            "file": (io.BytesIO(stl_bytes), "plate.stl")}
    response = client.post("/quotes/new", data=form, content_type="multipart/form-data")
    assert response.status_code == 302
    return response.headers["Location"]


def test_the_buyer_gets_the_part_and_no_other_firm_does(app, db, client, quoted, create_firm, create_user, sign_in,
                                                        stl_bytes, factory_user):
    page = client.get(quoted).get_data(as_text=True)
    assert 'data-testid="part-viewer"' in page
    with client.get(f"{quoted}/part.stl") as mesh:
        assert mesh.status_code == 200 and mesh.mimetype == "model/stl"
        served = trimesh.load(io.BytesIO(mesh.data), file_type="stl")
    original = trimesh.load(io.BytesIO(stl_bytes), file_type="stl")
    assert served.volume == pytest.approx(original.volume, rel=1e-6)
    assert abs(served.bounds.mean(axis=0)).max() < 1e-6  # centred for the viewer
    with client.get(f"{quoted}/part.png") as picture:
        assert picture.status_code == 200 and picture.data.startswith(b"\x89PNG")
    assert client.get(f"{quoted}/part.obj").status_code == 404
    other = app.test_client()
    sign_in(other, create_user(create_firm("buyer", name="Someone Else")), "en")
    assert other.get(f"{quoted}/part.stl").status_code == 404
    assert other.get(f"{quoted}/part.png").status_code == 404
    operator = app.test_client()
    sign_in(operator, create_user(create_firm("operator", name="Cluster Office")), "en")
    with operator.get(f"{quoted}/part.png") as seen:
        assert seen.status_code == 200
    factory = app.test_client()
    sign_in(factory, factory_user, "en")
    assert factory.get(f"{quoted}/part.png").status_code == 404  # not assigned yet
    placed = client.post(f"{quoted}/order", data={"tier": "standard", "delivery_address": "长安镇",
                                                  "delivery_latitude": "22.8", "delivery_longitude": "113.8"})
    assert placed.status_code == 302, placed.get_data(as_text=True)[-500:]
    with factory.get(f"{quoted}/part.png") as seen:  # its machines hold the order's reserved steps
        assert seen.status_code == 200


@pytest.mark.browser
@pytest.mark.parametrize("webgl", [True, False], ids=["webgl", "no-webgl"])
def test_the_page_draws_the_part(live_server, page_factory, plant, buyer, stl_bytes, tmp_path, webgl):
    stl = tmp_path / "plate.stl"
    stl.write_bytes(stl_bytes)
    page = page_factory("zh-CN")
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    if not webgl:
        page.add_init_script("HTMLCanvasElement.prototype.getContext = function () { return null; };")
    page.goto(f"{live_server}/sign-in")
    page.fill("input[name=email]", buyer.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=sign-in]")
    page.goto(f"{live_server}/quotes/new")
    page.set_input_files("input[name=file]", str(stl))
    page.select_option("select[name=material]", "al6061")
    page.fill("input[name=quantity]", "5")
    page.click("[data-testid=quote-form] button[type=submit]")
    page.wait_for_selector("[data-testid=breaks]")
    viewer = page.locator("[data-testid=part-viewer]")
    page.wait_for_selector("[data-part-viewer][data-mode]", state="attached", timeout=15000)
    mode = viewer.get_attribute("data-mode")
    assert errors == []
    if webgl:
        assert mode == "3d" and page.locator("[data-part-viewer] canvas").is_visible()
    else:
        picture = page.locator("[data-part-viewer] img")
        picture.wait_for(state="visible", timeout=15000)  # made on first view, in the CAD reader's child process
        assert mode == "image" and picture.is_visible()
        assert page.locator("[data-part-viewer] img").evaluate("img => img.naturalWidth") > 0
    ARTIFACTS.mkdir(exist_ok=True)
    viewer.screenshot(path=str(ARTIFACTS / f"part-viewer-{'webgl' if webgl else 'image'}.png"))
