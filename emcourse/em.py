"""The EM algorithm for Gaussian mixtures (floor 1).

First used in ``notebooks/00_start_here.ipynb``; explained step by step in lesson 4 (the EM algorithm). The E step and the
M step are written with the plain formulas of science.md §3 (log space, centred variances) for reading;
``run_em`` runs the same arithmetic through the fast path of :mod:`emcourse._fast` (one matrix product per
step), inside the one EM loop of :mod:`emcourse.run`. ``tests/test_fast_path.py`` proves the two equal.
"""
from __future__ import annotations

import warnings

import numpy as np

from ._covariance import covariance_kind, estimate
from ._fast import FeatureMap
from ._numerics import EPS10, logsumexp_rows, softmax_rows
from ._validation import check_nonnegative_float, check_resp, check_whole_number, check_X
from .mixture import Mixture, check_mixture
from .run import DegeneracyWarning, DegenerateMixtureError, Run, Status, em_loop

#: a standard deviation below this many machine epsilons of the mean's magnitude is a collapse
COLLAPSE_RTOL = 1e3 * np.finfo(np.float64).eps


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
    check_mixture(mixture)
    X = check_X(X, n_features=mixture.n_features)
    a = mixture.weighted_log_pdf(X)
    log_p = logsumexp_rows(a)
    if not np.all(np.isfinite(log_p)):
        i = int(np.flatnonzero(~np.isfinite(log_p))[0])
        raise ValueError(
            f"point {i} has zero density under every component (log p(x_i) = {log_p[i]}): it is so many standard "
            "deviations from every mean that the density underflows even in log space. Start from means nearer "
            "the data or from larger variances.")
    return softmax_rows(a), float(np.sum(log_p))


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
    check_mixture(mixture)
    X = check_X(X, n_features=mixture.n_features)
    q = check_resp(resp, X.shape[0], mixture.n_components)
    a = mixture.weighted_log_pdf(X)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(q > 0, q * (a - np.log(q)), 0.0)     # 0 log 0 = 0
    return float(terms.sum())


def _degeneracy_message(j: int, what: str) -> str:
    return (f"component {j + 1} {what}. This is the variance collapse of lesson 2 (the likelihood "
            "is unbounded when a component sits on one point). Use a variance floor, e.g. reg_covar=1e-6, "
            "or start from another initialisation.")


def build_mixture(weights, means, covs, covariance_type, n_true, n_samples) -> Mixture:
    """The Mixture an M step computed, with an invalid component turned into a clear error or warning.

    Introduced in ``notebooks/04_em_algorithm.ipynb``; every M step of the package ends here.

    Parameters
    ----------
    weights, means, covs
        The new parameters (the weights sum to 1, the covariances are symmetric: not re-checked).
    covariance_type : {"spherical", "diag", "full"}
    n_true : ndarray of shape (n_components,)
        The effective counts N_j = sum_i r_ij before the 10-epsilon guard.
    n_samples : float
        N (for the "almost no responsibility" test).

    Raises
    ------
    DegenerateMixtureError
        If a component has collapsed (variance 0 to machine precision) or is otherwise invalid.
    """
    if n_true.min() < 1e-10 * n_samples:
        j = int(np.argmin(n_true))
        warnings.warn(f"component {j + 1} has (almost) no responsibility (N_j = {n_true[j]:.2g}): it explains no data "
                      "point, so its mean and variance are meaningless. Start from another initialisation or use "
                      "fewer components.", DegeneracyWarning, stacklevel=3)
    var = covariance_kind(covariance_type).variances(covs, means.shape[1])
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
    kind = covariance_kind(covariance_type)
    reg_covar = check_nonnegative_float(reg_covar, "reg_covar")
    X = check_X(X)
    R = check_resp(resp, X.shape[0])
    n_true = R.sum(axis=0)
    nk = n_true + EPS10
    means = (R.T @ X) / nk[:, None]
    covs = kind.regularize(estimate(X, R, nk, means, covariance_type), reg_covar)
    return build_mixture(nk / nk.sum(), means, covs, covariance_type, n_true, X.shape[0])


class EMResult(Run):
    """What :func:`run_em` returns: a :class:`emcourse.run.Run` of mixtures.

    Introduced in ``notebooks/00_start_here.ipynb``. ``history[0]`` is the initial mixture and
    ``history[t]`` the mixture after t EM iterations; ``mixture`` is the last one; ``status`` is
    ``CONVERGED``, ``MAX_ITER`` or ``DEGENERATE``.
    """


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
    check_mixture(init, "init")
    X = check_X(X, n_features=init.n_features)
    max_iter = check_whole_number(max_iter, "max_iter", 0)
    tol = check_nonnegative_float(tol, "tol")
    reg_covar = check_nonnegative_float(reg_covar, "reg_covar")
    n = X.shape[0]
    if init.n_components > n:
        raise ValueError(f"init has {init.n_components} components but X has only {n} samples; use fewer components.")
    fmap = FeatureMap(X, init.covariance_type)
    buffer = np.empty((init.n_components, n))  # component-major responsibilities, reused

    def e_step_fast(mix):
        resp, ll, stats = fmap.e_and_stats(mix, buffer)
        return ll, ll, (stats, resp)

    def m_step_fast(stats_resp):
        stats, resp = stats_resp
        weights, means, covs = fmap.m_step_from_stats(stats, resp, reg_covar)
        return build_mixture(weights, means, covs, init.covariance_type, stats[:, 0], n)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DegeneracyWarning)
        loop = em_loop(e_step_fast, m_step_fast, init, n_samples=n, max_iter=max_iter, tol=tol, callback=callback)
    for w in caught:                               # re-emitted here, so that they point at the caller
        warnings.warn(w.message, w.category, stacklevel=2)
    if loop.status is Status.DEGENERATE:
        warnings.warn(f"EM {loop.stop_reason}", DegeneracyWarning, stacklevel=2)
    return EMResult(history=loop.history, log_likelihoods=loop.log_likelihoods, status=loop.status,
                    stop_reason=loop.stop_reason)
