"""The engine agrees with scikit-learn's GaussianMixture from the same initial parameters."""
import numpy as np
import pytest
from sklearn.mixture import GaussianMixture

from emcourse import initialize, run_em

from tests._data import anisotropic_data


def precisions(mix):
    if mix.covariance_type == "full":
        return np.linalg.inv(mix.covariances)
    return 1.0 / mix.covariances


def sklearn_trajectory(X, init, n_iter, reg_covar):
    gm = GaussianMixture(n_components=init.n_components, covariance_type=init.covariance_type,
                         weights_init=init.weights, means_init=init.means, precisions_init=precisions(init),
                         reg_covar=reg_covar, max_iter=n_iter, tol=0.0, random_state=0)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gm.fit(X)
    return np.asarray(gm.lower_bounds_), gm


@pytest.mark.parametrize("covariance_type", ["spherical", "diag", "full"])
@pytest.mark.parametrize("dataset", ["iris", "anisotropic"])
@pytest.mark.parametrize("reg_covar", [1e-6, 1e-3])
def test_log_likelihood_trajectory_matches_sklearn(covariance_type, dataset, reg_covar, iris):
    X = iris if dataset == "iris" else anisotropic_data(seed=1)[1]
    init = initialize(X, 3, covariance_type, "random_points", rng=7)
    n_iter = 25
    ref, gm = sklearn_trajectory(X, init, n_iter, reg_covar)
    res = run_em(X, init, max_iter=n_iter, tol=0.0, reg_covar=reg_covar)
    ours = res.log_likelihoods[:n_iter] / X.shape[0]
    assert ref.shape == ours.shape == (n_iter,)
    np.testing.assert_allclose(ours, ref, rtol=1e-10, atol=0)
    # and the parameters after n_iter M steps agree too
    final = res.history[n_iter]
    np.testing.assert_allclose(final.weights, gm.weights_, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(final.means, gm.means_, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(final.covariances, gm.covariances_, rtol=1e-7, atol=1e-10)
