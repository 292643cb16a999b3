"""The kill harness in CI: a few SIGKILLs of the app during money flows (orders and leases) against the real
localstripe, and every damage counter must be 0 (the harness exits 1 otherwise, and this test fails)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_money_flows_survive_sigkills():
    args = [sys.executable, "-m", "marketplace.payments.chaos", "--kills", "6", "--seed", "7", "--orders", "10",
            "--crash-rate", "0.05"]
    if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        args += ["--database", os.environ["TEST_DATABASE_URL"]]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600)
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    figures = dict(part.split("=", 1) for part in summary.split() if "=" in part)
    assert done.returncode == 0, (summary, done.stderr[-3000:])
    for counter in ("inconsistent", "double_captures", "double_refunds", "stuck_orders", "reconcile_diffs",
                    "lease_inconsistent", "lease_double_charges", "lease_double_refunds", "stuck_leases"):
        assert figures[counter] == "0", summary
    assert int(figures["kills"]) >= 6 and int(figures["payments"]) > 0 and int(figures["leases"]) == 3, summary
