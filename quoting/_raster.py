"""Axis-aligned ray casting by rasterising triangles (pure numpy, no rtree/embree needed).

For a grid of rays parallel to one axis, every crossing of the surface is found
and classified as entering or leaving the solid from the face normal. From those
we derive wall thickness along the ray (thin walls) and the first-hit depth from
each side (pockets).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage


@dataclass(frozen=True)
class AxisScan:
    axis: int
    cell_mm: float
    min_segment: np.ndarray   # (nu, nv) shortest solid segment per ray, inf where no hit
    first_hit_pos: np.ndarray  # (nu, nv) depth from the +axis side to the first surface, nan where no hit
    first_hit_neg: np.ndarray  # (nu, nv) depth from the -axis side
    extent: float


def scan_axis(triangles: np.ndarray, normals: np.ndarray, axis: int, cell_mm: float,
              max_cells: int = 128) -> AxisScan:
    u, v = [i for i in range(3) if i != axis]
    pts = triangles.reshape(-1, 3)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    nu = int(min(max_cells, max(1, np.ceil((hi[u] - lo[u]) / cell_mm))))
    nv = int(min(max_cells, max(1, np.ceil((hi[v] - lo[v]) / cell_mm))))
    cu, cv = (hi[u] - lo[u]) / nu, (hi[v] - lo[v]) / nv
    P, Q, W = triangles[:, :, u], triangles[:, :, v], triangles[:, :, axis]
    i0 = np.clip(np.ceil((P.min(1) - lo[u]) / cu - 0.5), 0, nu - 1).astype(np.int64)
    i1 = np.clip(np.floor((P.max(1) - lo[u]) / cu - 0.5), -1, nu - 1).astype(np.int64)
    nz = np.abs(normals[:, axis]) > 1e-9
    rows = np.where(nz, np.maximum(i1 - i0 + 1, 0), 0)
    min_seg = np.full((nu, nv), np.inf)
    first_pos = np.full((nu, nv), np.nan)
    first_neg = np.full((nu, nv), np.nan)
    empty = AxisScan(axis, float(max(cu, cv)), min_seg, first_pos, first_neg, float(hi[axis] - lo[axis]))
    if rows.sum() == 0:
        return empty
    # scanline: one (triangle, row) pair per grid row the triangle spans, then the exact cell span on that row
    t = np.repeat(np.arange(len(triangles)), rows)
    ii = i0[t] + (np.arange(len(t)) - np.repeat(np.cumsum(rows) - rows, rows))
    uc = lo[u] + (ii + 0.5) * cu
    vmin = np.full(len(t), np.inf)
    vmax = np.full(len(t), -np.inf)
    for a, b in ((0, 1), (1, 2), (2, 0)):
        pa, pb, qa, qb = P[t, a], P[t, b], Q[t, a], Q[t, b]
        cross = ((pa - uc) * (pb - uc) <= 0) & (pa != pb)
        with np.errstate(divide="ignore", invalid="ignore"):
            vv = qa + (uc - pa) / (pb - pa) * (qb - qa)
        vmin = np.where(cross, np.minimum(vmin, vv), vmin)
        vmax = np.where(cross, np.maximum(vmax, vv), vmax)
    ok = np.isfinite(vmin) & np.isfinite(vmax)
    j0 = np.full(len(t), 0, dtype=np.int64)
    j1 = np.full(len(t), -1, dtype=np.int64)
    j0[ok] = np.clip(np.ceil((vmin[ok] - lo[v]) / cv - 0.5 - 1e-9), 0, nv - 1)
    j1[ok] = np.clip(np.floor((vmax[ok] - lo[v]) / cv - 0.5 + 1e-9), -1, nv - 1)
    cnt = np.maximum(j1 - j0 + 1, 0)
    total = int(cnt.sum())
    if total == 0:
        return empty
    sel = np.repeat(np.arange(len(t)), cnt)
    k = np.arange(total) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    t, ii, jj = t[sel], ii[sel], j0[sel] + k
    px = lo[u] + (ii + 0.5) * cu
    py = lo[v] + (jj + 0.5) * cv
    ax, ay, az = P[t, 0], Q[t, 0], W[t, 0]
    bx, by, bz = P[t, 1], Q[t, 1], W[t, 1]
    cx, cy, cz = P[t, 2], Q[t, 2], W[t, 2]
    den = (by - cy) * (ax - cx) + (cx - bx) * (ay - cy)
    with np.errstate(divide="ignore", invalid="ignore"):
        l1 = ((by - cy) * (px - cx) + (cx - bx) * (py - cy)) / den
        l2 = ((cy - ay) * (px - cx) + (ax - cx) * (py - cy)) / den
    l3 = 1 - l1 - l2
    eps = 1e-9
    inside = (l1 >= -eps) & (l2 >= -eps) & (l3 >= -eps) & np.isfinite(l1) & np.isfinite(l2)
    ii, jj, t = ii[inside], jj[inside], t[inside]
    z = (l1 * az + l2 * bz + l3 * cz)[inside]
    sign = np.sign(normals[t, axis])            # <0: ray going +axis enters the solid
    ray = ii * nv + jj
    order = np.lexsort((z, ray))
    ray, z, sign = ray[order], z[order], sign[order]
    # drop duplicate crossings (shared edges / vertices hit twice with the same sign)
    keep = np.ones(len(ray), dtype=bool)
    keep[1:] = ~((ray[1:] == ray[:-1]) & (np.abs(z[1:] - z[:-1]) < 1e-7) & (sign[1:] == sign[:-1]))
    ray, z, sign = ray[keep], z[keep], sign[keep]
    # solid segments: an entering crossing followed by a leaving crossing on the same ray
    seg = (ray[1:] == ray[:-1]) & (sign[:-1] < 0) & (sign[1:] > 0)
    seg_len = (z[1:] - z[:-1])[seg]
    flat = min_seg.reshape(-1)
    np.minimum.at(flat, ray[:-1][seg], seg_len)
    fp = np.full(nu * nv, -np.inf)
    np.maximum.at(fp, ray, z)
    fn = np.full(nu * nv, np.inf)
    np.minimum.at(fn, ray, z)
    hit = np.isfinite(fp)
    first_pos.reshape(-1)[hit] = (hi[axis] - fp[hit])
    first_neg.reshape(-1)[hit] = (fn[hit] - lo[axis])
    return AxisScan(axis, float(max(cu, cv)), min_seg, first_pos, first_neg, float(hi[axis] - lo[axis]))


def thin_wall_mm(scan: AxisScan) -> float | None:
    """Thinnest wall seen along this axis, ignoring grazing chords at curved edges
    (a wall counts only if its four neighbouring rays see a similar thickness)."""
    m = scan.min_segment
    if m.shape[0] < 3 or m.shape[1] < 3:
        return None
    c = m[1:-1, 1:-1]
    ok = np.isfinite(c)
    for nb in (m[:-2, 1:-1], m[2:, 1:-1], m[1:-1, :-2], m[1:-1, 2:]):
        ok &= np.isfinite(nb) & (nb >= 0.75 * c) & (nb <= 1.33 * c)
    if not ok.any():
        return None
    return float(c[ok].min())


def deepest_pocket(scan: AxisScan) -> tuple[float, float, float] | None:
    """(ratio, depth, width) of the pocket with the worst depth/width ratio seen from either side.

    A pocket is a connected set of rays that hit the part below its top (by more
    than 2 % of the height and one cell) and that does not touch the grid border
    (those are open steps). Width is the largest inscribed circle's diameter."""
    best = None
    tol = max(0.02 * scan.extent, 0.2)
    for depth in (scan.first_hit_pos, scan.first_hit_neg):
        mask = np.nan_to_num(depth, nan=0.0) > tol
        if not mask.any():
            continue
        labels, n = ndimage.label(mask)
        border = set(np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))) - {0}
        dist = ndimage.distance_transform_edt(np.pad(mask, 1))[1:-1, 1:-1]
        for lab in range(1, n + 1):
            if lab in border:
                continue
            region = labels == lab
            d = float(np.nanmax(depth[region]))
            w = float(max(1.0, 2 * dist[region].max() - 1.0) * scan.cell_mm)
            ratio = d / w if w > 0 else float("inf")
            if best is None or ratio > best[0]:
                best = (ratio, d, w)
    return best
