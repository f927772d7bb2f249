"""Public check of lesson 11: one k-means step, the sigma -> 0 limit of spherical EM.

Introduced in ``notebooks/11_em_in_practice.ipynb``. The student's function gets plain numpy arrays and
needs only numpy.

The check calls the function on every case first, then diagnoses: a hint for a classic mistake is given only if
that mistake reproduces the student's answers on *every* case (the cases are built so that no two mistakes agree
on all of them), so a hint never names a mistake the student did not make.
"""
from __future__ import annotations

import numpy as np

from ._common import CheckResult, as_array, call, report


def _sq(X, means):
    return ((X[:, None, :] - means[None, :, :]) ** 2).sum(axis=2)


def _averages(X, weights, old, *, empty_value=None):
    """sum_i w_ij x_i / sum_i w_ij per column j; an empty column keeps ``old`` (or gets ``empty_value``)."""
    n_j = weights.sum(axis=0)
    new = old.copy()
    for j in range(old.shape[0]):
        if n_j[j] > 0:
            new[j] = weights[:, j] @ X / n_j[j]
        elif empty_value is not None:
            new[j] = empty_value
    return new


def _hard(X, means, *, farthest=False, empty_value=None, distance=_sq):
    d2 = distance(X, means)
    labels = np.argmax(d2, axis=1) if farthest else np.argmin(d2, axis=1)
    return _averages(X, np.eye(means.shape[0])[labels], means, empty_value=empty_value)


def _soft(X, means, variance):
    a = -0.5 * _sq(X, means) / variance
    r = np.exp(a - a.max(axis=1, keepdims=True))
    return _averages(X, r / r.sum(axis=1, keepdims=True), means)


def _l1(X, means):
    return np.abs(X[:, None, :] - means[None, :, :]).sum(axis=2)


def _one_cluster_at_a_time(X, means):
    """The classic slip: mean j moves before the points are assigned for mean j + 1."""
    mu = means.copy()
    for j in range(mu.shape[0]):
        labels = np.argmin(_sq(X, mu), axis=1)
        if np.any(labels == j):
            mu[j] = X[labels == j].mean(axis=0)
    return mu


def _online(X, means, *, first_count):
    """MacQueen's on-line k-means: after each point, its nearest mean moves to the running average."""
    mu, counts = means.copy(), np.full(means.shape[0], float(first_count))
    for x in X:
        j = int(np.argmin(((mu - x) ** 2).sum(axis=1)))
        counts[j] += 1
        mu[j] += (x - mu[j]) / counts[j]
    return mu


def _close(a, b):
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-9, atol=1e-9, equal_nan=True)


def _steps_taken(X, means, got, max_steps=100):
    """k >= 1 if ``got`` is the result of k k-means steps from ``means`` (or of running to the end), else 0."""
    mu = means
    for k in range(1, max_steps + 1):
        new = _hard(X, mu)
        if _close(got, new):
            return k
        if _close(new, mu):
            return 0
        mu = new
    return 0


def _soft_for_some_sigma(X, means, got):
    """True if ``got`` are responsibility-weighted averages for some fixed variance (searched on a log scale).

    A mean that no point is nearest to may come back as NaN (its weights underflow to 0, then 0/0): that is
    the soft answer too, so such rows are not compared.
    """
    rows = np.all(np.isfinite(got), axis=1)
    if not set(np.flatnonzero(~rows)) <= set(_empty(X, means)):
        return False
    scale = float(X.var(axis=0).sum())
    lo, hi, best = np.log(scale * 1e-5), np.log(scale * 1e4), None
    for _ in range(7):                                       # a grid, then six zooms around its best point
        grid = np.linspace(lo, hi, 81)
        errors = [np.abs(_soft(X, means, np.exp(v))[rows] - got[rows]).max() for v in grid]
        k = int(np.argmin(errors))
        best = errors[k]
        step = grid[1] - grid[0]
        lo, hi = grid[k] - step, grid[k] + step
    return best < 1e-8 * max(1.0, np.abs(got[rows]).max())


def _cases():
    # 1: the middle point is nearest mean 2 now, but nearest mean 1 once mean 1 has moved
    X1 = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [3.0, 0.0], [4.0, 0.0], [10.0, 0.0], [11.0, 0.0]])
    m1 = np.array([[-2.0, 0.0], [3.6, 0.0], [10.5, 0.0]])
    # 2: the third mean is far from every point: no point chooses it
    rng = np.random.default_rng(11)
    X2 = np.vstack([rng.normal(0.0, 0.7, (12, 2)), rng.normal(4.0, 0.7, (12, 2))])
    m2 = np.array([[0.5, 0.5], [3.5, 3.5], [40.0, -40.0]])
    # 3: three features, four means
    X3 = rng.normal(0.0, 1.0, (30, 3))
    m3 = rng.normal(0.0, 1.0, (4, 3))
    return [(X1, m1), (X2, m2), (X3, m3)]


def _empty(X, means):
    labels = np.argmin(_sq(X, means), axis=1)
    return [j for j in range(means.shape[0]) if not np.any(labels == j)]


def _relocated(X, means, got):
    """Right, except that every empty mean was moved onto a data point (as scikit-learn's KMeans does)."""
    empty, right = _empty(X, means), _hard(X, means)
    full = [j for j in range(means.shape[0]) if j not in empty]
    return _close(got[full], right[full]) and all(
        np.any(np.all(np.isclose(X, got[j], rtol=0, atol=1e-9), axis=1)) for j in empty)


def _digits(a, b):
    """Enough decimals (4 to 12) to show that two arrays differ."""
    for decimals in range(4, 13):
        if not np.array_equal(np.round(a, decimals), np.round(b, decimals)):
            return decimals
    return 12


# (does this classic mistake reproduce the answer on one case?, its hint); tried in this order, each on every case
MISTAKES = [
    (lambda X, m, got: _close(got, _hard(X, m, empty_value=0.0)),
     "a mean that gets no point moved to 0; keep a mean with no points where it was (0 is not a place the data "
     "chose)."),
    (_relocated,
     "a mean that gets no point moved onto a data point. That is a repair rule (scikit-learn's KMeans moves such a "
     "mean to a far point), not part of one k-means step: here a mean with no points stays where it was."),
    (lambda X, m, got: _close(got, np.broadcast_to(X.mean(axis=0), m.shape)),
     "every mean moved to the average of all the points. Each mean averages only the points whose nearest mean it "
     "is (assign first, then average per cluster)."),
    (_soft_for_some_sigma,
     "those are responsibility-weighted (soft) averages: every point pulls on every mean, as in EM with a fixed "
     "sigma. k-means is the sigma -> 0 limit: each point counts for its nearest mean only (weight 1) and for the "
     "others not at all (weight 0)."),
    (lambda X, m, got: _steps_taken(X, m, got) >= 1,
     "you ran more than one step (k-means repeated until the means stop moving, or several times). Return the "
     "means after ONE step: one assignment with the given means, one average per cluster."),
    (lambda X, m, got: _close(got, _one_cluster_at_a_time(X, m)),
     "you moved a mean before all points were assigned: assign every point with the *old* means first (one argmin "
     "over all means), then recompute all the means from those assignments."),
    (lambda X, m, got: _close(got, _online(X, m, first_count=0)) or _close(got, _online(X, m, first_count=1)),
     "you updated a mean after each point (on-line k-means, MacQueen's update): later points then see moved "
     "means. This exercise is the batch (Lloyd) step: assign all points with the old means, then average."),
    (lambda X, m, got: _close(got, _hard(X, m, farthest=True)),
     "each point went to its farthest mean: take the argmin of the distances, not the argmax."),
    (lambda X, m, got: _close(got, _hard(X, m, distance=_l1)),
     "you assigned points by the sum of absolute differences (L1). k-means uses the squared Euclidean distance, "
     "sum over features of (x - mu)^2: the sigma -> 0 limit of a Gaussian's exponent."),
]


def check_kmeans_step(kmeans_step) -> CheckResult:
    """Check ``kmeans_step(X, means) -> new_means (M, d)``: hard assignment to the nearest mean (with the old
    means), then each mean moves to the average of its points; a mean with no point stays where it was.

    Introduced in ``notebooks/11_em_in_practice.ipynb``.
    """
    name = "kmeans_step"
    cases, answers = _cases(), []
    for X, means in cases:
        value, err = call(kmeans_step, X.copy(), means.copy())
        if err:
            return report(False, err, name)
        got, err = as_array(value, means.shape, f"the new means, shape (M, d) = {means.shape}")
        if err:
            return report(False, err, name)
        answers.append(got)
    wrong = [i for i, ((X, means), got) in enumerate(zip(cases, answers))
             if not np.allclose(got, _hard(X, means), rtol=1e-10, atol=1e-10)]
    if not wrong:
        return report(True, "", name)
    (X, means), got = cases[wrong[0]], answers[wrong[0]]
    right, empty = _hard(X, means), _empty(X, means)
    bad = ~np.all(np.isfinite(got), axis=1)
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        if j in empty and np.allclose(got[~bad], right[~bad], rtol=1e-10, atol=1e-10):
            hint = (f"mean {j + 1} gets no point, and the average of no points is 0/0 = NaN. Keep such a mean where "
                    "it was (check the count before dividing).")
        else:
            hint = (f"you returned NaN or inf for mean {j + 1}, which does have points: check the division by the "
                    "counts.")
        return report(False, hint, name)
    for reproduces, hint in MISTAKES:
        if all(reproduces(Xc, mc, g) for (Xc, mc), g in zip(cases, answers)):
            return report(False, hint, name)
    j = int(np.argmax(np.abs(got - right).max(axis=1)))
    decimals = _digits(got[j], right[j])
    return report(False, f"mean {j + 1} should move to {np.round(right[j], decimals).tolist()}, you returned "
                         f"{np.round(got[j], decimals).tolist()}. Assign each point to its nearest mean (squared "
                         "distance over all features), then average the points of each mean.", name)
