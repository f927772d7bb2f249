"""Public checks of lesson 4 (the E and M steps) and homework 2 (the EM loop)."""
from __future__ import annotations

import numpy as np

from ..._numerics import softmax_rows
from ...em import m_step as engine_m_step
from ...em import run_em
from ...mixture import Mixture
from ._common import CheckResult, as_array, call, report


# --- lesson 4 ----------------------------------------------------------------------------------------

def _name(func, default):
    """The student's function name for the report (``my_e_step`` in lesson 4, ``e_step`` in homework 2)."""
    name = getattr(func, "__name__", "")
    return name if name.isidentifier() else default


def _e_step_cases():
    rng = np.random.default_rng(4)
    X1 = np.vstack([rng.normal(0, 1, (20, 2)), rng.normal(2, 0.5, (15, 2))])     # overlapping: no r_ij is 0 or 1
    X3 = rng.normal(0, 1, (30, 3))
    far = np.array([[0.0, 0.0], [40.0, 40.0], [-35.0, 5.0]])
    return [
        (X1, np.array([0.5, 0.5]), np.array([[0.0, 0.0], [2.0, 2.0]]), np.array([1.0, 0.25])),
        (X3, np.array([0.2, 0.3, 0.5]), rng.normal(0, 1, (3, 3)), np.array([0.5, 1.0, 2.0])),
        (far, np.array([0.5, 0.5]), np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([1.0, 1.0])),
    ]


def _e_step_slips(X, w, mu, var):
    """The classic wrong E steps (finite, rows summing to 1), each with its hint, in the order they are tried."""
    d = X.shape[1]
    sq = ((X[:, None, :] - mu) ** 2).sum(-1)                                  # |x_i - mu_j|^2, (N, M)

    def resp(log_w=np.log(w), power=d / 2, variances=var, factor=0.5):
        return softmax_rows(log_w - power * np.log(2 * np.pi * variances) - factor * sq / variances)

    spherical = ("Check p(x|j) for the spherical model: p(x|j) = (2 pi sigma_j^2)^(-d/2) exp(-|x - mu_j|^2 / "
                 "(2 sigma_j^2)), and the variances you are given are sigma_j^2 already (no square, no square root).")
    return [
        (resp(power=0.5),
         f"you used the 1-D normalisation (2 pi sigma_j^2)^(-1/2). Here d = {d}: a spherical Gaussian in d dimensions "
         "is a product of d 1-D Gaussians, so its normalisation is (2 pi sigma_j^2)^(-d/2) and log p(x|j) contains "
         "-(d/2) log(2 pi sigma_j^2). With different variances this does not cancel between components."),
        (resp(power=0.0),
         f"the normalisation (2 pi sigma_j^2)^(-d/2) matters here (d = {d}): components with different "
         "variances have different heights, so it does not cancel between components."),
        (resp(factor=1.0), "the exponent is -|x - mu_j|^2 / (2 sigma_j^2): check the factor 2 (slide 3 drops it)."),
        (softmax_rows(np.log(w) - d * np.log(var) - 0.5 * sq / var),                 # d log v (or d log 2 pi v)
         f"the normalisation has the wrong power: you wrote d log sigma_j^2 (d = {d}), but the variances you are given "
         "are sigma_j^2 already, so log p(x|j) contains -(d/2) log(2 pi sigma_j^2): half of d, times the log of the "
         "variance."),
        (resp(log_w=0.0), "the weights P_j are missing: r_ij is proportional to P_j p(x_i|j), prior times density."),
        (resp(variances=var ** 2), spherical),
        (resp(variances=np.sqrt(var)), spherical),
    ]


def check_e_step(e_step) -> CheckResult:
    """Check ``e_step(X, weights, means, variances) -> resp (N, M)`` for the spherical model.

    ``variances`` are sigma_j^2. Recognises NaN from underflow (no log-sum-exp), rows that do not
    sum to 1 (or columns that do), the 1-D normalisation (2 pi sigma^2)^(-1/2) in d dimensions, no
    normalisation, a missing factor 2, d log sigma^2 for (d/2) log(2 pi sigma^2), missing weights, and
    variances squared or square-rooted. Otherwise it names the responsibility that is most wrong. The report carries the function's own name (``my_e_step`` in lesson 4).
    Introduced in ``notebooks/04_em_algorithm.ipynb``.
    """
    name = _name(e_step, "e_step")
    for X, w, mu, var in _e_step_cases():
        value, err = call(e_step, X.copy(), w.copy(), mu.copy(), var.copy())
        if err:
            return report(False, err, name)
        got, err = as_array(value, (len(X), len(w)), "responsibilities of shape (N, M)")
        if err:
            return report(False, err, name)
        expected = Mixture(w, mu, var).responsibilities(X)
        if np.allclose(got, expected, atol=1e-8):
            continue
        if not np.all(np.isfinite(got)):
            hint = ("you returned NaN or inf. For a point far from every component each P_j p(x|j) underflows to 0, "
                    "and 0/0 = NaN. Work with logs: a_ij = log P_j + log p(x_i|j), subtract the row maximum, then "
                    "exponentiate and normalise (log-sum-exp).")
        elif np.allclose(got.sum(axis=0), 1.0, atol=1e-6) and not np.allclose(got.sum(axis=1), 1.0, atol=1e-6):
            hint = ("you normalised over the points (each column sums to 1), but each row must sum to 1: the "
                    "responsibilities of one point x_i are shared among the components, r_ij = P_j p(x_i|j) / p(x_i).")
        elif not np.allclose(got.sum(axis=1), 1.0, atol=1e-6):
            hint = "each row must sum to 1: divide P_j p(x_i|j) by p(x_i) = sum_j P_j p(x_i|j)."
        else:
            hint = next((h for slip, h in _e_step_slips(X, w, mu, var) if np.allclose(got, slip, atol=1e-8)), None)
            if hint is None:
                hint = _worst_entry(got, expected) + " Check p(x|j) for the spherical model."
        return report(False, hint, name)
    return report(True, "", name)


def _worst_entry(got, expected):
    """The most wrong responsibility, in words. (The first case has overlapping clusters, so a wrong
    normalisation moves some r_ij far from 0 and 1, where the error is plain to see; near 1, 1 - r is
    shown too, so that 0.999999 against 0.999996 does not look like rounding.)"""
    i, j = np.unravel_index(int(np.argmax(np.abs(got - expected))), got.shape)
    text = f"P({j + 1} | x_{i + 1}) is {got[i, j]:.6g}, expected {expected[i, j]:.6g}"
    if expected[i, j] > 0.99:
        text += f" (1 - P is {1 - got[i, j]:.3g}, expected {1 - expected[i, j]:.3g})"
    return text + "."


def check_m_step(m_step) -> CheckResult:
    """Check ``m_step(X, resp) -> (weights, means, variances)`` for the spherical model.

    Recognises N_j for P_j, sums over the wrong axis, slide 13's factor N in the means and the
    variances, division by N instead of N_j, a missing 1/d, standard deviations for variances, the
    uncentred <x^2> - <x>^2 on data far from the origin, and the spread around the wrong centre.
    The report carries the function's own name (``my_m_step`` in lesson 4).
    Introduced in ``notebooks/04_em_algorithm.ipynb``.
    """
    name = _name(m_step, "m_step")
    rng = np.random.default_rng(5)
    X1 = np.vstack([rng.normal(0, 1, (25, 2)), rng.normal(3, 0.5, (15, 2))])
    R1 = Mixture([0.5, 0.5], [[0.0, 0.0], [3.0, 3.0]], [1.0, 0.5]).responsibilities(X1)
    X2 = rng.normal(0, 1, (30, 3))
    R2 = rng.dirichlet(np.ones(3), size=30)
    X3 = X1 + 1e8                                                   # far from the origin
    for X, R in [(X1, R1), (X2, R2), (X3, R1)]:
        value, err = call(m_step, X.copy(), R.copy())
        if err:
            return report(False, err, name)
        if not isinstance(value, (tuple, list)) or len(value) != 3:
            return report(False, "return three things: (weights, means, variances).", name)
        N, d = X.shape
        n_components = R.shape[1]
        parts = []
        for v, shape, what in zip(value, [(n_components,), (n_components, d), (n_components,)], ["weights (M,)", "means (M, d)", "variances (M,)"]):
            arr, err = as_array(v, shape, what)
            if err and shape == (n_components,) and np.shape(v) == (N,):
                err += (" You summed resp over the components (axis=1), which gives 1 per point; N_j is the sum "
                        "over the points, resp.sum(axis=0).")
            if err:
                return report(False, err, name)
            parts.append(arr)
        w, mu, var = parts
        ref = engine_m_step(X, R, "spherical", 0.0)
        Nj = R.sum(axis=0)
        if not np.allclose(w, ref.weights, rtol=1e-7):
            if np.allclose(w, Nj):
                hint = "the weights must be P_j = N_j / N with N_j = sum_i r_ij (they sum to 1)."
            else:
                hint = (f"weights: you returned {np.round(w, 4).tolist()}, expected "
                        f"{np.round(ref.weights, 4).tolist()} (P_j = N_j / N).")
            return report(False, hint, name)
        if not np.allclose(mu, ref.means, rtol=1e-7, atol=1e-9 * np.abs(X).max()):
            if np.allclose(mu, ref.means * N, rtol=1e-6):
                hint = ("your means are N times too large: that is slide 13's slip (dividing by P_j). Divide by "
                        "N_j = sum_i r_ij = N P_j.")
            elif np.allclose(mu, ref.means * ref.weights[:, None], rtol=1e-6):
                hint = ("your means are P_j times too small: you divided sum_i r_ij x_i by N. Divide by the "
                        "component's own effective count N_j = sum_i r_ij.")
            else:
                hint = "mu_j = sum_i r_ij x_i / N_j: a responsibility-weighted average of the points."
            return report(False, hint, name)
        if not np.allclose(var, ref.covariances, rtol=1e-6):
            if np.allclose(var, ref.covariances * d, rtol=1e-6):
                hint = f"your variances are d = {d} times too large: the spherical model divides by d N_j (slide 13's 1/d)."
            elif np.allclose(var, ref.covariances * N, rtol=1e-6):
                hint = "your variances are N times too large (slide 13's slip): divide by d N_j, not by d P_j."
            elif np.allclose(var, ref.covariances * ref.weights, rtol=1e-6):
                hint = "your variances are P_j times too small: divide by d N_j (the component's own count), not by d N."
            elif np.allclose(var, np.sqrt(ref.covariances), rtol=1e-6):
                hint = ("you returned the standard deviations sigma_j; return the variances sigma_j^2 = "
                        "sum_i r_ij |x_i - mu_j|^2 / (d N_j).")
            elif np.abs(X).max() > 1e6:
                hint = ("right on data near 0, wrong on data near 1e8: <x^2> - <x>^2 cancels catastrophically far from "
                        "the origin. Compute the spread around the mean: sum_i r_ij |x_i - mu_j|^2 / (d N_j).")
            else:
                hint = "sigma_j^2 = sum_i r_ij |x_i - mu_j|^2 / (d N_j), with the new mean mu_j."
            return report(False, hint, name)
    return report(True, "", name)


def check_em_loop(em_loop) -> CheckResult:
    """Check ``em_loop(X, weights, means, variances, n_iter) -> log_likelihoods (n_iter + 1,)`` (spherical EM).

    Entry t is log L of the parameters after t iterations (entry 0: the start). Used in homework 2.
    """
    name = "em_loop"
    rng = np.random.default_rng(6)
    X = np.vstack([rng.normal(0, 1, (40, 2)), rng.normal(4, 0.6, (30, 2))])
    w, mu, var = np.array([0.5, 0.5]), np.array([[1.0, 0.0], [2.0, 3.0]]), np.array([2.0, 2.0])
    value, err = call(em_loop, X.copy(), w.copy(), mu.copy(), var.copy(), 10)
    if err:
        return report(False, err, name)
    got, err = as_array(value, (11,), "11 log-likelihoods (the start and after each of 10 iterations)")
    if err:
        return report(False, err, name)
    expected = run_em(X, Mixture(w, mu, var), max_iter=10, tol=0.0, reg_covar=0.0).log_likelihoods
    if np.allclose(got, expected, rtol=1e-8):
        return report(True, "", name)
    if np.allclose(got[:-1], expected[1:], rtol=1e-8):
        hint = "your list is shifted by one: entry 0 must be log L of the starting parameters, before any M step."
    elif np.allclose(got[1:], expected[:-1], rtol=1e-8):
        hint = ("your list lags by one: entry t must be log L of the parameters after t M steps, so entry 1 is "
                "already after the first M step (you record the start twice).")
    elif np.any(np.diff(got) < -1e-6):
        hint = "your log-likelihood goes down at some iteration: EM never does that. Check the M step (new mean, 1/(d N_j))."
    else:
        hint = f"you returned {np.round(got[:3], 3).tolist()}..., expected {np.round(expected[:3], 3).tolist()}..."
    return report(False, hint, name)
