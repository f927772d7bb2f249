"""Public checks of lesson 3: the mean gradient of E = -log L, in 1-D and in d dimensions.

Both checks know the classic wrong answers (the slides' slips, responsibilities computed or used
wrongly, the 1-D normalisation in d dimensions) and answer each with its own hint.
"""
from __future__ import annotations

import numpy as np

from ..._numerics import softmax_rows
from ._common import CheckResult, as_array, call, report

_GRADIENT = "dE/dmu_j = sum_i P(j|x_i) (mu_j - x_i) / sigma_j^2"


def _resp(w, sq, s, norm_power):
    """Responsibilities from squared distances ``sq`` (n, M) with normalisation sigma_j^(-norm_power)."""
    return softmax_rows(np.log(w) - norm_power * np.log(s) - sq / (2 * s ** 2))


def _gradient_slips(X, w, mu, s):
    """The right mean gradient and the classic wrong ones with their hints, for data X (n, d); each is (M, d)."""
    n, d = X.shape
    diff = mu[None, :, :] - X[:, None, :]                                   # mu_j - x_i, (n, M, d)
    sq = (diff ** 2).sum(-1)
    resp = _resp(w, sq, s, d)
    dist = np.sqrt(sq)                                                      # |x_i - mu_j|, (n, M)
    var = (s ** 2)[:, None]

    def pull(r, denominator=var):                                           # sum_i r_ij (mu_j - x_i) / denominator
        return np.einsum("nm,nmd->md", r, diff) / denominator

    def norm(r, denominator):                                               # the scalar norm in every coordinate
        return np.repeat((np.einsum("nm,nm->m", r, dist)[:, None] / denominator), d, axis=1)

    density = np.exp(np.log(w) - d * np.log(s) - sq / (2 * s ** 2) - 0.5 * d * np.log(2 * np.pi))  # P_j p(x_i|j)
    per_coordinate = np.stack([np.einsum("nm,nm->m", _resp(w, diff[:, :, k] ** 2, s, 1), diff[:, :, k])
                               for k in range(d)], axis=1) / var
    sd = s[:, None]
    return pull(resp), [
        (-pull(resp), "the sign is flipped (as on slide 9): a descent step mu - eta * dE/dmu would move each mean away "
                      f"from its data. {_GRADIENT}."),
        (-norm(resp, sd), "that is slide 8's last line: it uses the distance |x_i - mu_j| instead of the signed "
                          f"difference, and sigma instead of sigma_j^2. {_GRADIENT}."),
        (norm(resp, var), "that is slide 9's formula: use the signed difference (mu_j - x_i), not the distance "
                          "|x_i - mu_j|, which is never negative, so points on both sides cannot cancel "
                          f"and a descent step moves every mean the same way. {_GRADIENT}."),
        (pull(resp, sd), "divide by the variance sigma_j^2, not by sigma (slide 8's slip)."),
        (-pull(resp, sd), "divide by the variance sigma_j^2, not by sigma (slide 8's slip)."),
        (-norm(resp, var), "use the signed difference (mu_j - x_i), not the distance |x_i - mu_j|: points on both sides "
                           "must pull."),
        (pull(_resp(w, sq, s, 1)),
         f"your responsibilities use the 1-D normalisation (2 pi sigma_j^2)^(-1/2). In d = {d} dimensions a spherical "
         "component's density is (2 pi sigma_j^2)^(-d/2) exp(-|x - mu_j|^2 / (2 sigma_j^2)): one factor 1/sigma_j per "
         "coordinate, so log p(x|j) contains -(d/2) log(2 pi sigma_j^2)."),
        (pull(_resp(w, sq, s, 0)),
         "your responsibilities leave out the normalisation (2 pi sigma_j^2)^(-d/2). With different widths it does "
         "not cancel between components: a narrow component is taller."),
        (per_coordinate,
         "you computed responsibilities separately for each coordinate, as if each were 1-D data. P(j|x_i) is one "
         "number per point and component, from the whole squared distance |x_i - mu_j|^2."),
        (pull(resp) / n,
         "your gradient is N times too small: you averaged over the points (that is the gradient of E/N). E = -log L is "
         f"the total over the points, so sum over i, do not average. {_GRADIENT}."),
        (pull(resp / resp.sum(axis=0, keepdims=True)),                     # = pull(resp) / N_j
         "your responsibilities are normalised over the points (each column sums to 1), or, the same thing, you "
         "divided by N_j = sum_i P(j|x_i): that turns the sum into a weighted average (the M step of lesson 4). "
         "P(j|x_i) sums to 1 over the components j for each point i, and dE/dmu_j is the sum itself."),
        (pull(density),
         "you used P_j p(x_i|j) where the posterior P(j|x_i) = P_j p(x_i|j) / p(x_i) belongs: slide 8's first line "
         "divides by p(x_i)."),
        (pull(np.broadcast_to(w, resp.shape)),
         "you weighted every point by the prior P_j; the gradient needs the posterior P(j|x_i) of each point."),
        (pull(np.ones_like(resp)),
         "every point pulls on every mean with full strength: weight the pull of x_i on mu_j by the responsibility "
         "P(j|x_i). Compare with finite differences of E."),
    ]


def _student_gradient(func, case, *, one_d):
    """Call ``func`` on one case: (gradient (M, d), None) or (None, message)."""
    X, w, mu, s = case
    args = (X[:, 0], w, mu[:, 0], s) if one_d else (X, w, mu, s)
    value, err = call(func, *(a.copy() for a in args))
    if err:
        return None, err
    what = "one derivative per component, shape (M,)" if one_d else "one row dE/dmu_j per component, shape (M, d)"
    got, err = as_array(value, mu.shape[:1] if one_d else mu.shape, what)
    if err:
        if not one_d and np.shape(value) == mu.shape[:1]:
            err += " dE/dmu_j is a vector with one entry per coordinate: do not sum over the coordinates."
        return None, err
    return got.reshape(mu.shape), None


def _matching_slips(got, case):
    """Indices of the slips of :func:`_gradient_slips` that ``got`` equals on this case."""
    _, slips = _gradient_slips(*case)
    return [k for k, (slip, _) in enumerate(slips) if np.allclose(got, slip, rtol=1e-6, atol=1e-9)]


def _check_gradient(func, name, cases, *, one_d):
    """Shared loop: call ``func`` on each case, compare with the right gradient, else find the slip.

    Some slips coincide on a case (with one component, averaging over the points and
    normalising the responsibilities over the points, which is dividing by N_j, both give the
    gradient / N): then the later cases decide which slip it is.
    """
    for k, case in enumerate(cases):
        got, err = _student_gradient(func, case, one_d=one_d)
        if err:
            return report(False, err, name)
        X, w, mu, s = case
        expected, slips = _gradient_slips(*case)
        if np.allclose(got, expected, rtol=1e-6, atol=1e-9):
            continue
        if not np.all(np.isfinite(got)):
            return report(False, _not_finite_hint(X), name)
        matches = _matching_slips(got, case)
        for later in cases[k + 1:]:
            if len({slips[m][1] for m in matches}) < 2:
                break
            later_got, later_err = _student_gradient(func, later, one_d=one_d)
            still = [] if later_err or not np.all(np.isfinite(later_got)) else _matching_slips(later_got, later)
            matches = [m for m in matches if m in still] or matches
        if matches:
            hint = slips[matches[0]][1]
        else:
            shown = (lambda a: a.ravel()) if one_d else (lambda a: a)
            hint = (f"for weights={w.tolist()}, means={shown(mu).tolist()}, sigmas={s.tolist()} you returned "
                    f"{np.round(shown(got), 4).tolist()}, expected {np.round(shown(expected), 4).tolist()}. "
                    "Compare with finite differences of E.")
        return report(False, hint, name)
    return report(True, "", name)


def _not_finite_hint(X):
    """The hint for a gradient with NaN or inf in it: underflow far from every component, or a plain 0/0."""
    if np.abs(X).max() > 20:
        return ("you returned NaN or inf on a case with a point far from every component (the largest |x| is "
                f"{np.abs(X).max():g}): there each P_j p(x|j) underflows to 0, and 0/0 = NaN. Compute the posteriors "
                "in log space: a_ij = log P_j + log p(x_i|j), subtract the row maximum, exponentiate, normalise.")
    return "you returned NaN or inf where every density is ordinary: check for a log of 0 or a division by 0."


def check_mean_gradient(grad_means) -> CheckResult:
    """Check ``grad_means(x, weights, means, sigmas) -> (M,)``: dE/dmu_j for 1-D data, E = -log L.

    ``sigmas`` are standard deviations. Recognises slides 8's and 9's formulas, the flipped sign,
    sigma for sigma^2, the distance for the signed difference, the average over the points (the
    gradient of E/N), responsibilities without their normalisation, normalised over the points (a
    division by N_j) or without 1/p(x_i), the prior for the posterior, no responsibilities at all, and
    NaN from posteriors computed outside log space (the last case has a point far from both components).
    Introduced in ``notebooks/03_gradient_descent.ipynb``.
    """
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.normal(-2, 1, 40), rng.normal(2, 0.7, 30)])[:, None]
    far = np.array([[-1.0], [0.5], [2.0], [45.0]])                     # 45: every P_j p(x|j) underflows to 0
    cases = [(x, [1.0], [0.5], [1.2]), (x, [0.4, 0.6], [-1.0, 1.5], [1.0, 0.5]),
             (x, [0.2, 0.3, 0.5], [-3.0, 0.0, 2.5], [0.6, 1.0, 0.8]), (far, [0.5, 0.5], [0.0, 1.0], [1.0, 0.5])]
    cases = [(X, np.asarray(w, float), np.asarray(mu, float)[:, None], np.asarray(s, float)) for X, w, mu, s in cases]
    return _check_gradient(grad_means, "grad_means", cases, one_d=True)


def check_mean_gradient_2d(grad_means_2d) -> CheckResult:
    """Check ``grad_means_2d(X, weights, means, sigmas) -> (M, d)``: dE/dmu_j for d-dimensional spherical data.

    ``X`` has shape (N, d), ``means`` (M, d), ``weights`` and ``sigmas`` (standard deviations) (M,).
    The cases have 2 and 3 dimensions and M != d, so a transposed answer is caught by its shape.
    Recognises the 1-D normalisation (2 pi sigma^2)^(-1/2) in d dimensions, responsibilities computed
    per coordinate, and the slips of :func:`check_mean_gradient` (the last case, too, has a far point).
    Introduced in ``notebooks/03_gradient_descent.ipynb``.
    """
    rng = np.random.default_rng(33)
    X2 = np.vstack([rng.normal([-2.0, 0.0], 1.0, (30, 2)), rng.normal([2.0, 1.0], 0.6, (25, 2))])
    X3 = np.vstack([rng.normal(0.0, 1.0, (20, 3)), rng.normal(2.0, 0.5, (20, 3))])
    far = np.array([[0.0, 0.0], [1.0, 1.5], [30.0, -35.0]])            # the last point: every density underflows
    cases = [
        (X2, np.array([0.3, 0.3, 0.4]), np.array([[-1.5, 0.5], [1.0, 1.0], [2.5, 0.0]]), np.array([1.2, 0.4, 0.8])),
        (X3, np.array([0.6, 0.4]), np.array([[0.5, 0.0, 0.0], [1.5, 2.0, 2.5]]), np.array([1.5, 0.5])),
        (far, np.array([0.5, 0.5]), np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([1.0, 0.5])),
    ]
    return _check_gradient(grad_means_2d, "grad_means_2d", cases, one_d=False)
