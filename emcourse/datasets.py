"""The course's data sets, made offline from explicit seeds (floor 1).

Each ``make_*`` returns a :class:`Dataset`: the data, the generating component of every point and
the generating mixture itself (so a fit can be compared with the truth). They stand in for the
lecture's ``emdemo`` data sets (slides 15-16). Introduced in ``notebooks/05_em_in_action.ipynb``.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from ._validation import check_rng, check_whole_number
from .mixture import Mixture


@dataclass(frozen=True)
class Dataset:
    """A generated data set.

    Introduced in ``notebooks/05_em_in_action.ipynb``.

    Attributes
    ----------
    name : str
    X : ndarray of shape (n_samples, n_features)
    labels : ndarray of shape (n_samples,)
        The component that generated each point.
    truth : Mixture
        The generating mixture.
    description : str
        One line for a reader.
    """

    name: str
    X: np.ndarray
    labels: np.ndarray
    truth: Mixture
    description: str

    @property
    def n_components(self) -> int:
        """Number of generating components."""
        return self.truth.n_components


def _rotation(theta: float) -> np.ndarray:
    c, s = np.cos(theta), np.sin(theta)
    return np.array([[c, -s], [s, c]])


def _elongated(sd_long: float, sd_short: float, theta: float) -> np.ndarray:
    R = _rotation(theta)
    return R @ np.diag([sd_long ** 2, sd_short ** 2]) @ R.T


def _sample_exact_counts(truth: Mixture, counts, rng) -> tuple[np.ndarray, np.ndarray]:
    """Exactly counts[j] points from component j (so every seed shows the intended proportions)."""
    rng = check_rng(rng)
    chol = np.linalg.cholesky(truth.full_covariances())
    X, labels = [], []
    for j, n in enumerate(counts):
        X.append(truth.means[j] + rng.standard_normal((n, truth.n_features)) @ chol[j].T)
        labels.append(np.full(n, j))
    X, labels = np.vstack(X), np.concatenate(labels)
    order = rng.permutation(len(X))
    return X[order], labels[order]


def make_well_separated(n_samples: int = 300, *, rng=0) -> Dataset:
    """Three round clusters far apart: EM converges in a handful of iterations.

    Introduced in ``notebooks/05_em_in_action.ipynb``.
    """
    n = check_whole_number(n_samples, "n_samples", 3)
    truth = Mixture([1 / 3] * 3, [[-4.0, -2.0], [4.0, -2.0], [0.0, 4.5]], [0.8, 0.8, 0.8])
    X, labels = _sample_exact_counts(truth, [n // 3, n // 3, n - 2 * (n // 3)], rng)
    return Dataset("well separated", X, labels, truth, "three round, equal, well-separated clusters")


def make_overlapping(n_samples: int = 300, *, rng=0) -> Dataset:
    """Three clusters that overlap a lot: EM is slow (many iterations) and the answer is fuzzy.

    Introduced in ``notebooks/04_em_algorithm.ipynb``.
    """
    n = check_whole_number(n_samples, "n_samples", 3)
    truth = Mixture([1 / 3] * 3, [[-1.2, 0.0], [1.2, 0.0], [0.0, 1.8]], [1.0, 1.0, 1.0])
    X, labels = _sample_exact_counts(truth, [n // 3, n // 3, n - 2 * (n // 3)], rng)
    return Dataset("overlapping", X, labels, truth, "three round clusters that overlap heavily")


def make_unequal_elongated(n_samples: int = 400, *, rng=0) -> Dataset:
    """A big elongated cluster, a medium tilted one and a small tight one: the spherical model struggles.

    Introduced in ``notebooks/10_cheap_heuristic.ipynb``.
    """
    n = check_whole_number(n_samples, "n_samples", 10)
    covs = np.array([_elongated(2.5, 0.5, 0.4), _elongated(1.2, 0.35, -1.0), 0.25 * np.eye(2)])
    truth = Mixture([0.6, 0.3, 0.1], [[0.0, 0.0], [3.0, 4.0], [-4.0, 3.5]], covs, "full")
    counts = [int(0.6 * n), int(0.3 * n)]
    counts.append(n - sum(counts))
    X, labels = _sample_exact_counts(truth, counts, rng)
    return Dataset("unequal and elongated", X, labels, truth,
                   "clusters of 60%, 30% and 10% of the points; two are long and tilted")


def make_grid(n_per_cluster: int = 100, *, rng=0) -> Dataset:
    """A 3 x 3 grid of round clusters (centres 3a, 3b; sigma 0.5), where EM often gets stuck (science.md §6).

    Introduced in ``notebooks/06_online_updates.ipynb``.
    """
    n = check_whole_number(n_per_cluster, "n_per_cluster", 1)
    centres = np.array([[3.0 * a, 3.0 * b] for a in range(3) for b in range(3)])
    truth = Mixture(np.full(9, 1 / 9), centres, np.full(9, 0.25))
    X, labels = _sample_exact_counts(truth, [n] * 9, rng)
    return Dataset("3 x 3 grid", X, labels, truth, "nine equal round clusters on a grid; local optima are common")


#: name -> data helper; read-only, so that ``load`` calls only the helpers above
DATASETS = MappingProxyType({
    "well separated": make_well_separated,
    "overlapping": make_overlapping,
    "unequal and elongated": make_unequal_elongated,
    "3 x 3 grid": make_grid,
})


def load(name: str, *, rng=0) -> Dataset:
    """One of :data:`DATASETS` by name, with its default size.

    Introduced in ``notebooks/05_em_in_action.ipynb``.
    """
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; choose one of {sorted(DATASETS)}.")
    return DATASETS[name](rng=rng)
