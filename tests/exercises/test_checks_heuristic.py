"""Lesson 10's check ``check_heuristic_blind_spot``: a data set where the heuristic fails passes; data where
EM succeeds, where the heuristic rescues EM, collapses and malformed returns each get their own hint.

The data sets are built here with numpy only, as a student's function must be.
"""
import numpy as np
import pytest

from emcourse.exercises import checks
from tests.exercises._checking import not_written, run_check


def _run(func, passed, fragment, capsys):
    return run_check(checks.check_heuristic_blind_spot, func, passed, fragment, capsys, with_output=True)


def shared_and_straddled(rng):
    """A big cluster that two components share evenly (each above N/(2M)) and two small ones that one straddles."""
    rng = np.random.default_rng(rng)
    return np.vstack([rng.normal([0, 0], 1.0, (800, 2)), rng.normal([12, -2], 0.5, (100, 2)),
                      rng.normal([12, 2], 0.5, (100, 2))]), 3


def two_clusters(rng):
    rng = np.random.default_rng(rng)
    return np.vstack([rng.normal([0, 0], 1.0, (200, 2)), rng.normal([10, 0], 1.0, (200, 2))]), 2


def five_in_a_row(rng):
    """EM gets stuck with a starved component: exactly what the heuristic repairs."""
    rng = np.random.default_rng(rng)
    return np.vstack([rng.normal([4.0 * a, 0], 0.5, (100, 2)) for a in range(5)]), 5


def small_cluster(rng):
    """Blind spot 2 only: a genuinely small cluster, which plain EM finds and the heuristic keeps (resets undone)."""
    rng = np.random.default_rng(rng)
    return np.vstack([rng.normal([0, 0], 1, (600, 2)), rng.normal([8, 0], 1, (300, 2)),
                      rng.normal([4, 8], 0.5, (60, 2))]), 3


def tight_group(rng):
    rng = np.random.default_rng(rng)
    return np.vstack([rng.normal(0, 1, (300, 2)), rng.normal([0.5, 0.5], 1e-5, (20, 2))]), 2


stub = not_written("exercise 10: heuristic_blind_spot")


@pytest.mark.parametrize("func, passed, fragment", [
    (two_clusters, False, "plain EM already reaches the best optimum"),
    (small_cluster, False, "N_j = 60 < N/(2M) = 160): blind spot 2"),
    (five_in_a_row, False, "plain EM gets stuck, but the heuristic rescues it"),
    (tight_group, False, "squeezes a component onto a tiny, tight group"),
    (lambda rng: shared_and_straddled(rng)[0], False, "return two things: (X, M)"),
    (lambda rng: (np.zeros(50), 2), False, "X must have shape (N, d)"),
    (lambda rng: (np.random.default_rng(0).normal(size=(5000, 2)), 2), False, "keep the data set small"),
    (lambda rng: (np.r_[shared_and_straddled(0)[0], [[np.nan, 0]]], 3), False, "X contains NaN or inf"),
    (lambda rng: (shared_and_straddled(0)[0], 2.5), False, "M must be a whole number"),
    (lambda rng: (shared_and_straddled(0)[0], "three"), False, "M must be a whole number"),
    (lambda rng: (shared_and_straddled(0)[0], 1), False, "M must be a whole number"),
    (lambda rng: (np.r_[shared_and_straddled(0)[0], shared_and_straddled(0)[0][:5]], 3), False, "repeated points"),
    (lambda rng: (["a", "b"], 2), False, "X must be a numeric array"),
    (stub, False, "not yet implemented"),
])
def test_check_heuristic_blind_spot(func, passed, fragment, capsys):
    _run(func, passed, fragment, capsys)


def test_the_protocol_is_printed_first_even_for_the_stub(capsys):
    checks.check_heuristic_blind_spot(stub)
    out = capsys.readouterr().out
    assert out.startswith("The check calls heuristic_blind_spot(0)")
    for fragment in ("from 6 random-point starts", "from 20 more k-means++ starts (32 runs", "at least 3 of the 6",
                     "more than 0.01 per point below the best log L of all 32 runs"):
        assert fragment in out
    assert "not yet implemented" in out


def test_only_a_small_cluster_gets_the_blind_spot_2_sentence(capsys):
    res, _ = _run(two_clusters, False, "plain EM already reaches the best optimum", capsys)
    assert "blind spot 2" not in res.message


def test_the_shown_solution_passes_and_the_check_reports_what_it_measured(capsys):
    _, out = _run(shared_and_straddled, True, "public checks passed", capsys)
    assert "your data: N = 1000, d = 2, M = 3" in out and "EM + heuristic in 5" in out
    _, out = _run(lambda rng: (shared_and_straddled(rng + 1)[0].tolist(), 3.0), True, "public checks passed", capsys)
    _, out = _run(five_in_a_row, False, "threshold N/(2M) = 50", capsys)
    assert "plain EM ended below it in 4, EM + heuristic in 0" in out
