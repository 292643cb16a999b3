import pytest

from matching.model import Booking, FrozenStep, InvalidProblem, validate_problem


def test_valid_problem_passes(dummy_problem):
    validate_problem(dummy_problem)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(bookings=(Booking("NOPE", 0, 10),)), "unknown machine id 'NOPE'"),
        (dict(bookings=(Booking("M1", 10, 5),)), "end 5 is not after start 10"),
        (dict(frozen=(FrozenStep("O1", "zz", "M1", 0, 10),)), "not a step of a known order"),
        (dict(frozen=(FrozenStep("O1", "a", "M1", 0, 10, unit=3),)), "unit 3 out of range"),
        (dict(horizon=0), "horizon must be a positive"),
    ],
)
def test_invalid_problem_messages(mk, kwargs, message):
    horizon = kwargs.pop("horizon", 10_000)
    p = mk.problem([mk.machine("M1")], [mk.order("O1", [mk.step("a")])], horizon=horizon, **kwargs)
    with pytest.raises(InvalidProblem, match=message):
        validate_problem(p)


def test_window_end_before_start(mk):
    p = mk.problem([mk.machine("M1", windows=((100, 50),))], [mk.order("O1", [mk.step("a")])])
    with pytest.raises(InvalidProblem, match="ends at or before it starts"):
        validate_problem(p)


def test_overlapping_windows(mk):
    p = mk.problem([mk.machine("M1", windows=((0, 100), (50, 200)))], [mk.order("O1", [mk.step("a")])])
    with pytest.raises(InvalidProblem, match="sorted and non-overlapping"):
        validate_problem(p)


def test_cycle_in_step_dag(mk):
    p = mk.problem([mk.machine("M1")], [mk.order("O1", [mk.step("a", preds=["c"]), mk.step("b", preds=["a"]),
                                               mk.step("c", preds=["b"])])])
    with pytest.raises(InvalidProblem, match="cycle"):
        validate_problem(p)


def test_unknown_predecessor_and_option_resource(mk):
    p = mk.problem([mk.machine("M1")], [mk.order("O1", [mk.step("a", preds=["x"])])])
    with pytest.raises(InvalidProblem, match="unknown predecessor 'x'"):
        validate_problem(p)
    p = mk.problem([mk.machine("M1")], [mk.order("O1", [mk.step("a", options=[("M9", 10, 10)])])])
    with pytest.raises(InvalidProblem, match="unknown machine/equipment 'M9'"):
        validate_problem(p)


def test_due_before_release_and_unknown_site(mk):
    p = mk.problem([mk.machine("M1")], [mk.order("O1", [mk.step("a")], release=100, due=50)])
    with pytest.raises(InvalidProblem, match="before release"):
        validate_problem(p)
    p = mk.problem([mk.machine("M1", site="Z")], [mk.order("O1", [mk.step("a")])])
    with pytest.raises(InvalidProblem, match="unknown site 'Z'"):
        validate_problem(p)


def test_invalid_problem_is_a_value_error():
    assert issubclass(InvalidProblem, ValueError)
