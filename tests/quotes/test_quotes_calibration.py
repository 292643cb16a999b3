"""`flask quotes calibrate` fits on the cluster's completed jobs, reduces held-out MAPE and prices new quotes."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.demo.quote_history import add_jobs
from marketplace.quotes.calibration import cluster_jobs
from marketplace.quotes.models import CompletedJob, QuoteCalibration


def test_jobs_round_trip_through_the_database(app, db, dummy_cluster):
    from quoting.calibration import predicted_fen
    from quoting.history import generate_jobs
    from quoting.param_files import default_params

    assert add_jobs(dummy_cluster, 30, 11) == 30
    assert add_jobs(dummy_cluster, 30, 11) == 0  # idempotent
    db.session.commit()
    stored, generated = cluster_jobs(dummy_cluster.id), generate_jobs(30, 11)
    params = default_params()
    for a, b in zip(stored, generated, strict=True):
        assert a.route == b.route and a.actual_cost_fen == b.actual_cost_fen
        assert predicted_fen(a, params) == predicted_fen(b, params)


def test_calibrate_command_reduces_mape_and_new_quotes_use_it(app, db, dummy_cluster, plant, buyer_api, declared):
    add_jobs(dummy_cluster, 240, 5)
    db.session.commit()
    assert db.session.scalar(select(func.count(CompletedJob.id))) == 240
    result = app.test_cli_runner().invoke(args=["quotes", "calibrate", "--cluster", dummy_cluster.slug])
    assert result.exit_code == 0, result.output
    assert "MAPE before:" in result.output and "cnc_mill_3ax" in result.output
    row = db.session.scalar(select(QuoteCalibration))
    assert row.mape_after < row.mape_before and row.train_jobs == 180 and row.test_jobs == 60
    assert result.output.strip().splitlines()[-1].startswith(f"calibration_id={row.id} ")
    body = buyer_api.post("/api/v1/quotes", json=declared).json
    assert body["calibration_id"] == row.id
    assert any("calibrated" in a for a in body["assumptions"])


def test_calibrate_without_jobs_fails_clearly(app, db, dummy_cluster):
    result = app.test_cli_runner().invoke(args=["quotes", "calibrate"])
    assert result.exit_code != 0 and "No cluster has completed jobs" in result.output
