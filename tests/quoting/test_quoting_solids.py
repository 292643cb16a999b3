"""Real CAD exports, each failure class on a small file made for it: zero-area triangles, a GLB whose mesh mixes
triangles with line primitives (PMI annotations), several bodies in one file, a cavity, STL units, and a STEP
measured exactly on its B-rep."""

from __future__ import annotations

import io
import json
import struct

import numpy as np
import pytest
import trimesh

from quoting import GeometryError, part_from_bytes
from quoting.brep import has_exact
from quoting.solids import mesh_from_glb


def _codes(features) -> list[str]:
    return [a.code for a in features.assumptions]


def test_zero_area_triangles_are_dropped_and_said(tmp_path):
    box = trimesh.creation.box((40, 30, 20))
    v, f = box.vertices.copy(), box.faces.copy()
    edge = next((a, b) for a, b in box.edges_unique)
    mid = (v[edge[0]] + v[edge[1]]) / 2
    v = np.vstack([v, mid])
    sliver = [edge[0], edge[1], len(v) - 1]  # collinear: zero area; its edge a-b is now used three times
    broken = trimesh.Trimesh(v, np.vstack([f, sliver]), process=False)
    assert not broken.is_watertight
    features = part_from_bytes(broken.export(file_type="stl"), "part.stl")
    assert features.volume_mm3 == pytest.approx(40 * 30 * 20, rel=1e-9)
    assert "assume.degenerate_dropped" in _codes(features)


def _glb_with_lines(size_m: float) -> bytes:
    """A GLB of one mesh with two primitives: a triangle box and a line strip (how an annotated STEP arrives)."""
    box = trimesh.creation.box((size_m, size_m, size_m))
    positions = box.vertices.astype("<f4").tobytes()
    indices = box.faces.astype("<u4").tobytes()
    line = np.array([[0, 0, 0], [2 * size_m, 0, 0]], dtype="<f4").tobytes()
    blob = positions + indices + line
    views = [{"buffer": 0, "byteOffset": 0, "byteLength": len(positions)},
             {"buffer": 0, "byteOffset": len(positions), "byteLength": len(indices)},
             {"buffer": 0, "byteOffset": len(positions) + len(indices), "byteLength": len(line)}]
    lo, hi = box.vertices.min(axis=0).tolist(), box.vertices.max(axis=0).tolist()
    accessors = [{"bufferView": 0, "componentType": 5126, "count": len(box.vertices), "type": "VEC3", "min": lo,
                  "max": hi},
                 {"bufferView": 1, "componentType": 5125, "count": box.faces.size, "type": "SCALAR"},
                 {"bufferView": 2, "componentType": 5126, "count": 2, "type": "VEC3", "min": [0, 0, 0],
                  "max": [2 * size_m, 0, 0]}]
    gltf = {"asset": {"version": "2.0"}, "scene": 0, "scenes": [{"nodes": [0]}], "nodes": [{"mesh": 0}],
            "meshes": [{"primitives": [{"attributes": {"POSITION": 0}, "indices": 1, "mode": 4},
                                       {"attributes": {"POSITION": 2}, "mode": 1}]}],
            "buffers": [{"byteLength": len(blob)}], "bufferViews": views, "accessors": accessors}
    text = json.dumps(gltf).encode()
    text += b" " * (-len(text) % 4)
    blob += b"\0" * (-len(blob) % 4)
    chunks = struct.pack("<I4s", len(text), b"JSON") + text + struct.pack("<I4s", len(blob), b"BIN\0") + blob
    return struct.pack("<4sII", b"glTF", 2, 12 + len(chunks)) + chunks


def test_a_mesh_with_line_primitives_keeps_its_triangles():
    glb = _glb_with_lines(0.01)  # 10 mm in glTF metres
    with pytest.raises(Exception):  # how trimesh's merged loading failed on the annotated STEP files
        trimesh.load(io.BytesIO(glb), file_type="glb", merge_primitives=True).to_mesh()
    mesh, parts = mesh_from_glb(glb)
    assert parts == 1 and mesh.volume == pytest.approx(1000, rel=1e-6)


def test_several_separate_bodies_are_refused_with_their_number():
    two = trimesh.util.concatenate([trimesh.creation.box((10, 10, 10)),
                                    trimesh.creation.box((10, 10, 10)).apply_translation((30, 0, 0))])
    with pytest.raises(GeometryError) as caught:
        part_from_bytes(two.export(file_type="stl"), "two.stl")
    assert caught.value.code == "several_parts" and caught.value.message.params == {"count": 2}


def test_a_cavity_inside_the_part_is_subtracted():
    outer = trimesh.creation.box((40, 40, 40))
    cavity = trimesh.creation.box((10, 10, 10))
    cavity.invert()
    hollow = trimesh.util.concatenate([outer, cavity])
    features = part_from_bytes(hollow.export(file_type="stl"), "hollow.stl", scan=False)
    assert features.volume_mm3 == pytest.approx(40 ** 3 - 10 ** 3, rel=1e-9)
    assert "assume.voids" in _codes(features)


def test_an_stl_drawn_in_inches():
    small = trimesh.creation.box((2.0, 1.0, 0.5)).export(file_type="stl")  # 2 x 1 x 0.5 inch
    read_as_mm = part_from_bytes(small, "bracket.stl", scan=False)
    assert max(read_as_mm.bbox_mm) == pytest.approx(2.0) and "assume.stl_maybe_inch" in _codes(read_as_mm)
    inches = part_from_bytes(small, "bracket.stl", scan=False, unit="inch")
    assert sorted(inches.bbox_mm) == pytest.approx([12.7, 25.4, 50.8])
    assert inches.volume_mm3 == pytest.approx(2 * 1 * 0.5 * 25.4 ** 3, rel=1e-9)
    assert "assume.stl_unit_inch" in _codes(inches)
    with pytest.raises(GeometryError) as caught:
        part_from_bytes(small, "bracket.stl", unit="furlong")
    assert caught.value.field == "unit"


def _step_of(*solids) -> bytes:
    from OCP.BRep import BRep_Builder
    from OCP.IFSelect import IFSelect_RetDone
    from OCP.STEPControl import STEPControl_AsIs, STEPControl_Writer
    from OCP.TopoDS import TopoDS_Compound

    builder, compound = BRep_Builder(), TopoDS_Compound()
    builder.MakeCompound(compound)
    for solid in solids:
        builder.Add(compound, solid)
    writer = STEPControl_Writer()
    writer.Transfer(compound, STEPControl_AsIs)
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "part.step")
        assert writer.Write(path) == IFSelect_RetDone
        return Path(path).read_bytes()


@pytest.mark.skipif(not has_exact(), reason="the exact extra (cadquery-ocp) is not installed")
def test_a_step_part_is_measured_exactly_and_an_assembly_is_refused():
    from OCP.BRepPrimAPI import BRepPrimAPI_MakeCylinder
    from OCP.gp import gp_Ax2, gp_Dir, gp_Pnt

    shaft = BRepPrimAPI_MakeCylinder(gp_Ax2(gp_Pnt(0, 0, 0), gp_Dir(0, 0, 1)), 15.0, 80.0).Shape()
    features = part_from_bytes(_step_of(shaft), "shaft.step")
    assert features.volume_mm3 == pytest.approx(np.pi * 15 ** 2 * 80, rel=1e-9)  # exact, not the tessellation's
    assert features.area_mm2 == pytest.approx(2 * np.pi * 15 * 80 + 2 * np.pi * 15 ** 2, rel=1e-9)
    assert "assume.measured_exact" in _codes(features)
    other = BRepPrimAPI_MakeCylinder(gp_Ax2(gp_Pnt(100, 0, 0), gp_Dir(0, 0, 1)), 10.0, 40.0).Shape()
    with pytest.raises(GeometryError) as caught:
        part_from_bytes(_step_of(shaft, other), "assembly.step")
    assert caught.value.code == "several_parts" and caught.value.message.params == {"count": 2}
