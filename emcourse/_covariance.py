"""Everything that depends on the covariance type, in one place (floor 1).

The course fits three models (design.md, vocabulary): ``"spherical"`` (the lecture's sigma_j^2 I, one
variance per component), ``"diag"`` (one variance per component and feature) and ``"full"`` (a d x d
matrix per component). Every operation whose formula differs between them is a method of one class per
type here, and the rest of the engine dispatches through :func:`covariance_kind`, as scikit-learn's
mixture module does with its ``_estimate_gaussian_covariances_*`` table. Introduced in
``notebooks/05_em_in_action.ipynb`` (the three models compared); the lecture's spherical case is
lesson 4's M step.

Array layouts, with K = n_components and d = n_features:

=========== ==================== ==========================================================
type        covariances          parameters per component
=========== ==================== ==========================================================
spherical   (K,)                 1
diag        (K, d)               d
full        (K, d, d)            d (d + 1) / 2
=========== ==================== ==========================================================
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

COVARIANCE_TYPES = ("spherical", "diag", "full")


@lru_cache(maxsize=None)
def _upper(d: int):
    """(a, b, sign): the upper-triangle index pairs a <= b of a d x d matrix, in np.triu_indices order, and the
    factor of P_ab in -x^T P x / 2 (-1/2 on the diagonal, -1 off it). Cached: the fast path asks every step."""
    a, b = np.triu_indices(d)
    sign = np.where(a == b, -0.5, -1.0)
    for arr in (a, b, sign):
        arr.setflags(write=False)
    return a, b, sign


def _check_no_constant_feature(S: np.ndarray, name: str) -> None:
    var = np.diag(S)
    if np.any(var <= 0):
        k = int(np.flatnonzero(var <= 0)[0])
        raise ValueError(f"feature {k} of X is constant (zero variance), so a '{name}' covariance would "
                         "be singular. Drop that feature or use covariance_type='spherical'.")


def _positive_variances(cov: np.ndarray) -> None:
    """Raise ValueError unless every variance (spherical or diag layout) is positive."""
    if np.any(cov <= 0):
        j = int(np.argwhere(cov <= 0)[0][0])
        raise ValueError(f"variances must be positive; component {j + 1} has {cov[j]}. A variance of 0 is a component "
                         "collapsed onto a point: use a positive value or a variance floor (reg_covar > 0).")


def _add_to_variances(cov: np.ndarray, reg_covar: float) -> np.ndarray:
    return cov + reg_covar


class Spherical:
    """sigma_j^2 I: one variance per component (the lecture's model)."""

    name = "spherical"

    @staticmethod
    def shape(n_components: int, d: int) -> tuple:
        return (n_components,)

    @staticmethod
    def n_parameters(n_components: int, d: int) -> int:
        return n_components

    validate = staticmethod(_positive_variances)

    @staticmethod
    def variances(cov: np.ndarray, d: int) -> np.ndarray:
        """Per-feature variances, shape (K, d)."""
        return np.repeat(cov[:, None], d, axis=1)

    @staticmethod
    def from_variances(var: np.ndarray) -> np.ndarray:
        """The closest model to per-feature variances (K, d): their mean, the spherical ML estimate."""
        return var.mean(axis=1)

    @staticmethod
    def to_full(cov: np.ndarray, d: int) -> np.ndarray:
        """The covariance matrices, shape (K, d, d)."""
        return Full.from_variances(Spherical.variances(cov, d))

    @staticmethod
    def from_data(S: np.ndarray, n_components: int) -> np.ndarray:
        """Every component starts from the data covariance S (d, d), in this type's layout: here its
        average variance trace(S) / d. (Raises ValueError where S cannot start the type.)"""
        return np.full(n_components, float(np.trace(S)) / S.shape[0])

    @staticmethod
    def precision(cov: np.ndarray, d: int):
        """(prec_chol, log_det_half): 1/sigma_j, and half the log-determinant (d/2) log sigma_j^2."""
        with np.errstate(divide="ignore", invalid="ignore"):
            prec_chol = 1.0 / np.sqrt(cov)
        return prec_chol, 0.5 * d * np.log(cov)

    @staticmethod
    def mahalanobis(X, means, cov, prec_chol) -> np.ndarray:
        diff = X[:, None, :] - means[None, :, :]
        return np.einsum("nkd,nkd->nk", diff, diff) / cov

    @staticmethod
    def estimate_one(diff: np.ndarray, r: np.ndarray, n_j: float):
        """sum_i r_i |x_i - mu|^2 / (d N_j) for one component, from the centred data ``diff``."""
        return r @ np.einsum("nd,nd->n", diff, diff) / (diff.shape[1] * n_j)

    regularize = staticmethod(_add_to_variances)

    @staticmethod
    def split(cov_k, d: int):
        """(s^2, the covariance of each half) for SMEM's split: det(Sigma_k)^(1/d) = sigma_k^2 itself."""
        s2 = float(cov_k)
        return s2, s2

    # --- the fast path's quadratic features (see emcourse._fast) ---------------------------------
    @staticmethod
    def n_quadratic(d: int) -> int:
        return 1                                            # |x|^2

    @staticmethod
    def fill_quadratic(out: np.ndarray, XcT: np.ndarray) -> None:
        np.einsum("dn,dn->n", XcT, XcT, out=out[0])

    @staticmethod
    def linear_and_quadratic(cov, prec_chol, mu):
        """(Sigma^-1 mu (K, d), weights of the quadratic features (K, n_quadratic))."""
        inv = 1.0 / cov
        return mu * inv[:, None], (-0.5 * inv)[:, None]

    @staticmethod
    def from_moments(S2, mu, n_j, corr, d):
        """Covariances from the second moments sum_i r_ij phi2(x_i - c): (S2 - corr |mu|^2) / (d N_j)."""
        return (S2[:, 0] - corr * (mu * mu).sum(1)) / (n_j * d)


class Diag:
    """diag(sigma_j1^2, ..., sigma_jd^2): one variance per component and feature."""

    name = "diag"

    @staticmethod
    def shape(n_components: int, d: int) -> tuple:
        return (n_components, d)

    @staticmethod
    def n_parameters(n_components: int, d: int) -> int:
        return n_components * d

    validate = staticmethod(_positive_variances)

    @staticmethod
    def variances(cov: np.ndarray, d: int) -> np.ndarray:
        return cov

    @staticmethod
    def from_variances(var: np.ndarray) -> np.ndarray:
        return var

    @staticmethod
    def to_full(cov: np.ndarray, d: int) -> np.ndarray:
        return Full.from_variances(cov)

    @staticmethod
    def from_data(S: np.ndarray, n_components: int) -> np.ndarray:
        _check_no_constant_feature(S, "diag")
        return np.tile(np.diag(S), (n_components, 1))

    @staticmethod
    def precision(cov: np.ndarray, d: int):
        with np.errstate(divide="ignore", invalid="ignore"):
            prec_chol = 1.0 / np.sqrt(cov)
        return prec_chol, 0.5 * np.log(cov).sum(axis=1)

    @staticmethod
    def mahalanobis(X, means, cov, prec_chol) -> np.ndarray:
        diff = (X[:, None, :] - means[None, :, :]) * prec_chol
        return np.einsum("nkd,nkd->nk", diff, diff)

    @staticmethod
    def estimate_one(diff: np.ndarray, r: np.ndarray, n_j: float):
        return r @ (diff * diff) / n_j

    regularize = staticmethod(_add_to_variances)

    @staticmethod
    def split(cov_k, d: int):
        s2 = float(np.exp(np.mean(np.log(cov_k))))          # the geometric mean of the d variances
        return s2, np.full(d, s2)

    @staticmethod
    def n_quadratic(d: int) -> int:
        return d                                            # x_1^2 .. x_d^2

    @staticmethod
    def fill_quadratic(out: np.ndarray, XcT: np.ndarray) -> None:
        np.multiply(XcT, XcT, out=out)

    @staticmethod
    def linear_and_quadratic(cov, prec_chol, mu):
        inv = 1.0 / cov
        return mu * inv, -0.5 * inv

    @staticmethod
    def from_moments(S2, mu, n_j, corr, d):
        return (S2 - corr[:, None] * mu * mu) / n_j[:, None]


class Full:
    """A symmetric positive-definite d x d matrix per component, handled through its Cholesky factor."""

    name = "full"

    @staticmethod
    def shape(n_components: int, d: int) -> tuple:
        return (n_components, d, d)

    @staticmethod
    def n_parameters(n_components: int, d: int) -> int:
        return n_components * d * (d + 1) // 2

    @staticmethod
    def validate(cov: np.ndarray) -> None:
        scale = max(1.0, float(np.abs(cov).max()))
        if np.abs(cov - np.swapaxes(cov, 1, 2)).max() > 1e-10 * scale:
            raise ValueError("full covariances must be symmetric matrices; got a non-symmetric one. Use (S + S.T) / 2.")

    @staticmethod
    def variances(cov: np.ndarray, d: int) -> np.ndarray:
        return np.diagonal(cov, axis1=1, axis2=2).copy()

    @staticmethod
    def from_variances(var: np.ndarray) -> np.ndarray:
        return np.einsum("kd,de->kde", var, np.eye(var.shape[1]))

    @staticmethod
    def to_full(cov: np.ndarray, d: int) -> np.ndarray:
        return cov

    @staticmethod
    def from_data(S: np.ndarray, n_components: int) -> np.ndarray:
        _check_no_constant_feature(S, "full")
        if np.linalg.eigvalsh(S).min() <= 1e-12 * np.diag(S).max():
            raise ValueError("the features of X are linearly dependent (singular sample covariance), so a 'full' "
                             "covariance cannot start from it. Remove redundant features or use 'diag'.")
        return np.tile(S, (n_components, 1, 1))

    @staticmethod
    def precision(cov: np.ndarray, d: int):
        """prec_chol[j] = inv(L_j).T (so that (x - mu) @ prec_chol[j] has identity covariance), log det / 2."""
        try:
            L = np.linalg.cholesky(cov)                      # all components at once
        except np.linalg.LinAlgError:
            L = None
        if L is None or not np.all(np.isfinite(L)):
            eigs = np.linalg.eigvalsh(cov).min(axis=1)
            j = int(np.argmin(eigs))
            raise ValueError(
                f"covariance of component {j + 1} is not positive definite (smallest eigenvalue {eigs[j]:.3g}). "
                "A covariance must be symmetric with positive eigenvalues: add a small ridge "
                "(reg_covar * identity) or use covariance_type='diag'.")
        prec_chol = np.swapaxes(np.linalg.solve(L, np.broadcast_to(np.eye(d), cov.shape)), 1, 2).copy()
        return prec_chol, np.log(np.diagonal(L, axis1=1, axis2=2)).sum(axis=1)

    @staticmethod
    def mahalanobis(X, means, cov, prec_chol) -> np.ndarray:
        maha = np.empty((X.shape[0], means.shape[0]))
        for j in range(means.shape[0]):
            z = (X - means[j]) @ prec_chol[j]
            maha[:, j] = np.einsum("nd,nd->n", z, z)
        return maha

    @staticmethod
    def estimate_one(diff: np.ndarray, r: np.ndarray, n_j: float):
        c = (diff * r[:, None]).T @ diff / n_j
        return 0.5 * (c + c.T)

    @staticmethod
    def regularize(cov: np.ndarray, reg_covar: float) -> np.ndarray:
        d = cov.shape[-1]
        out = cov.copy()
        out[..., np.arange(d), np.arange(d)] += reg_covar
        return out

    @staticmethod
    def split(cov_k, d: int):
        sign, logdet = np.linalg.slogdet(cov_k)
        s2 = float(np.exp(logdet / d))
        return s2, s2 * np.eye(d)

    @staticmethod
    def n_quadratic(d: int) -> int:
        return d * (d + 1) // 2                             # x_a x_b for a <= b

    @staticmethod
    def fill_quadratic(out: np.ndarray, XcT: np.ndarray) -> None:
        a, b, _ = _upper(XcT.shape[0])
        for row in range(a.size):
            np.multiply(XcT[a[row]], XcT[b[row]], out=out[row])

    @staticmethod
    def linear_and_quadratic(cov, prec_chol, mu):
        d = mu.shape[1]
        P = prec_chol @ np.swapaxes(prec_chol, 1, 2)        # precision matrices
        a, b, sign = _upper(d)
        # x^T P x = sum_a P_aa x_a^2 + 2 sum_{a<b} P_ab x_a x_b, times -1/2
        return (P @ mu[:, :, None])[:, :, 0], sign * P[:, a, b]

    @staticmethod
    def from_moments(S2, mu, n_j, corr, d):
        a, b, _ = _upper(d)
        M = np.empty((S2.shape[0], d, d))
        M[:, a, b] = S2
        M[:, b, a] = S2
        return (M - corr[:, None, None] * (mu[:, :, None] * mu[:, None, :])) / n_j[:, None, None]


_KINDS = {kind.name: kind for kind in (Spherical, Diag, Full)}


def covariance_kind(covariance_type: str):
    """The class of operations for ``covariance_type``, or a ValueError that says what the options are.

    Introduced in ``notebooks/05_em_in_action.ipynb``.
    """
    try:
        return _KINDS[covariance_type]
    except (KeyError, TypeError):
        raise ValueError(f"covariance_type must be one of {COVARIANCE_TYPES}, got {covariance_type!r}. "
                         "Use 'spherical' for the lecture's sigma_j^2 I model.") from None


def estimate(X: np.ndarray, resp: np.ndarray, n_j: np.ndarray, means: np.ndarray, covariance_type: str):
    """The centred M-step covariances sum_i r_ij (x_i - mu_j)(x_i - mu_j)^T / N_j in the type's layout.

    Introduced in ``notebooks/04_em_algorithm.ipynb``. Never computed as <x^2> - <x>^2.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    resp : ndarray of shape (n_samples, n_components)
    n_j : ndarray of shape (n_components,)
        Effective counts (guarded against 0).
    means : ndarray of shape (n_components, n_features)
    covariance_type : {"spherical", "diag", "full"}
    """
    kind = covariance_kind(covariance_type)
    n_components, d = means.shape
    out = np.empty(kind.shape(n_components, d))
    for j in range(n_components):
        out[j] = kind.estimate_one(X - means[j], resp[:, j], n_j[j])
    return out
