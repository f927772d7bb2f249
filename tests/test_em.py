"""Behaviour of the EM engine: identities, monotonicity, closed forms, recovery."""
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emcourse import DegeneracyWarning, Mixture, e_step, initialize, m_step, run_em

from tests._data import anisotropic_data

TYPES = ["spherical", "diag", "full"]


@st.composite
def em_case(draw):
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    d = draw(st.integers(1, 4))
    K = draw(st.integers(1, 4))
    n = draw(st.integers(10 * K * d + 20, 200))
    centers = rng.normal(scale=draw(st.floats(0.5, 8.0)), size=(K, d))
    X = centers[rng.integers(K, size=n)] + rng.normal(size=(n, d)) * rng.uniform(0.3, 2.0, size=d)
    cov_type = draw(st.sampled_from(TYPES))
    method = draw(st.sampled_from(["random_points", "kmeans++"]))
    return X, K, cov_type, method, seed


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(em_case())
def test_em_never_decreases_log_likelihood(case):
    X, K, cov_type, method, seed = case
    init = initialize(X, K, cov_type, method, rng=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegeneracyWarning)
        res = run_em(X, init, max_iter=30, tol=0.0, reg_covar=0.0)
    lls = res.log_likelihoods
    assert np.all(np.isfinite(lls))
    assert np.all(np.diff(lls) >= -1e-9 * np.abs(lls[-1])), np.diff(lls).min()


@pytest.mark.parametrize("cov_type", TYPES)
def test_one_component_one_step_is_closed_form_ml(cov_type, iris):
    X = iris
    n, d = X.shape
    init = Mixture([1.0], [[0.0, 0.0, 0.0, 0.0]], {"spherical": [1.0], "diag": np.ones((1, d)),
                                                   "full": np.eye(d)[None]}[cov_type], cov_type)
    res = run_em(X, init, max_iter=1, tol=0.0, reg_covar=0.0)
    fit = res.history[1]
    S = np.cov(X, rowvar=False, bias=True)
    np.testing.assert_allclose(fit.means[0], X.mean(0), rtol=1e-12)
    expected = {"spherical": np.trace(S) / d, "diag": np.diag(S), "full": S}[cov_type]
    np.testing.assert_allclose(fit.covariances[0], expected, rtol=1e-10)
    if cov_type == "full":  # closed-form ML log-likelihood (science.md §9.1)
        closed = -0.5 * n * (d * np.log(2 * np.pi) + np.linalg.slogdet(S)[1] + d)
        assert res.log_likelihoods[1] == pytest.approx(closed, rel=1e-12)
        assert closed == pytest.approx(-379.9145, abs=1e-3)  # iris, one full Gaussian


@pytest.mark.parametrize("cov_type", TYPES)
def test_permuting_components_leaves_log_likelihood_and_resp_consistent(cov_type, iris):
    mix = run_em(iris, initialize(iris, 3, cov_type, rng=3), max_iter=5).mixture
    perm = np.array([2, 0, 1])
    permuted = Mixture(mix.weights[perm], mix.means[perm], mix.covariances[perm], cov_type)
    assert permuted.log_likelihood(iris) == pytest.approx(mix.log_likelihood(iris), rel=1e-13)
    np.testing.assert_allclose(permuted.responsibilities(iris), mix.responsibilities(iris)[:, perm], atol=1e-14)


@pytest.mark.parametrize("cov_type", TYPES)
def test_responsibilities_sum_to_one_and_m_step_counts(cov_type, iris):
    mix = initialize(iris, 4, cov_type, "kmeans++", rng=1)
    resp, ll = e_step(iris, mix)
    np.testing.assert_allclose(resp.sum(axis=1), 1.0, atol=1e-14)
    assert ll == pytest.approx(mix.log_likelihood(iris), rel=1e-14)
    new = m_step(iris, resp, cov_type)
    assert new.weights.sum() == pytest.approx(1.0, abs=1e-14)
    np.testing.assert_allclose(resp.sum(axis=0), len(iris) * new.weights, rtol=1e-12)


def test_recovers_rotated_anisotropic_covariances():
    true, X, _ = anisotropic_data(seed=0, n=6000)
    start = Mixture(np.full(3, 1 / 3), true.means + 0.5, np.tile(np.eye(2), (3, 1, 1)), "full")
    fit = run_em(X, start, max_iter=500, tol=1e-10).mixture
    order = [int(np.argmin(np.linalg.norm(fit.means - m, axis=1))) for m in true.means]
    np.testing.assert_allclose(fit.weights[order], true.weights, atol=0.02)
    np.testing.assert_allclose(fit.means[order], true.means, atol=0.1)
    for j, k in enumerate(order):
        # off-diagonal terms carry the rotation: a precision/covariance mix-up would flip or scale them
        np.testing.assert_allclose(fit.covariances[k], true.covariances[j], atol=0.12 * np.abs(true.covariances[j]).max())
        assert np.sign(fit.covariances[k][0, 1]) == np.sign(true.covariances[j][0, 1])


def test_history_is_consistent_and_tol_is_per_sample(iris):
    init = initialize(iris, 3, "diag", rng=0)
    res = run_em(iris, init, max_iter=200, tol=1e-4)
    assert res.history[0] is init and len(res.history) == len(res.log_likelihoods) == res.n_iter + 1
    for mix, ll in zip(res.history, res.log_likelihoods):
        assert mix.log_likelihood(iris) == pytest.approx(ll, rel=1e-11)
    assert res.converged and res.stop_reason == "converged"
    steps = np.abs(np.diff(res.log_likelihoods)) / len(iris)
    assert steps[-1] < 1e-4 and np.all(steps[:-1] >= 1e-4)


def test_max_iter_zero_and_not_converged(iris):
    init = initialize(iris, 2, rng=0)
    res = run_em(iris, init, max_iter=0)
    assert res.n_iter == 0 and res.mixture is init and not res.converged
    res = run_em(iris, init, max_iter=3, tol=0.0)
    assert res.n_iter == 3 and not res.converged and res.stop_reason == "max_iter reached"


def test_callback_sees_every_iteration(iris):
    seen = []
    run_em(iris, initialize(iris, 2, rng=0), max_iter=4, tol=0.0, callback=lambda t, m, ll: seen.append(t))
    assert seen == [0, 1, 2, 3, 4]


def test_kmeanspp_spreads_means():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(c, 0.1, size=(100, 2)) for c in [(0, 0), (10, 0), (0, 10)]])
    for seed in range(10):
        means = initialize(X, 3, method="kmeans++", rng=seed).means
        nearest = {int(np.argmin(np.linalg.norm(np.array([(0, 0), (10, 0), (0, 10)]) - m, axis=1))) for m in means}
        assert nearest == {0, 1, 2}


def test_initialize_is_reproducible_and_uses_global_variance(iris):
    a = initialize(iris, 3, "spherical", rng=5)
    b = initialize(iris, 3, "spherical", rng=np.random.default_rng(5))
    assert a == b
    np.testing.assert_allclose(a.covariances, np.trace(np.cov(iris, rowvar=False, bias=True)) / 4)
    np.testing.assert_allclose(a.weights, 1 / 3)
    assert {tuple(r) for r in a.means} <= {tuple(r) for r in iris}


def test_sample_labels_follow_weights():
    mix = Mixture([0.2, 0.8], [[0.0], [5.0]], [1.0, 0.25])
    X, labels = mix.sample(20000, 0)
    assert X.shape == (20000, 1)
    assert np.mean(labels == 1) == pytest.approx(0.8, abs=0.01)
    assert X[labels == 1].std() == pytest.approx(0.5, rel=0.03)


def test_pdf_integrates_to_one_in_1d():
    mix = Mixture([0.3, 0.7], [[-1.0], [2.0]], [0.5, 2.0])
    grid = np.linspace(-15, 20, 20001)[:, None]
    assert np.trapezoid(mix.pdf(grid), grid[:, 0]) == pytest.approx(1.0, abs=1e-8)


def test_n_parameters_matches_sklearn_counts(iris):
    # science.md §3.2: 44 for iris / full / K = 3
    assert initialize(iris, 3, "full", rng=0).n_parameters == 44
    assert initialize(iris, 3, "diag", rng=0).n_parameters == 2 * 3 * 4 + 3 - 1
    assert initialize(iris, 3, "spherical", rng=0).n_parameters == 3 * 4 + 3 + 2


@pytest.mark.parametrize("cov_type", TYPES)
def test_bic_and_aic_match_sklearn(cov_type, iris):
    from sklearn.mixture import GaussianMixture

    gm = GaussianMixture(3, covariance_type=cov_type, random_state=0).fit(iris)
    mix = Mixture(gm.weights_, gm.means_, gm.covariances_, cov_type)
    assert mix.bic(iris) == pytest.approx(gm.bic(iris), rel=1e-10)
    assert mix.aic(iris) == pytest.approx(gm.aic(iris), rel=1e-10)


def test_restarts_find_distinct_optima_on_the_grid():
    from emcourse import datasets
    from emcourse.methods.restarts import distinct_optima, run_restarts

    data = datasets.make_grid(rng=0)
    runs = run_restarts(data.X, 9, seeds=range(12), max_iter=500, tol=1e-6)
    optima = distinct_optima(runs, len(data.X))
    assert sum(len(s) for _, s in optima) == 12
    assert [ll for ll, _ in optima] == sorted((ll for ll, _ in optima), reverse=True)
    assert len(optima) >= 2                       # EM gets stuck on the grid from some starts
    truth = data.truth.log_likelihood(data.X) / len(data.X)
    assert optima[0][0] >= truth - 0.01           # the best start reaches (about) the global optimum


def test_free_energy_equals_log_likelihood_after_e_step_and_is_lower_otherwise(iris):
    from emcourse import free_energy

    mix = initialize(iris, 3, "full", rng=2)
    resp, ll = e_step(iris, mix)
    assert free_energy(iris, mix, resp) == pytest.approx(ll, rel=1e-12)
    other = np.random.default_rng(0).dirichlet(np.ones(3), size=len(iris))
    assert free_energy(iris, mix, other) < ll
    # the M step raises F with q fixed, and then log L(new) >= F(q, new) >= F(q, old) = log L(old)
    new = m_step(iris, resp, "full")
    assert free_energy(iris, new, resp) >= ll
    assert new.log_likelihood(iris) >= free_energy(iris, new, resp)


def test_responsibilities_of_absurdly_far_points_still_sum_to_one():
    mix = Mixture([0.5, 0.5], [[0.0], [1.0]], [1.0, 1.0])
    resp = mix.responsibilities([[1e150], [-1e150], [3.0]])
    np.testing.assert_allclose(resp.sum(axis=1), 1.0)
    assert np.all(np.isfinite(resp))
