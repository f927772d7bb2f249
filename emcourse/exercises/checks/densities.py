"""Public checks of lessons 1 and 2: the mixture density and the log-likelihood."""
from __future__ import annotations

import numpy as np

from ._common import CheckResult, as_array, call, mixture_1d, report


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
        value, err = call(mixture_pdf, x.copy(), w.copy(), mu.copy(), s.copy())
        if err:
            return report(False, err, name)
        got, err = as_array(value, x.shape, "one density value per x, an array of shape (n,)")
        if err:
            return report(False, err, name)
        expected = mixture_1d(w, mu, s).pdf(x[:, None])
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
        return report(False, hint, name)
    return report(True, "", name)


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
        value, err = call(log_likelihood, x.copy(), w.copy(), mu.copy(), s.copy())
        if err:
            return report(False, err, name)
        try:
            got = float(value)
        except (TypeError, ValueError):
            return report(False, f"your function returned {value!r}; it should return one number (a float).", name)
        expected = mixture_1d(w, mu, s).log_likelihood(x[:, None])
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
        return report(False, hint, name)
    return report(True, "", name)
