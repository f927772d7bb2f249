"""Many EM runs from different starts, the distinct local optima they reach, how often a start reaches the
best one, and whether a fit is close to a collapse (floor 1½).

Introduced in ``notebooks/05_em_in_action.ipynb``.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from .._validation import check_nonnegative_float, check_whole_number
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
    flagged : bool
        True if ``min_count < d + 1`` or ``min_eigenvalue < factor * reg_covar``.
    """

    min_count: float
    min_eigenvalue: float
    flagged: bool


def degeneracy(mixture: Mixture, n_samples: int, *, reg_covar: float, factor: float = 10.0) -> Degeneracy:
    """Flag a near-degenerate fit: fewer effective points than d + 1, or a variance within ``factor`` of the floor.

    A full covariance in d dimensions needs d + 1 points in general position to be non-singular (d points
    span only a (d - 1)-dimensional plane), and a variance that the floor ``reg_covar`` holds up is a
    variance EM was driving to 0. Introduced in ``notebooks/05_em_in_action.ipynb``.

    Parameters
    ----------
    mixture : Mixture
        A fitted mixture (its weights are N_j / N).
    n_samples : int
        N.
    reg_covar : float
        The variance floor the fit was made with.
    factor : float, default 10
        How many times the floor still counts as "at the floor".

    Returns
    -------
    Degeneracy
    """
    n_samples = check_whole_number(n_samples, "n_samples", 1)
    reg_covar = check_nonnegative_float(reg_covar, "reg_covar")
    factor = check_nonnegative_float(factor, "factor")
    min_count = float(mixture.weights.min() * n_samples)
    min_eig = float(np.linalg.eigvalsh(mixture.full_covariances()).min())
    flagged = min_count < mixture.n_features + 1 or min_eig < factor * reg_covar
    return Degeneracy(min_count, min_eig, bool(flagged))
