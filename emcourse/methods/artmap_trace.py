"""What Gaussian ARTMAP's training did, step by step: events, category snapshots, replay (floor 1½).

Introduced in ``notebooks/07_gaussian_artmap.ipynb``. :class:`emcourse.methods.artmap.GaussianARTMAP`
records one :class:`ArtmapEvent` per step in its ``trace_``; :func:`categories_after` replays a trace
to the categories after any number of samples, so an explorer scrubs without training again, and
:func:`match_tracking_outcomes` counts what followed each match-tracking event.
Category numbers in every sentence a person reads count from 1, as the plots label them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: the kinds of event in :attr:`GaussianARTMAP.trace_`, in the order they can happen for one sample
EVENT_KINDS = ("choose", "match_tracking", "new_category", "learn")


@dataclass(frozen=True, eq=False)
class ArtmapEvent:
    """One step of Gaussian ARTMAP training, as recorded in :attr:`GaussianARTMAP.trace_`.

    Introduced in ``notebooks/07_gaussian_artmap.ipynb``.

    Attributes
    ----------
    sample : int
        Position of the sample in the stream of presentations since the last ``fit`` (0-based;
        ``partial_fit`` continues the count).
    epoch : int
        The pass over the data in ``fit`` (0-based); 0 for ``partial_fit``.
    row : int
        Row of the sample in the ``X`` passed to that ``fit`` / ``partial_fit`` call.
    kind : {"choose", "match_tracking", "new_category", "learn"}
        ``"choose"``: category J won the choice among the eligible categories.
        ``"match_tracking"``: J's label was wrong; rho was raised to G_J + epsilon and the categories
        in ``removed`` (J and every weaker match) became ineligible.
        ``"new_category"``: nothing was eligible; category ``category`` was created at the sample.
        ``"learn"``: J had the right label and learned the sample (its new state is in ``mean``,
        ``sigma``, ``count``).
    category : int
        Index of the category concerned (a row of :attr:`GaussianARTMAP.means_`).
    rho_before, rho_after : float
        Vigilance before and after the event (they differ only for ``"match_tracking"``).
    match : float
        G_J(a) of the category at the sample, before any learning (1.0 for a new category).
    predicted : label or None
        The label of the category (None for ``"new_category"``: no category predicted anything).
    true : label
        The sample's label.
    removed : tuple of int
        For ``"match_tracking"``: the categories made ineligible by this raise of rho, sorted.
    mean, sigma : ndarray of shape (n_features,) or None
        For ``"new_category"`` and ``"learn"``: the category's mean and standard deviation *after* the
        event (``sigma`` with the ``sigma_min`` floor applied, as used by match and choice).
    count : int or None
        For ``"new_category"`` and ``"learn"``: n_J after the event.
    runner_up : float or None
        For ``"match_tracking"``: the largest match G among the *other* categories that were eligible before
        this raise of rho (0.0 if there were none). The next category is tried exactly when it is above
        ``rho_after`` = G_J + epsilon, so with a tiny G_J it is epsilon, not G_J, that decides.
    """

    sample: int
    epoch: int
    row: int
    kind: str
    category: int
    rho_before: float
    rho_after: float
    match: float
    predicted: object
    true: object
    removed: tuple = ()
    mean: np.ndarray | None = field(default=None, repr=False)
    sigma: np.ndarray | None = field(default=None, repr=False)
    count: int | None = None
    runner_up: float | None = None

    def describe(self) -> str:
        """One line of plain text saying what happened (for explorer readouts and screen readers).

        Samples and categories are numbered from 1 here, as in the lesson's plots (the fields count from 0).
        Introduced in ``notebooks/07_gaussian_artmap.ipynb``.
        """
        head = f"sample {self.sample + 1}: "
        if self.kind == "choose":
            return (head + f"category {self.category + 1} chosen (match G = {self.match:.3g} > rho = "
                    f"{self.rho_before:.3g}); it predicts {self.predicted!r}, the label is {self.true!r}")
        if self.kind == "match_tracking":
            cats = ", ".join(str(j + 1) for j in self.removed)
            return (head + f"wrong label ({self.predicted!r}, not {self.true!r}): match tracking raises rho from "
                    f"{self.rho_before:.3g} to {self.rho_after:.3g}, removing categor"
                    f"{'y' if len(self.removed) == 1 else 'ies'} {cats}")
        if self.kind == "new_category":
            return (head + f"no category has a match above rho = {self.rho_before:.3g}: new category "
                    f"{self.category + 1} created at the sample, label {self.true!r}")
        return head + f"category {self.category + 1} learns the sample (n = {self.count})"


@dataclass(frozen=True, eq=False)
class Categories:
    """A snapshot of the categories of a :class:`GaussianARTMAP` (copies; safe to keep).

    Introduced in ``notebooks/07_gaussian_artmap.ipynb``.

    Attributes
    ----------
    means : ndarray of shape (n_categories, n_features)
        mu_j.
    sigmas : ndarray of shape (n_categories, n_features)
        Standard deviations used by match and choice: sqrt(max(variance, sigma_min^2)).
    variances : ndarray of shape (n_categories, n_features)
        The running variances themselves (no floor).
    counts : ndarray of int, shape (n_categories,)
        n_j, the number of samples each category has coded (1 when created).
    labels : ndarray of shape (n_categories,)
        c_j, the class each category votes for.
    """

    means: np.ndarray = field(repr=False)
    sigmas: np.ndarray = field(repr=False)
    variances: np.ndarray = field(repr=False)
    counts: np.ndarray = field(repr=False)
    labels: np.ndarray = field(repr=False)

    @property
    def n_categories(self) -> int:
        return int(self.counts.shape[0])


def categories_after(trace, n_samples: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The categories after the first ``n_samples`` presentations, replayed from a training trace.

    Introduced in ``notebooks/07_gaussian_artmap.ipynb`` (its match-tracking explorer scrubs with it).

    Parameters
    ----------
    trace : list of ArtmapEvent
        :attr:`GaussianARTMAP.trace_` of one ``fit``.
    n_samples : int
        How many presentations to replay (0 gives no categories).

    Returns
    -------
    means, sigmas : ndarray of shape (n_categories, n_features)
        Each category's state after its last ``"new_category"`` or ``"learn"`` event so far.
    labels : ndarray of shape (n_categories,)
    """
    state = {}
    for e in trace:
        if e.sample >= n_samples:
            break
        if e.kind in ("new_category", "learn"):
            state[e.category] = (e.mean, e.sigma, e.true)
    if not state:
        d = trace[0].mean.size if trace and trace[0].mean is not None else 0
        return np.zeros((0, d)), np.zeros((0, d)), np.array([])
    keys = sorted(state)
    return (np.array([state[k][0] for k in keys]), np.array([state[k][1] for k in keys]),
            np.array([state[k][2] for k in keys]))


@dataclass(frozen=True)
class MatchTrackingOutcomes:
    """What match tracking did during one training run, counted from a trace (:func:`match_tracking_outcomes`).

    Introduced in ``notebooks/07_gaussian_artmap.ipynb``.

    Attributes
    ----------
    n_samples : int
        Presentations in the trace.
    n_events : int
        Match-tracking events (a wrong winner, rho raised to G_J + epsilon).
    to_next_category : int
        Events after which another existing category was still eligible and was chosen ("try the next one").
    to_new_category : int
        Events after which no category was left, so a new one was created at once.
    samples_tracked : int
        Samples with at least one match-tracking event.
    learned_after_tracking : int
        Of those, samples finally learned by an existing category (the rest made a new category).
    median_match : float
        Median of G_J, the wrong winner's match, over the events (NaN if there were none).
    median_runner_up : float
        Median over the events of the best match among the other eligible categories
        (:attr:`ArtmapEvent.runner_up`; NaN if there were no events).
    """

    n_samples: int
    n_events: int
    to_next_category: int
    to_new_category: int
    samples_tracked: int
    learned_after_tracking: int
    median_match: float
    median_runner_up: float = float("nan")


def match_tracking_outcomes(trace) -> MatchTrackingOutcomes:
    """Count what followed every match-tracking event of a training trace.

    Introduced in ``notebooks/07_gaussian_artmap.ipynb``.

    Parameters
    ----------
    trace : list of ArtmapEvent
        :attr:`GaussianARTMAP.trace_`.

    Returns
    -------
    MatchTrackingOutcomes
    """
    trace = list(trace)
    nxt = ncat = 0
    tracked, learned, matches, runners = set(), set(), [], []
    for event, after in zip(trace, trace[1:] + [None]):
        if event.kind == "match_tracking":
            matches.append(event.match)
            runners.append(event.runner_up)
            tracked.add(event.sample)
            if after is not None and after.kind == "choose":
                nxt += 1
            else:
                ncat += 1
        elif event.kind == "learn" and event.sample in tracked:
            learned.add(event.sample)
    return MatchTrackingOutcomes(
        n_samples=len({e.sample for e in trace}), n_events=len(matches), to_next_category=nxt, to_new_category=ncat,
        samples_tracked=len(tracked), learned_after_tracking=len(learned),
        median_match=float(np.median(matches)) if matches else float("nan"),
        median_runner_up=float(np.median(runners)) if runners else float("nan"))
