"""Real CAD files through the quote form: a file of several parts is a 422 naming their number in the buyer's
language; an STL drawn in inches is read in inches when the buyer says so, and the quote says how it was read."""

from __future__ import annotations

import io

import trimesh


def test_a_file_of_several_parts_is_refused_naming_their_number(sign_in, client, plant, buyer, crawler):
    two = trimesh.util.concatenate([trimesh.creation.box((40, 30, 20)),
                                    trimesh.creation.box((40, 30, 20)).apply_translation((100, 0, 0)),
                                    trimesh.creation.box((40, 30, 20)).apply_translation((200, 0, 0))])
    sign_in(client, buyer, "zh")
    form = {"material": "al6061", "quantity": "5", "quantity_breaks": "1", "tolerance_class": "m", "finish": "none",
            "lead_time_tier": "standard", **{f"route-{i}": "" for i in range(4)}}
    response = client.post("/quotes/new", data=form | {"file": (io.BytesIO(two.export(file_type="stl")), "set.stl")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    text = crawler.page_text(response.get_data(as_text=True))
    assert "3 个独立零件" in text, text[-800:]
    assert crawler.english_words(text, typed="set.stl Test User") == []


def test_an_stl_in_inches(sign_in, client, plant, buyer, crawler):
    bracket = trimesh.creation.box((2.0, 1.2, 0.5)).export(file_type="stl")
    sign_in(client, buyer, "en")
    form = {"material": "al6061", "quantity": "5", "quantity_breaks": "1", "tolerance_class": "m", "finish": "none",
            "lead_time_tier": "standard", **{f"route-{i}": "" for i in range(4)}}
    response = client.post("/quotes/new", data=form | {"unit": "inch", "file": (io.BytesIO(bracket), "b.stl")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    text = crawler.page_text(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "50.8 × 30.5 × 12.7 mm" in text and "read in inches as chosen" in text
