"""k-means as the sigma -> 0 limit of spherical EM (floor 1½).

Introduced in ``notebooks/11_em_in_practice.ipynb``.

Take the lecture's spherical mixture, fix every weight at 1/M and every variance at one shared sigma^2, and let
EM update only the means. The E step gives r_ij proportional to exp(-|x_i - mu_j|^2 / (2 sigma^2)). As sigma -> 0
the term of the nearest mean outgrows every other one, so r_ij -> 1 for the nearest mean and 0 for the rest
(hard assignments), and the M step mu_j = sum_i r_ij x_i / N_j becomes the mean of the points assigned to j:
Lloyd's k-means step (Bishop 2006, PRML §9.3.2). :func:`run_means_em` runs this EM for one sigma (``sigma=0``
is k-means itself); :func:`kmeans_limit` runs it for several sigmas from the same start, for the explorer.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .._numerics import logsumexp_rows, softmax_rows
from .._validation import check_nonnegative_float, check_whole_number, check_X
from ..mixture import Mixture
from ..run import Run, em_loop

#: an effective count below this is an empty cluster: its mean stays where it was
EMPTY = np.finfo(np.float64).tiny


def _check_means(X: np.ndarray, means) -> np.ndarray:
    mu = np.array(means, dtype=np.float64)
    if mu.ndim != 2 or mu.shape[1] != X.shape[1] or mu.shape[0] < 1 or not np.all(np.isfinite(mu)):
        raise ValueError(f"means must be a finite array of shape (n_components, {X.shape[1]}) to match X, "
                         f"got shape {mu.shape}.")
    return mu


def squared_distances(X, means) -> np.ndarray:
    """|x_i - mu_j|^2 for every point and mean, shape (n_samples, n_components).

    Introduced in ``notebooks/11_em_in_practice.ipynb``.
    """
    X = check_X(X)
    mu = _check_means(X, means)
    diff = X[:, None, :] - mu[None, :, :]
    return np.einsum("nkd,nkd->nk", diff, diff)


def assign(X, means) -> np.ndarray:
    """The index of the nearest mean for every point (ties go to the lowest index), shape (n_samples,).

    Introduced in ``notebooks/11_em_in_practice.ipynb``.
    """
    return np.argmin(squared_distances(X, means), axis=1)


def _means_from_resp(X: np.ndarray, resp: np.ndarray, old: np.ndarray) -> np.ndarray:
    """mu_j = sum_i r_ij x_i / N_j; an empty cluster (N_j == 0) keeps its old mean instead of 0 / 0."""
    n_j = resp.sum(axis=0)
    new = old.copy()
    full = n_j >= EMPTY
    new[full] = (resp[:, full].T @ X) / n_j[full, None]
    return new


def kmeans_step(X, means) -> np.ndarray:
    """One k-means (Lloyd) step: assign every point to its nearest mean, then move each mean to its points' average.

    All points are assigned with the *old* means before any mean moves. A mean that gets no point keeps its
    place (the average of no points is undefined). Introduced in ``notebooks/11_em_in_practice.ipynb``, where
    students write it themselves.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    means : array-like of shape (n_components, n_features)

    Returns
    -------
    ndarray of shape (n_components, n_features)
    """
    X = check_X(X)
    mu = _check_means(X, means)
    labels = assign(X, mu)
    return _means_from_resp(X, np.eye(mu.shape[0])[labels], mu)


@dataclass(frozen=True, kw_only=True)
class MeansRun(Run):
    """A run of EM for the means only (weights 1/M, one fixed variance sigma^2), or of k-means (``sigma == 0``).

    Introduced in ``notebooks/11_em_in_practice.ipynb``. ``history`` holds a Mixture per step (equal weights,
    the means, variance ``record_variance``); ``log_likelihoods`` are their log L.

    Attributes
    ----------
    sigma : float
        The fixed standard deviation; 0 for k-means (hard assignments).
    record_variance : float
        The variance of the recorded mixtures: sigma^2, or for k-means the variance given to it.
    resp_history : list of ndarray of shape (n_samples, n_components)
        The responsibilities the E step of each record gave (one-hot for k-means).
    distortions : ndarray of shape (len(history),)
        k-means' objective per point, (1/N) sum_i min_j |x_i - mu_j|^2, for each record.
    softness : ndarray of shape (len(history),)
        The average over points of 1 - max_j r_ij: 0 for hard assignments.
    """

    sigma: float = 0.0
    record_variance: float = 1.0
    resp_history: list = field(default=None, repr=False)
    distortions: np.ndarray = field(default=None, repr=False)
    softness: np.ndarray = field(default=None, repr=False)


def run_means_em(X, init_means, *, sigma: float, record_variance: float | None = None, max_iter: int = 500,
                 tol: float = 1e-10) -> MeansRun:
    """EM for the means of a mixture with equal weights and one fixed spherical variance; ``sigma=0`` is k-means.

    Introduced in ``notebooks/11_em_in_practice.ipynb``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    init_means : array-like of shape (n_components, n_features)
    sigma : float
        The fixed standard deviation of every component. 0 gives hard assignments to the nearest mean:
        k-means (Lloyd's algorithm), the limit sigma -> 0.
    record_variance : float, optional
        The variance of the recorded mixtures (default sigma^2). Required when ``sigma == 0``: the hard
        assignments do not depend on it; it only sets the log L reported for each step.
    max_iter : int, default 500
    tol : float, default 1e-10
        Per-sample tolerance on the change of the objective: log L for sigma > 0, minus the distortion
        for k-means (which stops when no point changes cluster).

    Returns
    -------
    MeansRun
    """
    X = check_X(X)
    mu0 = _check_means(X, init_means)
    sigma = check_nonnegative_float(sigma, "sigma")
    if record_variance is None:
        if sigma == 0:
            raise ValueError("k-means (sigma=0) needs record_variance > 0: the variance of the recorded mixtures.")
        record_variance = sigma ** 2
    record_variance = check_nonnegative_float(record_variance, "record_variance")
    if record_variance == 0:
        raise ValueError("record_variance must be > 0 (a mixture needs a positive variance).")
    max_iter = check_whole_number(max_iter, "max_iter", 0)
    tol = check_nonnegative_float(tol, "tol")
    n, n_components = X.shape[0], mu0.shape[0]
    weights = np.full(n_components, 1.0 / n_components)
    resps, distortions, softness = [], [], []

    def record(means):
        return Mixture(weights, means, np.full(n_components, record_variance))

    def e_step(mix):
        sq = squared_distances(X, mix.means)
        if sigma == 0:
            resp = np.eye(n_components)[np.argmin(sq, axis=1)]
        else:
            resp = softmax_rows(-0.5 * sq / sigma ** 2)
        distortion = float(sq.min(axis=1).mean())
        resps.append(resp)
        distortions.append(distortion)
        softness.append(float(1.0 - resp.max(axis=1).mean()))
        ll = float(logsumexp_rows(mix.weighted_log_pdf(X)).sum())
        objective = -n * distortion if sigma == 0 else ll
        return objective, ll, (resp, mix.means)

    def m_step(stats):
        resp, means = stats
        return record(_means_from_resp(X, resp, means))

    loop = em_loop(e_step, m_step, record(mu0), n_samples=n, max_iter=max_iter, tol=tol)
    k = len(loop.history)
    return MeansRun(history=loop.history, log_likelihoods=loop.log_likelihoods, status=loop.status,
                    stop_reason=loop.stop_reason, sigma=sigma, record_variance=record_variance,
                    resp_history=resps[:k], distortions=np.asarray(distortions[:k]), softness=np.asarray(softness[:k]))


def kmeans_limit(X, init_means, sigmas, *, max_iter: int = 500, tol: float = 1e-10) -> dict:
    """:func:`run_means_em` from the same start for each sigma, and k-means itself (key 0.0).

    Introduced in ``notebooks/11_em_in_practice.ipynb`` (its explorer scrubs these stored runs).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    init_means : array-like of shape (n_components, n_features)
    sigmas : sequence of float > 0
    max_iter, tol
        Passed to :func:`run_means_em`.

    Returns
    -------
    dict of float to MeansRun
        Sorted from the largest sigma to 0.0 (k-means, recorded with the smallest sigma's variance).
    """
    sigmas = sorted({float(s) for s in sigmas}, reverse=True)
    if not sigmas or sigmas[-1] <= 0:
        raise ValueError(f"sigmas must be positive numbers (k-means, sigma = 0, is always added), got {sigmas}.")
    runs = {s: run_means_em(X, init_means, sigma=s, max_iter=max_iter, tol=tol) for s in sigmas}
    runs[0.0] = run_means_em(X, init_means, sigma=0.0, record_variance=sigmas[-1] ** 2, max_iter=max_iter, tol=tol)
    return runs
