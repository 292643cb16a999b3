"""Completed jobs as database rows <-> `quoting.history.CompletedJob`, and calibration runs that store their factors.

The fit itself is `quoting.calibration.calibrate` (pure); this module only reads and writes rows. The caller commits.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import select

import quoting
from capacity.models import Material
from marketplace.extensions import db
from marketplace.quotes.models import CompletedJob, QuoteCalibration
from quoting.calibration import calibrate as fit_calibration  # not quoting.calibrate: that name is also the CLI module
from quoting.specs import CompletedJob as JobRecord

_TUPLE_FIELDS = ("bbox_mm", "stock_dims_mm", "approach_directions", "assumptions")


def row_values(job: JobRecord) -> dict:
    """The columns of a completed_jobs row for one job (features the cost models read, inputs, route, cost)."""
    req = job.request
    return {
        "process_code": job.route[0],
        "route": list(job.route),
        "material_code": req.material.code,
        "quantity": req.quantity,
        "features": dataclasses.asdict(req.part),
        "request": {
            "tolerance_class": req.tolerance_class,
            "finish": req.finish,
            "heat_treat": req.heat_treat,
            "process_hint": req.process_hint,
            "sheet": dataclasses.asdict(req.sheet) if req.sheet else None,
            "weld_length_mm": req.weld_length_mm,
            "assembly_min_per_part": req.assembly_min_per_part,
        },
        "actual_cost_fen": job.actual_cost_fen,
    }


def job_of(row: CompletedJob, material: quoting.MaterialSpec) -> JobRecord:
    features = {k: tuple(v) if k in _TUPLE_FIELDS and v is not None else v for k, v in row.features.items()}
    sheet = row.request.get("sheet")
    if sheet and sheet.get("flat_size_mm") is not None:
        sheet = dict(sheet, flat_size_mm=tuple(sheet["flat_size_mm"]))
    request = quoting.QuoteRequest(
        part=quoting.PartFeatures(**features),
        material=material,
        quantity=row.quantity,
        quantity_breaks=(),
        tolerance_class=row.request["tolerance_class"],
        finish=row.request["finish"],
        heat_treat=row.request.get("heat_treat", False),
        process_hint=row.request.get("process_hint"),
        sheet=quoting.SheetSpec(**sheet) if sheet else None,
        weld_length_mm=row.request.get("weld_length_mm", 0.0),
        assembly_min_per_part=row.request.get("assembly_min_per_part", 0.0),
    )
    return JobRecord(row.reference, request, tuple(row.route), row.actual_cost_fen)


def cluster_jobs(cluster_id: int) -> tuple[JobRecord, ...]:
    materials = {
        m.code: quoting.MaterialSpec(m.code, m.family, m.density_g_cm3, m.price_fen_per_kg)
        for m in db.session.scalars(select(Material))
    }
    rows = db.session.scalars(
        select(CompletedJob).where(CompletedJob.cluster_id == cluster_id).order_by(CompletedJob.id)
    )
    return tuple(job_of(row, materials[row.material_code]) for row in rows)


def run_calibration(
    cluster_id: int, seed: int = 1, test_fraction: float = 0.25
) -> tuple[quoting.CalibrationReport, QuoteCalibration]:
    """Fit on the cluster's completed jobs (seeded split) and store the factors; new quotes use the newest row."""
    jobs = cluster_jobs(cluster_id)
    report = fit_calibration(jobs, seed=seed, test_fraction=test_fraction)
    row = QuoteCalibration(
        cluster_id=cluster_id,
        factors={p: dataclasses.asdict(f) for p, f in report.calibration.factors.items()},
        train_jobs=report.train_jobs,
        test_jobs=report.test_jobs,
        mape_before=report.mape_before,
        mape_after=report.mape_after,
        seed=seed,
    )
    db.session.add(row)
    db.session.flush()
    return report, row
