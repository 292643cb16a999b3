"""What the quoting and matching libraries report, worded by the app: every template has a Chinese wording that
formats with its parameters and holds no English, a stored finding reads exactly like the library's, process and
material codes are shown by name, and quote pages of many kinds of part show no English in Chinese."""

from __future__ import annotations

import io
import re

import pytest
from flask_babel import force_locale

CJK = re.compile(r"[\u3400-\u9fff]")
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?([sdfg])")


def sample_params(template: str) -> dict:
    from quoting.messages import MATERIAL_PARAMS, PROCESS_PARAMS, UNIT_PARAMS

    params = {}
    for name, kind in PLACEHOLDER.findall(template):
        if name in PROCESS_PARAMS:
            params[name] = "cnc_mill_3ax"
        elif name in MATERIAL_PARAMS:
            params[name] = "ss304"
        elif name in UNIT_PARAMS:
            params[name] = "inch"
        else:
            params[name] = "120×80" if kind == "s" else 3
    return params


def in_chinese(app, value) -> str:
    from marketplace.wording import word

    with app.test_request_context(), force_locale("zh_Hans_CN"):
        return word(value)


def test_every_finding_has_a_chinese_wording_with_no_english(app, db, crawler):
    from marketplace.wording import TEMPLATES

    assert len(TEMPLATES) > 100
    for code, template in TEMPLATES.items():
        text = in_chinese(app, {"code": code, "params": sample_params(template)})
        assert CJK.search(text) or not re.search("[A-Za-z]{3}", PLACEHOLDER.sub("", template)), (code, text)
        assert crawler.english_words(text) == [], (code, text)


def test_a_stored_finding_reads_like_the_librarys_and_names_processes_and_materials(app, db):
    from marketplace.wording import coded
    from quoting.messages import Msg

    finding = Msg("route.not_printed", material="ss304", reason=Msg("route.turn", axis="z"))
    stored = coded(finding)
    turn = {"code": "route.turn", "text": "rotationally symmetric about z: turning", "params": {"axis": "z"}}
    assert stored == {"code": "route.not_printed", "text": str(finding),
                      "params": {"material": "ss304", "reason": turn}}
    assert in_chinese(app, finding) == in_chinese(app, stored) == "平台不打印 不锈钢 304；绕 z 轴回转对称：车削"
    assert in_chinese(app, Msg("dfm.no_machine", process="wire_edm")) == "集群内没有工厂提供慢走丝线切割"
    assert in_chinese(app, "typed by a user") == "typed by a user"  # plain text of older rows stays as it is


def test_a_finding_survives_the_cad_reader_process(app, db, stl_bytes):
    """Part features come back from quoting.isolation's child by pickling: their assumptions keep their codes."""
    from quoting.isolation import part_from_bytes_isolated

    part = part_from_bytes_isolated(stl_bytes, filename="plate.stl", cpu_s=20, memory_mb=2048)
    assert [a.code for a in part.assumptions] == ["assume.stl_unit_default", "assume.measured_mesh", "assume.wall_scan"]
    assert "网格" in in_chinese(app, part.assumptions[1])


@pytest.fixture
def workshop(plant, create_machine):
    site = plant[0]
    create_machine(site, "laser_cut", name="Laser", materials=("steel_q235",))
    create_machine(site, "cnc_turn", name="Lathe", materials=("steel1045",))
    create_machine(site, "injection_mold", name="Press", materials=("abs",))
    create_machine(site, "fdm_print", name="Printer", materials=("pla",))
    return site


TYPED = "Test User Buyer Co Plant Mill Anodise Laser Lathe Press Printer"  # the fixtures' names


def typed(text: str) -> str:
    """The fixtures' names and the quote's reference (random hex, e.g. Q261202-ABCBC1): not words of a language."""
    return TYPED + " " + " ".join(re.findall(r"Q\d{6}-[0-9A-F]{6}", text))


BASE = {"quantity_breaks": "1, 10", "tolerance_class": "m", "finish": "none", "lead_time_tier": "standard",
        **{f"route-{i}": "" for i in range(4)}}
PARTS = {
    "sheet": {"material": "steel_q235", "quantity": "50", "length_mm": "200", "width_mm": "100", "height_mm": "2",
              "volume_cm3": "40"},
    "turned": {"material": "steel1045", "quantity": "20", "length_mm": "100", "width_mm": "30", "height_mm": "30",
               "volume_cm3": "60"},
    "moulded": {"material": "abs", "quantity": "2000", "length_mm": "80", "width_mm": "50", "height_mm": "20",
                "volume_cm3": "30"},
    "printed": {"material": "pla", "quantity": "3", "length_mm": "80", "width_mm": "50", "height_mm": "20",
                "volume_cm3": "30"},
    "fine_anodised": {"material": "al6061", "quantity": "10", "length_mm": "100", "width_mm": "60", "height_mm": "20",
                      "volume_cm3": "80", "tolerance_class": "f", "finish": "anodised"},
    "no_machine": {"material": "al6061", "quantity": "5", "length_mm": "100", "width_mm": "60", "height_mm": "20",
                   "volume_cm3": "80", "route-0": "wire_edm"},
}


@pytest.mark.parametrize("kind", sorted(PARTS))
def test_quote_pages_of_every_kind_of_part_show_no_english_in_chinese(sign_in, client, workshop, buyer, kind,
                                                                       crawler):
    sign_in(client, buyer, "zh")
    response = client.post("/quotes/new", data=BASE | PARTS[kind])
    assert response.status_code == 302, crawler.page_text(response.get_data(as_text=True))[-600:]
    text = crawler.page_text(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "假设" in text or "Assumptions" not in text
    assert crawler.english_words(text, typed=typed(text)) == []


def test_an_uploaded_part_and_a_bad_file_are_worded_in_chinese(sign_in, client, workshop, buyer, stl_bytes, crawler):
    sign_in(client, buyer, "zh")
    form = BASE | {"material": "al6061", "quantity": "5"}
    response = client.post("/quotes/new", data=form | {"file": (io.BytesIO(stl_bytes), "plate.stl")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    text = crawler.page_text(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "网格扫描" in text or "射线扫描" in text
    assert crawler.english_words(text, typed=typed(text) + " plate.stl") == []
    bad = client.post("/quotes/new", data=form | {"file": (io.BytesIO(b"solid x\nfacet"), "broken.stl")},
                      content_type="multipart/form-data")
    assert bad.status_code == 422
    text = crawler.page_text(bad.get_data(as_text=True))
    assert "STL" in text and crawler.english_words(text, typed=TYPED + " broken.stl") == []
