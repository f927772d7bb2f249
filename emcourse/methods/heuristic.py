"""The lecture's "cheap heuristic" (slide 30): re-seed starved components and resume EM (floor 1½).

Introduced in ``notebooks/10_cheap_heuristic.ipynb``.

Rule, with the choices slide 30 leaves open made explicit (science.md §8):

* when EM has converged, compute each component's effective count N_j = sum_i P(j | x_i);
* every component with N_j < N / (2M) is *starved*: move its mean to a random data point,
  give it the average covariance of the other components, and the weight 1/M (then renormalise);
* resume EM; stop when no component is starved, or after ``max_resets`` resets.

Every reset is recorded in the history's ``events``. The log-likelihood may drop right after a
reset (the new component starts in a poor place); between resets EM never decreases it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import check_rng, check_whole_number, check_X
from ..em import e_step, run_em
from ..mixture import Mixture, check_mixture
from ..run import Run, Status


@dataclass(frozen=True, kw_only=True)
class HeuristicRun(Run):
    """What :func:`run_em_with_resets` returns: a :class:`emcourse.run.Run` across all restarts of EM.

    Introduced in ``notebooks/10_cheap_heuristic.ipynb``. ``history`` holds every EM iterate, across all
    restarts (``history[0]`` is the initial mixture); ``events[t]`` is ``""`` for an EM iteration and a
    description where a reset produced the mixture. ``status`` is ``CONVERGED`` when EM converged with no
    starved component or with the reset budget used up, else the last EM run's status.

    Attributes
    ----------
    n_resets : int
        Components reset in total.
    """

    n_resets: int

    @property
    def reset_iterations(self) -> list:
        """Indices into ``history`` where a reset happened."""
        return [i for i, e in enumerate(self.events) if e]


def starved_components(resp: np.ndarray, threshold: float | None = None) -> np.ndarray:
    """Components whose effective count N_j = sum_i r_ij is below ``threshold`` (default N / (2M)).

    Introduced in ``notebooks/10_cheap_heuristic.ipynb``.

    Parameters
    ----------
    resp : ndarray of shape (n_samples, n_components)

    Returns
    -------
    ndarray of int
    """
    n, n_components = resp.shape
    if threshold is None:
        threshold = n / (2 * n_components)
    return np.flatnonzero(resp.sum(axis=0) < threshold)


def reset_components(X: np.ndarray, mixture: Mixture, components, rng) -> tuple[Mixture, list]:
    """Move each given component's mean to a random data point; covariance = mean of the others'; weight 1/M.

    Introduced in ``notebooks/10_cheap_heuristic.ipynb``.

    Returns
    -------
    mixture : Mixture
    messages : list of str, one per reset component
    """
    rng = check_rng(rng)
    n_components = mixture.n_components
    weights = mixture.weights.copy()
    means = mixture.means.copy()
    covs = mixture.covariances.copy()
    messages = []
    others = np.setdiff1d(np.arange(n_components), components)
    for j in components:
        i = int(rng.integers(len(X)))
        means[j] = X[i]
        covs[j] = covs[others].mean(axis=0) if others.size else mixture.covariances.mean(axis=0)
        weights[j] = 1.0 / n_components
        messages.append(f"component {j + 1} reset to data point {i} at "
                        f"({', '.join(f'{v:.2f}' for v in X[i][:3])}{', ...' if X.shape[1] > 3 else ''})")
    weights /= weights.sum()
    return Mixture(weights, means, covs, mixture.covariance_type), messages


def run_em_with_resets(X, init: Mixture, *, rng, max_iter: int = 1000, tol: float = 1e-6,
                       reg_covar: float = 1e-6, max_resets: int = 20, threshold: float | None = None) -> HeuristicRun:
    """EM plus the cheap heuristic of slide 30.

    Introduced in ``notebooks/08_split_and_merge_em.ipynb``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    init : Mixture
    rng : int or numpy.random.Generator
        Chooses the data points the starved components move to.
    max_iter : int
        EM iterations in total, over all restarts.
    tol, reg_covar
        As in :func:`emcourse.run_em` (``tol`` is per sample).
    max_resets : int
        At most this many component resets.
    threshold : float, optional
        N_j below this is starved; default N / (2M), which assumes roughly equal weights.

    Returns
    -------
    HeuristicRun
    """
    check_mixture(init, "init")
    X = check_X(X, n_features=init.n_features)
    rng = check_rng(rng)
    max_iter = check_whole_number(max_iter, "max_iter", 1)
    max_resets = check_whole_number(max_resets, "max_resets", 0)
    history, lls, events = [], [], []
    mix, pending_event, n_resets = init, "", 0
    budget = max_iter
    while True:
        res = run_em(X, mix, max_iter=budget, tol=tol, reg_covar=reg_covar)
        history += res.history
        lls += list(res.log_likelihoods)
        events += [pending_event] + [""] * (len(res.history) - 1)
        budget -= res.n_iter
        mix = res.mixture
        if not res.converged:
            return HeuristicRun(history=history, log_likelihoods=lls, events=events, n_resets=n_resets,
                                status=res.status, stop_reason=f"EM stopped without converging ({res.stop_reason})")
        resp, _ = e_step(X, mix)
        starved = starved_components(resp, threshold)
        if starved.size == 0:
            return HeuristicRun(history=history, log_likelihoods=lls, events=events, n_resets=n_resets,
                                status=Status.CONVERGED, stop_reason="converged with no starved component")
        if n_resets + starved.size > max_resets or budget <= 0:
            return HeuristicRun(history=history, log_likelihoods=lls, events=events, n_resets=n_resets,
                                status=Status.CONVERGED,
                                stop_reason=f"converged; {starved.size} component(s) still starved but the reset "
                                            f"budget ({max_resets}) or iteration budget is used up")
        counts = resp.sum(axis=0)
        mix, messages = reset_components(X, mix, starved, rng)
        n_resets += starved.size
        limit = len(X) / (2 * mix.n_components) if threshold is None else threshold
        # the next EM run starts from the reset mixture: its history[0] carries this event
        pending_event = "; ".join(f"{m} (N_j = {counts[j]:.1f} < {limit:.1f})" for m, j in zip(messages, starved))
