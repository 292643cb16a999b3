"""Fit per-process correction factors (setup, run, material) to completed jobs.

Model: actual_cost(job) ~ sum over its steps p of
    s_p x (setup + one-offs)_p + r_p x quantity x run_p + m_p x quantity x material_p
with the default-parameter estimates as regressors and the factors >= 0.
Solved by non-negative least squares on *relative* residuals (each row divided
by the job's actual cost, so MAPE-like error is minimised), with a light ridge
pull towards 1 so rarely seen processes stay near the defaults.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from scipy.optimize import nnls

from .errors import InputError
from .factors import Calibration, ProcessFactors
from .param_files import default_params
from .params import Params
from .pricing import estimate_steps
from .specs import CompletedJob

KINDS = ("setup", "run", "material")


@dataclass(frozen=True)
class FittedProcess:
    process: str
    jobs: int
    factors: ProcessFactors
    effective_hourly_rate_fen: int    # default rate x run factor
    effective_setup_min: float        # default setup minutes x setup factor


@dataclass(frozen=True)
class CalibrationReport:
    calibration: Calibration
    train_jobs: int
    test_jobs: int
    mape_before: float     # held-out jobs, default parameters
    mape_after: float      # held-out jobs, calibrated
    fitted: tuple[FittedProcess, ...]


def _components(job: CompletedJob, params: Params) -> dict[tuple[str, str], float]:
    q = job.request.quantity
    out: dict[tuple[str, str], float] = {}
    for s in estimate_steps(job.request, job.route, params):
        fixed = s.setup_cost_fen + s.one_off_fen + s.lot_topup_fen(q)
        for kind, value in (("setup", fixed), ("run", q * s.run_cost_fen_per_part),
                            ("material", q * s.material_cost_fen_per_part)):
            out[(s.process, kind)] = out.get((s.process, kind), 0.0) + float(value)
    return out


def predicted_fen(job: CompletedJob, params: Params, calibration: Calibration | None = None) -> float:
    steps = estimate_steps(job.request, job.route, params, calibration)
    return float(sum((s.cost_fen(job.request.quantity) for s in steps), Decimal(0)))


def mape(jobs: tuple[CompletedJob, ...] | list[CompletedJob], params: Params | None = None,
         calibration: Calibration | None = None) -> float:
    """Mean absolute percentage error of predicted vs actual production cost (0.1 = 10 %)."""
    if not jobs:
        raise InputError("no jobs to evaluate")
    params = params or default_params()
    errs = [abs(predicted_fen(j, params, calibration) - j.actual_cost_fen) / j.actual_cost_fen for j in jobs]
    return float(np.mean(errs))


def split(jobs: tuple[CompletedJob, ...], test_fraction: float, seed: int):
    if not 0 < test_fraction < 1:
        raise InputError("test_fraction must be between 0 and 1")
    idx = np.random.default_rng(seed).permutation(len(jobs))
    n_test = max(1, int(round(len(jobs) * test_fraction)))
    if n_test >= len(jobs):
        raise InputError("need at least two jobs to hold some out")
    return tuple(jobs[i] for i in idx[n_test:]), tuple(jobs[i] for i in idx[:n_test])


def fit(jobs: tuple[CompletedJob, ...] | list[CompletedJob], params: Params | None = None,
        ridge: float = 0.05) -> Calibration:
    """Fit factors on ``jobs`` (all of them: split beforehand for an honest error)."""
    if not jobs:
        raise InputError("calibration needs at least one completed job")
    params = params or default_params()
    rows = [_components(j, params) for j in jobs]
    cols = sorted({k for r in rows for k in r})
    index = {k: i for i, k in enumerate(cols)}
    A = np.zeros((len(jobs) + len(cols), len(cols)))
    b = np.zeros(len(jobs) + len(cols))
    for r, (row, job) in enumerate(zip(rows, jobs)):
        for k, v in row.items():
            A[r, index[k]] = v / job.actual_cost_fen
        b[r] = 1.0
    counts = np.count_nonzero(A[: len(jobs)], axis=0)
    lam = ridge * np.sqrt(np.maximum(1, counts.max()))
    for i in range(len(cols)):       # ridge pull towards factor 1
        A[len(jobs) + i, i] = lam
        b[len(jobs) + i] = lam
    x, _ = nnls(A, b, maxiter=50 * len(cols))
    per: dict[str, dict[str, float]] = {}
    for (proc, kind), i in index.items():
        per.setdefault(proc, {k: 1.0 for k in KINDS})[kind] = float(x[i]) if counts[i] else 1.0
    return Calibration.of({p: ProcessFactors(**f) for p, f in per.items()}, jobs=len(jobs))


def calibrate(jobs: tuple[CompletedJob, ...], *, seed: int = 1, test_fraction: float = 0.25,
              params: Params | None = None) -> CalibrationReport:
    """Seeded train/test split, fit on train, MAPE before/after on the held-out jobs."""
    params = params or default_params()
    train, test = split(tuple(jobs), test_fraction, seed)
    cal = fit(train, params)
    before, after = mape(test, params), mape(test, params, cal)
    cal = Calibration(cal.factors, jobs=len(train), mape_before=before, mape_after=after)
    counts: dict[str, int] = {}
    for j in train:
        for p in set(j.route):
            counts[p] = counts.get(p, 0) + 1
    fitted = tuple(
        FittedProcess(p, counts.get(p, 0), f, int(round(params.process(p).hourly_rate_fen * f.run)),
                      round(params.process(p).setup_min * f.setup, 2))
        for p, f in sorted(cal.factors.items()))
    return CalibrationReport(cal, len(train), len(test), before, after, fitted)
