"""A Gaussian-mixture classifier: one mixture per class, fitted by EM (floor 1½).

The batch, unsupervised-per-class baseline that slide 20 compares Gaussian ARTMAP with.
Introduced in ``notebooks/07_gaussian_artmap.ipynb``.
"""
from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from .._covariance import covariance_kind
from .._validation import check_labels, check_nonnegative_float, check_rng, check_whole_number, check_X
from ..em import run_em
from .._numerics import logsumexp_rows
from ..seeding import initialize


class MixtureClassifier(ClassifierMixin, BaseEstimator):
    """Fit an ``n_components``-component mixture to each class; predict the class with the largest
    log P(c) + log p(x | c). A scikit-learn classifier (``clone``, pipelines and ``cross_validate`` work).

    Introduced in ``notebooks/07_gaussian_artmap.ipynb``.

    Parameters
    ----------
    n_components : int, default 3
        Components per class (fewer if a class has fewer points).
    covariance_type : {"spherical", "diag", "full"}, default "diag"
    reg_covar : float, default 1e-3
        Variance floor passed to :func:`emcourse.run_em`, and added to each class's own variances at the
        start, so that a feature constant within a class (common in digits) is no error.
    rng : int or numpy.random.Generator, default 0
        Seed of the k-means++ starts.
    max_iter : int, default 200
        Most EM iterations per class.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    mixtures_ : list of Mixture, one per class
    log_priors_ : ndarray of shape (n_classes,)
        log P(c), the class frequencies in the training data.
    """

    def __init__(self, n_components: int = 3, *, covariance_type: str = "diag", reg_covar: float = 1e-3,
                 rng=0, max_iter: int = 200):
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.reg_covar = reg_covar
        self.rng = rng
        self.max_iter = max_iter

    def fit(self, X, y) -> "MixtureClassifier":
        """Fit one mixture per class.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Class labels (integers or strings).

        Returns
        -------
        self
        """
        n_components = check_whole_number(self.n_components, "n_components", 1)
        covariance_type = covariance_kind(self.covariance_type).name
        reg_covar = check_nonnegative_float(self.reg_covar, "reg_covar")
        max_iter = check_whole_number(self.max_iter, "max_iter", 1)
        check_rng(self.rng)
        X = check_X(X)
        y = check_labels(y, X.shape[0])
        self.classes_ = np.unique(y)
        self.mixtures_, priors = [], []
        for c in self.classes_:
            Xc = X[y == c]
            init = initialize(Xc, min(n_components, len(Xc)), covariance_type, "kmeans++", rng=self.rng, reg_covar=reg_covar)
            self.mixtures_.append(run_em(Xc, init, max_iter=max_iter, tol=1e-4, reg_covar=reg_covar).mixture)
            priors.append(np.log(len(Xc) / len(X)))
        self.log_priors_ = np.array(priors)
        self.n_features_in_ = X.shape[1]
        return self

    @property
    def n_components_total_(self) -> int:
        """Components over all classes (comparable with ARTMAP's number of categories)."""
        check_is_fitted(self)
        return sum(m.n_components for m in self.mixtures_)

    def predict_log_proba(self, X) -> np.ndarray:
        """log P(c | x), shape (n_samples, n_classes)."""
        check_is_fitted(self)
        X = check_X(X, n_features=self.n_features_in_)
        a = np.column_stack([lp + m.log_pdf(X) for lp, m in zip(self.log_priors_, self.mixtures_)])
        return a - logsumexp_rows(a)[:, None]

    def predict_proba(self, X) -> np.ndarray:
        """P(c | x), shape (n_samples, n_classes); rows sum to 1."""
        return np.exp(self.predict_log_proba(X))

    def predict(self, X) -> np.ndarray:
        """The most probable class of each row, shape (n_samples,)."""
        log_proba = self.predict_log_proba(X)
        return self.classes_[np.argmax(log_proba, axis=1)]
