"""CLI: ``python -m quoting.calibrate --jobs 2000 --seed 1``.

Generates completed jobs from the hidden ground-truth model (``quoting.history``),
fits the factors on a seeded training split and prints MAPE before/after on the
held-out jobs plus the fitted parameters. The app feeds its database's completed jobs
to :func:`quoting.calibration.calibrate` (`flask quotes calibrate`).
"""
from __future__ import annotations

import argparse
import sys

from .calibration import calibrate
from .history import generate_jobs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m quoting.calibrate", description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=2000, help="number of completed jobs to generate")
    ap.add_argument("--seed", type=int, default=1, help="seed for the jobs and the train/test split")
    ap.add_argument("--test-fraction", type=float, default=0.25, help="share of jobs held out")
    ap.add_argument("--noise", type=float, default=0.06, help="log-normal noise sigma on actual costs")
    args = ap.parse_args(argv)
    try:
        jobs = generate_jobs(args.jobs, args.seed, noise=args.noise)
        rep = calibrate(jobs, seed=args.seed, test_fraction=args.test_fraction)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"jobs: {rep.train_jobs} train / {rep.test_jobs} held out (seed {args.seed})")
    print(f"MAPE before: {rep.mape_before:.2%}   after: {rep.mape_after:.2%}")
    print(f"{'process':<16}{'jobs':>6}{'setup x':>10}{'run x':>9}{'material x':>12}{'rate CNY/h':>12}{'setup min':>11}")
    for f in rep.fitted:
        print(f"{f.process:<16}{f.jobs:>6}{f.factors.setup:>10.3f}{f.factors.run:>9.3f}{f.factors.material:>12.3f}"
              f"{f.effective_hourly_rate_fen / 100:>12.2f}{f.effective_setup_min:>11.1f}")
    print(f"mape_before={rep.mape_before:.4f} mape_after={rep.mape_after:.4f} jobs={args.jobs} seed={args.seed}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
