"""Gradients of E = -log L (emcourse.gradient): finite differences, fixed points, gradient descent, errors."""
import warnings

import numpy as np
import pytest

from emcourse import DegeneracyWarning, Mixture, Status, e_step, initialize, m_step, run_em
from emcourse.methods.gradient import (energy_surface, 
    GradientDescentRun,
    energy,
    finite_difference_gradient,
    from_unconstrained,
    gradient_descent,
    gradients,
    lecture_gradients,
    to_unconstrained,
    unconstrained_gradient,
    xu_jordan_mean_step,
)

TRUE_2D = Mixture([0.5, 0.3, 0.2], [[0.0, 0.0], [4.0, 1.0], [1.0, 4.0]], [0.5, 1.0, 0.3])
X_2D, _ = TRUE_2D.sample(300, np.random.default_rng(0))


@pytest.fixture(params=["iris", "synthetic_2d"])
def data(request, iris):
    return iris if request.param == "iris" else X_2D


def random_mixture(X, K, seed):
    """A random, clearly non-stationary spherical mixture near the data."""
    rng = np.random.default_rng(seed)
    means = X[rng.choice(len(X), K, replace=False)] + rng.normal(scale=0.3, size=(K, X.shape[1]))
    return Mixture(rng.dirichlet(3 * np.ones(K)), means, rng.uniform(0.2, 1.5, K))


def rel_err(approx, exact):
    """Largest absolute difference relative to the largest entry of the exact value."""
    approx, exact = np.asarray(approx), np.asarray(exact)
    return np.abs(approx - exact).max() / np.abs(exact).max()


def raw_energy(X, weights, means, variances):
    """E = -sum_i log sum_j P_j (2 pi sigma_j^2)^(-d/2) exp(-|x_i - mu_j|^2 / (2 sigma_j^2)), written out directly.

    Independent of the engine (no log space). The weights need not sum to 1 here, so it can
    differentiate E with respect to the raw P_j.
    """
    d = X.shape[1]
    p = sum(w * (2 * np.pi * v) ** (-d / 2) * np.exp(-np.sum((X - m) ** 2, axis=1) / (2 * v))
            for w, m, v in zip(weights, means, variances))
    return -np.sum(np.log(p))


def converged_iris(iris):
    init = initialize(iris, 3, "spherical", "kmeans++", rng=0)
    res = run_em(iris, init, max_iter=2000, tol=1e-12, reg_covar=0.0)
    assert res.converged
    return res.mixture


# --- E ------------------------------------------------------------------------------------------
def test_energy_is_minus_total_log_likelihood(data):
    mix = random_mixture(data, 3, seed=1)
    expected = raw_energy(data, mix.weights, mix.means, mix.covariances)
    assert energy(data, mix) == pytest.approx(expected, rel=1e-12)
    assert gradients(data, mix).energy == pytest.approx(expected, rel=1e-12)


# --- correct gradients agree with finite differences -------------------------------------------
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_gradient_field_matches_finite_differences(data, seed):
    X = data
    mix = random_mixture(X, 3, seed)
    K, d = mix.n_components, mix.n_features
    P, mu, var = mix.weights, mix.means, mix.covariances
    g = gradients(X, mix)

    fd_means = finite_difference_gradient(lambda m: energy(X, mix.replace(means=m.reshape(K, d))), mu.ravel())
    fd_sigmas = finite_difference_gradient(lambda s: energy(X, mix.replace(covariances=s**2)), np.sqrt(var))
    fd_log_sigmas = finite_difference_gradient(lambda s: energy(X, mix.replace(covariances=np.exp(2 * s))),
                                               0.5 * np.log(var))
    softmax = lambda gam: np.exp(gam) / np.exp(gam).sum()  # noqa: E731
    fd_logits = finite_difference_gradient(lambda gam: energy(X, mix.replace(weights=softmax(gam))), np.log(P))
    fd_weights = finite_difference_gradient(lambda w: raw_energy(X, w, mu, var), P)   # raw, unnormalised P_j

    assert rel_err(g.means.ravel(), fd_means) < 1e-6
    assert rel_err(g.sigmas, fd_sigmas) < 1e-6
    assert rel_err(g.log_sigmas, fd_log_sigmas) < 1e-6
    assert rel_err(g.logits, fd_logits) < 1e-6
    assert rel_err(g.weights, fd_weights) < 1e-6
    # the point is not stationary, so the check has teeth
    assert np.abs(g.means).max() > 1.0 and np.abs(g.logits).max() > 1.0


def test_gradient_identities(data):
    mix = random_mixture(data, 3, seed=4)
    g = gradients(data, mix)
    resp, _ = e_step(data, mix)
    n_eff = resp.sum(axis=0)
    np.testing.assert_allclose(g.log_sigmas, np.sqrt(mix.covariances) * g.sigmas, rtol=1e-12)
    np.testing.assert_allclose(g.weights, -n_eff / mix.weights, rtol=1e-10)
    np.testing.assert_allclose(g.logits, len(data) * mix.weights - n_eff, rtol=1e-10, atol=1e-10)
    assert abs(g.logits.sum()) < 1e-9 * len(data)     # softmax: adding a constant to every gamma_j changes nothing
    assert np.all(g.weights < 0)                      # E alone always wants every raw weight larger
    assert g.means.shape == (3, data.shape[1]) and g.sigmas.shape == (3,)
    with pytest.raises(ValueError):
        g.means[0, 0] = 1.0                           # read-only, like Mixture


def test_unconstrained_gradient_matches_finite_differences(data):
    mix = random_mixture(data, 3, seed=5)
    K, d = mix.n_components, mix.n_features
    theta = to_unconstrained(mix)
    fd = finite_difference_gradient(lambda t: energy(data, from_unconstrained(t, K, d)), theta)
    grad = unconstrained_gradient(data, mix)
    assert grad.shape == (K * d + 2 * K,)
    assert rel_err(grad, fd) < 1e-6


def test_finite_difference_gradient_of_a_known_function():
    f = lambda t: np.sin(t).sum() + t[0] * t[1] ** 2  # noqa: E731
    theta = np.array([0.3, -1.2, 2.0])
    exact = np.cos(theta) + np.array([theta[1] ** 2, 2 * theta[0] * theta[1], 0.0])
    np.testing.assert_allclose(finite_difference_gradient(f, theta), exact, atol=1e-8)
    np.testing.assert_array_equal(theta, [0.3, -1.2, 2.0])    # not modified


# --- unconstrained parameters ------------------------------------------------------------------
def test_unconstrained_round_trip(data):
    mix = random_mixture(data, 3, seed=6)
    K, d = mix.n_components, mix.n_features
    theta = to_unconstrained(mix)
    np.testing.assert_allclose(theta[:K * d], mix.means.ravel(), rtol=0, atol=0)
    back = from_unconstrained(theta, K, d)
    np.testing.assert_allclose(back.weights, mix.weights, rtol=1e-14)
    np.testing.assert_allclose(back.means, mix.means, rtol=0)
    np.testing.assert_allclose(back.covariances, mix.covariances, rtol=1e-14)

    rng = np.random.default_rng(0)
    theta = rng.normal(size=K * d + 2 * K)
    again = to_unconstrained(from_unconstrained(theta, K, d))
    np.testing.assert_allclose(again[:K * d + K], theta[:K * d + K], rtol=1e-14, atol=1e-14)
    shift = again[K * d + K:] - theta[K * d + K:]           # the logits come back up to one constant
    np.testing.assert_allclose(shift, shift[0], atol=1e-14)


def test_softmax_is_stable_for_huge_logits():
    mix = from_unconstrained([0.0, 1.0, 0.0, 0.0, 1000.0, 999.0], 2, 1)
    np.testing.assert_allclose(mix.weights, [1 / (1 + np.exp(-1)), np.exp(-1) / (1 + np.exp(-1))], rtol=1e-14)


# --- the lecture's formulas fail ---------------------------------------------------------------
def test_slide_9_and_slide_8_mean_gradients_fail_the_finite_difference_check(data):
    X = data
    mix = random_mixture(X, 3, seed=1)
    K, d = mix.n_components, mix.n_features
    fd = finite_difference_gradient(lambda m: energy(X, mix.replace(means=m.reshape(K, d))), mix.means.ravel())
    lecture = lecture_gradients(X, mix)
    assert lecture.slide9_means.shape == lecture.slide8_means.shape == (K, d)
    assert rel_err(lecture.slide9_means.ravel(), fd) > 0.5
    assert rel_err(lecture.slide8_means.ravel(), fd) > 0.5
    assert rel_err(gradients(X, mix).means.ravel(), fd) < 1e-6    # the correct one, same point
    # a scalar per component, broadcast to every coordinate, with opposite signs on the two slides
    assert np.all(lecture.slide9_means == lecture.slide9_means[:, :1])
    assert np.all(lecture.slide9_means > 0) and np.all(lecture.slide8_means < 0)


def test_a_descent_step_with_slide_9_increases_E():
    """Data above and to the right of mu: slide 9 (never negative) pushes mu further down and left."""
    mix = Mixture([1.0], [X_2D.mean(axis=0) - 1.0], [X_2D.var(axis=0).mean()])
    E0 = energy(X_2D, mix)
    eta = 1e-4
    slide9 = lecture_gradients(X_2D, mix).slide9_means
    correct = gradients(X_2D, mix).means
    assert np.all(correct < 0) and np.all(slide9 > 0)                  # opposite directions
    assert energy(X_2D, mix.replace(means=mix.means - eta * slide9)) > E0 + 1e-3
    assert energy(X_2D, mix.replace(means=mix.means - eta * correct)) < E0 - 1e-3


def test_slide_9_is_not_zero_at_an_EM_fixed_point(iris):
    mix = converged_iris(iris)
    assert np.abs(gradients(iris, mix).means).max() < 1e-3
    assert lecture_gradients(iris, mix).slide9_means.min() > 10.0


# --- EM fixed points and the Xu-Jordan identity ------------------------------------------------
def test_all_gradients_vanish_at_an_EM_fixed_point(iris):
    mix = converged_iris(iris)
    n = len(iris)
    g = gradients(iris, mix)
    # per sample (E / N), as run_em's tol is per sample
    for name in ("means", "sigmas", "log_sigmas", "logits"):
        assert np.abs(getattr(g, name)).max() / n < 1e-5, name
    # the raw weight partials do not vanish: they all equal the Lagrange multiplier -N
    np.testing.assert_allclose(g.weights, -n, rtol=1e-5)
    # compare with a non-stationary start, where they are large
    g0 = gradients(iris, random_mixture(iris, 3, seed=1))
    assert np.abs(g0.means).max() / n > 1e-2


def test_xu_jordan_mean_step_equals_the_M_step(data):
    for seed in (1, 2):
        mix = random_mixture(data, 3, seed)
        resp, _ = e_step(data, mix)
        expected = m_step(data, resp, "spherical", 0.0).means
        np.testing.assert_allclose(xu_jordan_mean_step(data, mix), expected, rtol=0, atol=1e-12)


# --- gradient descent --------------------------------------------------------------------------
def test_small_learning_rate_decreases_E_monotonically():
    init = initialize(X_2D, 3, "spherical", "random_points", rng=1)
    res = gradient_descent(X_2D, init, learning_rate=1e-4, max_iter=200)
    assert isinstance(res, GradientDescentRun)
    assert res.stop_reason == "max_iter reached"
    assert len(res.history) == len((-res.log_likelihoods)) == len(res.events) == 201
    assert res.history[0] is init and res.mixture is res.history[-1] and res.n_iter == 200
    assert np.all(np.diff((-res.log_likelihoods)) < 0)
    assert (-res.log_likelihoods)[-1] < (-res.log_likelihoods)[0] - 50
    assert all(e == "" for e in res.events) and res.status is Status.MAX_ITER and not res.converged
    np.testing.assert_allclose((-res.log_likelihoods), [energy(X_2D, m) for m in res.history], rtol=1e-12)


def test_gradient_descent_reaches_the_EM_optimum(iris):
    init = initialize(iris, 3, "spherical", "kmeans++", rng=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegeneracyWarning)
        em = run_em(iris, init, max_iter=2000, tol=1e-12, reg_covar=0.0)
    gd = gradient_descent(iris, init, learning_rate=1e-3, max_iter=300)
    assert (-gd.log_likelihoods)[-1] == pytest.approx(-em.log_likelihood, abs=1e-3)


def test_too_large_learning_rate_stops_with_a_reason_instead_of_nan(iris):
    init = initialize(iris, 3, "spherical", "kmeans++", rng=0)
    for eta in (1e-2, 1.0, 10.0):
        res = gradient_descent(iris, init, learning_rate=eta, max_iter=300)
        assert np.all(np.isfinite((-res.log_likelihoods)))
        assert res.stop_reason.startswith("step ") and "sigma" in res.stop_reason, res.stop_reason
        assert len(res.history) == len((-res.log_likelihoods)) == len(res.events) < 301
        for m in res.history:
            assert np.all(np.isfinite(m.covariances)) and np.all(m.covariances > 0)
    res = gradient_descent(iris, init, learning_rate=1e-2, max_iter=300)
    assert any(e.startswith("E rose") for e in res.events)


def test_naive_step_leaves_the_simplex_and_says_so(iris):
    init = initialize(iris, 3, "spherical", "kmeans++", rng=0)
    for eta, min_steps in ((1e-12, 5), (1e-4, 0), (1e-2, 0)):
        res = gradient_descent(iris, init, learning_rate=eta, max_iter=100, parameterization="naive")
        assert res.n_iter >= min_steps and res.n_iter < 100
        assert f"step {res.n_iter + 1}:" in res.stop_reason
        assert "weights sum to" in res.stop_reason and "not 1" in res.stop_reason
        for m in res.history:
            assert isinstance(m, Mixture) and abs(m.weights.sum() - 1) <= 1e-8 and np.all(m.weights >= 0)
            assert np.all(m.covariances > 0)
        assert len((-res.log_likelihoods)) == len(res.history) and np.all(np.isfinite((-res.log_likelihoods)))
    assert "sigma_1 = -" in res.stop_reason        # eta = 1e-2 also drives sigma below zero


def test_zero_steps_returns_the_initial_mixture():
    res = gradient_descent(X_2D, TRUE_2D, learning_rate=1e-3, max_iter=0)
    assert res.history == [TRUE_2D] and res.stop_reason == "max_iter reached"
    assert (-res.log_likelihoods)[0] == pytest.approx(energy(X_2D, TRUE_2D))


def test_infinite_initial_energy_is_reported():
    far = Mixture([1.0], [[1e200, 1e200]], [1.0])     # |x - mu|^2 overflows: log p(x_i) = -inf
    res = gradient_descent(X_2D, far, learning_rate=1e-3, max_iter=10)
    assert (-res.log_likelihoods)[0] == np.inf and res.n_iter == 0 and "zero density" in res.stop_reason
    with pytest.raises(ValueError, match="zero density"):
        gradients(X_2D, far)


# --- errors ------------------------------------------------------------------------------------
def test_non_spherical_mixtures_are_refused():
    diag = Mixture([1.0], [[0.0, 0.0]], [[1.0, 2.0]], "diag")
    for call in (lambda: energy(X_2D, diag), lambda: gradients(X_2D, diag), lambda: to_unconstrained(diag),
                 lambda: lecture_gradients(X_2D, diag), lambda: xu_jordan_mean_step(X_2D, diag)):
        with pytest.raises(ValueError, match=r"covariance_type='diag'.*spherical model only"):
            call()
    with pytest.raises(ValueError, match=r"init has covariance_type='diag'"):
        gradient_descent(X_2D, diag, learning_rate=1e-3, max_iter=1)


@pytest.mark.parametrize("eta, match", [(0, r"learning_rate must be > 0"), (-1e-3, r"learning_rate must be a finite"),
                                        (np.nan, r"finite"), (np.inf, r"finite"), ("fast", r"must be a number")])
def test_bad_learning_rate(eta, match):
    with pytest.raises(ValueError, match=match):
        gradient_descent(X_2D, TRUE_2D, learning_rate=eta, max_iter=1)


@pytest.mark.parametrize("max_iter", [-1, 2.5, True, "10"])
def test_bad_max_iter(max_iter):
    with pytest.raises(ValueError, match=r"max_iter must be a whole number >= 0"):
        gradient_descent(X_2D, TRUE_2D, learning_rate=1e-3, max_iter=max_iter)


def test_bad_parameterization():
    with pytest.raises(ValueError, match=r"parameterization must be one of \('unconstrained', 'naive'\)"):
        gradient_descent(X_2D, TRUE_2D, learning_rate=1e-3, max_iter=1, parameterization="softmax")


def test_X_that_does_not_match_the_mixture():
    X3 = np.zeros((5, 3))
    for call in (lambda: energy(X3, TRUE_2D), lambda: gradients(X3, TRUE_2D),
                 lambda: gradient_descent(X3, TRUE_2D, learning_rate=1e-3, max_iter=1)):
        with pytest.raises(ValueError, match=r"X has 3 features.*mixture has 2"):
            call()
    with pytest.raises(ValueError, match=r"1-D array"):
        gradients(np.zeros(4), TRUE_2D)


def test_bad_theta_and_zero_weights():
    with pytest.raises(ValueError, match=r"length .* = 12 for 3 components in 2 dimensions, got shape \(11,\)"):
        from_unconstrained(np.zeros(11), 3, 2)
    with pytest.raises(ValueError, match=r"NaN or infinite"):
        from_unconstrained([0.0, np.nan, 0.0], 1, 1)
    with pytest.raises(ValueError, match=r"sigma_1\^2 = inf"):
        from_unconstrained([0.0, 800.0, 0.0], 1, 1)
    with pytest.raises(ValueError, match=r"n_components must be a whole number >= 1"):
        from_unconstrained(np.zeros(3), 0, 1)
    with pytest.raises(ValueError, match=r"component 2 has weight 0"):
        to_unconstrained(Mixture([1.0, 0.0], [[0.0], [1.0]], [1.0, 1.0]))
    with pytest.raises(ValueError, match=r"theta must be a 1-D array"):
        finite_difference_gradient(np.sum, np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"eps must be > 0"):
        finite_difference_gradient(np.sum, np.zeros(2), eps=0)


def test_zero_weight_component_has_a_finite_weight_partial():
    mix = Mixture([1.0, 0.0], [[0.0, 0.0], [1.0, 1.0]], [1.0, 1.0])
    g = gradients(X_2D, mix)
    assert np.all(np.isfinite(g.weights)) and g.weights[1] < 0
    fd = finite_difference_gradient(lambda w: raw_energy(X_2D, w, mix.means, mix.covariances), [1.0, 0.0],
                                    eps=1e-8)   # raw_energy accepts P_1 = -1e-8: the density stays positive
    assert rel_err(g.weights, fd) < 1e-6


def test_energy_surface_is_E_at_every_grid_point():
    x = np.array([[-1.0], [0.3], [2.2], [2.5]])
    grid = np.linspace(-2, 3, 6)
    S = energy_surface(x, grid, (0.8, 1.3), weights=(0.3, 0.7))
    assert S.shape == (6, 6)
    for a, b in [(0, 0), (1, 4), (5, 2)]:
        mix = Mixture([0.3, 0.7], [[grid[a]], [grid[b]]], [0.64, 1.69])
        assert S[b, a] == pytest.approx(energy(x, mix), rel=1e-13)      # row = mu_2, column = mu_1
