"""A CAD file of several separate parts becomes one quote per part, ready to order together."""

from __future__ import annotations

import io

import pytest
import trimesh


@pytest.fixture
def app_config(app_config, tmp_path):
    return app_config | {"QUOTE_UPLOAD_DIR": str(tmp_path / "uploads")}


def _stl(*meshes) -> bytes:
    return trimesh.util.concatenate(list(meshes)).export(file_type="stl")


def _box(extents, at):
    box = trimesh.creation.box(extents=extents)
    box.apply_translation(at)
    return box


def _hollow_box():
    outer = trimesh.creation.box(extents=(40, 40, 40))
    void = trimesh.creation.box(extents=(20, 20, 20))
    void.invert()                                          # a cavity: a shell facing inwards
    return trimesh.util.concatenate([outer, void])


def test_two_parts_become_two_quotes_and_a_void_stays_with_its_part(api_as, create_firm, create_user,
                                                                    create_factory, create_machine):
    create_machine(create_factory(create_firm("factory")), "cnc_mill_3ax")
    buyer = api_as(create_user(create_firm("buyer")))
    data = _stl(_box((60, 30, 10), (0, 0, 0)), _hollow_box().apply_translation((200, 0, 0)))
    r = buyer.post("/api/v1/quotes/split", data={"material": "al6061", "quantity": "8",
                                                 "file": (io.BytesIO(data), "bracket-set.stl")},
                   content_type="multipart/form-data")
    assert r.status_code == 201, r.json
    items = r.json["items"]
    assert [q["file_name"] for q in items] == ["bracket-set-1.stl", "bracket-set-2.stl"]
    volumes = sorted(round(q["geometry"]["volume_mm3"]) for q in items)
    assert volumes == [18_000, 56_000]                       # 60×30×10, and 40³ less its 20³ void
    assert all(q["quantity"] == 8 and q["material_code"] == "al6061" for q in items)


def test_a_file_of_one_part_is_not_split(api_as, create_firm, create_user, create_factory, create_machine):
    create_machine(create_factory(create_firm("factory")), "cnc_mill_3ax")
    buyer = api_as(create_user(create_firm("buyer")))
    r = buyer.post("/api/v1/quotes/split", data={"material": "al6061", "quantity": "8",
                                                 "file": (io.BytesIO(_stl(_hollow_box())), "one.stl")},
                   content_type="multipart/form-data")
    assert r.status_code == 422 and r.json["reasons"]["file"] == "one_part", r.json


def test_the_form_splits_and_preselects_the_lines(app, db, sign_in, create_firm, create_user, create_factory,
                                                  create_machine):
    from capacity.models import WeeklyWindow

    machine = create_machine(create_factory(create_firm("factory")), "cnc_mill_3ax")
    db.session.add_all([WeeklyWindow(machine=machine, weekday=d, start_minute=0, end_minute=1440) for d in range(7)])
    db.session.commit()
    user = create_user(create_firm("buyer"))
    client = app.test_client()
    sign_in(client, user, "zh")
    data = _stl(_box((60, 30, 10), (0, 0, 0)), _box((20, 20, 20), (150, 0, 0)))
    answer = client.post("/quotes/new", data={"material": "al6061", "quantity": "4", "split": "y",
                                              "tolerance_class": "m", "finish": "none", "lead_time_tier": "standard",
                                              **{f"route-{i}": "" for i in range(4)},
                                              "file": (io.BytesIO(data), "kit.stl")},
                         content_type="multipart/form-data")
    assert answer.status_code == 302, answer.status_code
    assert answer.headers["Location"].startswith("/orders/multi-part?quote_id=")
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    ticked = [line for line in page.splitlines() if 'name="quote_id"' in line and "checked" in line]
    assert len(ticked) == 2                                  # both parts ticked, ready to order together
