"""Public checks of homework 1 (densities and likelihood, lessons 1-2) and homework 2 (gradient descent, lesson 3).

Used in ``homework/source/hw1_mixture_likelihood`` and ``homework/source/hw2_gradient_descent``. Each check
calls the student's function (under the delegation guard, through ``call``) on small cases, recognises the
classic wrong answers and prints "public checks passed"; the graded tests use other cases.
"""
from __future__ import annotations

import numpy as np
from scipy.special import erf, logsumexp, ndtr, ndtri


from ...mixture import Mixture
from ..references import (descent_energy, diag_log_joint, reference_descent_energies,
                          reference_softmax_descent_step)
from ._common import CheckResult, as_array, call, report


def _near(a, b, rtol=1e-7, atol=1e-10) -> bool:
    a, b = np.asarray(a, float), np.asarray(b, float)
    return a.shape == b.shape and bool(np.all(np.isfinite(a))) and np.allclose(a, b, rtol=rtol, atol=atol)


def _cdf(x, w, mu, s):
    return (w * ndtr((np.asarray(x, float)[:, None] - mu) / s)).sum(axis=1)


# --- homework 1 --------------------------------------------------------------------------------------

_CDF_CASES = [
    (np.array([-1.0, 0.0, 0.5, 2.0]), np.array([1.0]), np.array([0.0]), np.array([1.0])),
    (np.linspace(-4, 6, 9), np.array([0.3, 0.7]), np.array([-1.0, 2.0]), np.array([0.5, 1.5])),
    (np.array([-60.0, 0.2, 3.0, 80.0]), np.array([0.2, 0.5, 0.3]), np.array([0.0, 1.0, 3.0]), np.array([2.0, 0.3, 1.0])),
]


def check_mixture_cdf(mixture_cdf) -> CheckResult:
    """Check ``mixture_cdf(x, weights, means, sigmas) -> (n,)``, F(x) = sum_j P_j Phi((x - mu_j) / sigma_j).

    Used in homework 1 (``homework/source/hw1_mixture_likelihood``).
    """
    name = "mixture_cdf"
    for x, w, mu, s in _CDF_CASES:
        value, err = call(mixture_cdf, x.copy(), w.copy(), mu.copy(), s.copy())
        got, err = (None, err) if err else as_array(value, x.shape, "one probability per x, shape (n,)")
        if err:
            return report(False, err, name)
        expected = _cdf(x, w, mu, s)
        if _near(got, expected, atol=1e-12):
            continue
        z = (x[:, None] - mu) / s
        if not np.all(np.isfinite(got)):
            hint = f"you returned {got.tolist()} for x = {x.tolist()}: far in the tails F is exactly 0 or 1, never NaN."
        elif _near(got, (w * 0.5 * (1 + erf(z))).sum(1)):
            hint = "erf is not the normal CDF: Phi(z) = (1 + erf(z / sqrt(2))) / 2 (or scipy.special.ndtr(z))."
        elif _near(got, (w * ndtr((x[:, None] - mu) / s ** 2)).sum(1)):
            hint = "sigmas are standard deviations: standardise with (x - mu_j) / sigma_j, not / sigma_j^2."
        elif _near(got, ndtr(z).mean(1)) or _near(got, ndtr(z).sum(1)):
            hint = "weight each component's CDF by its P_j: F(x) = sum_j P_j Phi((x - mu_j) / sigma_j)."
        elif _near(got, (w * np.exp(-z ** 2 / 2) / np.sqrt(2 * np.pi * s ** 2)).sum(1)):
            hint = "that is the density p(x); the CDF is its integral, F(x) = P(X <= x)."
        elif _near(got, 1 - expected):
            hint = "that is P(X > x); the CDF is P(X <= x)."
        else:
            i = int(np.argmax(np.abs(got - expected)))
            hint = f"at x = {x[i]:g} you returned {got[i]:.10g}, expected {expected[i]:.10g}."
        return report(False, hint, name)
    return report(True, "", name)


def _quantile(q, w, mu, s):
    """Reference quantiles: 200 bisection halvings of a bracket 40 sigma beyond the components."""
    lo, hi = np.full(q.shape, np.min(mu - 40 * s)), np.full(q.shape, np.max(mu + 40 * s))
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        below = _cdf(mid, w, mu, s) < q
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    return 0.5 * (lo + hi)


def check_mixture_quantile(mixture_quantile) -> CheckResult:
    """Check ``mixture_quantile(q, weights, means, sigmas) -> (n,)``: the x with F(x) = q, for each q in (0, 1).

    Used in homework 1 (``homework/source/hw1_mixture_likelihood``).
    """
    name = "mixture_quantile"
    cases = [(np.array([0.025, 0.5, 0.975]), np.array([1.0]), np.array([2.0]), np.array([3.0])),
             (np.array([0.1, 0.5, 0.9]), np.array([0.5, 0.5]), np.array([-3.0, 3.0]), np.array([1.0, 1.0])),
             (np.array([1e-9, 0.2, 0.21, 0.999999]), np.array([0.2, 0.8]), np.array([0.0, 10.0]), np.array([0.5, 2.0]))]
    for q, w, mu, s in cases:
        value, err = call(mixture_quantile, q.copy(), w.copy(), mu.copy(), s.copy())
        got, err = (None, err) if err else as_array(value, q.shape, "one x per q, shape (n,)")
        if err:
            return report(False, err, name)
        expected = _quantile(q, w, mu, s)
        if _near(got, expected, rtol=1e-8, atol=1e-8):
            continue
        if _near(got, (w * (mu + s * ndtri(q)[:, None])).sum(1), rtol=1e-6):
            hint = ("the quantile of a mixture is not the weighted average of the components' quantiles: solve "
                    "F(x) = q for x (bisection on your mixture_cdf, or Newton's method).")
        elif np.all(np.isfinite(got)) and np.all(np.abs(_cdf(got, w, mu, s) - q) < 1e-4):
            hint = ("close, but not accurate enough (the tests want x to about 1e-8): keep halving the bracket until "
                    "it is narrower than 1e-10 (about 100 halvings from a bracket 40 sigma wide).")
        else:
            i = int(np.argmax(np.abs(np.nan_to_num(got - expected, nan=np.inf))))
            hint = f"for q = {q[i]:g} you returned {got[i]:.10g}, expected {expected[i]:.10g} (F(x) = q)."
        return report(False, hint, name)
    return report(True, "", name)


def check_diag_log_density(diag_log_density) -> CheckResult:
    """Check ``diag_log_density(X, weights, means, variances) -> (N,)``: log p(x_i) of a diagonal mixture.

    Used in homework 1 (``homework/source/hw1_mixture_likelihood``).
    """
    name = "diag_log_density"
    rng = np.random.default_rng(11)
    cases = [(rng.normal(0, 2, (20, 1)), np.array([0.5, 0.5]), np.array([[0.0], [3.0]]), np.array([[1.0], [0.25]])),
             (rng.normal(0, 1, (30, 3)), np.array([0.2, 0.3, 0.5]), rng.normal(0, 1, (3, 3)),
              np.array([[0.5, 1.0, 2.0], [1.5, 0.3, 1.0], [1.0, 1.0, 0.2]])),
             (np.array([[0.0, 0.0], [60.0, -40.0]]), np.array([0.5, 0.5]), np.array([[0.0, 0.0], [1.0, 1.0]]),
              np.array([[1.0, 1.0], [1.0, 1.0]]))]
    for X, w, mu, var in cases:
        value, err = call(diag_log_density, X.copy(), w.copy(), mu.copy(), var.copy())
        if err:
            return report(False, err, name)
        expected = Mixture(w, mu, var, "diag").log_pdf(X)
        if np.ndim(value) == 0 and value is not None and np.isscalar(value):
            hint = ("you returned one number (the total log L?); return log p(x_i) for every point, an array of "
                    f"shape ({len(X)},).")
            return report(False, hint, name)
        got, err = as_array(value, (len(X),), "log p(x_i) for each point, shape (N,)")
        if err:
            return report(False, err, name)
        if _near(got, expected, rtol=1e-9):
            continue
        d = X.shape[1]

        def variant(v, norm_d):
            a = (np.log(w) - 0.5 * norm_d * np.log(2 * np.pi) - 0.5 * np.log(v).sum(1)
                 - 0.5 * ((X[:, None, :] - mu) ** 2 / v).sum(2))
            m = a.max(1, keepdims=True)
            return m[:, 0] + np.log(np.exp(a - m).sum(1))
        if not np.all(np.isfinite(got)):
            hint = ("you returned -inf or NaN for a point far from every component: each P_j p(x|j) underflows to 0 "
                    "before you add them. Add log P_j + log p(x|j) with log-sum-exp.")
        elif _near(got, np.exp(expected)):
            hint = "those are densities p(x_i); return their logarithms."
        elif d > 1 and _near(got, variant(var, 1)):
            hint = (f"in d = {d} dimensions the normalisation is (2 pi)^(-d/2) prod_k sigma_jk^(-1): each feature "
                    "contributes -1/2 log(2 pi sigma_jk^2).")
        elif _near(got, variant(var ** 2, d)):
            hint = "variances are sigma^2 already: do not square them again."
        elif d > 1 and _near(got, variant(np.repeat(var.mean(1, keepdims=True), d, 1), d)):
            hint = "the variances differ from feature to feature: keep every sigma_jk^2, do not average them."
        else:
            i = int(np.argmax(np.abs(got - expected)))
            hint = f"for point {i} you returned {got[i]:.8g}, expected {expected[i]:.8g}."
        return report(False, hint, name)
    return report(True, "", name)


# --- homework 2 --------------------------------------------------------------------------------------

def _step_cases():
    rng = np.random.default_rng(22)
    X2 = np.vstack([rng.normal(0, [1.0, 0.4], (20, 2)), rng.normal([3, 1], [0.5, 1.5], (15, 2))])
    X3 = rng.normal(0, [0.5, 2.0, 1.0], (25, 3))
    return [(X2, np.array([0.3, -0.2]), np.array([[0.5, 0.0], [2.0, 1.0]]), np.log([[1.2, 0.8], [0.7, 1.5]]), 0.01),
            (X3, np.array([0.0, 0.4, -0.4]), X3[:3] + 0.2, np.log(rng.uniform(0.5, 2.0, (3, 3))), 0.005)]


def check_softmax_descent_step(softmax_descent_step) -> CheckResult:
    """Check ``softmax_descent_step(X, gammas, means, log_sigmas, learning_rate) -> (gammas, means, log_sigmas)``.

    One gradient-descent step on E = -log L for diagonal components, P = softmax(gammas) and sigma_jk =
    exp(log_sigmas_jk). Used in homework 2 (``homework/source/hw2_gradient_descent``).
    """
    name = "softmax_descent_step"
    for X, g, mu, s, lr in _step_cases():
        value, err = call(softmax_descent_step, X.copy(), g.copy(), mu.copy(), s.copy(), lr)
        if err:
            return report(False, err, name)
        if not isinstance(value, (tuple, list)) or len(value) != 3:
            return report(False, "return three things: (gammas, means, log_sigmas) after the step.", name)
        M, d = mu.shape
        parts = []
        for v, shape, what in zip(value, [(M,), (M, d), (M, d)], ["gammas (M,)", "means (M, d)", "log_sigmas (M, d)"]):
            arr, err = as_array(v, shape, what)
            if err:
                return report(False, err, name)
            parts.append(arr)
        G, MU, S = parts
        eg, emu, es = reference_softmax_descent_step(X, g, mu, s, lr)
        if _near(G, eg) and _near(MU, emu) and _near(S, es):
            continue
        var = np.exp(2 * s)
        a = diag_log_joint(X, g - logsumexp(g), mu, var)
        R = np.exp(a - logsumexp(a, axis=1, keepdims=True))
        Nj, sq = R.sum(0), (X[:, None, :] - mu) ** 2
        sequential = [reference_softmax_descent_step(X, g_, emu, s, lr)[2] for g_ in (g, eg)]   # s after the new means
        sequential.append(s - lr * (Nj[:, None] - np.einsum("nm,nmd->md", R, (X[:, None, :] - emu) ** 2) / var))
        if _near(G, 2 * g - eg) and _near(MU, 2 * mu - emu) and _near(S, 2 * s - es):
            hint = "every parameter moved uphill: a descent step subtracts the gradient, theta - eta * dE/dtheta."
        elif len(X) > 1 and _near(G, g + (eg - g) / len(X)) and _near(MU, mu + (emu - mu) / len(X)):
            hint = ("that step follows the gradient of the error per sample, E / N; E = -log L is the total, so "
                    "every gradient is a sum over the points, not a mean.")
        elif _near(G, eg) and _near(MU, emu) and any(_near(S, seq) for seq in sequential):
            hint = ("your log_sigmas used the new means (and weights): take every gradient at the current "
                    "parameters, all three before you update any.")
        elif not _near(G, eg):
            hint = ("the gammas are off. The softmax couples the weights: dE/dgamma_j = N P_j - N_j (not -N_j alone)."
                    if _near(G, g + lr * Nj) else "the gammas are off: dE/dgamma_j = N P_j - N_j with N_j = sum_i r_ij.")
        elif not _near(MU, emu):
            hint = ("the means moved away from their data (slide 9's sign): dE/dmu_jk = sum_i r_ij (mu_jk - x_ik) / "
                    "sigma_jk^2." if _near(MU, mu - lr * (R.T @ X - Nj[:, None] * mu) / var)
                    else "the means are off: dE/dmu_jk = sum_i r_ij (mu_jk - x_ik) / sigma_jk^2, feature by feature.")
        elif _near(S, s - lr * (d * Nj[:, None] - (np.einsum("nm,nmd->md", R, sq) / var).sum(1, keepdims=True))):
            hint = ("that is the spherical formula (a sum over the features, times d): here every feature has its own "
                    "width, dE/ds_jk = sum_i r_ij (1 - (x_ik - mu_jk)^2 / sigma_jk^2).")
        elif _near(S, s - lr * (Nj[:, None] / np.exp(s) - np.einsum("nm,nmd->md", R, sq) / np.exp(3 * s))):
            hint = ("that is dE/dsigma_jk; the parameter is s_jk = log sigma_jk, so multiply by dsigma/ds = sigma_jk "
                    "(chain rule): dE/ds_jk = sum_i r_ij (1 - (x_ik - mu_jk)^2 / sigma_jk^2).")
        else:
            hint = "the log_sigmas are off: dE/ds_jk = sum_i r_ij (1 - (x_ik - mu_jk)^2 / sigma_jk^2)."
        return report(False, hint, name)
    return report(True, "", name)


def check_descent_energies(descent_energies) -> CheckResult:
    """Check ``descent_energies(X, gammas, means, log_sigmas, learning_rate, n_steps) -> (n_steps + 1,)``.

    E = -log L (total) before the first step and after each safeguarded step (a step that would raise E is halved
    until it does not). Used in homework 2 (``homework/source/hw2_gradient_descent``).
    """
    name = "descent_energies"
    for (X, g, mu, s, _), lr, n_steps in zip(_step_cases(), (0.01, 3.0), (6, 5)):
        value, err = call(descent_energies, X.copy(), g.copy(), mu.copy(), s.copy(), lr, n_steps)
        got, err = (None, err) if err else as_array(value, (n_steps + 1,), f"{n_steps + 1} energies (the start and "
                                                                            f"after each of {n_steps} steps)")
        if err:
            return report(False, err, name)
        expected = reference_descent_energies(X, g, mu, s, lr, n_steps)
        if _near(got, expected, rtol=1e-8):
            continue
        plain, params = [descent_energy(X, g, mu, s)], (g, mu, s)
        for _ in range(n_steps):
            params = reference_softmax_descent_step(X, *params, lr)
            plain.append(descent_energy(X, *params))
        offset = 0.5 * X.size * np.log(2 * np.pi)            # N d/2 log(2 pi): the Gaussian's constant, all points
        if _near(got, -expected, rtol=1e-8):
            hint = "the sign is flipped: E = -log L (gradient descent lowers E)."
        elif np.allclose(got, expected - offset, rtol=1e-8) or np.allclose(got, expected + offset, rtol=1e-8):
            hint = ("your E misses (or doubles) the constant N d/2 log(2 pi): E = -log L is the full error, each point "
                    "and feature contributing 1/2 log(2 pi sigma_jk^2) through the normalisation.")
        elif _near(got, expected / len(X), rtol=1e-8):
            hint = "that is E per sample; return the total E = -sum_i log p(x_i)."
        elif np.allclose(got, plain, rtol=1e-8, equal_nan=True):
            hint = ("those are plain steps at a fixed rate: a step that raises E must not be taken; halve the rate "
                    "and try again from the same parameters.")
        elif np.any(np.diff(got) > 0):
            hint = "your E went up: never take a step that raises E (halve the rate and retry)."
        elif n_steps and np.allclose(got, got[0]):
            hint = "your energies never change: update the parameters after each accepted step."
        elif not _near(got[0], expected[0], rtol=1e-8):
            hint = (f"entry 0 is E = -log L at the starting parameters, before any step: you returned {got[0]:.6g}, "
                    f"expected {expected[0]:.6g}. Check your E (the total -log L, normalisation included).")
        else:
            hint = (f"you returned {np.round(got[:4], 4).tolist()}..., expected {np.round(expected[:4], 4).tolist()}... "
                    "Is the halved rate kept for the later steps (not reset)?")
        return report(False, hint, name)
    return report(True, "", name)
