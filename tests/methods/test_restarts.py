"""success_rate and degeneracy (lesson 5): the rules as stated, their boundaries, and the fits lesson 5 flags."""
import warnings

import numpy as np
import pytest

from emcourse import DegeneracyWarning, Mixture, datasets, initialize, run_em
from emcourse.methods.restarts import degeneracy, relative_sds, success_rate


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


def _data_with_covariance(cov, n=200, rng=0):
    """n points whose covariance (divided by N) is exactly ``cov``."""
    Z = np.random.default_rng(rng).normal(size=(n, len(cov)))
    Z -= Z.mean(0)
    Z = Z @ np.linalg.inv(np.linalg.cholesky(np.cov(Z, rowvar=False, bias=True))).T       # covariance I
    return Z @ np.linalg.cholesky(cov).T


def test_degeneracy_measures_counts_eigenvalues_and_thinness_relative_to_the_data():
    X = _data_with_covariance(np.diag([4.0, 1.0]))
    mix = Mixture([0.25, 0.75], [[0.0, 0.0], [1.0, 1.0]], np.array([np.diag([2.0, 3e-6]), np.eye(2)]), "full")
    np.testing.assert_allclose(relative_sds(mix, X), [np.sqrt(3e-6), np.sqrt(1 / 4)])   # min over directions
    d = degeneracy(mix, X)
    assert d.min_count == pytest.approx(50.0) and d.min_eigenvalue == pytest.approx(3e-6)
    assert d.min_relative_sd == pytest.approx(np.sqrt(3e-6)) and d.flagged                  # 0.0017 < 0.01
    assert not degeneracy(mix, X, min_relative_sd=1e-3).flagged                              # above this threshold
    assert degeneracy(mix, X[:8], min_relative_sd=0.0).flagged                               # N_1 = 2 < d + 1 = 3


def test_relative_thinness_does_not_depend_on_the_units_or_the_axes():
    X = _data_with_covariance(np.array([[3.0, 1.0], [1.0, 2.0]]))
    mix = Mixture([0.5, 0.5], [[0.0, 0.0], [1.0, 0.0]], np.array([[[1.0, 0.9], [0.9, 1.0]], np.eye(2)]), "full")
    c, s = np.cos(0.7), np.sin(0.7)
    A = 10.0 * np.array([[c, -s], [s, c]])                                                   # rotate and rescale
    moved = Mixture(mix.weights, mix.means @ A.T + 5.0, A @ mix.covariances @ A.T, "full")
    np.testing.assert_allclose(relative_sds(moved, X @ A.T + 5.0), relative_sds(mix, X), rtol=1e-10)


def test_degeneracy_refuses_a_count_in_place_of_the_data_and_flat_data():
    mix = Mixture([0.5, 0.5], [[0.0, 0.0], [1.0, 1.0]], np.array([np.eye(2), np.eye(2)]), "full")
    with pytest.raises(ValueError, match="needs the data X"):
        degeneracy(mix, 100)
    with pytest.raises(ValueError, match="singular"):
        degeneracy(mix, np.column_stack([np.arange(5.0), 2 * np.arange(5.0)]))


def test_lesson_5s_thin_component_is_flagged_whatever_the_floor():
    """The M = 6 fit of lesson 5 is a spurious maximum on a few nearly collinear points, not a floor effect:
    with no floor at all it converges to the same fit, and the rule (relative to the data) flags it both times."""
    X = datasets.load("unequal and elongated", rng=0).X
    fits = {reg: run_em(X, initialize(X, 6, "full", "kmeans++", rng=2), max_iter=1000, tol=1e-6, reg_covar=reg)
            for reg in (1e-6, 0.0)}
    assert all(f.converged for f in fits.values())
    assert fits[0.0].log_likelihood == pytest.approx(fits[1e-6].log_likelihood, abs=0.05)
    for fit in fits.values():
        d = degeneracy(fit.mixture, X)
        assert d.flagged and d.min_count > 3 and d.min_relative_sd < 2e-3 and d.min_eigenvalue > 5e-6


def test_the_needle_of_lesson_5_holds_two_points_and_is_flagged():
    """Full covariances on the (unrounded) overlapping data: the best of seed 16 sits on two points."""
    X = datasets.load("overlapping", rng=0).X
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegeneracyWarning)
        run = run_em(X, initialize(X, 6, "full", rng=16), max_iter=400, tol=1e-8, reg_covar=1e-10)
    d = degeneracy(run.mixture, X)
    assert d.flagged and d.min_count == pytest.approx(2.0, abs=1e-3) and d.min_eigenvalue < 1.1e-10
    assert d.min_relative_sd < 1e-4
    j = int(np.argmin(run.mixture.weights))
    held = np.flatnonzero(run.mixture.responsibilities(X)[:, j] > 0.5)
    assert held.size == 2 and np.all(X[held[0]] != X[held[1]])              # two points, no shared coordinate
