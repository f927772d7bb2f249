"""The lecture's "cheap heuristic" (slide 30): re-seed starved components and resume EM (floor 1½).

Introduced in ``notebooks/10_cheap_heuristic.ipynb``.

Rule, with the choices slide 30 leaves open made explicit (science.md §8):

* when EM has converged, compute each component's effective count N_j = sum_i P(j | x_i);
* every component with N_j < N / (2M) is *starved*: move its mean to a random data point,
  give it the average covariance of the other components, and the weight 1/M (then renormalise);
* resume EM from there. **Keep the reset only if it paid**: if EM after it ends with a log L higher
  than the best seen (by more than ``min_gain`` per sample), continue from the new mixture; otherwise
  go back to the best mixture and try another reset;
* stop when the best mixture has no starved component, or after ``max_resets`` resets.

So the run never ends below the plain EM run it starts with, and its final mixture is the best one
it found. Every reset, kept or rejected, is recorded in the history's ``events`` and in ``attempts``.
The log-likelihood drops right after a reset (the new component starts in a poor place); between
resets EM never decreases it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .._validation import check_nonnegative_float, check_rng, check_whole_number, check_X
from ..em import e_step, run_em
from ..mixture import Mixture, check_mixture
from ..run import Run, Status


@dataclass(frozen=True)
class ResetAttempt:
    """One reset of the cheap heuristic and the EM run after it. Introduced in ``notebooks/10_cheap_heuristic.ipynb``.

    Attributes
    ----------
    start : int
        Index in the run's ``history`` of the mixture the reset produced.
    end : int
        Index of the last EM iterate after the reset.
    components : tuple of int
        The components reset (0-based; messages number them from 1).
    log_likelihood_before : float
        The best total log L before the reset (what the reset had to beat).
    log_likelihood_after : float
        Total log L where EM after the reset ended.
    kept : bool
        True if EM after the reset ended higher than before by more than ``min_gain`` per sample.
    """

    start: int
    end: int
    components: tuple
    log_likelihood_before: float
    log_likelihood_after: float
    kept: bool

    @property
    def gain(self) -> float:
        """log L after - log L before (total)."""
        return self.log_likelihood_after - self.log_likelihood_before


@dataclass(frozen=True, kw_only=True)
class HeuristicRun(Run):
    """What :func:`run_em_with_resets` returns: a :class:`emcourse.run.Run` across all restarts of EM.

    Introduced in ``notebooks/10_cheap_heuristic.ipynb``. ``history`` holds every EM iterate, across all
    restarts (``history[0]`` is the initial mixture), including those after a rejected reset; after a rejected
    reset one more record goes back to the best mixture, so ``history[-1]`` (``mixture``) is always the best
    mixture found. ``events[t]`` is ``""`` for an EM iteration and a description where a reset produced the
    mixture or a rejected reset was undone. ``status`` is ``CONVERGED`` when the best mixture has no starved
    component (or the reset budget ran out after a reset that paid), ``NO_IMPROVEMENT`` when the reset budget
    ran out and the last reset did not pay, ``MAX_ITER`` when the iteration budget ran out, and the first EM
    run's status if it degenerated (a reset whose EM run degenerates is rejected like one that did not pay).

    Attributes
    ----------
    n_resets : int
        Components reset in total, kept or not.
    attempts : tuple of ResetAttempt
        Every reset, in order.
    """

    n_resets: int
    attempts: tuple = field(default=(), repr=False)

    @property
    def reset_iterations(self) -> list:
        """Indices into ``history`` where a reset produced the mixture (kept or rejected)."""
        return [a.start for a in self.attempts]

    @property
    def undo_iterations(self) -> list:
        """Indices into ``history`` where a rejected reset was undone (the best mixture again)."""
        return [a.end + 1 for a in self.attempts if not a.kept]

    @property
    def n_em_iter(self) -> int:
        """EM iterations (M steps) over all restarts: ``n_iter`` without the reset and undo records."""
        return self.n_iter - len(self.attempts) - self.n_rejected

    @property
    def n_kept(self) -> int:
        """Resets whose EM run ended higher than the best before them."""
        return sum(a.kept for a in self.attempts)

    @property
    def n_rejected(self) -> int:
        """Resets that did not pay (undone)."""
        return sum(not a.kept for a in self.attempts)


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
                       reg_covar: float = 1e-6, max_resets: int = 20, threshold: float | None = None,
                       min_gain: float = 1e-6) -> HeuristicRun:
    """EM plus the cheap heuristic of slide 30, keeping the best mixture seen.

    Introduced in ``notebooks/08_split_and_merge_em.ipynb``; explained in ``notebooks/10_cheap_heuristic.ipynb``.

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
        At most this many component resets, kept or rejected.
    threshold : float, optional
        N_j below this is starved; default N / (2M), which assumes roughly equal weights.
    min_gain : float, default 1e-6
        A reset is kept only if EM after it ends with log L higher than the best before it by more than
        ``min_gain`` per sample, so that EM returning to the same optimum (a gain at the level of its own
        convergence error) does not count as progress.

    Returns
    -------
    HeuristicRun
        Its final mixture is the best one found: never below the first EM run from ``init``.
    """
    check_mixture(init, "init")
    X = check_X(X, n_features=init.n_features)
    rng = check_rng(rng)
    max_iter = check_whole_number(max_iter, "max_iter", 1)
    max_resets = check_whole_number(max_resets, "max_resets", 0)
    min_gain = check_nonnegative_float(min_gain, "min_gain")
    n = len(X)
    history, lls, events, attempts = [], [], [], []
    n_resets = 0

    def run(start, event):
        res = run_em(X, start, max_iter=budget, tol=tol, reg_covar=reg_covar)
        history.extend(res.history)
        lls.extend(res.log_likelihoods)
        events.extend([event] + [""] * (len(res.history) - 1))
        return res

    def done(status, reason):
        return HeuristicRun(history=history, log_likelihoods=lls, events=events, n_resets=n_resets,
                            attempts=tuple(attempts), status=status, stop_reason=reason)

    budget = max_iter
    res = run(init, "")
    budget -= res.n_iter
    best, best_ll = res.mixture, res.log_likelihood
    if not res.converged:
        return done(res.status, f"EM stopped without converging ({res.stop_reason})")
    limit = n / (2 * init.n_components) if threshold is None else threshold
    while True:
        resp, _ = e_step(X, best)
        starved = starved_components(resp, threshold)
        if starved.size == 0:
            return done(Status.CONVERGED, "converged with no starved component")
        if n_resets + starved.size > max_resets or budget <= 0:
            last_paid = not attempts or attempts[-1].kept
            what = f"{starved.size} component(s) still starved but the reset budget ({max_resets}) or iteration budget is used up"
            if last_paid:
                return done(Status.CONVERGED, f"converged; {what}")
            return done(Status.NO_IMPROVEMENT, f"the last reset did not pay; {what}")
        counts = resp.sum(axis=0)
        mix, messages = reset_components(X, best, starved, rng)
        n_resets += starved.size
        start = len(history)
        res = run(mix, "; ".join(f"{m} (N_j = {counts[j]:.1f} < {limit:.1f})" for m, j in zip(messages, starved)))
        budget -= res.n_iter
        ll = res.log_likelihood
        kept = bool(res.status is not Status.DEGENERATE and np.isfinite(ll) and ll > best_ll + min_gain * n)
        attempts.append(ResetAttempt(start, len(history) - 1, tuple(int(j) for j in starved), best_ll, ll, kept))
        if kept:
            best, best_ll = res.mixture, ll
        else:
            history.append(best)
            lls.append(best_ll)
            events.append(f"reset rejected: EM after it ended at log L {ll:.4f}, not above the best {best_ll:.4f}; "
                          "back to the best mixture")
        if res.status is Status.MAX_ITER:
            return done(Status.MAX_ITER, f"the iteration budget ({max_iter}) ran out in EM after a reset; "
                                         f"kept the best mixture")
