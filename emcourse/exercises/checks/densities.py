"""Public checks of lessons 1 and 2: the mixture density and the log-likelihood.

Each check knows the classic wrong answers of its exercise and answers each with its own hint.
"""
from __future__ import annotations

import numpy as np

from ..._numerics import logsumexp_rows
from ._common import CheckResult, as_array, call, mixture_1d, report


# --- lesson 1 ----------------------------------------------------------------------------------------

_SD_HINT = "sigmas are standard deviations: the variance is sigma_j**2 (use it in the exponent and the normalisation)."

_PDF_CASES = [
    (np.array([0.0, 1.0, -2.5]), np.array([1.0]), np.array([0.0]), np.array([1.0])),
    (np.linspace(-4, 6, 11), np.array([0.3, 0.7]), np.array([-1.0, 2.0]), np.array([0.5, 1.5])),
    (np.array([0.2, 3.0]), np.array([0.2, 0.5, 0.3]), np.array([0.0, 1.0, 3.0]), np.array([2.0, 0.3, 1.0])),
]


def _pdf_slips(x, w, mu, s):
    """The classic wrong densities of lesson 1's exercise, each with its hint (in the order they are tried)."""
    z2 = (x[:, None] - mu) ** 2
    bell = np.exp(-z2 / (2 * s ** 2))                                    # the right exponent
    right = bell / np.sqrt(2 * np.pi * s ** 2)
    sd = _SD_HINT
    norm = ("each Gaussian's normalisation is 1/sqrt(2 pi sigma_j^2) = 1/(sigma_j sqrt(2 pi)): check the square "
            "and the square root.")
    return [
        ((w * np.exp(-z2 / s ** 2)).sum(1),
         "this is slide 3's formula: it has no normalisation 1/sqrt(2 pi sigma^2) and no factor 2 in 2 sigma^2."),
        ((w * bell).sum(1), "each Gaussian needs its normalisation 1/sqrt(2 pi sigma_j^2), or the total area is not 1."),
        ((w * np.exp(-z2 / s ** 2) / np.sqrt(2 * np.pi * s ** 2)).sum(1),
         "the exponent is -(x - mu_j)^2 / (2 sigma_j^2): check the factor 2."),
        ((w * np.exp(-z2 / (2 * s ** 4)) / np.sqrt(2 * np.pi * s ** 4)).sum(1), sd),
        ((w * np.exp(-z2 / (2 * s)) / np.sqrt(2 * np.pi * s)).sum(1), sd),
        ((w * bell / np.sqrt(2 * np.pi * s)).sum(1), norm),                # sigma not squared
        ((w * bell / (2 * np.pi * s ** 2)).sum(1), norm),                  # no square root
        ((w * bell / np.sqrt(2 * np.pi)).sum(1), norm),                    # sigma left out
        (right.mean(1), "you averaged the components (each counts 1/M); weight component j by P_j instead: "
                        "sum_j P_j * N(x | mu_j, sigma_j^2)."),
    ]


def check_mixture_pdf(mixture_pdf) -> CheckResult:
    """Check ``mixture_pdf(x, weights, means, sigmas) -> (n,)``, the 1-D mixture density.

    Recognises slide 3's formula, a missing normalisation or factor 2, sigma and sigma^2 swapped,
    a wrongly written normalisation, equal weights, and left-out weights.
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
        hint = next((h for slip, h in _pdf_slips(x, w, mu, s) if np.allclose(got, slip)), None)
        if hint is None:
            i = int(np.argmax(np.abs(got - expected)))
            no_weights = np.allclose(got, mixture_1d(np.ones_like(w) / w.size, mu, s).pdf(x[:, None]) * w.size)
            hint = (f"with weights={w.tolist()}, means={mu.tolist()}, sigmas={s.tolist()} at x={x[i]:g} you returned "
                    f"{got[i]:.6g}, expected {expected[i]:.6g}. "
                    + ("Your sum leaves out the weights. " if no_weights else "")
                    + "Sum P_j * N(x | mu_j, sigma_j^2) over j.")
        return report(False, hint, name)
    return report(True, "", name)


# --- lesson 2 ----------------------------------------------------------------------------------------

def _log_terms(x, w, mu, s):
    """log P_j + log p(x_i | j), shape (n, M): the reference every wrong answer is built from."""
    return np.log(w) - 0.5 * np.log(2 * np.pi * s ** 2) - (x[:, None] - mu) ** 2 / (2 * s ** 2)


def _ll_slip_hint(got, x, w, mu, s, expected):
    """The hint for a finite wrong log-likelihood: the classic slips first, then the numbers."""
    a = _log_terms(x, w, mu, s)
    log_p = a - np.log(w)                                                  # log p(x_i | j)
    combined_over_points = ("log-sum-exp runs over the components j, separately for each point (axis=1): that gives "
                            "one log p(x_i) = log sum_j P_j p(x_i|j) per point, and log L is the sum of those over "
                            "the points. You combined over the points too (no axis, or axis=0).")
    slips = [
        (-expected, "the sign is flipped: that is E = -log L. Return log L itself."),
        (expected / x.size, "that is the average per point; return the total sum over all points."),
        ((w * log_p).sum(),
         "you put the log inside the sum over components: sum_j P_j log p(x_i|j) is not log sum_j P_j p(x_i|j) "
         "(it is smaller, by Jensen's inequality). Take the log of the mixture density p(x_i) itself."),
        (a.max(axis=1).sum(),
         "you kept only the largest term of each point: log-sum-exp is m + log sum_j exp(a_j - m), not just m = "
         "max_j a_j."),
        (logsumexp_rows(a + 0.5 * np.log(2 * np.pi * s ** 2)).sum(),
         "each Gaussian needs its normalisation 1/sqrt(2 pi sigma_j^2) (in log space: -0.5 log(2 pi sigma_j^2))."),
        (logsumexp_rows(a.reshape(1, -1))[0], combined_over_points),                     # no axis: one number
        (logsumexp_rows(a.T).sum(), combined_over_points),                               # axis=0, then summed
        (logsumexp_rows(_log_terms(x, w, mu, s ** 2)).sum(), _SD_HINT),                  # sigma^2 as the sd
        (logsumexp_rows(_log_terms(x, w, mu, np.sqrt(s))).sum(), _SD_HINT),              # sigma as the variance
    ]
    for value, hint in slips:
        if np.isclose(got, value, rtol=1e-8):
            return hint
    hint = f"for {x.size} points you returned {got:.6g}, expected {expected:.6g}."
    if np.isclose(got, logsumexp_rows(log_p).sum(), rtol=1e-8):
        hint += " The weights P_j are missing: log p(x_i) = log sum_j P_j p(x_i|j)."
    return hint


def check_log_likelihood(log_likelihood) -> CheckResult:
    """Check ``log_likelihood(x, weights, means, sigmas) -> float``, total log L of 1-D data.

    It must work for 2,000 points, where the product of densities underflows to 0, and for a point
    far from every component. Recognises the product that underflows, a missing log-sum-exp, the
    flipped sign (E), the average per point, the log inside the sum over components, the maximum in
    place of log-sum-exp, a missing normalisation, log-sum-exp over the points (no axis or axis=0),
    sigma and sigma^2 swapped, left-out weights, and one value per point.
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
        if np.shape(value) == x.shape and x.size > 1:
            return report(False, f"you returned one value per point (shape {x.shape}); return their total, one "
                                 "number: log L = sum_i log p(x_i).", name)
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
        else:
            hint = _ll_slip_hint(got, x, w, mu, s, expected)
        return report(False, hint, name)
    return report(True, "", name)
