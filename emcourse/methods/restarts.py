"""Many EM runs from different starts, and the distinct local optima they reach (floor 1½).

Introduced in ``notebooks/05_em_in_action.ipynb``.
"""
from __future__ import annotations

from collections import defaultdict

from ..em import run_em
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
