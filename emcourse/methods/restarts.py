"""Many EM runs from different starts, the distinct local optima they reach, how often a start reaches the
best one, and whether a fit is close to a collapse (floor 1½).

Introduced in ``notebooks/05_em_in_action.ipynb``.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from .._validation import check_nonnegative_float, check_whole_number, check_X
from ..em import run_em
from ..mixture import Mixture
from ..seeding import initialize


def run_restarts(X, n_components: int, *, covariance_type: str = "spherical", method: str = "random_points",
                 seeds=range(20), **em_options) -> dict:
    """Run EM once per seed, each from :func:`emcourse.initialize` with that seed.

    Introduced in ``notebooks/05_em_in_action.ipynb``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    n_components : int
    covariance_type, method
        As in :func:`emcourse.initialize`.
    seeds : iterable of int
    **em_options
        Passed to :func:`emcourse.run_em` (``max_iter``, ``tol``, ``reg_covar``).

    Returns
    -------
    dict of int to EMResult
        One run per seed.
    """
    return {int(s): run_em(X, initialize(X, n_components, covariance_type, method, rng=int(s)), **em_options)
            for s in seeds}


def distinct_optima(runs: dict, n_samples: int, *, decimals: int = 3) -> list:
    """Group runs by their final log-likelihood per sample, rounded to ``decimals``.

    Introduced in ``notebooks/05_em_in_action.ipynb``.

    Parameters
    ----------
    runs : dict of int to EMResult
    n_samples : int
        N, to turn total log L into log L per sample.

    Returns
    -------
    list of (float, list of int)
        (log L per sample, seeds that reached it), best first.
    """
    groups = defaultdict(list)
    for seed, res in runs.items():
        groups[round(res.log_likelihood / n_samples, decimals)].append(seed)
    return sorted(((ll, sorted(s)) for ll, s in groups.items()), key=lambda item: -item[0])


def success_rate(final_log_likelihoods, best: float, n_samples: int, *, tol: float = 1e-3) -> float:
    """The fraction of runs that reached the best optimum found: ``(best - log L) / N <= tol``.

    Introduced in ``notebooks/05_em_in_action.ipynb`` (where students write it themselves first).

    Parameters
    ----------
    final_log_likelihoods : array-like of shape (n_runs,)
        Total log-likelihood at the end of each run.
    best : float
        The best total log-likelihood found by *any* run being compared (it may come from another
        initialisation method, so it can be above every entry of ``final_log_likelihoods``).
    n_samples : int
        N, so that the tolerance is per sample (like the stopping rule).
    tol : float, default 1e-3
        Per-sample tolerance; a run exactly ``tol`` per sample below ``best`` counts as a success.

    Returns
    -------
    float in [0, 1]
    """
    lls = np.asarray(final_log_likelihoods, dtype=np.float64).ravel()
    if lls.size == 0 or not np.all(np.isfinite(lls)):
        raise ValueError("final_log_likelihoods must be a non-empty array of finite numbers (one per run).")
    if not np.isfinite(best) or best < lls.max():
        raise ValueError(f"best must be the best log-likelihood found (at least max(final_log_likelihoods) = "
                         f"{lls.max():.6g}), got {best!r}.")
    n_samples = check_whole_number(n_samples, "n_samples", 1)
    tol = check_nonnegative_float(tol, "tol")
    return float(np.mean((best - lls) / n_samples <= tol))


@dataclass(frozen=True)
class Degeneracy:
    """How close a fitted mixture is to a collapse (see :func:`degeneracy`).

    Introduced in ``notebooks/05_em_in_action.ipynb``.

    Attributes
    ----------
    min_count : float
        The smallest effective number of points N_j = N P_j.
    min_eigenvalue : float
        The smallest variance of any component in any direction (eigenvalue of its covariance).
    min_relative_sd : float
        The thinness relative to the data: the smallest, over components j and directions v, of the component's
        standard deviation along v divided by the whole data set's standard deviation along v,
        sqrt(v' Sigma_j v / v' S v) with S the data covariance. 1 for a component as wide as the data.
    flagged : bool
        True if ``min_count < d + 1`` or ``min_relative_sd`` is below the threshold given to :func:`degeneracy`.
    """

    min_count: float
    min_eigenvalue: float
    min_relative_sd: float
    flagged: bool


def relative_sds(mixture: Mixture, X) -> np.ndarray:
    """Each component's thinness relative to the data: min over directions v of sqrt(v' Sigma_j v / v' S v).

    S is the data covariance (divided by N). With S = L L' (Cholesky), the ratio's minimum is the smallest
    eigenvalue of L^-1 Sigma_j L^-T: the component's covariance measured in units of the data's spread, so the
    number does not change when the data are shifted, rescaled or rotated. Introduced in
    ``notebooks/05_em_in_action.ipynb``.

    Parameters
    ----------
    mixture : Mixture
    X : array-like of shape (n_samples, n_features)
        The data the mixture was fitted to (at least n_features + 1 points not all on one plane).

    Returns
    -------
    ndarray of shape (n_components,)
    """
    X = check_X(X, n_features=mixture.n_features, min_samples=2)
    S = np.atleast_2d(np.cov(X, rowvar=False, bias=True))
    spread = np.linalg.eigvalsh(S)
    if not spread[-1] > 0 or spread[0] <= 1e-12 * spread[-1]:
        raise ValueError("the data's covariance is singular (the points lie on a lower-dimensional plane), so a "
                         "thinness relative to the data is undefined; drop the redundant features.")
    L = np.linalg.cholesky(S)
    covs = mixture.full_covariances()
    whitened = np.linalg.solve(L, np.swapaxes(np.linalg.solve(L, covs), 1, 2))       # L^-1 Sigma_j L^-T
    return np.sqrt(np.maximum(np.linalg.eigvalsh(whitened)[:, 0], 0.0))


def degeneracy(mixture: Mixture, X, *, min_relative_sd: float = 1e-2) -> Degeneracy:
    """Flag a near-degenerate fit: fewer effective points than d + 1, or a component far thinner than the data.

    A full covariance in d dimensions needs d + 1 points in general position to be non-singular (d points
    span only a (d - 1)-dimensional plane). And a component whose standard deviation in some direction is
    below ``min_relative_sd`` times the whole data set's standard deviation in that direction (see
    :func:`relative_sds`) has flattened onto a few points: a spurious optimum, whatever the floor ``reg_covar``
    that was used (a rule relative to the data's scale, not to the floor). Introduced in
    ``notebooks/05_em_in_action.ipynb``.

    Parameters
    ----------
    mixture : Mixture
        A fitted mixture (its weights are N_j / N).
    X : array-like of shape (n_samples, n_features)
        The data it was fitted to.
    min_relative_sd : float, default 0.01
        How much thinner than the data (in standard deviations) a component may be before it is flagged.

    Returns
    -------
    Degeneracy
    """
    if np.ndim(X) == 0:
        raise ValueError(f"degeneracy needs the data X the mixture was fitted to (its spread is the yardstick for "
                         f"thinness), not a number of samples; got {X!r}.")
    X = check_X(X, n_features=mixture.n_features, min_samples=2)
    min_relative_sd = check_nonnegative_float(min_relative_sd, "min_relative_sd")
    min_count = float(mixture.weights.min() * X.shape[0])
    min_eig = float(np.linalg.eigvalsh(mixture.full_covariances()).min())
    thinness = float(relative_sds(mixture, X).min())
    flagged = min_count < mixture.n_features + 1 or thinness < min_relative_sd
    return Degeneracy(min_count, min_eig, thinness, bool(flagged))
