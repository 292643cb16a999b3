"""One rule in each place: the sheet thickness the route names is the one the sheet cost model uses, and a flat
plate is milled where the cluster has no sheet machine."""

from __future__ import annotations

import pytest
import trimesh

from quoting import MachineCapability, QuoteRequest, part_from_bytes, quote
from quoting.history import MATERIALS

MAT = {m.code: m for m in MATERIALS}


def _param(messages, code: str, name: str):
    return next(m.params[name] for m in messages if m.code == code)


def test_routing_and_costing_take_the_same_sheet_thickness():
    outer = trimesh.creation.box((146, 100, 40))
    inner = trimesh.creation.box((144, 98, 40)).apply_translation((0, 0, 1))  # an open box: 1 mm walls and floor
    housing = trimesh.boolean.difference([outer, inner], engine="manifold")
    part = part_from_bytes(housing.export(file_type="stl"), "housing.stl")
    q = quote(QuoteRequest(part=part, material=MAT["steel_q235"], quantity=10))
    assert q.route[0] == "laser_cut"
    routed = _param([a.params["reason"] for a in q.assumptions if a.code == "assume.route"], "route.sheet",
                    "thickness")
    costed = _param(q.assumptions, "assume.sheet_thickness", "thickness")
    assert routed == pytest.approx(costed) and costed < 2  # not the 40 mm of the box


def test_a_plate_is_milled_where_the_cluster_has_no_sheet_machine():
    plate = part_from_bytes(trimesh.creation.box((63, 63, 3)).export(file_type="stl"), "plate.stl")
    mills = (MachineCapability("cnc_mill_3ax", (800, 500, 400), 0.02, hourly_rate_fen=11000, setup_min=40,
                               factory_id="F1"),)
    q = quote(QuoteRequest(part=plate, material=MAT["steel_q235"], quantity=20, capabilities=mills))
    assert q.route == ("cnc_mill_3ax",) and q.feasible
    reasons = [a.params["reason"] for a in q.assumptions if a.code == "assume.route"]
    assert any(r.code == "route.no_process" and r.params == {"process": "laser_cut", "alternative": "cnc_mill_3ax"}
               for r in reasons)
