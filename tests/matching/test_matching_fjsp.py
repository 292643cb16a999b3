import pathlib

import pytest

from matching.fjsp import FjspFormatError, FjspParams, parse_fjsp, read_fjsp, solve_fjsp
from matching.validate import validate_fjsp

MK01 = pathlib.Path("/work/shared/benchmarks/fjsp/brandimarte/mk01.fjs")


@pytest.mark.skipif(not MK01.exists(), reason="Brandimarte files not available")
def test_reads_mk01():
    inst = read_fjsp(str(MK01))
    assert (inst.name, inst.num_jobs, inst.num_machines, inst.num_operations) == ("mk01", 10, 6, 55)
    # first job: op 1 on machine 1 (5) or machine 3 (4)
    assert inst.jobs[0][0] == ((1, 5), (3, 4))
    assert len(inst.jobs[0]) == 6


@pytest.mark.skipif(not MK01.exists(), reason="Brandimarte files not available")
def test_solves_mk01_validated():
    inst = read_fjsp(str(MK01))
    res = solve_fjsp(inst, FjspParams(time_limit_s=3.0, workers=2, seed=0))
    assert validate_fjsp(inst, res.operations) == []
    assert res.best_bound <= 40 <= res.makespan <= res.greedy_makespan


def test_tabs_blank_lines_and_optional_third_number():
    a = parse_fjsp("2\t2\n\n1 2 1 3 2 4\n\n2 1 2 5 1 1 1\n")
    b = parse_fjsp("2 2 1.5\n1 2 1 3 2 4\n2 1 2 5 1 1 1\n")
    assert a.jobs == b.jobs == (((((1, 3), (2, 4)),)), (((2, 5),), ((1, 1),)))


def test_tiny_instance_optimal():
    inst = parse_fjsp("2 2\n2 1 1 3 1 2 2\n2 1 2 2 2 1 4 2 3\n")
    res = solve_fjsp(inst, FjspParams(time_limit_s=5.0))
    assert validate_fjsp(inst, res.operations) == []
    assert res.status == "OPTIMAL" and res.makespan == res.best_bound == 7  # machine loads force 7


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty file"),
        ("2\n", "header must be"),
        ("1 2 x\n1 1 1 3\n", "third header value"),
        ("a 2\n", "expected an integer"),
        ("1 2\n1 1 0 3\n", "machine 0 out of range 1..2"),
        ("1 2\n1 1 3 3\n", "machine 3 out of range"),
        ("1 2\n2 1 1 3\n", "unexpected end of file"),
        ("1 2\n1 1 1 3 7\n", "unexpected extra data"),
        ("1 2\n1 0\n", "has 0 alternatives"),
        ("1 2\n1 1 1 -3\n", "negative processing time"),
        ("1 2\n1 1 1 2.5\n", "expected an integer"),
    ],
)
def test_malformed_text_raises_clear_error(text, message):
    with pytest.raises(FjspFormatError, match=message):
        parse_fjsp(text, name="bad")


def test_validate_fjsp_catches_overlap_and_order():
    from matching.fjsp import FjspOperation

    inst = parse_fjsp("2 1\n1 1 1 3\n2 1 1 2 1 1 2\n")
    ops = [FjspOperation(0, 0, 1, 0, 3), FjspOperation(1, 0, 1, 1, 3), FjspOperation(1, 1, 1, 0, 2)]
    msgs = " | ".join(validate_fjsp(inst, ops))
    assert "overlaps" in msgs and "before previous op ends" in msgs
