from decimal import Decimal

import pytest

from quoting import (
    Calibration,
    DeclaredGeometry,
    InputError,
    MachineCapability,
    ProcessFactors,
    QuoteRequest,
    SheetSpec,
    TransportLeg,
    UnknownProcessError,
    default_params,
    golden,
    part_from_bytes,
    part_from_declared,
    propose_route,
    quote,
)
from quoting.history import MATERIALS
from quoting.results import to_fen

MAT = {m.code: m for m in MATERIALS}
BREAKS = (1, 10, 50, 100, 500)


def block(bbox=(100.0, 60.0, 20.0), volume=100_000.0, area=20_000.0, **kw):
    return part_from_declared(DeclaredGeometry(bbox, volume, surface_area_mm2=area, **kw))


@pytest.fixture(scope="module")
def stl_parts():
    return {p.name: part_from_bytes(p.stl_bytes()) for p in golden.all_parts()}


def typical_requests(stl_parts):
    return [
        QuoteRequest(part=stl_parts["plate_pocket_4h"], material=MAT["al6061"], finish="anodised"),
        QuoteRequest(part=stl_parts["turned_shaft"], material=MAT["steel1045"], tolerance_class="f"),
        QuoteRequest(part=stl_parts["sheet_bracket"], material=MAT["steel_q235"], sheet=SheetSpec(2.0, bends=1),
                     finish="powder_coat"),
        QuoteRequest(part=block((50, 40, 30), 20_000, 8_000), material=MAT["pla"]),
        QuoteRequest(part=block((50, 40, 30), 20_000, 8_000), material=MAT["pa12"]),
        QuoteRequest(part=block((60, 40, 25), 12_000, 9_000), material=MAT["abs"], quantity=5000,
                     quantity_breaks=(1000, 2000, 5000, 10000, 50000)),
        QuoteRequest(part=block(), material=MAT["ss304"], heat_treat=True, assembly_min_per_part=5),
    ]


def test_unit_price_strictly_decreases_with_quantity(stl_parts):
    for req in typical_requests(stl_parts):
        q = quote(req)
        units = [b.unit_price_fen for b in q.breaks]
        assert [b.quantity for b in q.breaks] == sorted(req.quantities)
        assert all(a > b for a, b in zip(units, units[1:])), (q.route, units)


def test_breakdown_adds_up_in_integer_fen(stl_parts):
    for req in typical_requests(stl_parts):
        for b in quote(req).breaks:
            assert all(isinstance(line.fen, int) for line in b.lines)
            assert sum(line.fen for line in b.lines) == b.total_fen
            assert b.subtotal_fen == b.production_fen + b.transport_fen + b.overhead_fen + b.margin_fen
            assert b.total_fen == b.subtotal_fen + b.platform_fee_fen
            assert b.currency == "CNY"
            assert b.unit_price_fen == to_fen(Decimal(b.total_fen) / b.quantity)


def test_commercial_lines_follow_parameters():
    p = default_params()
    b = quote(QuoteRequest(part=block(), material=MAT["al6061"], route=("cnc_mill_3ax",))).for_quantity(10)
    assert b.transport_fen == 0    # one step, one site
    assert b.overhead_fen == to_fen(Decimal(b.production_fen) * Decimal("0.15")) and p.overhead_rate == 0.15
    assert b.margin_fen == to_fen(Decimal(b.production_fen + b.overhead_fen) * Decimal("0.20"))
    assert b.platform_fee_fen == to_fen(Decimal(b.subtotal_fen) * Decimal("0.05"))
    kinds = [line.kind for line in b.lines]
    assert kinds[:4] == ["setup", "run", "material", "one_off"] and kinds[-3:] == ["overhead", "margin", "platform_fee"]


def test_rounding_is_half_up():
    assert to_fen(Decimal("0.5")) == 1 and to_fen(Decimal("2.5")) == 3 and to_fen(Decimal("-0.4")) == 0


def test_factory_override_changes_price():
    req = QuoteRequest(part=block(), material=MAT["al6061"], route=("cnc_mill_3ax",))
    cheap = MachineCapability("cnc_mill_3ax", (800, 500, 400), 0.02, 6000, 30, 1.5, factory_id="F-dongguan")
    dear = MachineCapability("cnc_mill_3ax", (800, 500, 400), 0.02, 20000, 60, 1.0, factory_id="F-shenzhen")
    base = quote(req).for_quantity(10).total_fen
    own = quote(QuoteRequest(part=block(), material=MAT["al6061"], route=("cnc_mill_3ax",),
                             capabilities=(dear, cheap)))
    assert own.for_quantity(10).total_fen < base
    assert own.work_content[0].factory_id == "F-dongguan"       # the cheapest capable machine is used
    assert own.work_content[0].setup_min == 50                  # 30 + 20 for the second setup


def test_work_content_for_matching():
    q = quote(QuoteRequest(part=block(), material=MAT["al6061"], finish="anodised"))
    assert [w.process for w in q.work_content] == list(q.route) == ["cnc_mill_3ax", "anodise"]
    w = q.work_content[0]
    assert isinstance(w.setup_min, int) and w.run_min_per_part > 0
    assert w.total_min(10) == round(w.setup_min + 10 * w.run_min_per_part)
    assert w.run_minutes_per_unit == w.run_min_per_part
    assert w.envelope_mm == (100, 60, 20) and w.tolerance_mm == 0.2    # ISO 2768-m for 20 mm


def test_sheet_work_content_envelope_is_flat_blank(stl_parts):
    q = quote(QuoteRequest(part=stl_parts["sheet_bracket"], material=MAT["steel_q235"], sheet=SheetSpec(2.0, 1)))
    env = {w.process: w.envelope_mm for w in q.work_content}
    assert env["laser_cut"] == pytest.approx((80, 67.3, 2.0), abs=0.1)   # flat blank: volume / t / 80 mm
    assert env["press_brake"] == (80, 40, 30)


def test_transport_legs_from_caller():
    legs = (TransportLeg(0, 1, fixed_fen=8000, fen_per_kg=100),)
    req = QuoteRequest(part=block(), material=MAT["al6061"], finish="anodised", transport_legs=legs)
    b = quote(req).for_quantity(100)
    lot_kg = Decimal("0.27") * 100                              # 100 cm3 x 2.70 g/cm3 per part
    assert b.transport_fen == 8000 + to_fen(100 * lot_kg)
    default = quote(QuoteRequest(part=block(), material=MAT["al6061"], finish="anodised")).for_quantity(100)
    assert default.transport_fen == 5000 + to_fen(50 * lot_kg)  # machining -> finishing: one default leg


def test_calibration_factors_change_price():
    req = QuoteRequest(part=block(), material=MAT["al6061"], route=("cnc_mill_3ax",))
    cal = Calibration.of({"cnc_mill_3ax": ProcessFactors(setup=1.0, run=1.5, material=1.0)})
    a, b = quote(req).for_quantity(10), quote(req, calibration=cal).for_quantity(10)

    def run(x):
        return next(line.fen for line in x.lines if line.kind == "run")

    assert run(b) == pytest.approx(run(a) * 1.5, abs=1)


@pytest.mark.parametrize("kw, route", [
    (dict(part=block(), material=MAT["al6061"]), ("cnc_mill_3ax",)),
    (dict(part=block((30, 30, 100), 50_000, 12_000), material=MAT["steel1045"]), ("cnc_turn",)),
    (dict(part=block(setups=5), material=MAT["ti6al4v"]), ("cnc_mill_5ax",)),
    (dict(part=block((200, 100, 2), 36_000, None), material=MAT["steel_q235"], sheet=SheetSpec(2.0, bends=2),
          weld_length_mm=100), ("laser_cut", "press_brake", "welding")),
    (dict(part=block((50, 40, 30), 20_000, 8_000), material=MAT["pla"], quantity=20), ("fdm_print",)),
    (dict(part=block((50, 40, 30), 20_000, 8_000), material=MAT["pa12"], quantity=20), ("sls_print",)),
    (dict(part=block((50, 40, 30), 20_000, 8_000), material=MAT["abs"], quantity=5000), ("injection_mold",)),
    (dict(part=block((50, 40, 30), 20_000, 8_000), material=MAT["pom"]), ("cnc_mill_3ax",)),
    (dict(part=block(), material=MAT["al7075"], finish="anodised", tolerance_class="f"),
     ("cnc_mill_3ax", "anodise", "cmm_inspect")),
    (dict(part=block(), material=MAT["steel1045"], heat_treat=True, finish="powder_coat", assembly_min_per_part=3),
     ("cnc_mill_3ax", "heat_treat", "powder_coat", "assembly")),
    (dict(part=block(), material=MAT["steel1045"], process_hint="edm"), ("wire_edm",)),
])
def test_route_proposal(kw, route):
    q = quote(QuoteRequest(**kw))
    assert q.route == route and q.route_proposed
    assert any(a.startswith("route:") for a in q.assumptions)


def test_route_from_stl_geometry(stl_parts):
    assert propose_route(QuoteRequest(part=stl_parts["turned_shaft"], material=MAT["brass_c360"]),
                         default_params())[0] == ("cnc_turn",)
    assert propose_route(QuoteRequest(part=stl_parts["sheet_bracket"], material=MAT["al6061"]),
                         default_params())[0] == ("laser_cut",)


def test_route_uses_cluster_alternative():
    caps = (MachineCapability("cnc_mill_5ax", (650, 650, 500), 0.01, 25000, 60, factory_id="F5"),)
    q = quote(QuoteRequest(part=block(), material=MAT["al6061"], capabilities=caps))
    assert q.route == ("cnc_mill_5ax",) and q.feasible
    assert any("no cnc_mill_3ax in the cluster" in a for a in q.assumptions)


@pytest.mark.parametrize("kw", [dict(finish="anodised", material=MAT["ss304"]), dict(quantity=0),
                                dict(quantity_breaks=(1, -5)), dict(tolerance_class="h"), dict(route=()),
                                dict(material=MAT["al6061"], process_hint="moulding")])
def test_invalid_requests(kw):
    base = dict(part=block(), material=MAT["al6061"])
    base.update(kw)
    with pytest.raises(InputError):
        quote(QuoteRequest(**base))


def test_unknown_process_in_route():
    with pytest.raises(UnknownProcessError, match="plasma"):
        quote(QuoteRequest(part=block(), material=MAT["al6061"], route=("plasma_cut",)))


def _codes(q):
    return {w.code: w for w in q.warnings}


def test_dfm_thin_wall_and_deep_pocket():
    part = block(min_wall_mm=0.5, max_pocket_depth_mm=50.0, min_pocket_width_mm=8.0, bbox=(100, 60, 60),
                 volume=200_000)
    w = _codes(quote(QuoteRequest(part=part, material=MAT["al6061"])))
    assert w["thin_wall"].severity == "warning" and "0.50 mm" in w["thin_wall"].message
    assert w["deep_pocket"].severity == "warning" and "6.2" in w["deep_pocket"].message


def test_dfm_deep_pocket_from_mesh():
    import trimesh
    slot = trimesh.boolean.difference([trimesh.creation.box((80, 40, 60)),
                                       trimesh.creation.box((6.0, 20.0, 60.0)).apply_translation((0, 0, 10))],
                                      engine="manifold")
    part = part_from_bytes(slot.export(file_type="stl"))
    assert part.max_pocket_depth_mm == pytest.approx(50, abs=0.5)   # slot 6 mm wide, 50 mm deep
    assert "deep_pocket" in _codes(quote(QuoteRequest(part=part, material=MAT["al6061"])))


def test_dfm_envelope_tolerance_and_missing_machine():
    caps = (MachineCapability("cnc_mill_3ax", (90, 90, 90), 0.05, 12000, 45),
            MachineCapability("cnc_mill_5ax", (500, 500, 500), 0.05, 30000, 60))
    q = quote(QuoteRequest(part=block(), material=MAT["al6061"], route=("cnc_mill_3ax", "anodise"),
                           capabilities=caps, tightest_tolerance_mm=0.01))
    w = _codes(q)
    assert not q.feasible
    assert w["envelope"].process == "cnc_mill_3ax" and w["envelope"].severity == "blocking"
    assert "tighter than any machine in the cluster" in w["tolerance"].message
    assert w["no_machine"].process == "anodise"
    ok = quote(QuoteRequest(part=block(), material=MAT["al6061"], capabilities=caps))
    assert ok.feasible and ok.route == ("cnc_mill_5ax",)   # the 3-axis machine is too small: the 5-axis fits


def test_sheet_envelope_uses_flat_blank(stl_parts):
    q = quote(QuoteRequest(part=stl_parts["sheet_bracket"], material=MAT["steel_q235"], sheet=SheetSpec(2.0, 1)))
    assert q.feasible, q.warnings
