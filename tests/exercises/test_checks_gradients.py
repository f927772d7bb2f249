"""Lesson 3's checks (grad_means in 1-D, grad_means_2d in d dimensions): every hint path.

The right answers are written here with numpy only; each wrong answer is one classic slip, built so
that it reaches its own hint.
"""
import numpy as np
import pytest
from scipy.special import logsumexp

from emcourse.exercises import checks
from tests.exercises._checking import not_written, run_check


stub = not_written("exercise 3")


def grad(X, w, mu, s, *, resp="right", sign=1.0, denom="variance", signed=True, scale_by=None, naive=False):
    """dE/dmu_j for X (n, d), means (M, d); the keywords make the classic slips (defaults: right)."""
    X, mu = np.atleast_2d(X), np.atleast_2d(mu)
    n, d = X.shape
    diff = mu[None] - X[:, None]                                      # (n, M, d)
    sq = (diff ** 2).sum(-1)

    def posterior(power, sq=sq):
        a = np.log(w) - power * np.log(s) - sq / (2 * s ** 2)
        if naive:                                                     # densities first: 0/0 far from everything
            p = np.exp(a)
            return p / p.sum(axis=1, keepdims=True)
        return np.exp(a - logsumexp(a, axis=1, keepdims=True))

    r = {"right": lambda: posterior(d), "1-D norm": lambda: posterior(1), "no norm": lambda: posterior(0),
         "columns": lambda: posterior(d) / posterior(d).sum(0),
         "joint": lambda: np.exp(np.log(w) - d * np.log(s) - sq / (2 * s ** 2) - d / 2 * np.log(2 * np.pi)),
         "prior": lambda: np.broadcast_to(w, sq.shape), "none": lambda: np.ones_like(sq)}
    scale = (s ** 2 if denom == "variance" else s)[:, None]
    if resp == "per coordinate":
        g = np.stack([(posterior(1, diff[:, :, k] ** 2) * diff[:, :, k]).sum(0) for k in range(d)], axis=1)
    elif signed:
        g = np.einsum("nm,nmd->md", r[resp](), diff)
    else:
        g = np.repeat(np.einsum("nm,nm->m", r[resp](), np.sqrt(sq))[:, None], d, axis=1)
    if scale_by == "N":                                               # the average over the points: grad of E/N
        g = g / n
    elif scale_by == "N_j":
        g = g / posterior(d).sum(axis=0)[:, None]
    return sign * g / scale


def grad_1d(**slip):
    return lambda x, w, mu, s: grad(np.asarray(x)[:, None], w, np.asarray(mu)[:, None], s, **slip)[:, 0]


def grad_right_1d(x, w, mu, s):                                       # written out, as a student would
    x = np.asarray(x)[:, None]
    a = np.log(w) - np.log(s) - (x - mu) ** 2 / (2 * s ** 2)
    r = np.exp(a - logsumexp(a, axis=1, keepdims=True))
    return (r * (mu - x)).sum(axis=0) / s ** 2


COMMON_SLIPS = [
    (dict(sign=-1.0), "the sign is flipped (as on slide 9)"),
    (dict(sign=-1.0, denom="sigma", signed=False), "that is slide 8's last line"),
    (dict(signed=False), "that is slide 9's formula"),
    (dict(denom="sigma"), "not by sigma (slide 8's slip)"),
    (dict(denom="sigma", sign=-1.0), "not by sigma (slide 8's slip)"),
    (dict(signed=False, sign=-1.0), "use the signed difference (mu_j - x_i)"),
    (dict(resp="no norm"), "your responsibilities leave out the normalisation"),
    (dict(resp="columns"), "normalised over the points"),
    (dict(scale_by="N"), "you averaged over the points (that is the gradient of E/N)"),
    (dict(scale_by="N_j"), "you divided by N_j"),                   # the same numbers as resp="columns"
    (dict(naive=True), "Compute the posteriors in log space"),
    (dict(resp="joint"), "divides by p(x_i)"),
    (dict(resp="prior"), "you weighted every point by the prior P_j"),
    (dict(resp="none"), "every point pulls on every mean with full strength"),
]


@pytest.mark.parametrize("func, passed, fragment", [
    (grad_right_1d, True, "public checks passed"),
    (grad_1d(), True, "public checks passed"),
    *[(grad_1d(**slip), False, fragment) for slip, fragment in COMMON_SLIPS],
    (lambda x, w, mu, s: grad_right_1d(x, w, mu + 0.1, s), False, "Compare with finite differences of E"),
    (lambda *a: np.append(grad_right_1d(*a), 0.0), False, "returned shape (2,); expected (1,)"),
    (stub, False, "not yet implemented"),
])
def test_check_mean_gradient_hints(func, passed, fragment, capsys):
    run_check(checks.check_mean_gradient, func, passed, fragment, capsys)


def grad_right_2d(X, w, mu, s):                                       # written out, as a student would
    d = X.shape[1]
    sq = ((X[:, None, :] - mu[None, :, :]) ** 2).sum(axis=2)
    a = np.log(w) - 0.5 * d * np.log(2 * np.pi * s ** 2) - sq / (2 * s ** 2)
    r = np.exp(a - logsumexp(a, axis=1, keepdims=True))
    return (r[:, :, None] * (mu[None] - X[:, None])).sum(axis=0) / s[:, None] ** 2


@pytest.mark.parametrize("func, passed, fragment", [
    (grad_right_2d, True, "public checks passed"),
    (lambda *a: grad(*a).tolist(), True, "public checks passed"),
    *[(lambda *a, slip=slip: grad(*a, **slip), False, fragment) for slip, fragment in COMMON_SLIPS],
    (lambda *a: grad(*a, resp="1-D norm"), False, "your responsibilities use the 1-D normalisation"),
    (lambda *a: grad(*a, resp="per coordinate"), False, "you computed responsibilities separately for each coordinate"),
    (lambda X, w, mu, s: grad_right_2d(X, w, mu + 0.1, s), False, "Compare with finite differences of E"),
    (lambda *a: grad_right_2d(*a).T, False, "returned shape (2, 3); expected (3, 2)"),
    (lambda *a: grad_right_2d(*a).sum(axis=1), False, "do not sum over the coordinates"),
    (stub, False, "not yet implemented"),
])
def test_check_mean_gradient_2d_hints(func, passed, fragment, capsys):
    run_check(checks.check_mean_gradient_2d, func, passed, fragment, capsys)


def test_the_d_dimensional_exponent_gets_its_own_hint(capsys):
    res = run_check(checks.check_mean_gradient_2d, lambda *a: grad(*a, resp="1-D norm"), False, "(2 pi sigma_j^2)^(-d/2)",
               capsys)
    assert "d = 2" in res.message and "leave out" not in res.message


@pytest.mark.parametrize("slip, fragment, not_in", [
    (dict(scale_by="N"), "you averaged over the points", "divided by N_j"),
    (dict(scale_by="N_j"), "you divided by N_j", "averaged"),
    (dict(resp="columns"), "normalised over the points (each column sums to 1)", "averaged"),
])
def test_slips_equal_on_the_one_component_case_are_told_apart(slip, fragment, not_in, capsys):
    """With M = 1 all three give dE/dmu / N on the first case; the later cases decide which hint is printed
    (dividing by N_j and normalising the columns are one slip, with one hint)."""
    x = np.linspace(-2, 2, 7)
    assert np.allclose(grad_1d(**slip)(x, np.ones(1), np.zeros(1), np.ones(1)), grad_right_1d(x, np.ones(1),
                                                                                              np.zeros(1), np.ones(1)) / 7)
    res = run_check(checks.check_mean_gradient, grad_1d(**slip), False, fragment, capsys)
    assert not_in not in res.message


def test_a_naive_posterior_fails_on_the_far_point_with_the_log_space_hint(capsys):
    for check, func in [(checks.check_mean_gradient, grad_1d(naive=True)),
                        (checks.check_mean_gradient_2d, lambda *a: grad(*a, naive=True))]:
        res = run_check(check, func, False, "underflows to 0, and 0/0 = NaN", capsys)
        assert "far from every component" in res.message


def test_nan_on_ordinary_data_gets_the_plain_hint(capsys):
    run_check(checks.check_mean_gradient, lambda x, w, mu, s: np.full(len(w), np.nan), False,
         "NaN or inf where every density is ordinary", capsys)
