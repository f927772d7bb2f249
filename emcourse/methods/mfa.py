"""Mixtures of factor analysers (Ghahramani & Hinton 1996), fitted by EM (floor 1½).

Introduced in ``notebooks/09_mixture_of_factor_analyzers.ipynb``.

Model (science.md §7): component j has prior P_j, mean mu_j and a (n_features, n_factors) loading
matrix Lambda_j; all components share one diagonal noise covariance Psi. A point is made by picking
j, drawing k factors z ~ N(0, I_k) and adding noise u ~ N(0, Psi):

    x = mu_j + Lambda_j z + u,   so   p(x | j) = N(x; mu_j, Lambda_j Lambda_j^T + Psi).

Each component is a local, PCA-like linear model of a k-dimensional patch of the data (slides 28-29).

Numerics. Everything is computed in log space with the Woodbury identity, so no (d, d) matrix is
ever inverted: with A_j = I_k + Lambda_j^T Psi^-1 Lambda_j (k x k),

* log det(Lambda_j Lambda_j^T + Psi) = sum_d log Psi_dd + log det A_j;
* the posterior of the factors is z | x, j ~ N(A_j^-1 Lambda_j^T Psi^-1 (x - mu_j), A_j^-1);
* the Mahalanobis distance is the sum of two non-negative terms (no cancellation),
  (x - mu_j)^T C_j^-1 (x - mu_j) = |Psi^-1/2 (x - mu_j - Lambda_j E[z])|^2 + |E[z]|^2.

The EM updates are those of Ghahramani's ``mfa.m`` (mean and loadings solved together in the
augmented form [Lambda_j mu_j]); the shared Psi is written as a sum of non-negative residual terms,
so it can never come out negative. **Psi floor**: after each M step every Psi_dd is raised to at
least ``psi_floor`` (absolute, in squared data units; ``mfa.m`` uses exp(-700), scikit-learn's
``FactorAnalysis`` 1e-12). Because the Psi update is separable per feature, the floored value is the
exact constrained maximiser, so log L still never decreases. A floor changes the optimum: with
digits, 1e-3 instead of 1e-12 moves log L per sample by about 0.016 (science.md §7).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from .._numerics import EPS10, LOG_2PI, logsumexp_rows, softmax_rows
from .._validation import as_finite_array, check_nonnegative_float, check_rng, check_whole_number, check_X
from ..mixture import WEIGHT_SUM_TOL, Mixture
from ..run import DegeneracyWarning, DegenerateMixtureError, Run, Status, em_loop


@dataclass(frozen=True, eq=False)
class MFA:
    """A mixture of factor analysers. Immutable.

    :func:`fit_mfa` returns an :class:`MFARun` whose ``history`` holds one of these per EM iteration;
    build one directly from parameters to evaluate or sample from it.

    Parameters
    ----------
    weights : array-like of shape (n_components,)
        Mixing proportions P_j (non-negative, sum to 1).
    means : array-like of shape (n_components, n_features)
    loadings : array-like of shape (n_components, n_features, n_factors)
        Factor loading matrices Lambda_j.
    psi : array-like of shape (n_features,)
        The shared diagonal noise variances Psi_dd (positive).
    psi_floor : float
        The Psi floor used in fitting (0 if none).

    Notes
    -----
    Introduced in ``notebooks/09_mixture_of_factor_analyzers.ipynb``.
    """

    weights: np.ndarray
    means: np.ndarray
    loadings: np.ndarray
    psi: np.ndarray
    psi_floor: float = 0.0

    def __post_init__(self):
        w = as_finite_array(self.weights, "weights")
        mu = as_finite_array(self.means, "means")
        lam = as_finite_array(self.loadings, "loadings")
        psi = as_finite_array(self.psi, "psi")
        if w.ndim != 1 or w.size < 1:
            raise ValueError(f"weights must be a 1-D array of shape (n_components,), got shape {w.shape}.")
        n_components = w.size
        if mu.ndim != 2 or mu.shape[0] != n_components:
            raise ValueError(f"means must have shape (n_components, n_features) = ({n_components}, d), got {mu.shape}.")
        D = mu.shape[1]
        if lam.ndim != 3 or lam.shape[:2] != (n_components, D) or lam.shape[2] < 1:
            raise ValueError(f"loadings must have shape (n_components, n_features, n_factors) = ({n_components}, {D}, k) "
                             f"with k >= 1, got {lam.shape}.")
        if psi.shape != (D,):
            raise ValueError(f"psi must have shape (n_features,) = ({D},): one shared noise variance per "
                             f"feature, got {psi.shape}.")
        if np.any(w < 0) or abs(float(w.sum()) - 1.0) > WEIGHT_SUM_TOL:
            raise ValueError(f"weights must be non-negative and sum to 1, got {w} (sum {w.sum():.10g}). "
                             "Divide them by their sum.")
        if np.any(psi <= 0):
            d = int(np.flatnonzero(psi <= 0)[0])
            raise ValueError(f"psi must be positive; feature {d} has {psi[d]}. Use a Psi floor (psi_floor > 0).")
        for arr in (w, mu, lam, psi):
            arr.setflags(write=False)
        for name, arr in (("weights", w), ("means", mu), ("loadings", lam), ("psi", psi)):
            object.__setattr__(self, name, arr)

    # --- sizes -----------------------------------------------------------
    @property
    def n_components(self) -> int:
        return self.weights.size

    @property
    def n_features(self) -> int:
        return self.means.shape[1]

    @property
    def n_factors(self) -> int:
        return self.loadings.shape[2]

    @property
    def n_parameters(self) -> int:
        """Free parameters M(Dk + D + 1) - 1 + D (before rotational redundancy; science.md §7)."""
        n_components, D, k = self.n_components, self.n_features, self.n_factors
        return n_components * (D * k + D + 1) - 1 + D

    def covariances(self) -> np.ndarray:
        """Lambda_j Lambda_j^T + Psi for every component, shape (n_components, n_features, n_features)."""
        return self.loadings @ np.swapaxes(self.loadings, 1, 2) + np.diag(self.psi)

    def to_mixture(self) -> Mixture:
        """The same density as a full-covariance :class:`emcourse.Mixture` (for plotting and checks)."""
        C = self.covariances()
        return Mixture(self.weights, self.means, 0.5 * (C + np.swapaxes(C, 1, 2)), "full")

    # --- densities (Woodbury, log space) -------------------------------------
    def _posterior(self, X: np.ndarray):
        """Per component: log p(x_i | j) (n, M), E[z | x_i, j] (M, n, k), A_j^-1 (M, k, k)."""
        n_components, k = self.n_components, self.n_factors
        n, D = X.shape
        inv_psi = 1.0 / self.psi
        log_det_psi = float(np.sum(np.log(self.psi)))
        logp = np.empty((n, n_components))
        Ez = np.empty((n_components, n, k))
        A_inv = np.empty((n_components, k, k))
        eye = np.eye(k)
        for j in range(n_components):
            lam = self.loadings[j]
            lam_psi = lam.T * inv_psi                              # Lambda^T Psi^-1, (k, D)
            A = eye + lam_psi @ lam
            L = np.linalg.cholesky(A)
            diff = X - self.means[j]
            B = diff @ lam_psi.T                                   # (n, k)
            ez = np.linalg.solve(A, B.T).T                         # A^-1 Lambda^T Psi^-1 (x - mu)
            resid = diff - ez @ lam.T
            maha = np.einsum("nd,nd->n", resid * inv_psi, resid) + np.einsum("nk,nk->n", ez, ez)
            logp[:, j] = -0.5 * (D * LOG_2PI + log_det_psi + 2.0 * np.log(np.diag(L)).sum() + maha)
            Ez[j] = ez
            A_inv[j] = np.linalg.solve(A, eye)
        return logp, Ez, A_inv

    def component_log_pdf(self, X) -> np.ndarray:
        """log p(x_i | j), shape (n_samples, n_components)."""
        X = check_X(X, n_features=self.n_features)
        return self._posterior(X)[0]

    def weighted_log_pdf(self, X) -> np.ndarray:
        """log P_j + log p(x_i | j), shape (n_samples, n_components)."""
        with np.errstate(divide="ignore"):
            return self.component_log_pdf(X) + np.log(self.weights)

    def log_pdf(self, X) -> np.ndarray:
        """log p(x_i) of the mixture, shape (n_samples,)."""
        return logsumexp_rows(self.weighted_log_pdf(X))

    def log_likelihood(self, X) -> float:
        """Total log-likelihood sum_i log p(x_i) (natural log), a float."""
        return float(np.sum(self.log_pdf(X)))

    def responsibilities(self, X) -> np.ndarray:
        """Posteriors P(j | x_i), shape (n_samples, n_components); rows sum to 1."""
        return softmax_rows(self.weighted_log_pdf(X))

    def posterior_factors(self, X) -> np.ndarray:
        """E[z | x_i, j], the factor scores of every point under every component.

        Returns
        -------
        ndarray of shape (n_samples, n_components, n_factors)
        """
        X = check_X(X, n_features=self.n_features)
        return np.swapaxes(self._posterior(X)[1], 0, 1).copy()

    def posterior_covariances(self) -> np.ndarray:
        """Cov[z | x, j] = (I_k + Lambda_j^T Psi^-1 Lambda_j)^-1 = I_k - beta_j Lambda_j, the same for every x.

        Returns
        -------
        ndarray of shape (n_components, n_factors, n_factors)
        """
        eye = np.eye(self.n_factors)
        lam_psi = np.swapaxes(self.loadings, 1, 2) / self.psi                  # Lambda_j^T Psi^-1, (M, k, D)
        return np.linalg.solve(eye + lam_psi @ self.loadings, np.broadcast_to(eye, (self.n_components,) + eye.shape))

    #: the codes :meth:`encode` offers (lesson 9 compares all three)
    CODES = ("posterior_mean", "weighted_least_squares", "least_squares")

    def encode(self, X, *, how: str = "posterior_mean") -> tuple[np.ndarray, np.ndarray]:
        """The local linear code of each point: its most probable component and its factor scores there.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        how : {"posterior_mean", "weighted_least_squares", "least_squares"}, default "posterior_mean"
            ``"posterior_mean"``: z = E[z | x_i, j] = (I_k + Lambda_j^T Psi^-1 Lambda_j)^-1 Lambda_j^T Psi^-1
            (x_i - mu_j), the model's own estimate, shrunk towards the prior mean 0.
            ``"weighted_least_squares"``: the same without the prior's I_k, z = (Lambda_j^T Psi^-1 Lambda_j)^-1
            Lambda_j^T Psi^-1 (x_i - mu_j), the z that minimises the Psi^-1-weighted squared error
            (x_i - mu_j - Lambda_j z)^T Psi^-1 (x_i - mu_j - Lambda_j z) (no shrinkage, but a noisy feature
            still counts less).
            ``"least_squares"``: the z that minimises the plain |x_i - mu_j - Lambda_j z|^2, i.e. the orthogonal
            projection of x_i onto component j's affine subspace mu_j + span(Lambda_j) (no shrinkage, no
            weighting: the best code for the squared reconstruction error).

        Returns
        -------
        components : ndarray of int, shape (n_samples,)
            argmax_j P(j | x_i).
        factors : ndarray of shape (n_samples, n_factors)
            The factor scores for that component.
        """
        if how not in self.CODES:
            raise ValueError(f"how must be one of {', '.join(repr(c) for c in self.CODES)}, got {how!r}.")
        X = check_X(X, n_features=self.n_features)
        logp, Ez, _ = self._posterior(X)
        with np.errstate(divide="ignore"):
            best = np.argmax(logp + np.log(self.weights), axis=1)
        if how == "posterior_mean":
            return best, Ez[best, np.arange(X.shape[0])]
        # weighted: scale rows by Psi^-1/2 and solve the plain least-squares problem (no normal equations)
        scale = 1.0 / np.sqrt(self.psi) if how == "weighted_least_squares" else np.ones(self.n_features)
        Z = np.empty((X.shape[0], self.n_factors))
        for j in np.unique(best):
            sel = best == j
            Z[sel] = np.linalg.lstsq(self.loadings[j] * scale[:, None], ((X[sel] - self.means[j]) * scale).T,
                                     rcond=None)[0].T
        return best, Z

    def decode(self, components, factors) -> np.ndarray:
        """x_hat = mu_j + Lambda_j z for given component indices (n_samples,) and factors (n_samples, n_factors)."""
        comp = np.asarray(components)
        Z = np.asarray(factors, dtype=np.float64)
        if comp.ndim != 1 or Z.shape != (comp.size, self.n_factors):
            raise ValueError(f"components must have shape (n_samples,) and factors (n_samples, {self.n_factors}); "
                             f"got {comp.shape} and {Z.shape}. Pass the two outputs of encode(X).")
        if comp.size and (comp.min() < 0 or comp.max() >= self.n_components):
            raise ValueError(f"component indices must lie in 0..{self.n_components - 1}.")
        return self.means[comp] + np.einsum("ndk,nk->nd", self.loadings[comp], Z)

    def reconstruct(self, X, *, how: str = "posterior_mean") -> np.ndarray:
        """Reconstruct each point from its most probable component and its factor scores there.

        x_hat_i = mu_j + Lambda_j z_i with j = argmax_j P(j | x_i) (slides 28-29) and z_i = E[z | x_i, j]
        (default), the Psi-weighted least-squares scores (``how="weighted_least_squares"``) or the orthogonal
        projection's (``how="least_squares"``); see :meth:`encode`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        how : {"posterior_mean", "weighted_least_squares", "least_squares"}

        Returns
        -------
        ndarray of shape (n_samples, n_features)
        """
        return self.decode(*self.encode(X, how=how))

    def sample(self, n_samples: int, rng) -> tuple[np.ndarray, np.ndarray]:
        """Draw points: x = mu_j + Lambda_j z + u.

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
        labels : ndarray of shape (n_samples,)
        """
        n = check_whole_number(n_samples, "n_samples", 0)
        rng = check_rng(rng)
        labels = rng.choice(self.n_components, size=n, p=self.weights / self.weights.sum())
        z = rng.standard_normal((n, self.n_factors))
        u = rng.standard_normal((n, self.n_features)) * np.sqrt(self.psi)
        return self.decode(labels, z) + u, labels

    def __repr__(self) -> str:
        return f"MFA(n_components={self.n_components}, n_features={self.n_features}, n_factors={self.n_factors})"


class MFARun(Run):
    """What :func:`fit_mfa` returns: a :class:`emcourse.run.Run` whose records are :class:`MFA` models.

    Introduced in ``notebooks/09_mixture_of_factor_analyzers.ipynb``. ``history[t]`` is the model after t
    EM iterations, ``mixture`` the fitted one, ``log_likelihoods[t]`` the total log L of the training data.
    """


def initial_mfa(X, n_components: int, n_factors: int, *, rng, psi_floor: float = 1e-6,
                means: str = "gaussian") -> MFA:
    """The starting point of ``mfa.m`` (science.md §7).

    * Lambda_j = randn(D, k) * sqrt(scale / k), scale = det(cov X)^(1/D) (computed in log space;
      if cov X is singular, the geometric mean of the feature variances is used instead);
    * Psi = diag(cov X), floored at ``psi_floor``;
    * mu_j drawn from N(mean X, cov X) (for one component, mu = mean X, as ``ffa.m``); with
      ``means="data"``, distinct random data points instead (a course option: in many dimensions a
      Gaussian draw can land far from every point and leave a component empty at the first step);
    * P_j = 1/M.

    ``cov X`` is the unbiased sample covariance (MATLAB's ``cov``).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    n_components, n_factors : int
    rng : int or numpy.random.Generator
    psi_floor : float, default 1e-6

    Returns
    -------
    MFA

    Notes
    -----
    Introduced in ``notebooks/09_mixture_of_factor_analyzers.ipynb``.
    """
    X, n_components, k, psi_floor = _check_fit_args(X, n_components, n_factors, psi_floor)
    rng = check_rng(rng)
    n, D = X.shape
    cov = np.atleast_2d(np.cov(X, rowvar=False))
    var = np.diag(cov).copy()
    evals, evecs = np.linalg.eigh(cov)
    if evals.min() > 1e-12 * evals.max():
        scale = float(np.exp(np.mean(np.log(evals))))
    else:
        scale = float(np.exp(np.mean(np.log(var))))
    loadings = rng.standard_normal((n_components, D, k)) * np.sqrt(scale / k)
    if means not in ("gaussian", "data"):
        raise ValueError(f"means must be 'gaussian' (as mfa.m) or 'data' (random data points), got {means!r}.")
    if n_components == 1:
        means = X.mean(axis=0, keepdims=True)
    elif means == "data":
        means = X[rng.choice(n, size=n_components, replace=False)].copy()
    else:
        sqrt_cov = (evecs * np.sqrt(np.clip(evals, 0.0, None))) @ evecs.T
        means = X.mean(axis=0) + rng.standard_normal((n_components, D)) @ sqrt_cov
    return MFA(np.full(n_components, 1.0 / n_components), means, loadings, np.maximum(var, psi_floor), psi_floor=psi_floor)


def fit_mfa(X, n_components: int, n_factors: int, *, rng, max_iter: int = 500, tol: float = 1e-6,
            psi_floor: float = 1e-6, init: MFA | None = None) -> MFARun:
    """Fit a mixture of factor analysers by EM (Ghahramani & Hinton 1996; updates as in ``mfa.m``).

    E step, for every point i and component j (Woodbury, see the module notes):
    h_ij = P(j | x_i), E[z | x_i, j] = A_j^-1 Lambda_j^T Psi^-1 (x_i - mu_j), Cov[z | x_i, j] = A_j^-1.

    M step, with the augmented loadings [Lambda_j mu_j] and factors z~ = [z; 1]:

    * [Lambda_j mu_j] = (sum_i h_ij x_i E[z~]^T) (sum_i h_ij E[z~ z~^T])^-1
    * Psi = (1/N) diag sum_ij h_ij E[(x_i - [Lambda_j mu_j] z~)(x_i - [Lambda_j mu_j] z~)^T], then floored
    * P_j = (1/N) sum_i h_ij

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        No feature may be constant (its noise variance would be only the floor).
    n_components : int
        M, at least 1.
    n_factors : int
        k, between 1 and n_features - 1.
    rng : int or numpy.random.Generator
        For the initialisation (:func:`initial_mfa`).
    max_iter : int, default 500
        Most EM iterations.
    tol : float, default 1e-6
        Stop when log L changes by less than ``tol`` **per sample** (as :func:`emcourse.run_em`;
        ``mfa.m`` instead uses a change relative to the progress since iteration 2).
    psi_floor : float, default 1e-6
        Lower bound on every Psi_dd, in squared data units (see the module notes). Use 1e-12 to
        match scikit-learn's ``FactorAnalysis``; 0 is refused (the likelihood could become unbounded).
    init : MFA, optional
        Start from these parameters instead of :func:`initial_mfa` (``rng`` is then unused).

    Returns
    -------
    MFARun
        ``history[t]`` the model after t iterations, ``log_likelihoods[t]`` its total log L of X (never
        decreasing), ``mixture`` the fitted model.

    Notes
    -----
    If a component loses all its points, or an update is not finite, EM stops at the last valid
    iterate with a :class:`emcourse.DegeneracyWarning` and says so in ``stop_reason``.
    Introduced in ``notebooks/09_mixture_of_factor_analyzers.ipynb``.
    """
    X, n_components, k, psi_floor = _check_fit_args(X, n_components, n_factors, psi_floor)
    max_iter = check_whole_number(max_iter, "max_iter", 0)
    tol = check_nonnegative_float(tol, "tol")
    if init is None:
        model = initial_mfa(X, n_components, k, rng=rng, psi_floor=psi_floor)
    else:
        if not isinstance(init, MFA):
            raise ValueError(f"init must be an MFA (e.g. from initial_mfa), got {type(init).__name__}.")
        if (init.n_components, init.n_features, init.n_factors) != (n_components, X.shape[1], k):
            raise ValueError(f"init has {init.n_components} components, {init.n_features} features and "
                             f"{init.n_factors} factors; expected {n_components}, {X.shape[1]} and {k}.")
        model = init
    n = X.shape[0]

    def e_step(model):
        logp, Ez, A_inv = model._posterior(X)
        with np.errstate(divide="ignore"):
            a = logp + np.log(model.weights)
        ll = float(logsumexp_rows(a).sum())
        return ll, ll, (a, Ez, A_inv)

    def m_step(stats):
        a, Ez, A_inv = stats
        return _m_step(X, softmax_rows(a), Ez, A_inv, psi_floor)

    loop = em_loop(e_step, m_step, model, n_samples=n, max_iter=max_iter, tol=tol)
    if loop.status is Status.DEGENERATE:
        warnings.warn(f"MFA EM {loop.stop_reason}", DegeneracyWarning, stacklevel=2)
    return MFARun(history=loop.history, log_likelihoods=loop.log_likelihoods, status=loop.status,
                  stop_reason=loop.stop_reason)


def _m_step(X: np.ndarray, H: np.ndarray, Ez: np.ndarray, A_inv: np.ndarray, psi_floor: float) -> MFA:
    """One M step (see :func:`fit_mfa`); raises DegenerateMixtureError if a component empties or a value is not finite."""
    n, D = X.shape
    n_components, _, k = Ez.shape
    s_true = H.sum(axis=0)
    if s_true.min() < 1e-10 * n:
        j = int(np.argmin(s_true))
        raise DegenerateMixtureError(f"component {j + 1} has (almost) no responsibility (N_j = {s_true[j]:.3g}): it "
                                     "is empty. Use fewer components or another rng.", j)
    s = s_true + EPS10
    means = np.empty((n_components, D))
    loadings = np.empty((n_components, D, k))
    psi_sum = np.zeros(D)
    for j in range(n_components):
        h = H[:, j]
        ez = Ez[j]
        hez = h[:, None] * ez
        sum_ez = hez.sum(axis=0)
        T1 = np.empty((D, k + 1))                                  # sum_i h x [E z; 1]^T
        T1[:, :k] = X.T @ hez
        T1[:, k] = h @ X
        T2 = np.empty((k + 1, k + 1))                              # sum_i h E[z~ z~^T]
        T2[:k, :k] = s[j] * A_inv[j] + ez.T @ hez
        T2[:k, k] = T2[k, :k] = sum_ez
        T2[k, k] = s[j]
        T2 = 0.5 * (T2 + T2.T)
        try:
            aug = np.linalg.solve(T2, T1.T).T                      # [Lambda_j mu_j], (D, k + 1)
        except np.linalg.LinAlgError:
            raise DegenerateMixtureError(f"component {j + 1}'s factor statistics are singular; use fewer factors.",
                                         j) from None
        lam, mu = aug[:, :k], aug[:, k]
        resid = X - mu - ez @ lam.T
        # diag of sum_i h (x - L~ E z~)(x - L~ E z~)^T + Lambda (s A^-1) Lambda^T: both terms >= 0
        psi_sum += h @ (resid * resid) + s[j] * np.einsum("dk,kl,dl->d", lam, A_inv[j], lam)
        means[j], loadings[j] = mu, lam
    psi = np.maximum(psi_sum / n, psi_floor)
    weights = s / s.sum()
    if not (np.all(np.isfinite(means)) and np.all(np.isfinite(loadings)) and np.all(np.isfinite(psi))):
        raise DegenerateMixtureError("an update is not finite (NaN or overflow); use a larger psi_floor or fewer "
                                     "factors.", int(np.argmin(s_true)))
    try:
        return MFA(weights, means, loadings, psi, psi_floor=psi_floor)
    except ValueError as exc:
        raise DegenerateMixtureError(str(exc), int(np.argmin(s_true))) from None


def _check_fit_args(X, n_components, n_factors, psi_floor):
    X = check_X(X, min_samples=2)
    n, D = X.shape
    n_components = check_whole_number(n_components, "n_components", 1)
    if n_components > n:
        raise ValueError(f"n_components={n_components} is more than the {n} samples; use fewer components.")
    if D < 2:
        raise ValueError(f"a factor analyser needs at least 2 features (n_factors < n_features); X has {D}.")
    k = check_whole_number(n_factors, "n_factors", 1)
    if k >= D:
        raise ValueError(f"n_factors must be smaller than n_features = {D}, got {k}: with k >= d the factors "
                         "explain everything and Psi is not identified. Use fewer factors.")
    psi_floor = check_nonnegative_float(psi_floor, "psi_floor")
    if psi_floor == 0:
        raise ValueError("psi_floor must be > 0: with no floor a noise variance can reach 0 and log L becomes "
                         "unbounded. Use e.g. psi_floor=1e-6 (or 1e-12 to match scikit-learn's FactorAnalysis).")
    var = X.var(axis=0)
    if np.any(var == 0):
        d = int(np.flatnonzero(var == 0)[0])
        raise ValueError(f"feature {d} of X is constant (and {int(np.sum(var == 0)) - 1} more), so its noise "
                         "variance would be just the floor and log L would be set by psi_floor alone. Drop "
                         "constant features first: keep = X.std(axis=0) > 0; X[:, keep].")
    return X, n_components, k, psi_floor
