"""Golden parts with exactly known volumes, built with trimesh + manifold3d booleans.

Run ``python -m quoting.golden OUTDIR`` to write them as STL. Cylinders are
polygonal prisms with ``sections`` sides whose vertices lie on the circle, so
the exact mesh volume is known: n/2 r^2 sin(2 pi/n) x height per hole.
"""
from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class GoldenPart:
    name: str
    mesh: object              # trimesh.Trimesh
    exact_volume_mm3: float   # of the polygonal solid
    analytic_volume_mm3: float  # with true circles (pi r^2)
    description: str

    def stl_bytes(self) -> bytes:
        return self.mesh.export(file_type="stl")


def _poly_area(r: float, n: int) -> float:
    return n / 2 * r * r * math.sin(2 * math.pi / n)


def _cyl(r: float, h: float, n: int, at=(0.0, 0.0, 0.0), axis: str = "z"):
    import numpy as np
    import trimesh

    c = trimesh.creation.cylinder(radius=r, height=h, sections=n)
    if axis == "x":
        c.apply_transform(trimesh.transformations.rotation_matrix(math.pi / 2, [0, 1, 0]))
    elif axis == "y":
        c.apply_transform(trimesh.transformations.rotation_matrix(math.pi / 2, [1, 0, 0]))
    c.apply_translation(np.asarray(at, dtype=float))
    return c


def _box(ext, at=(0.0, 0.0, 0.0)):
    import trimesh

    b = trimesh.creation.box(extents=ext)
    b.apply_translation(at)
    return b


def _diff(base, cutters):
    import trimesh

    return trimesh.boolean.difference([base, *cutters], engine="manifold")


def _union(parts):
    import trimesh

    return trimesh.boolean.union(parts, engine="manifold")


def plate_with_pocket(sections: int = 64, holes: int = 4, hole_r: float = 3.0) -> GoldenPart:
    """100 x 60 x 20 mm plate, 40 x 20 x 10 mm pocket from the top, ``holes`` through holes."""
    L, W, H = 100.0, 60.0, 20.0
    pocket = _box((40.0, 20.0, 10.0 + 1.0), at=(0.0, 0.0, H / 2 - 5.0 + 0.5))
    xs = [-40.0, 40.0] if holes <= 4 else [-40.0 + 80.0 * i / (holes // 2 - 1) for i in range(holes // 2)]
    centres = [(x, y) for x in xs for y in (-20.0, 20.0)][:holes]
    cutters = [pocket] + [_cyl(hole_r, H + 2.0, sections, (x, y, 0.0)) for x, y in centres]
    mesh = _diff(_box((L, W, H)), cutters)
    base = L * W * H - 40.0 * 20.0 * 10.0
    return GoldenPart(
        f"plate_pocket_{holes}h", mesh, base - len(centres) * _poly_area(hole_r, sections) * H,
        base - len(centres) * math.pi * hole_r ** 2 * H,
        f"plate 100x60x20, pocket 40x20x10 deep, {len(centres)} through holes D{2 * hole_r:g}")


def turned_shaft(sections: int = 128) -> GoldenPart:
    """Stepped shaft along z: D30 x 40 long plus D20 x 60 long, with a D8 x 15 axial bore."""
    big = _cyl(15.0, 40.0, sections, (0, 0, 20.0))
    small = _cyl(10.0, 60.0, sections, (0, 0, 70.0))
    bore = _cyl(4.0, 16.0, sections, (0, 0, 7.0))  # from the big end, 15 mm deep
    mesh = _diff(_union([big, small]), [bore])
    exact = (_poly_area(15.0, sections) * 40 + _poly_area(10.0, sections) * 60 - _poly_area(4.0, sections) * 15)
    analytic = math.pi * (15.0 ** 2 * 40 + 10.0 ** 2 * 60 - 4.0 ** 2 * 15)
    return GoldenPart("turned_shaft", mesh, exact, analytic, "stepped shaft D30x40 + D20x60, bore D8x15")


def sheet_bracket(sections: int = 48) -> GoldenPart:
    """2 mm L-bracket: base 80 x 40, upright 80 x 30 high, two D6 holes in the base."""
    t = 2.0
    base = _box((80.0, 40.0, t), at=(0, 0, t / 2))
    upright = _box((80.0, t, 30.0), at=(0, -20.0 + t / 2, 15.0))
    body = _union([base, upright])
    holes = [_cyl(3.0, 4 * t, sections, (x, 5.0, t / 2)) for x in (-25.0, 25.0)]
    mesh = _diff(body, holes)
    exact = 80 * 40 * t + 80 * t * (30 - t) - 2 * _poly_area(3.0, sections) * t
    analytic = 80 * 40 * t + 80 * t * (30 - t) - 2 * math.pi * 9.0 * t
    return GoldenPart("sheet_bracket", mesh, exact, analytic, "2 mm L-bracket 80x40 + 80x30, two D6 holes")


def large_plate(target_bytes: int = 1_000_000) -> GoldenPart:
    """The pocketed plate with finely tessellated holes: a binary STL of about ``target_bytes``."""
    faces_needed = (target_bytes - 84) // 50
    sections = max(64, int(faces_needed / (8 * 4)))
    return plate_with_pocket(sections=sections, holes=8, hole_r=2.5)


def all_parts() -> tuple[GoldenPart, ...]:
    return (plate_with_pocket(), turned_shaft(), sheet_bracket())


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0] if args else "golden_parts")
    out.mkdir(parents=True, exist_ok=True)
    for part in (*all_parts(), large_plate()):
        data = part.stl_bytes()
        (out / f"{part.name}.stl").write_bytes(data)
        print(f"{part.name}: {len(data)} bytes, volume {part.mesh.volume:.3f} (exact {part.exact_volume_mm3:.3f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
