"""MAP EM: EM for the posterior mode under a conjugate (inverse-Wishart) prior on the covariances (floor 1½).

Introduced in ``notebooks/11_em_in_practice.ipynb``, as the principled cure for the collapse of lesson 5.

Maximum likelihood has no maximum with free covariances (a component on two points of a 2-D data set has a
singular covariance and infinite density there). Put a prior on each covariance,

    p(Sigma_j) = IW(Sigma_j | nu, Psi)  proportional to  |Sigma_j|^(-(nu + d + 1)/2) exp(-tr(Psi Sigma_j^-1) / 2),

and maximise log L + sum_j log p(Sigma_j) instead (means and weights keep flat priors). The E step is
unchanged; the M step's covariance becomes

    Sigma_j = (S_j + Psi) / (N_j + nu + d + 1),   S_j = sum_i r_ij (x_i - mu_j)(x_i - mu_j)^T,

which is never singular (its smallest eigenvalue is at least that of Psi over N + nu + d + 1), and tends to the
ML estimate S_j / N_j as a component gathers data. The objective, not log L, never decreases.
Default hyper-parameters follow mclust's ``defaultPrior`` for the covariances (Fraley and Raftery 2007):
nu = d + 2 and Psi = the data covariance / M^(2/d).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.special import multigammaln

from .._fast import FeatureMap
from .._numerics import EPS10
from .._validation import check_nonnegative_float, check_whole_number, check_X
from ..em import build_mixture
from ..mixture import Mixture, check_mixture
from ..run import Run, em_loop


@dataclass(frozen=True)
class InverseWishart:
    """The inverse-Wishart prior IW(nu, Psi) on a d x d covariance matrix.

    Introduced in ``notebooks/11_em_in_practice.ipynb``.

    Parameters
    ----------
    dof : float
        nu, the degrees of freedom; the density is proper for nu > d - 1.
    scale : ndarray of shape (n_features, n_features)
        Psi, symmetric positive definite.
    """

    dof: float
    scale: np.ndarray

    def __post_init__(self):
        scale = np.array(self.scale, dtype=np.float64)
        if scale.ndim != 2 or scale.shape[0] != scale.shape[1] or not np.all(np.isfinite(scale)):
            raise ValueError(f"scale must be a finite square matrix of shape (d, d), got shape {scale.shape}.")
        if np.abs(scale - scale.T).max() > 1e-10 * max(1.0, np.abs(scale).max()) or np.linalg.eigvalsh(scale).min() <= 0:
            raise ValueError("scale must be symmetric positive definite (e.g. the data covariance).")
        d = scale.shape[0]
        if not np.isfinite(self.dof) or self.dof <= d - 1:
            raise ValueError(f"dof must be > d - 1 = {d - 1} for a proper inverse-Wishart prior, got {self.dof!r}.")
        scale.setflags(write=False)
        object.__setattr__(self, "scale", scale)
        object.__setattr__(self, "dof", float(self.dof))

    @property
    def n_features(self) -> int:
        return self.scale.shape[0]

    def log_pdf(self, covariances) -> np.ndarray:
        """log IW(Sigma_j | nu, Psi) for each matrix of ``covariances`` (shape (K, d, d)), shape (K,)."""
        cov = np.asarray(covariances, dtype=np.float64)
        d, nu = self.n_features, self.dof
        _, logdet_scale = np.linalg.slogdet(self.scale)
        _, logdet = np.linalg.slogdet(cov)
        trace = np.trace(np.linalg.solve(cov, np.broadcast_to(self.scale, cov.shape)), axis1=1, axis2=2)
        const = 0.5 * nu * logdet_scale - 0.5 * nu * d * np.log(2.0) - multigammaln(0.5 * nu, d)
        return const - 0.5 * (nu + d + 1) * logdet - 0.5 * trace

    def posterior_mode(self, scatter, n_j) -> np.ndarray:
        """The MAP covariances (S_j + Psi) / (N_j + nu + d + 1), shape (K, d, d), from the scatters S_j (K, d, d)."""
        denom = np.asarray(n_j, dtype=np.float64) + self.dof + self.n_features + 1
        return (np.asarray(scatter, dtype=np.float64) + self.scale) / denom[:, None, None]


def default_prior(X, n_components: int) -> InverseWishart:
    """mclust's default for the covariances: nu = d + 2 and Psi = cov(X) / M^(2/d).

    Introduced in ``notebooks/11_em_in_practice.ipynb``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    n_components : int
    """
    X = check_X(X, min_samples=2)
    n_components = check_whole_number(n_components, "n_components", 1)
    d = X.shape[1]
    S = np.atleast_2d(np.cov(X, rowvar=False))
    return InverseWishart(d + 2.0, S / n_components ** (2.0 / d))


@dataclass(frozen=True, kw_only=True)
class MAPResult(Run):
    """What :func:`run_map_em` returns: a Run whose stop test watched the log posterior.

    Introduced in ``notebooks/11_em_in_practice.ipynb``.

    Attributes
    ----------
    log_posteriors : ndarray of shape (len(history),)
        log L + sum_j log IW(Sigma_j) of each record (up to the flat priors' constants): never decreases.
    prior : InverseWishart
    """

    log_posteriors: np.ndarray = field(default=None, repr=False)
    prior: InverseWishart = None


def run_map_em(X, init: Mixture, *, prior: InverseWishart | None = None, max_iter: int = 100,
               tol: float = 1e-6) -> MAPResult:
    """EM for the posterior mode of a full-covariance mixture under an inverse-Wishart prior (no variance floor).

    Introduced in ``notebooks/11_em_in_practice.ipynb``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    init : Mixture
        Starting parameters, ``covariance_type="full"``.
    prior : InverseWishart, optional
        Default :func:`default_prior` (X, init.n_components).
    max_iter : int, default 100
    tol : float, default 1e-6
        Per-sample tolerance on the change of the log posterior.

    Returns
    -------
    MAPResult
        ``log_likelihoods`` are log L (which may dip); ``log_posteriors`` the objective.
    """
    check_mixture(init, "init")
    if init.covariance_type != "full":
        raise ValueError(f"run_map_em fits full covariances (an inverse-Wishart prior on each); init has "
                         f"covariance_type={init.covariance_type!r}. Start from initialize(X, M, 'full', ...).")
    X = check_X(X, n_features=init.n_features)
    prior = default_prior(X, init.n_components) if prior is None else prior
    if not isinstance(prior, InverseWishart) or prior.n_features != X.shape[1]:
        raise ValueError(f"prior must be an InverseWishart on {X.shape[1]} x {X.shape[1]} matrices.")
    max_iter = check_whole_number(max_iter, "max_iter", 0)
    tol = check_nonnegative_float(tol, "tol")
    n = X.shape[0]
    fmap = FeatureMap(X, "full")
    buffer = np.empty((init.n_components, n))

    def e_step(mix):
        resp, ll, stats = fmap.e_and_stats(mix, buffer)
        return ll + float(prior.log_pdf(mix.covariances).sum()), ll, (stats, resp)

    def m_step(stats_resp):
        stats, resp = stats_resp
        weights, means, cov_ml = fmap.m_step_from_stats(stats, resp, 0.0)    # cov_ml = S_j / (N_j + 10 eps)
        n_j = stats[:, 0]
        scatter = cov_ml * (n_j + EPS10)[:, None, None]
        return build_mixture(weights, means, prior.posterior_mode(scatter, n_j), "full", n_j, n)

    loop = em_loop(e_step, m_step, init, n_samples=n, max_iter=max_iter, tol=tol)
    return MAPResult(history=loop.history, log_likelihoods=loop.log_likelihoods, status=loop.status,
                     stop_reason=loop.stop_reason, log_posteriors=loop.objectives, prior=prior)
