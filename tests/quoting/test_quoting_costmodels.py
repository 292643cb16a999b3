"""Each cost model on a known part against figures worked out by hand (default parameters).

Rates: fen per minute = hourly_rate_fen / 60. Comments show the hand calculation."""
from decimal import Decimal

import pytest

from quoting import DeclaredGeometry, MachineCapability, SheetSpec, default_params, part_from_declared
from quoting.costmodels import REGISTRY, CostContext, apply_capability, get_model
from quoting.errors import UnknownProcessError
from quoting.history import MATERIALS

MAT = {m.code: m for m in MATERIALS}
AL6061, STEEL1045, Q235, ABS, PA12, PLA = (MAT[c] for c in ("al6061", "steel1045", "steel_q235", "abs", "pa12", "pla"))


def block(bbox=(100.0, 60.0, 20.0), volume=100_000.0, area=20_000.0, **kw):
    return part_from_declared(DeclaredGeometry(bbox, volume, surface_area_mm2=area, **kw))

P = default_params()
SHEET = SheetSpec(2.0, bends=2, cut_length_mm=800, pierces=5)


def est(code, part, mat, cap=None, **kw):
    ctx = CostContext(part=part, material=mat, proc=apply_capability(P.process(code), cap), params=P, **kw)
    return get_model(code).estimate(ctx)


def fen(x):
    return float(x)


def test_every_catalogue_process_has_a_model():
    codes = {"cnc_mill_3ax", "cnc_mill_5ax", "cnc_turn", "laser_cut", "press_brake", "welding", "injection_mold",
             "fdm_print", "sls_print", "anodise", "powder_coat", "heat_treat", "assembly", "cmm_inspect", "wire_edm",
             "sheet_punch"}
    assert set(REGISTRY) == codes
    with pytest.raises(UnknownProcessError, match="known processes"):
        get_model("plasma_cut")


def test_cnc_mill_3ax_plate():
    # part 100x60x20, V 100 cm3, A 200 cm2, 2 setups, Al6061 2.70 g/cm3 at 32 CNY/kg
    e = est("cnc_mill_3ax", block(setups=2), AL6061)
    # stock: 106 -> 110, 66 -> 70, 26 -> 30 (plate series): 231 cm3 = 0.6237 kg; x 3200 x 1.10 scrap
    assert fen(e.material_cost_fen_per_part) == pytest.approx(2195.42, abs=0.01)
    # roughing (231 - 100) / 30 = 4.3667, finishing 200 / 30 = 6.6667, handling 2 x 1.5 -> 14.0333 min
    assert e.run_min_per_part == pytest.approx(14.0333, abs=1e-4)
    assert fen(e.run_cost_fen_per_part) == pytest.approx(14.03333 * 200, abs=0.01)   # 120 CNY/h = 200 fen/min
    assert e.setup_min == 65 and fen(e.setup_cost_fen) == 13000                     # 45 + 20 for the 2nd setup
    assert [(o.label, fen(o.fen)) for o in e.one_offs] == [("programming", 10000)]   # (30 + 2x15) min at 100 CNY/h


def test_cnc_turn_shaft():
    e = est("cnc_turn", block((30, 30, 100), 50_000, 12_000), STEEL1045)
    # bar D32 (30 + 2), 27 parts per 3 m bar (2850 / 105); bar 18.940 kg x 8.50 CNY x 1.05 / 27
    assert fen(e.material_cost_fen_per_part) == pytest.approx(626.07, abs=0.02)
    assert e.setup_min == 45                                          # 30 + 15 for the 2nd chucking
    assert fen(e.one_offs[0].fen) == 2500                             # 15 min at 100 CNY/h


def test_laser_cut_declared_sheet():
    e = est("laser_cut", block((200, 100, 2), 36_000, None), Q235, sheet=SHEET)
    # speed 10000 / 2^0.9 = 5358.9 mm/min: 800 mm -> 0.14928 min; 5 pierces x 0.7 s; handling 0.3
    assert e.run_min_per_part == pytest.approx(0.5076, abs=1e-4)
    assert fen(e.run_cost_fen_per_part) == pytest.approx(126.90, abs=0.01)           # 150 CNY/h = 250 fen/min
    # blank 200 x 90 (18000 mm2 flat / 200), 132 per 1250x2500 sheet; 49.06 kg x 5.20 x 1.05 / 132
    assert fen(e.material_cost_fen_per_part) == pytest.approx(202.94, abs=0.02)


def test_press_brake_and_punch():
    part = block((200, 100, 2), 36_000, None)
    b = est("press_brake", part, Q235, sheet=SHEET)
    assert b.run_min_per_part == pytest.approx(2 * 10 / 60 + 0.3, abs=1e-4)
    assert b.setup_min == 28 and fen(b.run_cost_fen_per_part) == pytest.approx(84.44, abs=0.01)
    p = est("sheet_punch", part, Q235, sheet=SHEET)
    assert p.run_min_per_part == pytest.approx((5 + 800 / 25) / 300 + 0.3, abs=1e-4)  # 37 hits at 300/min
    assert p.setup_min == 35                                                         # 20 + 5 tools x 3


def test_fdm_and_sls():
    part = block((50, 40, 30), 20_000, 8_000)
    f = est("fdm_print", part, PLA)
    # shell 8000 x 0.8 = 6400, + 20% of 13600 infill = 9120, + 10% support = 10032 mm3 = 12.44 g
    assert fen(f.material_cost_fen_per_part) == pytest.approx(111.96, abs=0.01)
    assert f.run_min_per_part == pytest.approx(10.032 / 15 * 60 + 5, abs=1e-3)
    s = est("sls_print", part, PA12)
    # 115 parts per build (10% of 69.36 L / 60 cm3 box), 16 h build -> 8.348 min + 4 post
    assert s.run_min_per_part == pytest.approx(960 / 115 + 4, abs=1e-3)
    assert fen(s.material_cost_fen_per_part) == pytest.approx(20.2 * 1.5 * 38, abs=0.01)


def test_injection_moulding():
    e = est("injection_mold", block((60, 40, 25), 12_000, 9_000), ABS, quantity=5000)
    # 2 cavities at 5000 pcs; tooling (15000 + 15 x 24 cm2) CNY x 2^0.7
    assert fen(e.one_offs[0].fen) == pytest.approx(1_536_000 * 2 ** 0.7, abs=1)
    # cycle 12 + 2.5 x 2.5^2 = 27.625 s over 2 cavities
    assert e.run_min_per_part == pytest.approx(27.625 / 60 / 2, abs=1e-4)
    assert fen(e.material_cost_fen_per_part) == pytest.approx(12 * 1.05 * 1.1 * 1.5, abs=0.01)


def test_finishing_lot_minimum():
    e = est("anodise", block(), AL6061)
    assert fen(e.run_cost_fen_per_part) == 350        # 2 dm2 x 1.50 CNY + 0.5 min rack at 60 CNY/h
    assert e.lot_topup_fen(10) == Decimal("13500.00")  # 200 CNY minimum - 30 CNY setup - 10 x 3.50
    assert e.lot_topup_fen(100) == 0
    h = est("heat_treat", block(), STEEL1045)
    assert fen(h.run_cost_fen_per_part) == pytest.approx(0.785 * 800 + 0.3 * 100, abs=0.01)


def test_assembly_inspection_welding_edm():
    a = est("assembly", block(), STEEL1045, assembly_min_per_part=12)
    assert fen(a.run_cost_fen_per_part) == 1200 and fen(a.one_offs[0].fen) == 5000
    c = est("cmm_inspect", block(), STEEL1045)
    assert c.setup_min == 65 and c.run_min_per_part == 3   # 10 features: 15 min first article, 20 % sampling
    w = est("welding", block(), STEEL1045, weld_length_mm=600)
    assert w.run_min_per_part == 3 and fen(w.material_cost_fen_per_part) == 180
    edm = est("wire_edm", block((100, 60, 20), 100_000, 18_000), STEEL1045)
    # contour (18000 - 10000) / 20 = 400 mm, 8000 mm2 at 120 mm2/min, 1 skim at 3x speed, 1 start
    assert edm.run_min_per_part == pytest.approx(8000 / 120 * (1 + 1 / 3) + 1, abs=1e-3)


def test_factory_override_changes_rates():
    base = est("cnc_mill_3ax", block(setups=2), AL6061)
    cap = MachineCapability("cnc_mill_3ax", (800, 500, 400), 0.02, hourly_rate_fen=6000, setup_min=30,
                            speed_factor=2.0, factory_id="F1")
    own = est("cnc_mill_3ax", block(setups=2), AL6061, cap=cap, factory_id="F1")
    assert own.setup_min == 50 and fen(own.setup_cost_fen) == 5000
    # cutting minutes halve with speed factor 2; handling does not
    assert own.run_min_per_part == pytest.approx((4.36667 + 6.66667) / 2 + 3, abs=1e-3)
    assert own.run_cost_fen_per_part < base.run_cost_fen_per_part
    assert own.material_cost_fen_per_part == base.material_cost_fen_per_part


def test_process_material_mismatch_is_blocking():
    e = est("injection_mold", block(), AL6061)
    assert any(w.severity == "blocking" and w.code == "process_material" for w in e.warnings)
