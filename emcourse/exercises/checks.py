"""Student-facing exercise checks (beside floor 3: the engine and methods, no plotting, no widgets).

Each ``check_*`` calls the student's *function* on small cases, prints a concrete hint on the first
failure, and on success prints "public checks passed" (never "all tests passed": graded tests may
differ). A function that still raises ``NotImplementedError`` is reported as not yet implemented.
Each returns a :class:`CheckResult`, which is truthy when the checks passed.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..em import m_step as engine_m_step
from ..em import run_em
from .._numerics import softmax_rows
from ..mixture import Mixture

PASSED = "public checks passed"


@dataclass(frozen=True)
class CheckResult:
    """Outcome of a check: ``passed`` and the ``message`` that was printed.

    Introduced in ``notebooks/01_mixture_densities.ipynb`` (every exercise's check returns one).
    """

    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed


def _report(passed: bool, message: str, name: str) -> CheckResult:
    text = f"{name}: {PASSED}" if passed else f"{name}: {message}"
    print(("✓ " if passed else "✗ ") + text)
    return CheckResult(passed, text)


def _call(func, *args):
    """Call the student's function; return (value, None) or (None, message)."""
    try:
        return func(*args), None
    except NotImplementedError:
        return None, "not yet implemented (the function still raises NotImplementedError). Write it, run its cell, then run this check again."
    except Exception as exc:  # a student's bug: say what it was, do not crash the notebook
        return None, f"your function raised {type(exc).__name__}: {exc}"


def _as_array(value, shape, what):
    if value is None:
        return None, f"your function returned None; it should return {what}."
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None, f"your function returned {type(value).__name__}, not {what}."
    if arr.shape != shape:
        return None, f"your function returned shape {arr.shape}; expected {shape} ({what})."
    return arr, None


def _mix1d(weights, means, sigmas) -> Mixture:
    return Mixture(weights, np.asarray(means, float)[:, None], np.asarray(sigmas, float) ** 2)


# --- lesson 1 ----------------------------------------------------------------------------------------

_PDF_CASES = [
    (np.array([0.0, 1.0, -2.5]), np.array([1.0]), np.array([0.0]), np.array([1.0])),
    (np.linspace(-4, 6, 11), np.array([0.3, 0.7]), np.array([-1.0, 2.0]), np.array([0.5, 1.5])),
    (np.array([0.2, 3.0]), np.array([0.2, 0.5, 0.3]), np.array([0.0, 1.0, 3.0]), np.array([2.0, 0.3, 1.0])),
]


def check_mixture_pdf(mixture_pdf) -> CheckResult:
    """Check ``mixture_pdf(x, weights, means, sigmas) -> (n,)``, the 1-D mixture density.

    Introduced in ``notebooks/01_mixture_densities.ipynb``.
    """
    name = "mixture_pdf"
    for x, w, mu, s in _PDF_CASES:
        value, err = _call(mixture_pdf, x.copy(), w.copy(), mu.copy(), s.copy())
        if err:
            return _report(False, err, name)
        got, err = _as_array(value, x.shape, "one density value per x, an array of shape (n,)")
        if err:
            return _report(False, err, name)
        expected = _mix1d(w, mu, s).pdf(x[:, None])
        if np.allclose(got, expected, rtol=1e-7, atol=1e-12):
            continue
        z2 = (x[:, None] - mu) ** 2
        slide3 = (w * np.exp(-z2 / s ** 2)).sum(1)
        no_norm = (w * np.exp(-z2 / (2 * s ** 2))).sum(1)
        no_two = (w * np.exp(-z2 / s ** 2) / np.sqrt(2 * np.pi * s ** 2)).sum(1)
        var_for_sd = (w * np.exp(-z2 / (2 * s ** 4)) / np.sqrt(2 * np.pi * s ** 4)).sum(1)
        sd_as_var = (w * np.exp(-z2 / (2 * s)) / np.sqrt(2 * np.pi * s)).sum(1)
        if np.allclose(got, slide3):
            hint = "this is slide 3's formula: it has no normalisation 1/sqrt(2 pi sigma^2) and no factor 2 in 2 sigma^2."
        elif np.allclose(got, no_norm):
            hint = "each Gaussian needs its normalisation 1/sqrt(2 pi sigma_j^2), or the total area is not 1."
        elif np.allclose(got, no_two):
            hint = "the exponent is -(x - mu_j)^2 / (2 sigma_j^2): check the factor 2."
        elif np.allclose(got, var_for_sd) or np.allclose(got, sd_as_var):
            hint = "sigmas are standard deviations: the variance is sigma_j**2 (use it in the exponent and the normalisation)."
        else:
            i = int(np.argmax(np.abs(got - expected)))
            hint = (f"with weights={w.tolist()}, means={mu.tolist()}, sigmas={s.tolist()} at x={x[i]:g} you returned "
                    f"{got[i]:.6g}, expected {expected[i]:.6g}. Sum P_j * N(x | mu_j, sigma_j^2) over j.")
        return _report(False, hint, name)
    return _report(True, "", name)


# --- lesson 2 ----------------------------------------------------------------------------------------

def check_log_likelihood(log_likelihood) -> CheckResult:
    """Check ``log_likelihood(x, weights, means, sigmas) -> float``, total log L of 1-D data.

    It must work for 2,000 points, where the product of densities underflows to 0.
    Introduced in ``notebooks/02_likelihood.ipynb``.
    """
    name = "log_likelihood"
    rng = np.random.default_rng(2)
    small = np.array([0.0, 1.0, 2.5])
    big = rng.normal(0.0, 1.0, 2000) * 3
    far = np.array([0.0, 60.0])
    cases = [(small, [1.0], [0.0], [1.0]), (small, [0.4, 0.6], [0.0, 2.0], [1.0, 0.5]),
             (big, [0.5, 0.5], [-2.0, 2.0], [1.0, 2.0]), (far, [0.5, 0.5], [0.0, 1.0], [1.0, 1.0])]
    for x, w, mu, s in cases:
        w, mu, s = (np.asarray(v, float) for v in (w, mu, s))
        value, err = _call(log_likelihood, x.copy(), w.copy(), mu.copy(), s.copy())
        if err:
            return _report(False, err, name)
        try:
            got = float(value)
        except (TypeError, ValueError):
            return _report(False, f"your function returned {value!r}; it should return one number (a float).", name)
        expected = _mix1d(w, mu, s).log_likelihood(x[:, None])
        if np.isclose(got, expected, rtol=1e-8):
            continue
        if not np.isfinite(got) and x.size > 100:
            hint = (f"you returned {got} for {x.size} points (expected {expected:.4f}). The product of many densities "
                    "underflows to 0 and log(0) = -inf: add up log p(x_i) instead of multiplying the p(x_i).")
        elif not np.isfinite(got) and np.abs(x).max() < 50:
            hint = (f"you returned {got} for the points {x.tolist()} (expected {expected:.4f}): a NaN or inf where every "
                    "density is ordinary. Check for a log of 0 or a division by 0.")
        elif not np.isfinite(got):
            hint = (f"you returned {got} for the points {x.tolist()} (expected {expected:.4f}). The point at 60 is so "
                    "far from both components that each P_j p(x|j) underflows to 0 before you add them. Compute "
                    "log P_j + log p(x|j) for every j and combine them with log-sum-exp (np.logaddexp.reduce, or the "
                    "max trick: m + log sum_j exp(a_j - m)).")
        elif np.isclose(got, -expected, rtol=1e-8):
            hint = "the sign is flipped: that is E = -log L. Return log L itself."
        elif np.isclose(got, expected / x.size, rtol=1e-8):
            hint = "that is the average per point; return the total sum over all points."
        else:
            hint = f"for {x.size} points you returned {got:.6g}, expected {expected:.6g}."
        return _report(False, hint, name)
    return _report(True, "", name)


# --- lesson 3 ----------------------------------------------------------------------------------------

def check_mean_gradient(grad_means) -> CheckResult:
    """Check ``grad_means(x, weights, means, sigmas) -> (K,)``: dE/dmu_j for 1-D data, E = -log L.

    Introduced in ``notebooks/03_gradient_descent.ipynb``.
    """
    name = "grad_means"
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.normal(-2, 1, 40), rng.normal(2, 0.7, 30)])
    cases = [([1.0], [0.5], [1.2]), ([0.4, 0.6], [-1.0, 1.5], [1.0, 0.5]), ([0.2, 0.3, 0.5], [-3.0, 0.0, 2.5], [0.6, 1.0, 0.8])]
    for w, mu, s in cases:
        w, mu, s = (np.asarray(v, float) for v in (w, mu, s))
        value, err = _call(grad_means, x.copy(), w.copy(), mu.copy(), s.copy())
        if err:
            return _report(False, err, name)
        got, err = _as_array(value, mu.shape, "one derivative per component, shape (K,)")
        if err:
            return _report(False, err, name)
        resp = _mix1d(w, mu, s).responsibilities(x[:, None])
        diff = mu[None, :] - x[:, None]
        expected = (resp * diff).sum(0) / s ** 2
        if np.allclose(got, expected, rtol=1e-6, atol=1e-9):
            continue
        if np.allclose(got, -expected, rtol=1e-6):
            hint = ("the sign is flipped (as on slide 9): a descent step mu - eta * dE/dmu would move each mean away "
                    "from its data. dE/dmu_j = sum_i P(j|x_i) (mu_j - x_i) / sigma_j^2.")
        elif np.allclose(got, -(resp * np.abs(diff)).sum(0) / s, rtol=1e-6):
            hint = ("that is slide 8's last line: it uses the distance |x_i - mu_j| instead of the signed difference, "
                    "and sigma instead of sigma_j^2. dE/dmu_j = sum_i P(j|x_i) (mu_j - x_i) / sigma_j^2.")
        elif np.allclose(got, (resp * diff).sum(0) / s, rtol=1e-6) or np.allclose(got, -(resp * diff).sum(0) / s, rtol=1e-6):
            hint = "divide by the variance sigma_j^2, not by sigma (slide 8's slip)."
        elif np.allclose(np.abs(got), (resp * np.abs(diff)).sum(0) / s ** 2, rtol=1e-6):
            hint = "use the signed difference (mu_j - x_i), not the distance |x_i - mu_j|: points on both sides must pull."
        else:
            hint = (f"for weights={w.tolist()}, means={mu.tolist()}, sigmas={s.tolist()} you returned "
                    f"{np.round(got, 4).tolist()}, expected {np.round(expected, 4).tolist()}. Compare with finite "
                    "differences of E.")
        return _report(False, hint, name)
    return _report(True, "", name)


# --- lesson 4 ----------------------------------------------------------------------------------------

def _e_step_cases():
    rng = np.random.default_rng(4)
    X1 = np.vstack([rng.normal(0, 1, (20, 2)), rng.normal(4, 0.5, (15, 2))])
    X3 = rng.normal(0, 1, (30, 3))
    far = np.array([[0.0, 0.0], [40.0, 40.0], [-35.0, 5.0]])
    return [
        (X1, np.array([0.5, 0.5]), np.array([[0.0, 0.0], [4.0, 4.0]]), np.array([1.0, 0.25])),
        (X3, np.array([0.2, 0.3, 0.5]), rng.normal(0, 1, (3, 3)), np.array([0.5, 1.0, 2.0])),
        (far, np.array([0.5, 0.5]), np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([1.0, 1.0])),
    ]


def check_e_step(e_step) -> CheckResult:
    """Check ``e_step(X, weights, means, variances) -> resp (N, M)`` for the spherical model.

    Introduced in ``notebooks/04_em_algorithm.ipynb``.
    """
    name = "e_step"
    for X, w, mu, var in _e_step_cases():
        value, err = _call(e_step, X.copy(), w.copy(), mu.copy(), var.copy())
        if err:
            return _report(False, err, name)
        got, err = _as_array(value, (len(X), len(w)), "responsibilities of shape (N, M)")
        if err:
            return _report(False, err, name)
        expected = Mixture(w, mu, var).responsibilities(X)
        if np.allclose(got, expected, atol=1e-8):
            continue
        d = X.shape[1]
        a = np.log(w) - 0.5 * ((X[:, None, :] - mu) ** 2).sum(-1) / var           # no (2 pi sigma^2)^(-d/2)
        no_norm = softmax_rows(a)
        if not np.all(np.isfinite(got)):
            hint = ("you returned NaN or inf. For a point far from every component each P_j p(x|j) underflows to 0, "
                    "and 0/0 = NaN. Work with logs: a_ij = log P_j + log p(x_i|j), subtract the row maximum, then "
                    "exponentiate and normalise (log-sum-exp).")
        elif not np.allclose(got.sum(axis=1), 1.0, atol=1e-6):
            hint = "each row must sum to 1: divide P_j p(x_i|j) by p(x_i) = sum_j P_j p(x_i|j)."
        elif np.allclose(got, no_norm, atol=1e-8):
            hint = (f"the normalisation (2 pi sigma_j^2)^(-d/2) matters here (d = {d}): components with different "
                    "variances have different heights, so it does not cancel between components.")
        else:
            i, j = np.unravel_index(int(np.argmax(np.abs(got - expected))), got.shape)
            hint = f"P({j + 1} | x_{i}) is {got[i, j]:.6g}, expected {expected[i, j]:.6g}. Check p(x|j) for the spherical model."
        return _report(False, hint, name)
    return _report(True, "", name)


def check_m_step(m_step) -> CheckResult:
    """Check ``m_step(X, resp) -> (weights, means, variances)`` for the spherical model.

    Introduced in ``notebooks/04_em_algorithm.ipynb``.
    """
    name = "m_step"
    rng = np.random.default_rng(5)
    X1 = np.vstack([rng.normal(0, 1, (25, 2)), rng.normal(3, 0.5, (15, 2))])
    R1 = Mixture([0.5, 0.5], [[0.0, 0.0], [3.0, 3.0]], [1.0, 0.5]).responsibilities(X1)
    X2 = rng.normal(0, 1, (30, 3))
    R2 = rng.dirichlet(np.ones(3), size=30)
    X3 = X1 + 1e8                                                   # far from the origin
    for X, R in [(X1, R1), (X2, R2), (X3, R1)]:
        value, err = _call(m_step, X.copy(), R.copy())
        if err:
            return _report(False, err, name)
        if not isinstance(value, (tuple, list)) or len(value) != 3:
            return _report(False, "return three things: (weights, means, variances).", name)
        N, d = X.shape
        n_components = R.shape[1]
        parts = []
        for v, shape, what in zip(value, [(n_components,), (n_components, d), (n_components,)], ["weights (M,)", "means (M, d)", "variances (M,)"]):
            arr, err = _as_array(v, shape, what)
            if err:
                return _report(False, err, name)
            parts.append(arr)
        w, mu, var = parts
        ref = engine_m_step(X, R, "spherical", 0.0)
        Nj = R.sum(axis=0)
        if not np.allclose(w, ref.weights, rtol=1e-7):
            hint = ("the weights must be P_j = N_j / N with N_j = sum_i r_ij (they sum to 1)."
                    if np.allclose(w, Nj) else f"weights: you returned {np.round(w, 4).tolist()}, expected "
                    f"{np.round(ref.weights, 4).tolist()} (P_j = N_j / N).")
            return _report(False, hint, name)
        if not np.allclose(mu, ref.means, rtol=1e-7, atol=1e-9 * np.abs(X).max()):
            if np.allclose(mu, ref.means * N, rtol=1e-6):
                hint = ("your means are N times too large: that is slide 13's slip (dividing by P_j). Divide by "
                        "N_j = sum_i r_ij = N P_j.")
            else:
                hint = "mu_j = sum_i r_ij x_i / N_j: a responsibility-weighted average of the points."
            return _report(False, hint, name)
        if not np.allclose(var, ref.covariances, rtol=1e-6):
            if np.allclose(var, ref.covariances * d, rtol=1e-6):
                hint = f"your variances are d = {d} times too large: the spherical model divides by d N_j (slide 13's 1/d)."
            elif np.allclose(var, ref.covariances * N, rtol=1e-6):
                hint = "your variances are N times too large (slide 13's slip): divide by d N_j, not by d P_j."
            elif np.abs(X).max() > 1e6:
                hint = ("right on data near 0, wrong on data near 1e8: <x^2> - <x>^2 cancels catastrophically far from "
                        "the origin. Compute the spread around the mean: sum_i r_ij |x_i - mu_j|^2 / (d N_j).")
            else:
                hint = "sigma_j^2 = sum_i r_ij |x_i - mu_j|^2 / (d N_j), with the new mean mu_j."
            return _report(False, hint, name)
    return _report(True, "", name)


def check_em_loop(em_loop) -> CheckResult:
    """Check ``em_loop(X, weights, means, variances, n_iter) -> log_likelihoods (n_iter + 1,)`` (spherical EM).

    Entry t is log L of the parameters after t iterations (entry 0: the start). Used in homework 2.
    """
    name = "em_loop"
    rng = np.random.default_rng(6)
    X = np.vstack([rng.normal(0, 1, (40, 2)), rng.normal(4, 0.6, (30, 2))])
    w, mu, var = np.array([0.5, 0.5]), np.array([[1.0, 0.0], [2.0, 3.0]]), np.array([2.0, 2.0])
    value, err = _call(em_loop, X.copy(), w.copy(), mu.copy(), var.copy(), 10)
    if err:
        return _report(False, err, name)
    got, err = _as_array(value, (11,), "11 log-likelihoods (the start and after each of 10 iterations)")
    if err:
        return _report(False, err, name)
    expected = run_em(X, Mixture(w, mu, var), max_iter=10, tol=0.0, reg_covar=0.0).log_likelihoods
    if np.allclose(got, expected, rtol=1e-8):
        return _report(True, "", name)
    if np.allclose(got[:-1], expected[1:], rtol=1e-8):
        hint = "your list is shifted by one: entry 0 must be log L of the starting parameters, before any M step."
    elif np.allclose(got[1:], expected[:-1], rtol=1e-8):
        hint = ("your list lags by one: entry t must be log L of the parameters after t M steps, so entry 1 is "
                "already after the first M step (you record the start twice).")
    elif np.any(np.diff(got) < -1e-6):
        hint = "your log-likelihood goes down at some iteration: EM never does that. Check the M step (new mean, 1/(d N_j))."
    else:
        hint = f"you returned {np.round(got[:3], 3).tolist()}..., expected {np.round(expected[:3], 3).tolist()}..."
    return _report(False, hint, name)


# --- lesson 6 / homework 3 ------------------------------------------------------------------------------

def check_welford(welford) -> CheckResult:
    """Check ``welford(stream) -> (means, variances)``: running mean and ML variance after each sample.

    Used in ``notebooks/06_online_updates.ipynb`` and homework 3.
    """
    name = "welford"
    toy = np.array([2.0, 4, 4, 4, 5, 5, 7, 9])
    far = np.random.default_rng(7).normal(0, 1, 200) + 1e9
    for stream in (toy, far):
        value, err = _call(welford, stream.copy())
        if err:
            return _report(False, err, name)
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            return _report(False, "return two arrays: (means, variances), one entry per sample.", name)
        means, err = _as_array(value[0], stream.shape, "running means, one per sample")
        if err:
            return _report(False, err, name)
        var, err = _as_array(value[1], stream.shape, "running variances, one per sample")
        if err:
            return _report(False, err, name)
        n = np.arange(1, stream.size + 1)
        exp_mean = np.cumsum(stream - stream[0]) / n + stream[0]
        exp_var = np.array([np.var(stream[:k]) for k in n])
        if not np.allclose(means, exp_mean, rtol=1e-12, atol=1e-9):
            return _report(False, "the running means are off: mu_n = mu_{n-1} + (x_n - mu_{n-1}) / n.", name)
        if not np.allclose(var, exp_var, rtol=1e-6, atol=1e-9):
            if stream is toy and np.isclose(var[-1], 3.34, atol=0.01):
                hint = "that is slide 23's recursion (3.343 on the toy data); Welford's exact update gives 4.0."
            elif stream is far:
                hint = ("right near 0, wrong at 1e9: you are computing <x^2> - <x>^2, which cancels catastrophically. "
                        "Use M2_n = M2_{n-1} + (x_n - mu_{n-1})(x_n - mu_n) and variance M2_n / n.")
            else:
                hint = f"on [2,4,4,4,5,5,7,9] the last variance should be 4.0 (the 1/n variance); you returned {var[-1]:.4g}."
            return _report(False, hint, name)
    return _report(True, "", name)


def check_starved(starved) -> CheckResult:
    """Check ``starved(resp) -> array of component indices`` with N_j < N / (2M) (slide 30). Homework 3.

    N_j = sum_i r_ij is the soft count: the cases separate it from hard counts (argmax) and the threshold
    N/(2M) from the equal share N/M.
    """
    name = "starved"
    hard = np.zeros((100, 4))
    hard[:40, 0] = hard[40:70, 1] = hard[70:78, 2] = hard[78:, 3] = 1.0    # N_j = 40, 30, 8, 22; N/(2M) = 12.5
    soft = np.zeros((60, 3))                                               # N/(2M) = 10
    soft[:, 0] = 0.62
    soft[:, 1] = np.r_[np.full(30, 0.38), np.full(30, 0.08)]               # N_2 = 13.8: never the largest
    soft[:, 2] = 1.0 - soft[:, :2].sum(axis=1)                             # N_3 = 9: starved
    noisy = np.random.default_rng(8).dirichlet([5, 5, 0.3], size=60)
    for R in (hard, soft, noisy):
        value, err = _call(starved, R.copy())
        if err:
            return _report(False, err, name)
        try:
            got = sorted(int(v) for v in np.ravel(value))
        except (TypeError, ValueError):
            return _report(False, f"return the indices of the starved components (integers); got {value!r}.", name)
        n, n_components = R.shape
        counts = R.sum(axis=0)
        expected = np.flatnonzero(counts < n / (2 * n_components)).tolist()
        if got == expected:
            continue
        hard_counts = np.bincount(R.argmax(axis=1), minlength=n_components)
        if got == np.flatnonzero(hard_counts < n / (2 * n_components)).tolist():
            hint = (f"you counted points by their largest responsibility (hard counts {hard_counts.tolist()}); N_j is "
                    f"the soft count sum_i r_ij = {np.round(counts, 1).tolist()}: a component that is never any "
                    "point's favourite can still explain a lot.")
        elif got == np.flatnonzero(counts < n / n_components).tolist():
            hint = (f"that is the threshold N/M = {n / n_components:g}, the equal share; slide 30's is half of it, "
                    f"N/(2M) = {n / (2 * n_components):g}.")
        else:
            hint = (f"for N_j = {np.round(counts, 1).tolist()} and threshold N/(2M) = {n / (2 * n_components):g} expected "
                    f"{expected}, you returned {got}. N_j is the column sum of the responsibilities.")
        return _report(False, hint, name)
    return _report(True, "", name)


# --- lesson 8 / homework 4 ------------------------------------------------------------------------------

def _smem_case():
    rng = np.random.default_rng(9)
    X = np.vstack([rng.normal(0, 0.5, (40, 2)), rng.normal([3, 0], 0.5, (40, 2)), rng.normal([1.5, 3], 0.5, (40, 2))])
    mix = Mixture([0.4, 0.2, 0.2, 0.2], [[1.5, 0.0], [1.4, 3.0], [1.6, 3.1], [0.0, 1.0]], [1.5, 0.3, 0.3, 0.8])
    return X, mix, mix.responsibilities(X)


def check_merge_criterion(merge_criterion) -> CheckResult:
    """Check ``merge_criterion(resp) -> (M, M)``: J_merge(i, j) = P_i^T P_j, posterior vectors (SMEM). Homework 4."""
    name = "merge_criterion"
    _, _, R = _smem_case()
    value, err = _call(merge_criterion, R.copy())
    if err:
        return _report(False, err, name)
    got, err = _as_array(value, (R.shape[1],) * 2, "an (M, M) matrix")
    if err:
        return _report(False, err, name)
    expected = R.T @ R
    if np.allclose(got, expected, rtol=1e-10):
        return _report(True, "", name)
    norms = np.sqrt(np.diag(expected))
    if np.allclose(got, expected / np.outer(norms, norms), rtol=1e-8):
        hint = ("that is the cosine similarity (lesson 8's course variant); the paper's J_merge is the unnormalised "
                "inner product P_i^T P_j.")
    else:
        hint = ("J_merge(i, j) = sum_n P(i | x_n) P(j | x_n), the inner product of two columns of resp "
                "(unnormalised, as in the paper).")
    return _report(False, hint, name)


def check_split_criterion(split_criterion) -> CheckResult:
    """Check ``split_criterion(X, weights, means, variances, resp) -> (M,)``: the local KL divergence of SMEM.

    J_split(k) = sum_n f_nk log(f_nk / p(x_n | k)), f_nk = r_nk / sum_m r_mk (spherical components). Homework 4.
    """
    name = "split_criterion"
    X, mix, R = _smem_case()
    value, err = _call(split_criterion, X.copy(), mix.weights.copy(), mix.means.copy(), mix.covariances.copy(), R.copy())
    if err:
        return _report(False, err, name)
    got, err = _as_array(value, (R.shape[1],), "one value per component, shape (M,)")
    if err:
        return _report(False, err, name)
    f = R / R.sum(axis=0)
    logp = mix.component_log_pdf(X)
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = np.where(f > 0, f * (np.log(f) - logp), 0.0).sum(axis=0)
    if np.allclose(got, expected, rtol=1e-8, atol=1e-10):
        return _report(True, "", name)
    weighted = np.where(f > 0, f * (np.log(f) - (logp + np.log(mix.weights))), 0.0).sum(axis=0)
    if np.allclose(got, weighted, rtol=1e-8):
        hint = "use the component density p(x_n | k) alone, not P_k p(x_n | k): the criterion compares shapes."
    elif np.allclose(got, (R * (np.log(np.maximum(R, 1e-300)) - logp)).sum(0), rtol=1e-6):
        hint = "normalise the posteriors over the data first: f_nk = r_nk / sum_m r_mk (each column sums to 1)."
    else:
        hint = (f"you returned {np.round(got, 3).tolist()}, expected {np.round(expected, 3).tolist()}. The straddling "
                "component (index 0 here) should have the largest value.")
    return _report(False, hint, name)
