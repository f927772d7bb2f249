"""MAP EM with an inverse-Wishart prior (lesson 11): the prior's density, the M step, monotone posterior, no collapse."""
import warnings

import numpy as np
import pytest
from scipy.stats import invwishart

from emcourse import DegeneracyWarning, Mixture, Status, datasets, initialize, run_em
from emcourse.methods.map_em import InverseWishart, default_prior, run_map_em


@pytest.fixture(scope="module")
def overlapping():
    return datasets.load("overlapping", rng=0).X


def test_log_pdf_matches_scipy():
    rng = np.random.default_rng(0)
    prior = InverseWishart(4.5, np.array([[2.0, 0.3], [0.3, 1.0]]))
    covs = np.array([np.cov(rng.normal(size=(6, 2)).T) + 0.1 * np.eye(2) for _ in range(4)])
    expected = [invwishart(df=4.5, scale=prior.scale).logpdf(c) for c in covs]
    np.testing.assert_allclose(prior.log_pdf(covs), expected, rtol=1e-12)


def test_posterior_mode_maximises_the_penalised_objective():
    """(S + Psi) / (N_j + nu + d + 1) beats every nearby covariance on -N_j/2 log|C| - tr(S C^-1)/2 + log IW(C)."""
    rng = np.random.default_rng(1)
    prior = InverseWishart(4.0, np.array([[1.0, 0.2], [0.2, 0.5]]))
    A = rng.normal(size=(2, 2))
    S, n_j = A @ A.T * 3.0, 7.3

    def objective(C):
        _, logdet = np.linalg.slogdet(C)
        return -0.5 * n_j * logdet - 0.5 * np.trace(np.linalg.solve(C, S)) + prior.log_pdf(C[None])[0]

    mode = prior.posterior_mode(S[None], [n_j])[0]
    best = objective(mode)
    for _ in range(50):
        B = rng.normal(size=(2, 2)) * 1e-3
        assert objective(mode + B + B.T) < best


def test_map_em_never_decreases_the_log_posterior_and_never_collapses(overlapping):
    X = overlapping
    prior = default_prior(X, 6)
    bound = np.linalg.eigvalsh(prior.scale).min() / (len(X) + prior.dof + 2 + 1)
    for seed in (0, 6, 16):
        run = run_map_em(X, initialize(X, 6, "full", rng=seed), max_iter=300, tol=1e-10)
        lp = run.log_posteriors
        assert np.all(np.diff(lp) >= -1e-9 * abs(lp[-1]))
        assert run.status is not Status.DEGENERATE
        assert min(np.linalg.eigvalsh(m.covariances).min() for m in run.history[1:]) >= bound * (1 - 1e-9)
        assert lp == pytest.approx(run.log_likelihoods + [prior.log_pdf(m.covariances).sum() for m in run.history])


def test_where_maximum_likelihood_collapses_map_does_not(overlapping):
    """Seed 6 without a floor: ML EM stops at a singular covariance; MAP EM from the same start converges."""
    X = overlapping
    init = initialize(X, 6, "full", rng=6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegeneracyWarning)
        ml = run_em(X, init, max_iter=400, tol=1e-8, reg_covar=0.0)
    assert ml.status is Status.DEGENERATE
    run = run_map_em(X, init, max_iter=400, tol=1e-8)
    assert run.status is Status.CONVERGED and np.linalg.eigvalsh(run.mixture.covariances).min() > 1e-3


def test_a_weak_prior_on_much_data_approaches_maximum_likelihood():
    X, _ = Mixture([0.5, 0.5], [[0.0, 0.0], [5.0, 5.0]], [1.0, 0.5]).sample(4000, rng=2)
    init = initialize(X, 2, "full", "kmeans++", rng=0)
    ml = run_em(X, init, max_iter=200, tol=1e-10, reg_covar=0.0)
    mp = run_map_em(X, init, prior=InverseWishart(3.0, 1e-3 * np.eye(2)), max_iter=200, tol=1e-10)
    np.testing.assert_allclose(mp.mixture.covariances, ml.mixture.covariances, rtol=2e-3, atol=1e-3)


def test_map_em_refuses_other_covariance_types_and_bad_priors(overlapping):
    X = overlapping
    with pytest.raises(ValueError, match="full covariances"):
        run_map_em(X, initialize(X, 2, "spherical", rng=0))
    with pytest.raises(ValueError, match="dof must be > d - 1"):
        InverseWishart(0.5, np.eye(2))
    with pytest.raises(ValueError, match="positive definite"):
        InverseWishart(3.0, -np.eye(2))
    with pytest.raises(ValueError, match="InverseWishart on 2 x 2"):
        run_map_em(X, initialize(X, 2, "full", rng=0), prior=InverseWishart(4.0, np.eye(3)))
