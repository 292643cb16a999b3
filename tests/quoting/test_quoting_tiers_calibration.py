from datetime import datetime, timedelta

import pytest

from quoting import InputError, TierInput, calibrate, default_params, fit, mape, price_tiers, tier_rate
from quoting.calibrate import main as calibrate_main
from quoting.history import generate_jobs, truth_params

NOW = datetime(2026, 3, 2, 8, 0)
SCARCITY = [i / 20 for i in range(21)]


@pytest.mark.parametrize("tier", ["expedite", "standard", "economy"])
def test_tier_price_monotone_in_scarcity(tier):
    prices = [price_tiers(100_000, (TierInput(tier, 600, s),), NOW)[0].price_fen for s in SCARCITY]
    assert all(a <= b for a, b in zip(prices, prices[1:])), prices
    rates = [tier_rate(tier, s, default_params()) for s in SCARCITY]
    assert all(a <= b for a, b in zip(rates, rates[1:]))


def test_tier_shape():
    slack = {t.tier: t for t in price_tiers(100_000, [TierInput(t, 600, 0.1) for t in
                                                      ("expedite", "standard", "economy")], NOW)}
    assert slack["expedite"].price_fen > slack["standard"].price_fen > slack["economy"].price_fen
    assert slack["standard"].adjustment_fen == 0                       # no surcharge while capacity is slack
    assert slack["economy"].adjustment_fen == -round(100_000 * 0.12 * 0.8)   # 12 % x (0.5 - 0.1) / 0.5
    tight = price_tiers(100_000, (TierInput("expedite", 600, 1.0), TierInput("economy", 600, 0.9)), NOW)
    assert tight[0].price_fen == 200_000                              # 25 % + 75 % at full scarcity
    assert tight[1].adjustment_fen == 0                               # no economy discount when capacity is tight


def test_tier_ship_dates():
    done = NOW + timedelta(days=3)
    by_dt = price_tiers(50_000, (TierInput("standard", done, 0.3),), NOW)[0]
    by_min = price_tiers(50_000, (TierInput("standard", 3 * 24 * 60, 0.3),), NOW)[0]
    assert by_dt.ship_by == by_min.ship_by == done + timedelta(minutes=480 + 1440)
    exp = price_tiers(50_000, (TierInput("expedite", 600, 0.3),), NOW)[0]
    assert exp.ship_by == NOW + timedelta(minutes=600 + 240)
    due = NOW + timedelta(days=2)
    marks = price_tiers(50_000, (TierInput("expedite", 600, 0.3), TierInput("economy", 600, 0.3)), NOW, due=due)
    assert [t.meets_due for t in marks] == [True, False]   # economy promises 3 extra days of slack


@pytest.mark.parametrize("bad", [dict(tier="rush", earliest_completion=1, scarcity=0.5),
                                 dict(tier="standard", earliest_completion=1, scarcity=1.5),
                                 dict(tier="standard", earliest_completion=-1, scarcity=0.5)])
def test_tier_input_validation(bad):
    with pytest.raises(InputError):
        TierInput(**bad)


def test_tier_completion_before_now():
    with pytest.raises(InputError, match="before now"):
        price_tiers(1000, (TierInput("standard", NOW - timedelta(hours=1), 0.2),), NOW)


def test_jobs_are_seeded_and_truth_differs():
    a, b = generate_jobs(50, seed=5), generate_jobs(50, seed=5)
    assert [j.actual_cost_fen for j in a] == [j.actual_cost_fen for j in b]
    assert [j.actual_cost_fen for j in generate_jobs(50, seed=6)] != [j.actual_cost_fen for j in a]
    assert truth_params().process("cnc_mill_3ax").hourly_rate_fen != default_params().process(
        "cnc_mill_3ax").hourly_rate_fen


def test_calibration_reduces_mape_on_held_out_jobs():
    rep = calibrate(generate_jobs(800, seed=3), seed=3)
    assert rep.test_jobs == 200 and rep.train_jobs == 600
    assert rep.mape_after < 0.7 * rep.mape_before, (rep.mape_before, rep.mape_after)
    mill = next(f for f in rep.fitted if f.process == "cnc_mill_3ax")
    assert mill.factors.run == pytest.approx(14500 / 12000, rel=0.08)   # truth rate 145 CNY/h vs 120 default
    assert mill.effective_hourly_rate_fen == pytest.approx(14500, rel=0.08)


def test_noise_free_fit_recovers_truth_exactly_enough():
    jobs = generate_jobs(400, seed=11, noise=0.0)
    cal = fit(jobs, ridge=0.0)
    assert mape(jobs, calibration=cal) < 0.03


def test_calibrate_cli(capsys):
    assert calibrate_main(["--jobs", "300", "--seed", "2"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1].startswith("mape_before=") and "mape_after=" in out[-1]
    assert any(line.startswith("cnc_mill_3ax") for line in out)


def test_calibrate_cli_rejects_bad_args(capsys):
    assert calibrate_main(["--jobs", "0"]) == 2
    assert "at least 1" in capsys.readouterr().err
