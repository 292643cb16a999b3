"""Shared test data for tests/quoting (plain module, not a conftest)."""
from __future__ import annotations

from quoting import DeclaredGeometry, MaterialSpec, part_from_declared

AL6061 = MaterialSpec("al6061", "aluminium", 2.70, 3200)
STEEL1045 = MaterialSpec("steel1045", "steel", 7.85, 850)
Q235 = MaterialSpec("steel_q235", "steel", 7.85, 520)
ABS = MaterialSpec("abs", "plastic", 1.05, 1500)
PA12 = MaterialSpec("pa12", "plastic", 1.01, 38000)
PLA = MaterialSpec("pla", "plastic", 1.24, 9000)
POM = MaterialSpec("pom", "plastic", 1.41, 2400)


def block(bbox=(100.0, 60.0, 20.0), volume=100_000.0, area=20_000.0, **kw):
    return part_from_declared(DeclaredGeometry(bbox, volume, surface_area_mm2=area, **kw))
