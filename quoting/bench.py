"""Benchmark: ``python -m quoting.bench [--n 300] [--n-stl 30] [--jobs 2000]`` or ``--corpus DIR``.

``--corpus DIR`` reads every STEP and STL file of DIR against exact B-rep references (``quoting.corpus``) and
prints one line per file, then ``accept_pct= vol_err_p95_pct= vol_err_max_pct= t_p95_s= crashes=``.

Measures in-process latency of quotes without CAD (declared geometry) and with a
~1 MB binary STL (parse + analysis + quote), and the calibration MAPE. The last
line is one ``key=value`` summary. Over-HTTP latency: the app team can pass any
zero-argument callable to :func:`measure` (e.g. a test-client POST) and print it
with the same keys prefixed ``http_``.
"""
from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np

from .calibration import calibrate
from .geometry import part_from_bytes, part_from_declared
from .golden import large_plate
from .history import MATERIALS, generate_jobs
from .pricing import quote
from .specs import DeclaredGeometry, QuoteRequest, SheetSpec

GOAL_P95_NOCAD_MS = 20.0
GOAL_P95_STL_MS = 300.0


def measure(fn: Callable[[], object], n: int, warmup: int = 3) -> tuple[float, float]:
    """(p50, p95) wall-clock milliseconds of ``fn()`` over ``n`` runs."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return float(np.percentile(times, 50)), float(np.percentile(times, 95))


def _nocad_requests() -> list[Callable[[], QuoteRequest]]:
    """Request builders (declared geometry is analysed inside the timed call too)."""
    al, steel, abs_, pa12 = MATERIALS[0], MATERIALS[2], MATERIALS[9], MATERIALS[12]
    return [
        lambda: QuoteRequest(part=part_from_declared(DeclaredGeometry((120, 80, 30), 180_000)), material=al,
                             finish="anodised", tolerance_class="f"),
        lambda: QuoteRequest(part=part_from_declared(DeclaredGeometry((30, 30, 90), 50_000)), material=steel),
        lambda: QuoteRequest(part=part_from_declared(DeclaredGeometry((300, 200, 2), 110_000)), material=MATERIALS[3],
                             sheet=SheetSpec(2.0, bends=3), finish="powder_coat"),
        lambda: QuoteRequest(part=part_from_declared(DeclaredGeometry((60, 40, 25), 12_000)), material=abs_,
                             quantity=5000),
        lambda: QuoteRequest(part=part_from_declared(DeclaredGeometry((60, 40, 25), 12_000)), material=pa12,
                             quantity=20),
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m quoting.bench")
    ap.add_argument("--n", type=int, default=300, help="quotes without CAD")
    ap.add_argument("--n-stl", type=int, default=30, help="quotes from the ~1 MB STL")
    ap.add_argument("--jobs", type=int, default=2000, help="jobs for the calibration MAPE")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--corpus", help="a directory of real CAD files: acceptance, accuracy and time")
    args = ap.parse_args(argv)
    if args.corpus:
        return corpus_main(args.corpus)

    reqs = _nocad_requests()
    state = {"i": 0}

    def nocad() -> None:
        state["i"] += 1
        quote(reqs[state["i"] % len(reqs)]())

    p50_nc, p95_nc = measure(nocad, args.n)
    print(f"quote without CAD ({len(reqs)} part types, 5 breaks each): p50 {p50_nc:.2f} ms, p95 {p95_nc:.2f} ms "
          f"(goal p95 <= {GOAL_P95_NOCAD_MS:g} ms)")

    stl = large_plate().stl_bytes()
    al = MATERIALS[0]

    def with_stl() -> None:
        quote(QuoteRequest(part=part_from_bytes(stl, "plate.stl"), material=al, finish="anodised"))

    p50_stl, p95_stl = measure(with_stl, args.n_stl, warmup=2)
    print(f"quote from a {len(stl) / 1e6:.2f} MB binary STL (parse + checks + features + quote): p50 {p50_stl:.1f} ms, "
          f"p95 {p95_stl:.1f} ms (goal p95 <= {GOAL_P95_STL_MS:g} ms)")

    rep = calibrate(generate_jobs(args.jobs, args.seed), seed=args.seed)
    print(f"calibration on {rep.train_jobs} jobs, {rep.test_jobs} held out: MAPE {rep.mape_before:.2%} -> "
          f"{rep.mape_after:.2%}")
    print(f"p50_ms_nocad={p50_nc:.2f} p95_ms_nocad={p95_nc:.2f} p50_ms_stl={p50_stl:.1f} p95_ms_stl={p95_stl:.1f} "
          f"stl_bytes={len(stl)} calib_mape_before={rep.mape_before:.4f} calib_mape_after={rep.mape_after:.4f} "
          f"calib_jobs={args.jobs}")
    return 0


def corpus_main(directory: str) -> int:
    from .brep import has_exact
    from .corpus import evaluate

    if not has_exact():
        print("the corpus needs the exact extra (pip install -e '.[exact]') for its reference figures")
        return 2
    report = evaluate(directory, clock=time.perf_counter)
    for f in report.files:
        error = "" if f.volume_error_pct is None else f"{f.volume_error_pct:.4f} %"
        print(f"{f.name[:60]:60} solids={f.solids} expected={f.expected:13} got={f.outcome:16} {error:>10} "
              f"{f.seconds:.2f} s")
    for crash in report.crashes:
        print("CRASH", crash)
    print(report.summary())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
