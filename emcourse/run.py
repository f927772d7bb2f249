"""The Run every iterative algorithm returns, why it stopped, and the one EM loop (floor 1).

Introduced in ``notebooks/00_start_here.ipynb`` (``run_em`` returns a Run) and explained in lesson 4.

Every iterative result of the course — EM, the cheap heuristic, on-line and stepwise EM, gradient
descent, partial EM, split-and-merge EM, mixtures of factor analysers — is a :class:`Run` with the same
core fields, so explorers scrub any of them the same way and code branches on :class:`Status`, never on
the words of ``stop_reason``. Method-specific extras are extra fields of a subclass (SMEM's
``candidates``), never a different meaning of ``history``.

:func:`em_loop` is the loop ``run_em``, MFA and partial EM share: E step -> record -> stop test -> M step.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field

import numpy as np


class Status(enum.Enum):
    """Why an iterative algorithm stopped. Introduced in ``notebooks/00_start_here.ipynb``."""

    #: the per-sample change of log L fell below ``tol``
    CONVERGED = "converged"
    #: the iteration (or step) budget ran out first
    MAX_ITER = "max_iter"
    #: a component collapsed or emptied, or log L stopped being finite: the run ends at the last valid state
    DEGENERATE = "degenerate"
    #: the method's next move did not raise log L (SMEM found no better candidate, a reset did not pay)
    NO_IMPROVEMENT = "no_improvement"


class DegenerateMixtureError(ValueError):
    """An M step produced an invalid component (a variance of zero: a collapse onto a point).

    Introduced in ``notebooks/02_likelihood.ipynb`` (the unbounded likelihood).

    Attributes
    ----------
    component : int
        Index of the offending component (0-based; messages number components from 1).
    """

    def __init__(self, message: str, component: int):
        super().__init__(message)
        self.component = component


class DegeneracyWarning(RuntimeWarning):
    """A run stopped or continued in a degenerate state (a collapsed or empty component).

    Introduced in ``notebooks/05_em_in_action.ipynb`` (variance collapse).
    """


@dataclass(frozen=True, kw_only=True)
class Run:
    """The result of an iterative algorithm: one record per step, and why it stopped.

    Introduced in ``notebooks/00_start_here.ipynb``.

    Attributes
    ----------
    history : list
        ``history[0]`` is the starting state; ``history[t]`` the state after t steps. A
        :class:`emcourse.Mixture` for every method but MFA, whose records are ``MFA`` models.
    log_likelihoods : ndarray of shape (len(history),)
        Total log-likelihood of the data under each record (gradient descent too: log L = -E).
    status : Status
        Why it stopped (branch on this).
    stop_reason : str
        The same, in a sentence for people.
    events : list of str, length len(history)
        What produced each record, in words: ``""`` for an ordinary step, e.g. "component 3 reset to
        data point 17" where something happened.
    """

    history: list = field(repr=False)
    log_likelihoods: np.ndarray = field(repr=False)
    status: Status
    stop_reason: str
    events: list = field(default=None, repr=False)

    def __post_init__(self):
        lls = np.asarray(self.log_likelihoods, dtype=np.float64)
        lls.setflags(write=False)
        object.__setattr__(self, "history", list(self.history))
        object.__setattr__(self, "log_likelihoods", lls)
        events = [""] * len(self.history) if self.events is None else list(self.events)
        object.__setattr__(self, "events", events)
        if not (len(self.history) == lls.shape[0] == len(events)) or not self.history:
            raise ValueError(f"a Run needs history, log_likelihoods and events of one length >= 1, got "
                             f"{len(self.history)}, {lls.shape[0]} and {len(events)}.")
        if not isinstance(self.status, Status):
            raise ValueError(f"status must be an emcourse.Status, got {self.status!r}.")

    @property
    def n_iter(self) -> int:
        """Steps done: ``len(history) - 1`` (for SMEM: accepted split-and-merge steps)."""
        return len(self.history) - 1

    @property
    def converged(self) -> bool:
        """True if the run stopped at an optimum of its method (``CONVERGED`` or ``NO_IMPROVEMENT``)."""
        return self.status in (Status.CONVERGED, Status.NO_IMPROVEMENT)

    @property
    def mixture(self):
        """The last record, ``history[-1]``."""
        return self.history[-1]

    @property
    def log_likelihood(self) -> float:
        """Total log-likelihood of the last record."""
        return float(self.log_likelihoods[-1])


def converged_per_sample(lls, n_samples: int, tol: float) -> bool:
    """The course's stopping rule (scikit-learn's): the last change of log L per sample is below ``tol``.

    Introduced in ``notebooks/04_em_algorithm.ipynb``.
    """
    return len(lls) > 1 and abs(lls[-1] - lls[-2]) / n_samples < tol


@dataclass(frozen=True)
class LoopResult:
    """What :func:`em_loop` hands back to the algorithm that called it (which wraps it in its Run).

    Introduced in ``notebooks/04_em_algorithm.ipynb`` with the loop itself.
    """

    history: list
    log_likelihoods: np.ndarray
    objectives: np.ndarray
    status: Status
    stop_reason: str


def em_loop(e_step, m_step, start, *, n_samples: int, max_iter: int, tol: float, callback=None) -> LoopResult:
    """The one EM loop: E step -> record -> stop test -> M step, until converged or ``max_iter`` M steps.

    Introduced in ``notebooks/04_em_algorithm.ipynb``; ``run_em``, ``fit_mfa`` and partial EM call it.

    Parameters
    ----------
    e_step : callable
        ``e_step(model) -> (objective, log_likelihood, statistics)``. The stop test looks at
        ``objective`` (log L itself for EM; partial EM's own objective for partial EM).
    m_step : callable
        ``m_step(statistics) -> model``; raises :class:`DegenerateMixtureError` on a collapse.
    start : model
        The initial parameters (``history[0]``).
    n_samples : int
        N, for the per-sample stopping rule :func:`converged_per_sample`.
    max_iter : int
        Most M steps.
    tol : float
        Per-sample tolerance on the change of the objective.
    callback : callable, optional
        ``callback(t, model, log_likelihood)`` after each E step.

    Returns
    -------
    LoopResult
        ``history`` / ``log_likelihoods`` / ``objectives`` aligned; the status and reason. A degenerate stop
        keeps the last valid model; the caller decides whether to warn.
    """
    history, lls, objectives = [], [], []
    model = start
    status, reason = Status.MAX_ITER, "max_iter reached"
    for t in range(max_iter + 1):
        objective, ll, stats = e_step(model)
        history.append(model)
        lls.append(ll)
        objectives.append(objective)
        if callback is not None:
            callback(t, model, ll)
        if not np.isfinite(ll):
            status = Status.DEGENERATE
            reason = (f"stopped at iteration {t}: the log-likelihood is {ll}. Some points have zero density under "
                      "every component; check the initial parameters.")
            break
        if converged_per_sample(objectives, n_samples, tol):
            status, reason = Status.CONVERGED, "converged"
            break
        if t == max_iter:
            break
        try:
            model = m_step(stats)
        except DegenerateMixtureError as exc:
            status, reason = Status.DEGENERATE, f"stopped at iteration {t + 1}: {exc}"
            break
    return LoopResult(history, np.asarray(lls), np.asarray(objectives), status, reason)
