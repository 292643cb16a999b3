import struct

import numpy as np
import pytest
import trimesh

from quoting import (
    MAX_UPLOAD_BYTES,
    DeclaredGeometry,
    GeometryError,
    MachineCapability,
    golden,
    has_step_support,
    part_from_bytes,
    part_from_declared,
)


@pytest.fixture(scope="module")
def parts():
    return {p.name: p for p in golden.all_parts()}


def _code(data, filename=None, **kw):
    with pytest.raises(GeometryError) as exc:
        part_from_bytes(data, filename, **kw)
    assert exc.value.message  # a message a person can act on
    return exc.value.code


@pytest.mark.parametrize("name", ["plate_pocket_4h", "turned_shaft", "sheet_bracket"])
def test_golden_volume_within_0_1_percent(parts, name):
    part = parts[name]
    f = part_from_bytes(part.stl_bytes(), f"{name}.stl")
    assert f.watertight
    assert f.volume_mm3 == pytest.approx(part.exact_volume_mm3, rel=1e-3)
    assert f.volume_mm3 == pytest.approx(part.analytic_volume_mm3, rel=1e-3)


def test_plate_features(parts):
    f = part_from_bytes(parts["plate_pocket_4h"].stl_bytes())
    assert f.stock_dims_mm == pytest.approx((100, 60, 20))
    assert f.setups == 2 and set(f.approach_directions) == {"+z", "-z"}
    assert f.through_holes == 4
    assert not f.rotational
    assert f.min_wall_mm == pytest.approx(7.0, abs=0.2)           # hole edge (x=43) to plate edge (x=50)
    assert f.max_pocket_depth_mm == pytest.approx(10.0, abs=0.1)
    assert f.min_pocket_width_mm == pytest.approx(20.0, abs=2.0)   # grid resolution 1.6 mm
    box = 100 * 60 * 20
    assert f.convex_hull_volume_mm3 == pytest.approx(box, rel=1e-6)
    # removed volume for milling from a bare bounding box: pocket + holes
    assert f.removed_volume_mm3 == pytest.approx(8000 + 4 * np.pi * 9 * 20, rel=2e-3)


def test_shaft_is_rotational(parts):
    f = part_from_bytes(parts["turned_shaft"].stl_bytes())
    assert f.rotational and f.rotation_axis == "z"
    assert f.min_wall_mm == pytest.approx(11.0, abs=0.5)           # (30 - 8) / 2 around the bore


def test_bracket_thickness(parts):
    f = part_from_bytes(parts["sheet_bracket"].stl_bytes())
    assert f.min_wall_mm == pytest.approx(2.0, abs=0.01)
    assert f.through_holes == 2


def test_ascii_stl():
    mesh = trimesh.creation.box((10, 20, 30))
    text = mesh.export(file_type="stl_ascii")
    data = text.encode() if isinstance(text, str) else text
    f = part_from_bytes(data, "box.stl")
    assert f.volume_mm3 == pytest.approx(6000)
    assert f.area_mm2 == pytest.approx(2200)


def test_empty_file():
    assert _code(b"") == "empty_file"


def test_random_bytes():
    rng = np.random.default_rng(7)
    assert _code(rng.bytes(5000)) == "not_a_mesh"
    n = 100  # right length for a binary STL, garbage triangles
    assert _code(bytes(80) + struct.pack("<I", n) + rng.bytes(50 * n)) in ("not_a_mesh", "not_watertight")


def test_not_watertight():
    box = trimesh.creation.box((10, 10, 10))
    box.update_faces(np.arange(11))
    assert _code(box.export(file_type="stl")) == "not_watertight"


def test_zero_volume():
    flat = trimesh.Trimesh(vertices=[[0, 0, 0], [10, 0, 0], [0, 10, 0]], faces=[[0, 1, 2], [0, 2, 1]], process=False)
    assert _code(flat.export(file_type="stl")) == "zero_volume"


@pytest.mark.parametrize("size", [0.1, 9000.0])
def test_implausible_units(size):
    err_code = _code(trimesh.creation.box((size, size / 2, size / 3)).export(file_type="stl"))
    assert err_code == "implausible_units"


def test_upload_too_large():
    assert _code(b"\0" * (MAX_UPLOAD_BYTES + 1)) == "file_too_large"


def test_larger_than_every_machine(parts):
    caps = (MachineCapability("cnc_mill_3ax", (80, 80, 80), 0.02, 12000, 45),
            MachineCapability("laser_cut", (90, 50, 10), 0.1, 15000, 15))
    assert _code(parts["plate_pocket_4h"].stl_bytes(), capabilities=caps) == "too_large"
    big = caps + (MachineCapability("cnc_mill_5ax", (200, 200, 200), 0.01, 30000, 60),)
    part_from_bytes(parts["plate_pocket_4h"].stl_bytes(), capabilities=big)  # fits one: no error


@pytest.mark.skipif(has_step_support(), reason="cascadio installed")
def test_step_without_extra():
    assert _code(b"ISO-10303-21;\nHEADER;\n", "part.step") == "step_unsupported"


def test_unsupported_extension():
    assert _code(b"abc", "part.obj") == "not_a_mesh"


def test_declared_geometry_estimates_area_and_rotation():
    f = part_from_declared(DeclaredGeometry((30, 30, 100), 50_000))
    assert f.rotational and f.rotation_axis == "z"
    assert f.area_estimated and f.area_mm2 == pytest.approx(np.pi * 30 * 100 + np.pi * 900 / 2)
    g = part_from_declared(DeclaredGeometry((100, 60, 20), 100_000))
    assert not g.rotational
    assert g.area_mm2 == pytest.approx(2 * (6000 + 1200 + 2000) * (1 + 0.5 * (1 - 100_000 / 120_000)))


@pytest.mark.parametrize("bad", [dict(bbox_mm=(10, 10), volume_mm3=10), dict(bbox_mm=(10, 10, 10), volume_mm3=2000),
                                 dict(bbox_mm=(10, 10, -1), volume_mm3=10), dict(bbox_mm=(10, 10, 10), volume_mm3=0)])
def test_declared_geometry_rejects_nonsense(bad):
    with pytest.raises(GeometryError):
        DeclaredGeometry(**bad)


def test_declared_implausible_units():
    with pytest.raises(GeometryError) as exc:
        part_from_declared(DeclaredGeometry((0.1, 0.05, 0.02), 1e-5))
    assert exc.value.code == "implausible_units"


def test_large_golden_stl_about_one_megabyte():
    part = golden.large_plate()
    data = part.stl_bytes()
    assert 0.95e6 < len(data) < 1.1e6
    f = part_from_bytes(data)
    assert f.volume_mm3 == pytest.approx(part.exact_volume_mm3, rel=1e-3)
    assert f.through_holes == 8


def test_thin_wall_found_by_ray_scan():
    outer = trimesh.creation.box((40, 30, 20))
    cut = trimesh.creation.box((30, 20, 20)).apply_translation((4.4, 0, 5))   # leaves a 0.6 mm wall at x = +20
    f = part_from_bytes(trimesh.boolean.difference([outer, cut], engine="manifold").export(file_type="stl"))
    assert f.min_wall_mm == pytest.approx(0.6, abs=0.01)
    assert f.max_pocket_depth_mm == pytest.approx(15.0, abs=0.01)


def test_sheet_cut_length_derived_from_mesh():
    from quoting import SheetSpec, default_params
    from quoting.costmodels import CostContext
    from quoting.costmodels.sheet import sheet_layout
    from quoting.history import MATERIALS

    p = default_params()
    bracket = part_from_bytes(golden.sheet_bracket().stl_bytes())
    lay = sheet_layout(CostContext(part=bracket, material=MATERIALS[3], proc=p.process("laser_cut"), params=p,
                                   sheet=SheetSpec(2.0, bends=1)))
    # flat outline 2 x (80 + 40 + 28) plus two 48-gon holes of D6: 296 + 2 x 48 x 6 sin(pi/48)
    assert lay.cut_length_mm == pytest.approx(296 + 2 * 48 * 6 * np.sin(np.pi / 48), rel=1e-6)
    assert lay.pierces == 3


def test_features_do_not_depend_on_orientation():
    outer = trimesh.creation.box((40, 30, 20))
    cut = trimesh.creation.box((30, 20, 20)).apply_translation((4.4, 0, 5))
    part = trimesh.boolean.difference([outer, cut], engine="manifold")
    tilted = part.copy().apply_transform(trimesh.transformations.rotation_matrix(0.5, [1, 1, 0]))
    a, b = (part_from_bytes(m.export(file_type="stl")) for m in (part, tilted))
    assert b.stock_dims_mm == pytest.approx(a.stock_dims_mm, abs=1e-3) == (40, 30, 20)
    assert b.setups == a.setups == 2 and b.freeform_share == a.freeform_share == 0
    assert b.min_wall_mm == pytest.approx(0.6, abs=0.01)
    assert b.max_pocket_depth_mm == pytest.approx(15, abs=0.01)
