"""Seeded generator of completed jobs for calibration tests and the CLI.

Actual costs come from a hidden ground-truth model: the same cost models run
with *different* parameters (``truth_params``) plus multiplicative log-normal
noise, so a calibration's gain over the defaults is measurable. The app calibrates
from its own completed jobs (`flask quotes calibrate`, marketplace/quotes/calibration.py).
"""
from __future__ import annotations

import numpy as np

from .errors import InputError
from .geometry import part_from_declared
from .param_files import default_params
from .params import Params
from .pricing import estimate_steps
from .routing import propose_route
from .specs import CompletedJob, DeclaredGeometry, MaterialSpec, QuoteRequest, SheetSpec

# mirrors capacity/catalogue.py (plain data; quoting must not import capacity)
MATERIALS = (
    MaterialSpec("al6061", "aluminium", 2.70, 3200), MaterialSpec("al7075", "aluminium", 2.81, 5200),
    MaterialSpec("steel1045", "steel", 7.85, 850), MaterialSpec("steel_q235", "steel", 7.85, 520),
    MaterialSpec("ss304", "stainless", 7.93, 1800), MaterialSpec("ss316", "stainless", 7.98, 2800),
    MaterialSpec("brass_c360", "copper_alloy", 8.50, 5600), MaterialSpec("ti6al4v", "titanium", 4.43, 28000),
    MaterialSpec("pom", "plastic", 1.41, 2400), MaterialSpec("abs", "plastic", 1.05, 1500),
    MaterialSpec("pc", "plastic", 1.20, 2600), MaterialSpec("pp", "plastic", 0.91, 1100),
    MaterialSpec("pa12", "plastic", 1.01, 38000), MaterialSpec("pla", "plastic", 1.24, 9000),
)
QUANTITIES = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 3000)


def truth_params(base: Params | None = None) -> Params:
    """The hidden 'real' shop-floor parameters (deliberately off from the defaults)."""
    p = base or default_params()
    p = p.with_process("cnc_mill_3ax", hourly_rate_fen=14500, setup_min=35, params={"scrap_rate": 0.25})
    p = p.with_process("cnc_mill_5ax", hourly_rate_fen=26000, setup_min=80)
    p = p.with_process("cnc_turn", hourly_rate_fen=7800, setup_min=40, params={"programming_min_base": 25})
    p = p.with_process("laser_cut", speed_factor=1.3, params={"scrap_rate": 0.15})
    p = p.with_process("press_brake", params={"seconds_per_bend": 14})
    p = p.with_process("fdm_print", params={"deposition_cm3_per_h": 11})
    p = p.with_process("sls_print", hourly_rate_fen=7000)
    p = p.with_process("injection_mold", params={"tooling_base_fen": 1_200_000, "cycle_s_base": 16})
    p = p.with_process("anodise", params={"fen_per_dm2": 190})
    p = p.with_process("powder_coat", params={"fen_per_dm2": 210})
    p = p.with_process("cmm_inspect", hourly_rate_fen=18000)
    return p


def _random_request(rng: np.random.Generator) -> QuoteRequest:
    kind = rng.choice(["mill", "turn", "sheet", "plastic"], p=[0.45, 0.2, 0.2, 0.15])
    quantity = int(rng.choice(QUANTITIES))
    tol = str(rng.choice(["f", "m", "m", "m", "c"]))
    sheet = None
    if kind == "turn":
        d, length = float(rng.uniform(8, 80)), float(rng.uniform(10, 200))
        geo = DeclaredGeometry((d, d, length), float(np.pi / 4 * d * d * length * rng.uniform(0.4, 0.95)),
                               rotational=True)
        mat = MATERIALS[int(rng.choice([0, 2, 4, 6]))]
    elif kind == "sheet":
        t = float(rng.choice([1.0, 1.5, 2.0, 3.0, 4.0]))
        a, b = float(rng.uniform(40, 600)), float(rng.uniform(30, 400))
        geo = DeclaredGeometry((a, b, t), a * b * t * float(rng.uniform(0.7, 0.98)),
                               through_holes=int(rng.integers(0, 12)))
        sheet = SheetSpec(thickness_mm=t, bends=int(rng.integers(0, 5)))
        mat = MATERIALS[int(rng.choice([0, 3, 4]))]
    elif kind == "plastic":
        dims = tuple(float(x) for x in rng.uniform(15, 150, size=3))
        geo = DeclaredGeometry(dims, float(np.prod(dims) * rng.uniform(0.15, 0.6)))
        mat = MATERIALS[int(rng.choice([9, 12, 13, 10]))]
    else:
        dims = tuple(sorted((float(x) for x in rng.uniform(10, 300, size=3)), reverse=True))
        geo = DeclaredGeometry(dims, float(np.prod(dims) * rng.uniform(0.2, 0.9)),
                               setups=int(rng.choice([1, 2, 2, 3, 4])), complex_surfaces=bool(rng.random() < 0.15))
        mat = MATERIALS[int(rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 7]))]
    finish = "none"
    if mat.family == "aluminium" and rng.random() < 0.4:
        finish = "anodised"
    elif mat.family == "steel" and rng.random() < 0.4:
        finish = "powder_coat"
    return QuoteRequest(part=part_from_declared(geo), material=mat, quantity=quantity, quantity_breaks=(),
                        tolerance_class=tol, finish=finish, sheet=sheet)


def generate_jobs(n: int, seed: int, *, noise: float = 0.06, params: Params | None = None) -> tuple[CompletedJob, ...]:
    """``n`` completed jobs; same seed, same jobs."""
    if n < 1:
        raise InputError("number of jobs must be at least 1")
    base = params or default_params()
    truth = truth_params(base)
    rng = np.random.default_rng(seed)
    jobs = []
    for i in range(n):
        req = _random_request(rng)
        route, _ = propose_route(req, base)
        steps = estimate_steps(req, route, truth)
        true_cost = float(sum(s.cost_fen(req.quantity) for s in steps))
        actual = int(round(true_cost * float(rng.lognormal(0.0, noise))))
        jobs.append(CompletedJob(f"J{seed}-{i:05d}", req, route, max(1, actual)))
    return tuple(jobs)
