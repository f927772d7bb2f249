"""Bad input gives a ValueError that says what was wrong and how to fix it; degenerate data never NaN."""
import warnings

import numpy as np
import pytest

from emcourse import DegeneracyWarning, DegenerateMixtureError, Mixture, Status, e_step, initialize, m_step, run_em

X2 = np.random.default_rng(0).normal(size=(50, 2))
MIX = Mixture([0.5, 0.5], [[0, 0], [1, 1]], [1.0, 1.0])


@pytest.mark.parametrize("bad, match", [
    (np.array([1.0, np.nan]).reshape(1, 2).repeat(3, 0), r"non-finite.*NaN.*row 0, column 1.*Drop those rows"),
    (np.array([[1.0, np.inf]]), r"non-finite.*infinite"),
    (np.arange(5.0), r"1-D array.*reshape\(-1, 1\)"),
    (np.zeros((2, 2, 2)), r"must be 2-D.*3-D"),
    ([["a", "b"]], r"must be numeric"),
    (np.zeros((0, 2)), r"0 samples"),
])
def test_bad_X(bad, match):
    with pytest.raises(ValueError, match=match):
        e_step(bad, MIX)


def test_X_and_mixture_dimensions_mismatch():
    with pytest.raises(ValueError, match=r"X has 3 features.*mixture has 2.*same number of columns"):
        MIX.log_pdf(np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"X has 3 features"):
        run_em(np.zeros((4, 3)), MIX)


@pytest.mark.parametrize("K, match", [(0, r"at least 1"), (51, r"more than the 50 samples"), (2.5, r"whole number")])
def test_impossible_number_of_components(K, match):
    with pytest.raises(ValueError, match=match):
        initialize(X2, K, rng=0)


@pytest.mark.parametrize("weights, match", [
    ([-0.5, 1.5], r"non-negative"),
    ([0.5, 0.6], r"sum to 1.*1\.1.*weights / weights.sum\(\)"),
    ([[0.5, 0.5]], r"1-D array"),
])
def test_bad_weights(weights, match):
    with pytest.raises(ValueError, match=match):
        Mixture(weights, [[0, 0], [1, 1]], [1.0, 1.0])


@pytest.mark.parametrize("cov_type, covs", [("spherical", [1.0, 0.0]), ("spherical", [1.0, -2.0]),
                                            ("diag", [[1.0, 1.0], [0.0, 1.0]])])
def test_non_positive_variances(cov_type, covs):
    with pytest.raises(ValueError, match=r"variances must be positive; component 2.*reg_covar"):
        Mixture([0.5, 0.5], [[0, 0], [1, 1]], covs, cov_type)


def test_not_positive_definite_covariance():
    with pytest.raises(ValueError, match=r"component 2 is not positive definite.*smallest eigenvalue -1"):
        Mixture([0.5, 0.5], [[0, 0], [1, 1]], [np.eye(2), [[1.0, 2.0], [2.0, 1.0]]], "full")


def test_non_symmetric_covariance():
    with pytest.raises(ValueError, match=r"symmetric.*\(S \+ S.T\) / 2"):
        Mixture([1.0], [[0, 0]], [[[1.0, 0.5], [0.0, 1.0]]], "full")


@pytest.mark.parametrize("means, covs, match", [
    ([[0, 0]], [1.0, 1.0], r"means must have shape \(n_components, n_features\) = \(2, d\)"),
    ([[0, 0], [1, 1]], [1.0], r"must have shape \(2,\), got \(1,\)"),
    ([[0, 0], [1, 1]], np.ones((2, 3)), r"shape \(2,\)"),
])
def test_shape_mismatches_in_mixture(means, covs, match):
    with pytest.raises(ValueError, match=match):
        Mixture([0.5, 0.5], means, covs)


def test_nan_parameters_and_unknown_type():
    with pytest.raises(ValueError, match=r"means contains NaN"):
        Mixture([1.0], [[np.nan, 0]], [1.0])
    with pytest.raises(ValueError, match=r"covariance_type must be one of.*'spherical'"):
        Mixture([1.0], [[0, 0]], [1.0], "tied")


def test_bad_resp_in_m_step():
    with pytest.raises(ValueError, match=r"resp must have shape.*n_samples = 50"):
        m_step(X2, np.full((49, 2), 0.5))
    with pytest.raises(ValueError, match=r"sum to 1.*Normalise each row"):
        m_step(X2, np.full((50, 2), 0.7))
    with pytest.raises(ValueError, match=r"resp contains NaN"):
        m_step(X2, np.full((50, 2), np.nan))


def test_bad_options():
    with pytest.raises(ValueError, match=r"reg_covar must be a finite number >= 0"):
        run_em(X2, MIX, reg_covar=-1)
    with pytest.raises(ValueError, match=r"tol must be"):
        run_em(X2, MIX, tol=np.nan)
    with pytest.raises(ValueError, match=r"max_iter must be a whole number"):
        run_em(X2, MIX, max_iter=-1)
    with pytest.raises(ValueError, match=r"init must be an emcourse.Mixture"):
        run_em(X2, "not a mixture")
    with pytest.raises(ValueError, match=r"method must be one of"):
        initialize(X2, 2, method="kmeans", rng=0)
    with pytest.raises(ValueError, match=r"Seeds are explicit.*rng=0"):
        initialize(X2, 2, rng=None)


# --- degenerate data -------------------------------------------------------------------------------

def test_all_points_equal():
    with pytest.raises(ValueError, match=r"all points of X are identical"):
        initialize(np.ones((20, 2)), 2, rng=0)


@pytest.mark.parametrize("cov_type", ["diag", "full"])
def test_constant_feature(cov_type):
    X = np.column_stack([np.random.default_rng(0).normal(size=30), np.full(30, 3.0)])
    with pytest.raises(ValueError, match=r"feature 1 of X is constant.*'spherical'"):
        initialize(X, 2, cov_type, rng=0)


def test_constant_feature_spherical_runs_without_nan():
    X = np.column_stack([np.random.default_rng(0).normal(size=30), np.full(30, 3.0)])
    res = run_em(X, initialize(X, 2, "spherical", rng=0), max_iter=50)
    assert np.all(np.isfinite(res.log_likelihoods))


def test_collapse_onto_one_point_warns_and_stops_with_reg_zero():
    # one component owns exactly one isolated point: with reg_covar=0 its variance becomes 0
    X = np.vstack([np.random.default_rng(0).normal(size=(40, 2)), [[50.0, 50.0]]])
    init = Mixture([0.9, 0.1], [[0, 0], [50, 50]], [1.0, 1.0])
    with pytest.warns(DegeneracyWarning, match=r"component 2 has collapsed.*reg_covar=1e-6"):   # numbered from 1
        res = run_em(X, init, max_iter=20, reg_covar=0.0)
    assert not res.converged and res.status is Status.DEGENERATE and "collapsed" in res.stop_reason
    assert np.all(np.isfinite(res.log_likelihoods))
    resp, _ = e_step(X, init)
    with pytest.raises(DegenerateMixtureError, match=r"component 2 has collapsed") as info:
        m_step(X, np.round(resp), reg_covar=0.0)
    assert info.value.component == 1
    # the floor fixes it
    with warnings.catch_warnings():
        warnings.simplefilter("error", DegeneracyWarning)
        res = run_em(X, init, max_iter=20, reg_covar=1e-6)
    assert np.all(np.isfinite(res.log_likelihoods))


def test_empty_component_warns():
    X = np.random.default_rng(0).normal(size=(40, 1))
    init = Mixture([0.5, 0.5], [[0.0], [1e6]], [1.0, 1.0])
    with pytest.warns(DegeneracyWarning, match=r"component 2 has \(almost\) no responsibility"):
        res = run_em(X, init, max_iter=3, tol=0.0)
    assert np.all(np.isfinite(res.log_likelihoods))


def test_point_with_zero_density_everywhere_is_a_clear_error():
    mix = Mixture([1.0], [[0.0]], [1e-300])
    with pytest.raises(ValueError, match=r"point 1 has zero density under every component.*larger variances"):
        e_step(np.array([[0.0], [1e10]]), mix)
