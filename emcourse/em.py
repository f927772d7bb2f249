"""The EM algorithm for Gaussian mixtures (floor 1).

First used in ``notebooks/00_start_here.ipynb``; explained step by step in lesson 4 (the EM algorithm). The E step and the
M step are written with the plain formulas of science.md §3 (log space, centred variances);
``run_em`` uses the equivalent fast path in :mod:`emcourse._fast`.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from ._fast import FeatureMap
from ._validation import check_covariance_type, check_nonnegative_float, check_whole_number, check_X
from .mixture import Mixture, logsumexp_rows, normalized_exp_rows

_EPS10 = 10 * np.finfo(np.float64).eps
COLLAPSE_RTOL = 1e3 * np.finfo(np.float64).eps


class DegenerateMixtureError(ValueError):
    """An M step produced an invalid component (a variance of zero: a collapse onto a point).

    Introduced in ``notebooks/00_start_here.ipynb``.

    Attributes
    ----------
    component : int
        Index of the offending component.
    """

    def __init__(self, message: str, component: int):
        super().__init__(message)
        self.component = component


class DegeneracyWarning(RuntimeWarning):
    """EM stopped or continued in a degenerate state (a collapsed or empty component).

    Introduced in ``notebooks/05_em_in_action.ipynb``.
    """


def e_step(X, mixture: Mixture) -> tuple[np.ndarray, float]:
    """The E step: responsibilities P(j | x_i) and the log-likelihood of ``mixture``.

    Introduced in ``notebooks/03_gradient_descent.ipynb``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    mixture : Mixture

    Returns
    -------
    resp : ndarray of shape (n_samples, n_components)
        Responsibilities r_ij; every row sums to 1.
    log_likelihood : float
        Total log-likelihood sum_i log p(x_i) of X under ``mixture`` (natural log).
    """
    if not isinstance(mixture, Mixture):
        raise ValueError(f"mixture must be an emcourse.Mixture, got {type(mixture).__name__}.")
    X = check_X(X, n_features=mixture.n_features)
    a = mixture.weighted_log_pdf(X)
    log_p = logsumexp_rows(a)
    if not np.all(np.isfinite(log_p)):
        i = int(np.flatnonzero(~np.isfinite(log_p))[0])
        raise ValueError(
            f"point {i} has zero density under every component (log p(x_i) = {log_p[i]}): it is so many standard "
            "deviations from every mean that the density underflows even in log space. Start from means nearer "
            "the data or from larger variances.")
    resp = normalized_exp_rows(a)
    return resp, float(np.sum(log_p))


def free_energy(X, mixture: Mixture, resp) -> float:
    """Neal and Hinton's free energy F(q, theta) = sum_i sum_j q_ij [log P_j + log p(x_i|j) - log q_ij].

    F = log L - KL(q || posterior) <= log L, with equality exactly when q is the posterior (after an
    E step). The M step raises F; together these prove that EM never decreases log L.
    Introduced in ``notebooks/04_em_algorithm.ipynb``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    mixture : Mixture
        The parameters theta.
    resp : array-like of shape (n_samples, n_components)
        Any distribution q over components for each point (rows sum to 1).

    Returns
    -------
    float
    """
    X = check_X(X, n_features=mixture.n_features)
    q = _check_resp(resp, X.shape[0])
    if q.shape[1] != mixture.n_components:
        raise ValueError(f"resp has {q.shape[1]} columns but the mixture has {mixture.n_components} components.")
    a = mixture.weighted_log_pdf(X)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(q > 0, q * (a - np.log(q)), 0.0)     # 0 log 0 = 0
    return float(terms.sum())


def _check_resp(resp, n_samples: int) -> np.ndarray:
    try:
        R = np.asarray(resp, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("resp must be a numeric array of shape (n_samples, n_components).") from None
    if R.ndim != 2 or R.shape[0] != n_samples:
        raise ValueError(
            f"resp must have shape (n_samples, n_components) with n_samples = {n_samples} (the rows of X), "
            f"got shape {R.shape}. Pass the responsibilities returned by e_step(X, mixture)."
        )
    if not np.all(np.isfinite(R)):
        raise ValueError("resp contains NaN or infinite values; responsibilities are probabilities in [0, 1].")
    if np.any(R < 0) or np.any(np.abs(R.sum(axis=1) - 1.0) > 1e-6):
        raise ValueError(
            "every row of resp must be non-negative and sum to 1 (it is P(j | x_i) over j). "
            "Normalise each row: resp / resp.sum(axis=1, keepdims=True)."
        )
    return R


def _degeneracy_message(j: int, what: str) -> str:
    return (f"component {j} {what}. This is the variance collapse of lesson 2 (the likelihood "
            "is unbounded when a component sits on one point). Use a variance floor, e.g. reg_covar=1e-6, "
            "or start from another initialisation.")


def _build_mixture(weights, means, covs, covariance_type, n_true, n_samples) -> Mixture:
    """Make the M step's Mixture, turning an invalid component into a clear error or warning."""
    if n_true.min() < 1e-10 * n_samples:
        j = int(np.argmin(n_true))
        warnings.warn(f"component {j} has (almost) no responsibility (N_j = {n_true[j]:.2g}): it explains no data "
                      "point, so its mean and variance are meaningless. Start from another initialisation or use "
                      "fewer components.", DegeneracyWarning, stacklevel=3)
    var = covs if covariance_type != "full" else np.diagonal(covs, axis1=1, axis2=2)
    var = var.reshape(var.shape[0], -1)
    # A standard deviation below ~1000 machine epsilons of the mean's magnitude is below what float64
    # can resolve between points: the component sits on one point (or on one value of a feature).
    scale = np.abs(means)
    np.maximum(scale, 1.0, out=scale)
    scale *= COLLAPSE_RTOL
    bad = np.flatnonzero(~(var > scale * scale).all(axis=1))
    if bad.size:
        j = int(bad[0])
        raise DegenerateMixtureError(_degeneracy_message(j, "has collapsed: its variance is 0 to machine precision"), j)
    try:
        return Mixture._from_m_step(weights, means, covs, covariance_type)
    except ValueError as exc:
        j = int(np.argmin(n_true))
        raise DegenerateMixtureError(_degeneracy_message(j, f"is degenerate ({exc})"), j) from None


def m_step(X, resp, covariance_type: str = "spherical", reg_covar: float = 0.0) -> Mixture:
    """The M step: the mixture that maximises the expected complete-data log-likelihood.

    Introduced in ``notebooks/03_gradient_descent.ipynb``.

    With N_j = sum_i r_ij (plus 10 machine epsilons, as scikit-learn, so an empty component
    does not divide by zero):

    * P_j = N_j / N
    * mu_j = sum_i r_ij x_i / N_j
    * spherical: sigma_j^2 = sum_i r_ij |x_i - mu_j|^2 / (d N_j)   (the *new* mean; slide 13 corrected)
    * diag: sigma_jk^2 = sum_i r_ij (x_ik - mu_jk)^2 / N_j
    * full: Sigma_j = sum_i r_ij (x_i - mu_j)(x_i - mu_j)^T / N_j

    and ``reg_covar`` is added to every variance (the covariance diagonal for ``"full"``), exactly as
    scikit-learn does. Variances are computed centred, never as <x^2> - <x>^2.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    resp : array-like of shape (n_samples, n_components)
        Responsibilities from :func:`e_step`.
    covariance_type : {"spherical", "diag", "full"}
    reg_covar : float, default 0.0
        Variance floor added after the update; 0 gives the exact maximum-likelihood step.

    Returns
    -------
    Mixture

    Raises
    ------
    DegenerateMixtureError
        (a ``ValueError``) if a component collapses to zero variance.
    """
    covariance_type = check_covariance_type(covariance_type)
    reg_covar = check_nonnegative_float(reg_covar, "reg_covar")
    X = check_X(X)
    R = _check_resp(resp, X.shape[0])
    n, d = X.shape
    n_components = R.shape[1]
    n_true = R.sum(axis=0)
    nk = n_true + _EPS10
    means = (R.T @ X) / nk[:, None]
    if covariance_type == "spherical":
        covs = np.empty(n_components)
    elif covariance_type == "diag":
        covs = np.empty((n_components, d))
    else:
        covs = np.empty((n_components, d, d))
    for j in range(n_components):
        diff = X - means[j]
        r = R[:, j]
        if covariance_type == "spherical":
            covs[j] = r @ np.einsum("nd,nd->n", diff, diff) / (d * nk[j]) + reg_covar
        elif covariance_type == "diag":
            covs[j] = r @ (diff * diff) / nk[j] + reg_covar
        else:
            c = (diff * r[:, None]).T @ diff / nk[j]
            covs[j] = 0.5 * (c + c.T) + reg_covar * np.eye(d)
    return _build_mixture(nk / nk.sum(), means, covs, covariance_type, n_true, n)


class FinalLogLikelihood:
    """Mixin for every result with a ``log_likelihoods`` trajectory: ``log_likelihood`` is its last value.

    Introduced in ``notebooks/00_start_here.ipynb``.
    """

    @property
    def log_likelihood(self) -> float:
        """Total log-likelihood of the final mixture."""
        return float(self.log_likelihoods[-1])


def converged_per_sample(lls, n_samples: int, tol: float) -> bool:
    """The course's stopping rule (scikit-learn's): the last change of log L per sample is below ``tol``.

    Introduced in ``notebooks/00_start_here.ipynb``.
    """
    return len(lls) > 1 and abs(lls[-1] - lls[-2]) / n_samples < tol


@dataclass(frozen=True)
class EMResult(FinalLogLikelihood):
    """What :func:`run_em` returns.

    Introduced in ``notebooks/00_start_here.ipynb``.

    Attributes
    ----------
    mixture : Mixture
        The last mixture (``history[-1]``).
    history : list of Mixture
        ``history[0]`` is the initial mixture; ``history[t]`` is the mixture after t EM iterations.
    log_likelihoods : ndarray of shape (len(history),)
        Total log-likelihood of X under each mixture in ``history``.
    converged : bool
        True if the per-sample change of log L fell below ``tol``.
    n_iter : int
        Number of EM iterations (M steps) done: ``len(history) - 1``.
    stop_reason : str
        Why it stopped, in words ("converged", "max_iter reached", or the degeneracy).
    """

    mixture: Mixture
    history: list = field(repr=False)
    log_likelihoods: np.ndarray = field(repr=False)
    converged: bool
    n_iter: int
    stop_reason: str


def run_em(X, init: Mixture, *, max_iter: int = 100, tol: float = 1e-6, reg_covar: float = 1e-6,
           callback=None) -> EMResult:
    """Run EM from ``init`` until convergence or ``max_iter`` iterations.

    Introduced in ``notebooks/00_start_here.ipynb``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    init : Mixture
        Starting parameters; its ``covariance_type`` is the model fitted.
    max_iter : int, default 100
        Most EM iterations (M steps) to do.
    tol : float, default 1e-6
        Convergence threshold on the **per-sample** log-likelihood: stop when
        ``|log L_t - log L_{t-1}| / n_samples < tol`` (scikit-learn's rule, with its default 1e-3).
    reg_covar : float, default 1e-6
        Added to every variance in each M step (see :func:`m_step`). 0 gives exact EM, which can collapse.
    callback : callable, optional
        ``callback(t, mixture, log_likelihood)`` after each E step, e.g. for a progress readout.

    Returns
    -------
    EMResult
        With ``history`` and ``log_likelihoods`` aligned (``history[0]`` is ``init``).

    Notes
    -----
    If a component collapses (variance 0, possible with ``reg_covar=0``), EM stops there with a
    :class:`DegeneracyWarning`; the result holds the history up to the last valid mixture.
    The arithmetic uses the fast path of :mod:`emcourse._fast`, equal to :func:`e_step` /
    :func:`m_step` to rounding (tested).
    """
    if not isinstance(init, Mixture):
        raise ValueError(f"init must be an emcourse.Mixture (e.g. from emcourse.initialize), got {type(init).__name__}.")
    X = check_X(X, n_features=init.n_features)
    max_iter = check_whole_number(max_iter, "max_iter", 0)
    tol = check_nonnegative_float(tol, "tol")
    reg_covar = check_nonnegative_float(reg_covar, "reg_covar")
    n = X.shape[0]
    if init.n_components > n:
        raise ValueError(f"init has {init.n_components} components but X has only {n} samples; use fewer components.")
    fmap = FeatureMap(X, init.covariance_type)
    buffer = np.empty((init.n_components, n))  # component-major responsibilities, reused
    history, lls = [], []
    mix = init
    converged, reason = False, "max_iter reached"
    for t in range(max_iter + 1):
        resp, ll, stats = fmap.e_and_stats(mix, buffer)
        history.append(mix)
        lls.append(ll)
        if callback is not None:
            callback(t, mix, ll)
        if not np.isfinite(ll):
            reason = "log-likelihood is not finite"
            warnings.warn(f"EM stopped at iteration {t}: the log-likelihood is {ll}. Some points have zero "
                          "density under every component; check the initial mixture.", DegeneracyWarning,
                          stacklevel=2)
            break
        if converged_per_sample(lls, n, tol):
            converged, reason = True, "converged"
            break
        if t == max_iter:
            break
        weights, means, covs = fmap.m_step_from_stats(stats, resp, reg_covar)
        try:
            mix = _build_mixture(weights, means, covs, init.covariance_type, stats[:, 0], n)
        except DegenerateMixtureError as exc:
            reason = f"stopped at iteration {t + 1}: {exc}"
            warnings.warn(f"EM {reason}", DegeneracyWarning, stacklevel=2)
            break
    return EMResult(mixture=history[-1], history=history, log_likelihoods=np.asarray(lls),
                    converged=converged, n_iter=len(history) - 1, stop_reason=reason)
