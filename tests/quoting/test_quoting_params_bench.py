import json

import pytest

from quoting import ParameterError, default_params, load_params
from quoting.bench import main as bench_main
from quoting.params import PRICING_FILE, PROCESS_FILE, iso2768_tolerance_mm


def _write(tmp_path, processes=None, pricing=None):
    proc = json.loads(PROCESS_FILE.read_text())
    pri = json.loads(PRICING_FILE.read_text())
    if processes:
        processes(proc)
    if pricing:
        pricing(pri)
    a, b = tmp_path / "processes.json", tmp_path / "pricing.json"
    a.write_text(json.dumps(proc))
    b.write_text(json.dumps(pri))
    return a, b


def test_defaults_load_once_and_are_immutable():
    p = default_params()
    assert p is default_params()
    with pytest.raises(TypeError):
        p.process("cnc_mill_3ax").params["scrap_rate"] = 0.5
    q = p.with_process("cnc_mill_3ax", hourly_rate_fen=1, params={"scrap_rate": 0.2})
    assert q.process("cnc_mill_3ax").params["scrap_rate"] == 0.2
    assert p.process("cnc_mill_3ax").params["scrap_rate"] == 0.1


@pytest.mark.parametrize("mutate, match", [
    (lambda d: d["laser_cut"]["params"].pop("speed_exponent"), "laser_cut.params is missing speed_exponent"),
    (lambda d: d.pop("anodise"), "no entry for registered process 'anodise'"),
    (lambda d: d["cnc_turn"].__setitem__("hourly_rate_fen", -5), "hourly_rate_fen"),
    (lambda d: d["cnc_turn"]["params"].__setitem__("scrap_rate", "lots"), "expected a number"),
    (lambda d: d["cnc_turn"].pop("setup_min"), "'setup_min' missing"),
])
def test_bad_process_data(tmp_path, mutate, match):
    with pytest.raises(ParameterError, match=match):
        load_params(*_write(tmp_path, processes=mutate))


def test_bad_pricing_data(tmp_path):
    with pytest.raises(ParameterError, match="margin_rate"):
        load_params(*_write(tmp_path, pricing=lambda d: d.__setitem__("margin_rate", 1.5)))
    with pytest.raises(ParameterError, match="families missing"):
        load_params(*_write(tmp_path, pricing=lambda d: d["families"].pop("titanium")))


def test_iso2768():
    p = default_params()
    assert iso2768_tolerance_mm(p, "m", 50) == 0.3 and iso2768_tolerance_mm(p, "f", 2) == 0.05
    assert iso2768_tolerance_mm(p, "c", 10_000) == 4.0


def test_bench_summary_line(capsys):
    assert bench_main(["--n", "5", "--n-stl", "2", "--jobs", "200"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    keys = dict(kv.split("=") for kv in last.split())
    assert {"p95_ms_nocad", "p95_ms_stl", "calib_mape_after"} <= set(keys)
