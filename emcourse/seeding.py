"""Starting points for EM (floor 1). First used in ``notebooks/00_start_here.ipynb``; compared in lesson 5."""
from __future__ import annotations

import numpy as np

from ._covariance import covariance_kind
from ._validation import check_n_components, check_nonnegative_float, check_one_of, check_rng, check_X
from .mixture import Mixture

INIT_METHODS = ("random_points", "kmeans++")


def kmeans_plusplus(X: np.ndarray, n_components: int, rng: np.random.Generator) -> np.ndarray:
    """k-means++ (D^2) seeding, greedy as in scikit-learn (2 + ln K trials per centre).

    Introduced in ``notebooks/00_start_here.ipynb``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    n_components : int
    rng : numpy.random.Generator

    Returns
    -------
    ndarray of shape (n_components, n_features)
        Rows of X chosen as centres.
    """
    n = X.shape[0]
    n_trials = 2 + int(np.log(n_components))
    centers = [X[rng.integers(n)]]
    d2 = np.sum((X - centers[0]) ** 2, axis=1)
    for _ in range(1, n_components):
        total = d2.sum()
        if total <= 0:  # every point already coincides with a centre
            centers.append(X[rng.integers(n)])
            continue
        cand = np.searchsorted(np.cumsum(d2), rng.random(n_trials) * total)
        cand = np.minimum(cand, n - 1)
        cand_d2 = np.minimum(d2[None, :], np.sum((X[None, :, :] - X[cand][:, None, :]) ** 2, axis=2))
        best = int(np.argmin(cand_d2.sum(axis=1)))
        centers.append(X[cand[best]])
        d2 = cand_d2[best]
    return np.array(centers)


def initialize(X, n_components: int, covariance_type: str = "spherical", method: str = "random_points", *,
               rng, reg_covar: float = 0.0) -> Mixture:
    """An initial mixture: chosen means, equal weights, variances from the whole data set.

    Introduced in ``notebooks/00_start_here.ipynb``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    n_components : int
        Between 1 and n_samples.
    covariance_type : {"spherical", "diag", "full"}
    method : {"random_points", "kmeans++"}
        ``"random_points"`` takes distinct random rows of X as means (the lecture's emdemo);
        ``"kmeans++"`` uses D^2 seeding (science.md §8).
    rng : int or numpy.random.Generator
        Explicit seed.
    reg_covar : float, default 0.0
        Added to the starting variances (the covariance diagonal for ``"full"``), as ``run_em`` adds it in
        every M step; with ``reg_covar > 0`` a constant feature is no error (it gets variance ``reg_covar``).

    Returns
    -------
    Mixture
        Weights 1/K; every component gets the global variance (spherical: trace(S)/d,
        diag: the per-feature variances, full: the sample covariance S).
    """
    kind = covariance_kind(covariance_type)
    X = check_X(X)
    n_components = check_n_components(n_components, X.shape[0])
    rng = check_rng(rng)
    check_one_of(method, INIT_METHODS, "method", "'random_points' is the lecture's emdemo; 'kmeans++' spreads the starts.")
    reg_covar = check_nonnegative_float(reg_covar, "reg_covar")
    n, d = X.shape
    S = np.atleast_2d(np.cov(X, rowvar=False, bias=True)) + reg_covar * np.eye(d)
    if not np.any(np.diag(S) > 0):
        raise ValueError("all points of X are identical (zero variance in every feature): a mixture cannot be "
                         "fitted. Check the data: it is a single repeated point.")
    covs = kind.from_data(S, n_components)                 # raises if S cannot start this covariance type
    if method == "random_points":
        means = X[rng.choice(n, size=n_components, replace=False)]
    else:
        means = kmeans_plusplus(X, n_components, rng)
    return Mixture(np.full(n_components, 1.0 / n_components), means, covs, covariance_type)
