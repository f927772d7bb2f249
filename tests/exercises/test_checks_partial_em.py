"""Lesson 8's check ``check_partial_e_step``: the right answer passes, every classic mistake gets its own hint.

The right answer is written here with numpy/scipy only (a student's code must pass without emcourse); each
wrong answer reaches exactly one hint branch.
"""
import numpy as np
import pytest
from scipy.special import logsumexp, softmax

from emcourse import Mixture
from emcourse.exercises import checks
from emcourse.methods.smem import partial_em, partial_responsibilities, split_merge_init
from tests.exercises._checking import not_written, run_check


def _run(func, passed, fragment, capsys):
    return run_check(checks.check_partial_e_step, func, passed, fragment, capsys)


def _log_terms(X, weights, means, variances, with_weights=True, with_norm=True):
    """log P_m + log p(x | m) for every point and component, spherical, shape (N, M)."""
    d = X.shape[1]
    sq = ((X[:, None, :] - means[None, :, :]) ** 2).sum(axis=2)
    a = -0.5 * sq / variances
    if with_norm:
        a = a - 0.5 * d * np.log(2 * np.pi * variances)
    return a + np.log(weights) if with_weights else a


def right(X, weights, means, variances, resp_before, triple):
    S = list(triple)
    a = _log_terms(X, weights, means, variances)[:, S]
    w = resp_before[:, S].sum(axis=1, keepdims=True)
    return w * np.exp(a - logsumexp(a, axis=1, keepdims=True))


def over_all_components(X, weights, means, variances, resp_before, triple):
    return softmax(_log_terms(X, weights, means, variances), axis=1)[:, list(triple)]


def w_from_new_mixture(X, weights, means, variances, resp_before, triple):
    r_new = softmax(_log_terms(X, weights, means, variances), axis=1)
    S = list(triple)
    return r_new[:, S].sum(axis=1, keepdims=True) * softmax(_log_terms(X, weights, means, variances)[:, S], axis=1)


def no_weight(X, weights, means, variances, resp_before, triple):
    return softmax(_log_terms(X, weights, means, variances)[:, list(triple)], axis=1)


def all_then_weight(X, weights, means, variances, resp_before, triple):
    S = list(triple)
    return resp_before[:, S].sum(axis=1, keepdims=True) * over_all_components(X, weights, means, variances,
                                                                               resp_before, triple)


def old_resp(X, weights, means, variances, resp_before, triple):
    return resp_before[:, list(triple)]


def no_priors(X, weights, means, variances, resp_before, triple):
    S = list(triple)
    a = _log_terms(X, weights, means, variances, with_weights=False)[:, S]
    return resp_before[:, S].sum(axis=1, keepdims=True) * softmax(a, axis=1)


def no_normalisation(X, weights, means, variances, resp_before, triple):
    S = list(triple)
    a = _log_terms(X, weights, means, variances, with_norm=False)[:, S]
    return resp_before[:, S].sum(axis=1, keepdims=True) * softmax(a, axis=1)


def sorted_columns(X, weights, means, variances, resp_before, triple):
    return right(X, weights, means, variances, resp_before, sorted(triple))


def one_based(X, weights, means, variances, resp_before, triple):
    """Treats the 0-based indices as the lesson's component numbers and subtracts 1."""
    return right(X, weights, means, variances, resp_before, [i - 1 for i in triple])


def probability_space(X, weights, means, variances, resp_before, triple):
    S = list(triple)
    p = np.exp(_log_terms(X, weights, means, variances)[:, S])
    return resp_before[:, S].sum(axis=1, keepdims=True) * p / p.sum(axis=1, keepdims=True)


def rows_off(X, weights, means, variances, resp_before, triple):
    return 0.5 * right(X, weights, means, variances, resp_before, triple)


def one_entry_off(X, weights, means, variances, resp_before, triple):
    r = right(X, weights, means, variances, resp_before, triple)
    r[0, :2] = r[0, :2] + np.array([0.01, -0.01]) * r[0, :2].min()    # rows still sum to w(x)
    return r


stub = not_written("exercise 8: partial_e_step")


@pytest.mark.parametrize("func, passed, fragment", [
    (right, True, "public checks passed"),
    (lambda *a: right(*a).tolist(), True, "public checks passed"),
    (over_all_components, False, "normalised over all M components"),
    (w_from_new_mixture, False, "took w(x) from the new mixture"),
    (no_weight, False, "you left out the weight w(x)"),
    (all_then_weight, False, "and then multiplied by w(x)"),
    (old_resp, False, "that is resp_before itself"),
    (no_priors, False, "you left out the weights P_m"),
    (no_normalisation, False, "(2 pi sigma_m^2)^(-d/2) matters"),
    (sorted_columns, False, "in the order of triple"),
    (one_based, False, "already 0-based Python indices"),
    (probability_space, False, "you returned NaN or inf"),
    (rows_off, False, "each row must sum to w(x)"),
    (one_entry_off, False, "for point 0 and component"),
    (lambda X, w, mu, var, R, t: R, False, "you returned all M columns"),
    (lambda *a: right(*a)[:, :2], False, "returned shape"),
    (lambda *a: None, False, "returned None"),
    (stub, False, "not yet implemented"),
    (lambda *a: 1 / 0, False, "your function raised ZeroDivisionError"),
])
def test_check_partial_e_step(func, passed, fragment, capsys):
    _run(func, passed, fragment, capsys)


def test_the_reference_is_the_engines_partial_em():
    """The check's reference, partial_responsibilities, is what partial_em's fast path uses: one M step from it
    gives the same means and variances as partial_em's first step."""
    rng = np.random.default_rng(3)
    X = np.vstack([rng.normal(0, 0.5, (50, 2)), rng.normal([3, 0], 0.5, (50, 2)), rng.normal([1.5, 3], 0.5, (50, 2))])
    before = Mixture([0.4, 0.2, 0.2, 0.2], [[1.5, 0.0], [1.4, 3.0], [1.6, 3.1], [0.0, 1.0]], [1.5, 0.3, 0.3, 0.8])
    resp = before.responsibilities(X)
    triple = (1, 2, 0)
    new = split_merge_init(before, triple, rng=0)
    r = partial_responsibilities(X, new, triple, resp)
    np.testing.assert_allclose(r, right(X, new.weights, new.means, new.covariances, resp, triple), rtol=1e-12)
    np.testing.assert_allclose(r.sum(axis=1), resp[:, list(triple)].sum(axis=1), rtol=1e-12)
    step = partial_em(X, new, triple, resp, max_iter=1, tol=0.0, reg_covar=0.0).history[1]
    nk = r.sum(axis=0)
    means = r.T @ X / nk[:, None]
    variances = (r * ((X[:, None, :] - means) ** 2).sum(axis=2)).sum(axis=0) / (2 * nk)
    np.testing.assert_allclose(step.means[list(triple)], means, rtol=1e-9)
    np.testing.assert_allclose(step.covariances[list(triple)], variances, rtol=1e-9)
    np.testing.assert_allclose(step.weights[list(triple)].sum(), new.weights[list(triple)].sum(), rtol=1e-12)
