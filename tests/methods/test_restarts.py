"""success_rate and degeneracy (lesson 5): the rule as stated, its boundary, and the fits lesson 5 flags."""
import warnings

import numpy as np
import pytest

from emcourse import DegeneracyWarning, Mixture, datasets, initialize, run_em
from emcourse.methods.restarts import degeneracy, success_rate


def test_success_rate_counts_runs_within_tol_per_sample_inclusive():
    lls = np.array([-10.0, -10.5, -11.0, -10.25])         # N = 4, tol = 0.125: within 0.5 in total, inclusive
    assert success_rate(lls, -10.0, 4, tol=0.125) == 0.75
    assert success_rate(lls, -9.0, 4, tol=0.125) == 0.0   # the best came from another method
    assert success_rate(lls, -10.0, 4, tol=0.0) == 0.25


@pytest.mark.parametrize("lls, best, match", [
    ([], -1.0, "non-empty"), ([np.nan], -1.0, "finite"), ([-1.0, -2.0], -1.5, "at least max"),
    ([-1.0], np.inf, "at least max"),
])
def test_success_rate_refuses_bad_input(lls, best, match):
    with pytest.raises(ValueError, match=match):
        success_rate(lls, best, 10)


def test_degeneracy_measures_counts_and_eigenvalues():
    mix = Mixture([0.25, 0.75], [[0.0, 0.0], [1.0, 1.0]], np.array([np.diag([2.0, 3e-6]), np.eye(2)]), "full")
    d = degeneracy(mix, 100, reg_covar=1e-6)
    assert d.min_count == pytest.approx(25.0) and d.min_eigenvalue == pytest.approx(3e-6) and d.flagged
    assert not degeneracy(mix, 100, reg_covar=1e-7).flagged                 # 30 x this floor: not at it
    assert degeneracy(mix, 8, reg_covar=1e-7).flagged                       # N_1 = 2 < d + 1 = 3
    assert not degeneracy(mix, 100, reg_covar=1e-6, factor=2.0).flagged


def test_the_needle_of_lesson_5_holds_two_points_and_is_flagged():
    """Full covariances on the (unrounded) overlapping data: the best of seed 16 sits on two points."""
    X = datasets.load("overlapping", rng=0).X
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegeneracyWarning)
        run = run_em(X, initialize(X, 6, "full", rng=16), max_iter=400, tol=1e-8, reg_covar=1e-10)
    d = degeneracy(run.mixture, len(X), reg_covar=1e-10)
    assert d.flagged and d.min_count == pytest.approx(2.0, abs=1e-3) and d.min_eigenvalue < 1.1e-10
    j = int(np.argmin(run.mixture.weights))
    held = np.flatnonzero(run.mixture.responsibilities(X)[:, j] > 0.5)
    assert held.size == 2 and np.all(X[held[0]] != X[held[1]])              # two points, no shared coordinate
