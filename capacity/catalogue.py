"""The platform's process and material catalogues as plain data.

This module is pure: no Flask or database imports. The database tables
(`capacity.models.Process`, `capacity.models.Material`) are seeded from these
tuples, and `quoting/` and `matching/` refer to the same codes.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProcessDef:
    code: str
    name_en: str
    name_zh: str
    category: str  # machining, sheet_metal, joining, moulding, additive, finishing, assembly, inspection
    unit_of_work: str  # what a run is counted in: part, cut_metre, bend, shot, gram, dm2, minute, weld_metre
    cost_drivers: tuple[str, ...]


@dataclass(frozen=True)
class MaterialDef:
    code: str
    name_en: str
    name_zh: str
    family: str  # aluminium, steel, stainless, copper_alloy, titanium, plastic
    density_g_cm3: float
    price_fen_per_kg: int  # CNY fen per kilogram of stock


PROCESSES: tuple[ProcessDef, ...] = (
    ProcessDef(
        "cnc_mill_3ax",
        "CNC milling (3-axis)",
        "三轴数控铣削",
        "machining",
        "part",
        ("stock_volume", "removed_volume", "surface_area", "setups", "tolerance", "programming"),
    ),
    ProcessDef(
        "cnc_mill_5ax",
        "CNC milling (5-axis)",
        "五轴数控铣削",
        "machining",
        "part",
        ("stock_volume", "removed_volume", "surface_area", "setups", "tolerance", "programming"),
    ),
    ProcessDef(
        "cnc_turn",
        "CNC turning",
        "数控车削",
        "machining",
        "part",
        ("bar_length", "removed_volume", "diameter", "tolerance"),
    ),
    ProcessDef(
        "laser_cut",
        "Laser cutting",
        "激光切割",
        "sheet_metal",
        "cut_metre",
        ("cut_length", "pierces", "sheet_thickness", "sheet_yield"),
    ),
    ProcessDef(
        "press_brake", "Press-brake bending", "折弯", "sheet_metal", "bend", ("bends", "tool_changes", "part_length")
    ),
    ProcessDef(
        "welding", "Welding (MIG/TIG)", "焊接", "joining", "weld_metre", ("weld_length", "joints", "fixture_setup")
    ),
    ProcessDef(
        "injection_mold",
        "Injection moulding",
        "注塑成型",
        "moulding",
        "shot",
        ("tooling", "cavities", "cycle_time", "shot_mass"),
    ),
    ProcessDef(
        "fdm_print",
        "FDM 3D printing",
        "FDM 3D打印",
        "additive",
        "gram",
        ("material_grams", "machine_hours", "supports"),
    ),
    ProcessDef(
        "sls_print",
        "SLS 3D printing",
        "SLS 3D打印",
        "additive",
        "gram",
        ("material_grams", "bounding_box_volume", "machine_hours"),
    ),
    ProcessDef("anodise", "Anodising", "阳极氧化", "finishing", "dm2", ("surface_area", "lot_minimum", "colour")),
    ProcessDef(
        "powder_coat", "Powder coating", "粉末喷涂", "finishing", "dm2", ("surface_area", "lot_minimum", "masking")
    ),
    ProcessDef(
        "heat_treat", "Heat treatment", "热处理", "finishing", "kg", ("batch_mass", "cycle_hours", "lot_minimum")
    ),
    ProcessDef("assembly", "Assembly", "装配", "assembly", "minute", ("labour_minutes", "fixed_fee")),
    ProcessDef(
        "cmm_inspect",
        "CMM inspection",
        "三坐标检测",
        "inspection",
        "minute",
        ("features", "labour_minutes", "fixed_fee"),
    ),
    ProcessDef(
        "wire_edm", "Wire EDM", "慢走丝线切割", "machining", "cut_metre", ("cut_length", "thickness", "tolerance")
    ),
    ProcessDef("sheet_punch", "CNC turret punching", "数控冲床", "sheet_metal", "hit", ("hits", "sheet_yield")),
)

MATERIALS: tuple[MaterialDef, ...] = (
    MaterialDef("al6061", "Aluminium 6061-T6", "铝合金 6061-T6", "aluminium", 2.70, 3200),
    MaterialDef("al7075", "Aluminium 7075-T6", "铝合金 7075-T6", "aluminium", 2.81, 5200),
    MaterialDef("steel1045", "Steel 1045", "45号钢", "steel", 7.85, 850),
    MaterialDef("steel_q235", "Mild steel Q235", "Q235 碳钢", "steel", 7.85, 520),
    MaterialDef("ss304", "Stainless steel 304", "不锈钢 304", "stainless", 7.93, 1800),
    MaterialDef("ss316", "Stainless steel 316", "不锈钢 316", "stainless", 7.98, 2800),
    MaterialDef("brass_c360", "Brass C360", "黄铜 C360", "copper_alloy", 8.50, 5600),
    MaterialDef("ti6al4v", "Titanium Ti-6Al-4V", "钛合金 TC4", "titanium", 4.43, 28000),
    MaterialDef("pom", "POM (acetal)", "POM 聚甲醛", "plastic", 1.41, 2400),
    MaterialDef("abs", "ABS", "ABS 塑料", "plastic", 1.05, 1500),
    MaterialDef("pc", "Polycarbonate", "PC 聚碳酸酯", "plastic", 1.20, 2600),
    MaterialDef("pp", "Polypropylene", "PP 聚丙烯", "plastic", 0.91, 1100),
    MaterialDef("pa12", "Nylon PA12 powder", "尼龙 PA12 粉末", "plastic", 1.01, 38000),
    MaterialDef("pla", "PLA filament", "PLA 线材", "plastic", 1.24, 9000),
)

PROCESS_CODES = frozenset(p.code for p in PROCESSES)
MATERIAL_CODES = frozenset(m.code for m in MATERIALS)
PROCESS_BY_CODE = {p.code: p for p in PROCESSES}
MATERIAL_BY_CODE = {m.code: m for m in MATERIALS}
