"""Public check of lesson 11: one k-means step, the sigma -> 0 limit of spherical EM.

Introduced in ``notebooks/11_em_in_practice.ipynb``. The student's function gets plain numpy arrays and
needs only numpy.
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


def _hard(X, means, *, farthest=False, empty_value=None):
    d2 = _sq(X, means)
    labels = np.argmax(d2, axis=1) if farthest else np.argmin(d2, axis=1)
    return _averages(X, np.eye(means.shape[0])[labels], means, empty_value=empty_value)


def _soft(X, means, variance):
    a = -0.5 * _sq(X, means) / variance
    r = np.exp(a - a.max(axis=1, keepdims=True))
    return _averages(X, r / r.sum(axis=1, keepdims=True), means)


def _one_cluster_at_a_time(X, means):
    """The classic slip: mean j moves before the points are assigned for mean j + 1."""
    mu = means.copy()
    for j in range(mu.shape[0]):
        labels = np.argmin(_sq(X, mu), axis=1)
        if np.any(labels == j):
            mu[j] = X[labels == j].mean(axis=0)
    return mu


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


def check_kmeans_step(kmeans_step) -> CheckResult:
    """Check ``kmeans_step(X, means) -> new_means (M, d)``: hard assignment to the nearest mean (with the old
    means), then each mean moves to the average of its points; a mean with no point stays where it was.

    Introduced in ``notebooks/11_em_in_practice.ipynb``.
    """
    name = "kmeans_step"
    for X, means in _cases():
        value, err = call(kmeans_step, X.copy(), means.copy())
        if err:
            return report(False, err, name)
        got, err = as_array(value, means.shape, f"the new means, shape (M, d) = {means.shape}")
        if err:
            return report(False, err, name)
        right = _hard(X, means)
        if np.allclose(got, right, rtol=1e-10, atol=1e-10):
            continue
        labels = np.argmin(_sq(X, means), axis=1)
        empty = [j for j in range(means.shape[0]) if not np.any(labels == j)]
        if empty and not np.all(np.isfinite(got[empty])):
            j = empty[0]
            hint = (f"mean {j + 1} gets no point, and the average of no points is 0/0 = NaN. Keep such a mean where "
                    "it was (check the count before dividing).")
        elif empty and np.allclose(got, _hard(X, means, empty_value=0.0)):
            hint = (f"mean {empty[0] + 1} gets no point and you moved it to 0; keep a mean with no points where it "
                    "was (0 is not a place the data chose).")
        elif not np.all(np.isfinite(got)):
            hint = "you returned NaN or inf for a mean that does have points: check the division by the counts."
        elif any(np.allclose(got, _soft(X, means, v), rtol=1e-6, atol=1e-8) for v in (1.0, 0.5)):
            hint = ("those are responsibility-weighted (soft) averages: every point pulls on every mean. k-means "
                    "is the sigma -> 0 limit: each point counts for its nearest mean only (weight 1) and for "
                    "the others not at all (weight 0).")
        elif np.allclose(got, _one_cluster_at_a_time(X, means)):
            hint = ("you moved a mean before all points were assigned: assign every point with the *old* means "
                    "first (one argmin over all means), then recompute all the means from those assignments.")
        elif np.allclose(got, _hard(X, means, farthest=True)):
            hint = "each point went to its farthest mean: take the argmin of the distances, not the argmax."
        else:
            j = int(np.argmax(np.abs(got - right).max(axis=1)))
            hint = (f"mean {j + 1} should move to {np.round(right[j], 4).tolist()}, you returned "
                    f"{np.round(got[j], 4).tolist()}. Assign each point to its nearest mean (squared distance "
                    "over all features), then average the points of each mean.")
        return report(False, hint, name)
    return report(True, "", name)
