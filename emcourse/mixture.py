"""The Gaussian mixture as an immutable value (floor 1).

Introduced in ``notebooks/01_mixture_densities.ipynb``. The densities are written with
the plain formulas of science.md §3.1, in log space; :mod:`emcourse._fast` holds the
fast path that ``run_em`` uses and is tested against these.
"""
from __future__ import annotations

import numpy as np

from ._covariance import covariance_kind
from ._numerics import LOG_2PI, logsumexp_rows, softmax_rows
from ._validation import as_finite_array, check_rng, check_whole_number, check_X

#: how far from 1 the weights may sum (rounding), in Mixture and wherever weights are checked
WEIGHT_SUM_TOL = 1e-8


class Mixture:
    """A mixture of Gaussians: weights, means and covariances. Immutable.

    Parameters
    ----------
    weights : array-like of shape (n_components,)
        Mixing proportions P_j: non-negative, summing to 1.
    means : array-like of shape (n_components, n_features)
        Component means mu_j.
    covariances : array-like
        Shape ``(n_components,)`` variances sigma_j^2 for ``"spherical"`` (the lecture's
        sigma_j^2 I model), ``(n_components, n_features)`` per-feature variances for ``"diag"``,
        ``(n_components, n_features, n_features)`` symmetric positive-definite matrices for ``"full"``.
    covariance_type : {"spherical", "diag", "full"}

    Notes
    -----
    The arrays are read-only; make a new ``Mixture`` to change anything (see :meth:`replace`).
    Introduced in ``notebooks/01_mixture_densities.ipynb``.
    """

    __slots__ = ("_weights", "_means", "_covariances", "_covariance_type", "_prec_chol", "_log_det_half")

    def __init__(self, weights, means, covariances, covariance_type: str = "spherical"):
        kind = covariance_kind(covariance_type)
        w = as_finite_array(weights, "weights")
        mu = as_finite_array(means, "means")
        cov = as_finite_array(covariances, "covariances")
        if w.ndim != 1 or w.size < 1:
            raise ValueError(f"weights must be a 1-D array of shape (n_components,), got shape {w.shape}.")
        n_components = w.size
        if mu.ndim == 1 and n_components == 1:
            mu = mu.reshape(1, -1)
        if mu.ndim != 2 or mu.shape[0] != n_components:
            raise ValueError(
                f"means must have shape (n_components, n_features) = ({n_components}, d) to match the {n_components} "
                f"weights, got shape {mu.shape}. Stack one row per component."
            )
        d = mu.shape[1]
        if np.any(w < 0):
            raise ValueError(f"weights must be non-negative, got {w}. They are probabilities P_j.")
        total = float(w.sum())
        if abs(total - 1.0) > WEIGHT_SUM_TOL:
            raise ValueError(
                f"weights must sum to 1, they sum to {total:.10g}. Divide them by their sum: weights / weights.sum()."
            )
        expected = kind.shape(n_components, d)
        if cov.shape != expected:
            raise ValueError(
                f"covariances for covariance_type={covariance_type!r} with {n_components} components in {d} "
                f"dimensions must have shape {expected}, got {cov.shape}."
            )
        kind.validate(cov)
        self._freeze(w, mu, cov, covariance_type)

    @classmethod
    def _from_m_step(cls, weights, means, covariances, covariance_type) -> "Mixture":
        """Build without re-checking shapes, the weight sum and symmetry, which an M step guarantees.

        Positivity is still checked (the precision factors need it). Used by ``run_em``'s hot loop.
        """
        self = object.__new__(cls)
        self._freeze(weights, means, covariances, covariance_type)
        return self

    def _freeze(self, w, mu, cov, covariance_type) -> None:
        """Compute the precision factors and log-determinants, and make every array read-only."""
        prec_chol, log_det_half = covariance_kind(covariance_type).precision(cov, mu.shape[1])
        if not (np.all(np.isfinite(prec_chol)) and np.all(np.isfinite(log_det_half))):
            raise ValueError("variances must be positive; some are so small that 1/variance overflows. "
                             "Use a variance floor (reg_covar > 0).")
        for arr in (w, mu, cov, prec_chol, log_det_half):
            arr.setflags(write=False)
        self._weights, self._means, self._covariances = w, mu, cov
        self._covariance_type = covariance_type
        self._prec_chol, self._log_det_half = prec_chol, log_det_half

    # --- read-only views -------------------------------------------------
    @property
    def weights(self) -> np.ndarray:
        """Mixing proportions P_j, shape (n_components,)."""
        return self._weights

    @property
    def means(self) -> np.ndarray:
        """Component means, shape (n_components, n_features)."""
        return self._means

    @property
    def covariances(self) -> np.ndarray:
        """Variances or covariance matrices; shape depends on ``covariance_type``."""
        return self._covariances

    @property
    def covariance_type(self) -> str:
        return self._covariance_type

    @property
    def n_components(self) -> int:
        return self._weights.size

    @property
    def n_features(self) -> int:
        return self._means.shape[1]

    @property
    def variances(self) -> np.ndarray:
        """Per-feature variances, shape (n_components, n_features), whatever the covariance type."""
        return covariance_kind(self._covariance_type).variances(self._covariances, self.n_features)

    def full_covariances(self) -> np.ndarray:
        """Covariance matrices, shape (n_components, n_features, n_features), whatever the type."""
        return covariance_kind(self._covariance_type).to_full(self._covariances, self.n_features)

    @property
    def n_parameters(self) -> int:
        """Number of free parameters (for BIC/AIC; science.md §3.2)."""
        n_components, d = self.n_components, self.n_features
        cov = covariance_kind(self._covariance_type).n_parameters(n_components, d)
        return n_components * d + cov + n_components - 1

    def bic(self, X) -> float:
        """Bayesian information criterion -2 log L + p log N (lower is better); p = :attr:`n_parameters`."""
        X = check_X(X, n_features=self.n_features)
        return -2.0 * self.log_likelihood(X) + self.n_parameters * np.log(X.shape[0])

    def aic(self, X) -> float:
        """Akaike information criterion -2 log L + 2 p (lower is better)."""
        return -2.0 * self.log_likelihood(X) + 2.0 * self.n_parameters

    def replace(self, **changes) -> "Mixture":
        """A new mixture with some of ``weights``, ``means``, ``covariances`` changed."""
        args = dict(weights=self._weights, means=self._means, covariances=self._covariances,
                    covariance_type=self._covariance_type)
        unknown = set(changes) - set(args)
        if unknown:
            raise ValueError(f"replace() takes weights, means, covariances, covariance_type; got {sorted(unknown)}.")
        args.update(changes)
        return Mixture(**args)

    def __repr__(self) -> str:
        return (f"Mixture(n_components={self.n_components}, n_features={self.n_features}, "
                f"covariance_type={self._covariance_type!r})")

    def __eq__(self, other) -> bool:
        return (isinstance(other, Mixture) and self._covariance_type == other._covariance_type
                and np.array_equal(self._weights, other._weights) and np.array_equal(self._means, other._means)
                and np.array_equal(self._covariances, other._covariances))

    __hash__ = None

    # --- densities -------------------------------------------------------
    def component_log_pdf(self, X) -> np.ndarray:
        """log p(x_i | j) for every point and component (plain formulas, science.md §3.1).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_components)
        """
        X = check_X(X, n_features=self.n_features)
        d = self.n_features
        with np.errstate(over="ignore"):   # a point absurdly far away gets log-density -inf, not a warning
            maha = self._mahalanobis(X)
        return -0.5 * (d * LOG_2PI + maha) - self._log_det_half

    def _mahalanobis(self, X: np.ndarray) -> np.ndarray:
        """Squared Mahalanobis distances (x_i - mu_j)^T Sigma_j^-1 (x_i - mu_j), shape (n_samples, n_components)."""
        return covariance_kind(self._covariance_type).mahalanobis(X, self._means, self._covariances, self._prec_chol)

    def weighted_log_pdf(self, X) -> np.ndarray:
        """log P_j + log p(x_i | j), shape (n_samples, n_components). A zero weight gives -inf."""
        with np.errstate(divide="ignore"):
            return self.component_log_pdf(X) + np.log(self._weights)

    def log_pdf(self, X) -> np.ndarray:
        """log p(x_i) of the mixture at each point, shape (n_samples,)."""
        return logsumexp_rows(self.weighted_log_pdf(X))

    def pdf(self, X) -> np.ndarray:
        """p(x_i), shape (n_samples,). Prefer :meth:`log_pdf` for many points (underflow)."""
        return np.exp(self.log_pdf(X))

    def log_likelihood(self, X) -> float:
        """Total log-likelihood sum_i log p(x_i) (natural log) of the data X, a float."""
        return float(np.sum(self.log_pdf(X)))

    def responsibilities(self, X) -> np.ndarray:
        """Posteriors P(j | x_i), shape (n_samples, n_components); each row sums to 1."""
        return softmax_rows(self.weighted_log_pdf(X))

    def sample(self, n_samples: int, rng) -> tuple[np.ndarray, np.ndarray]:
        """Draw points from the mixture.

        Parameters
        ----------
        n_samples : int
        rng : int or numpy.random.Generator
            Seed or generator (explicit: the course never uses global random state).

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
        labels : ndarray of shape (n_samples,)
            The component that generated each point.
        """
        n_samples = check_whole_number(n_samples, "n_samples", 0)
        rng = check_rng(rng)
        labels = rng.choice(self.n_components, size=int(n_samples), p=self._weights / self._weights.sum())
        z = rng.standard_normal((int(n_samples), self.n_features))
        chol = np.linalg.cholesky(self.full_covariances())
        return self._means[labels] + np.einsum("nde,ne->nd", chol[labels], z), labels


def check_mixture(mixture, name: str = "mixture") -> Mixture:
    """Return ``mixture`` if it is a :class:`Mixture`, else raise a ValueError that says what to pass.

    Introduced in ``notebooks/01_mixture_densities.ipynb``; every engine function taking a mixture calls it.
    """
    if not isinstance(mixture, Mixture):
        raise ValueError(f"{name} must be an emcourse.Mixture (e.g. from emcourse.initialize), "
                         f"got {type(mixture).__name__}.")
    return mixture
