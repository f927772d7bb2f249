"""A Gaussian-mixture classifier: one mixture per class, fitted by EM (floor 1).

The batch, unsupervised-per-class baseline that slide 20 compares Gaussian ARTMAP with.
Introduced in ``notebooks/07_gaussian_artmap.ipynb``.
"""
from __future__ import annotations

import numpy as np

from ._validation import check_whole_number, check_X
from .em import run_em
from .mixture import logsumexp_rows
from .mixture import Mixture
from .seeding import kmeans_plusplus


class MixtureClassifier:
    """Fit a ``n_components``-component mixture to each class; predict the class with the largest
    log P(c) + log p(x | c).

    Parameters
    ----------
    n_components : int
        Components per class (fewer if a class has fewer points).
    covariance_type : {"spherical", "diag", "full"}
    reg_covar : float
        Variance floor passed to :func:`emcourse.run_em`.
    random_state : int
        Seed of the k-means++ starts.
    """

    def __init__(self, n_components: int = 3, *, covariance_type: str = "diag", reg_covar: float = 1e-3,
                 random_state: int = 0, max_iter: int = 200):
        self.n_components = check_whole_number(n_components, "n_components", 1)
        self.covariance_type, self.reg_covar = covariance_type, float(reg_covar)
        self.random_state, self.max_iter = int(random_state), int(max_iter)

    def fit(self, X, y) -> "MixtureClassifier":
        """Fit one mixture per class. X: (n_samples, n_features); y: (n_samples,)."""
        X = check_X(X)
        y = np.asarray(y)
        if y.shape != (X.shape[0],):
            raise ValueError(f"y must have shape ({X.shape[0]},), one label per row of X; got {y.shape}.")
        self.classes_ = np.unique(y)
        self.mixtures_, self.log_priors_ = [], []
        for c in self.classes_:
            Xc = X[y == c]
            K = min(self.n_components, len(Xc))
            init = self._start(Xc, K)
            self.mixtures_.append(run_em(Xc, init, max_iter=self.max_iter, tol=1e-4, reg_covar=self.reg_covar).mixture)
            self.log_priors_.append(np.log(len(Xc) / len(X)))
        return self

    def _start(self, Xc: np.ndarray, K: int) -> Mixture:
        """k-means++ means and the class's own variances, floored at reg_covar: a feature that is constant
        within a class (common in digits) gets variance reg_covar instead of an error."""
        means = kmeans_plusplus(Xc, K, np.random.default_rng(self.random_state))
        var = np.var(Xc, axis=0) + self.reg_covar
        if self.covariance_type == "spherical":
            covs = np.full(K, var.mean())
        elif self.covariance_type == "diag":
            covs = np.tile(var, (K, 1))
        else:
            S = np.atleast_2d(np.cov(Xc, rowvar=False, bias=True)) + self.reg_covar * np.eye(Xc.shape[1])
            covs = np.tile(S, (K, 1, 1))
        return Mixture(np.full(K, 1.0 / K), means, covs, self.covariance_type)

    @property
    def n_components_total_(self) -> int:
        """Components over all classes (comparable with ARTMAP's number of categories)."""
        return sum(m.n_components for m in self.mixtures_)

    def predict_log_proba(self, X) -> np.ndarray:
        """log P(c | x), shape (n_samples, n_classes)."""
        X = check_X(X, n_features=self.mixtures_[0].n_features)
        a = np.column_stack([lp + m.log_pdf(X) for lp, m in zip(self.log_priors_, self.mixtures_)])
        return a - logsumexp_rows(a)[:, None]

    def predict(self, X) -> np.ndarray:
        """The most probable class of each row."""
        return self.classes_[np.argmax(self.predict_log_proba(X), axis=1)]

    def score(self, X, y) -> float:
        """Accuracy on (X, y)."""
        return float(np.mean(self.predict(X) == np.asarray(y)))
