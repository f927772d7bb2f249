"""The fast path of ``run_em``: one matrix product per E step and per M step.

Introduced for speed, not for reading: the plain formulas are :func:`emcourse.e_step`
and :func:`emcourse.m_step`, and ``tests/test_fast_path.py`` checks that this module
agrees with them.

The idea
--------
Every log-density in a Gaussian mixture is a quadratic function of x. After centring the
data once (``Xc = X - X.mean(0)``), write it as a dot product of a fixed feature vector
phi(x) with a weight vector w_j that depends only on the parameters:

=========== ======================================= ==================
type        phi(x)                                  n_features F
=========== ======================================= ==================
spherical   [1, x_1..x_d, |x|^2]                    d + 2
diag        [1, x_1..x_d, x_1^2..x_d^2]             2d + 1
full        [1, x_1..x_d, x_a x_b for a <= b]       1 + d + d(d+1)/2
=========== ======================================= ==================

* E step: the (n_samples, n_components) matrix of log P_j + log p(x_i|j) is ``Phi @ W``.
* M step: the sufficient statistics (counts, first and second moments) are ``resp.T @ Phi``.

The data are processed in blocks of ``CHUNK`` samples (half that when there are 32 features or
more, so a block of features stays in cache), and the shifted log-responsibilities are clipped at
``-700`` before ``exp`` (exp of a number below about -708 underflows to a subnormal, which is
several times slower; e^-700 ~ 1e-304 changes nothing in float64 sums). The block products are
small, so BLAS runs on one thread during the loop: split over two threads each product waits for
both, which gains little on an idle machine and loses a lot when the other core is busy (measured
in ``benchmarks/bench_em.py``: full covariances, d = 16, N = 1e5 went from about 0.3 to about 0.1 of
scikit-learn's time per iteration).

Numerical care
--------------
Expanding a quadratic loses digits when a component sits far (in its own standard deviations)
from the centre of the data: the cancellation factor is about (mu_jk - c_k)^2 / sigma_jk^2.
Where it exceeds ``CANCELLATION_LIMIT`` (1e4, i.e. at most ~12 of 16 digits kept), the component
is computed with the plain centred formulas instead, so the fast path is never less accurate
than about 1e-11 relative.
"""
from __future__ import annotations

import numpy as np
from threadpoolctl import ThreadpoolController

from ._covariance import covariance_kind
from ._numerics import EPS10, LOG_2PI
from .mixture import Mixture

CANCELLATION_LIMIT = 1e4
CLIP = -700.0


CHUNK = 8192  # samples per block (half that for n_phi >= 32); measured on 2 cores in benchmarks/bench_em.py
_BLAS = []    # the BLAS thread-pool controller, made once on first use (scanning the libraries takes time)


def _one_blas_thread():
    """A context in which BLAS uses one thread (threadpoolctl, a dependency of scikit-learn)."""
    if not _BLAS:
        _BLAS.append(ThreadpoolController().select(user_api="blas"))
    return _BLAS[0].limit(limits=1)


class FeatureMap:
    """Fixed features phi(X) of centred data for one covariance type.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), float64, already validated
    covariance_type : {"spherical", "diag", "full"}
    """

    def __init__(self, X: np.ndarray, covariance_type: str):
        self.X = X
        self.covariance_type = covariance_type
        self.kind = covariance_kind(covariance_type)
        n, d = X.shape
        self.n_samples, self.n_features = n, d
        self.center = X.mean(axis=0)
        Xc = X - self.center
        self.Xc = Xc
        # feature-major layout (n_phi, n_samples), built row by row: see e_and_stats
        XcT = np.ascontiguousarray(Xc.T)
        self.n_phi = 1 + d + self.kind.n_quadratic(d)
        self.PhiT = PhiT = np.empty((self.n_phi, n))
        PhiT[0] = 1.0
        PhiT[1:1 + d] = XcT
        self.kind.fill_quadratic(PhiT[1 + d:], XcT)
        self.chunk = CHUNK if self.n_phi < 32 else CHUNK // 2

    # --- E step ------------------------------------------------------------
    def weights_matrix(self, mix: Mixture) -> tuple[np.ndarray, np.ndarray]:
        """The E-step weights and the components at risk of cancellation.

        Returns
        -------
        WT : ndarray of shape (n_components, n_phi)
            ``WT @ phi(x)`` is log P_j + log p(x | j) for every component j.
        risky : ndarray of int
            Components whose expanded quadratic would lose too many digits (see module notes);
            their log-densities are computed with the plain formula instead.
        """
        d = self.n_features
        mu = mix.means - self.center
        w = mix.weights
        logw = np.log(w) if w.min() > 0 else np.log(np.where(w > 0, w, 1.0)) - np.where(w > 0, 0.0, np.inf)
        linear, quadratic = self.kind.linear_and_quadratic(mix.covariances, mix._prec_chol, mu)   # Sigma^-1 mu, ...
        WT = np.empty((mix.n_components, self.n_phi))
        WT[:, 0] = logw - 0.5 * d * LOG_2PI - mix._log_det_half - 0.5 * (mu * linear).sum(1)
        WT[:, 1:1 + d] = linear
        WT[:, 1 + d:] = quadratic
        ratio = (mu * mu / mix.variances).max(1)
        return WT, np.flatnonzero(ratio > CANCELLATION_LIMIT)

    def e_and_stats(self, mix: Mixture, resp_out: np.ndarray | None = None, *, sample_weight=None, log_p_out=None):
        """One E step and the M-step statistics, in a single pass over the data.

        The work is laid out component-major ((n_components, chunk) blocks), so the row-wise
        max and sum of log-sum-exp become element-wise operations over a few contiguous rows.
        This is the package's one E step outside the teaching function :func:`emcourse.e_step`.

        Parameters
        ----------
        mix : Mixture
        resp_out : ndarray of shape (n_components, n_samples), optional
            Reused buffer for the transposed responsibilities.
        sample_weight : ndarray of shape (n_samples,), optional
            Weights w_i for the responsibilities, the statistics and the log-likelihood (partial EM of
            lesson 8 weighs each point by its share of the components it updates).
        log_p_out : ndarray of shape (n_samples,), optional
            Filled with log p(x_i) under ``mix``.

        Returns
        -------
        resp : ndarray of shape (n_samples, n_components)
            A transposed view of the component-major buffer (times ``sample_weight`` if given).
        log_likelihood : float
            Total log-likelihood of X under ``mix`` (weighted: sum_i w_i log p(x_i)).
        stats : ndarray of shape (n_components, n_phi)
            ``resp.T @ Phi``: counts, first moments, second moments (centred data).
        """
        n, n_components = self.n_samples, mix.n_components
        WT, risky = self.weights_matrix(mix)
        respT = np.empty((n_components, n)) if resp_out is None or resp_out.shape != (n_components, n) else resp_out
        if n <= self.chunk:
            return respT.T, *self._e_blocks(mix, WT, risky, respT, sample_weight, log_p_out)
        with _one_blas_thread():
            return respT.T, *self._e_blocks(mix, WT, risky, respT, sample_weight, log_p_out)

    def _e_blocks(self, mix, WT, risky, respT, sample_weight, log_p_out):
        """The block loop of :meth:`e_and_stats`: fills ``respT``, returns (log-likelihood, statistics)."""
        n, step = self.n_samples, self.chunk
        stats = np.zeros((WT.shape[0], self.n_phi))
        total = 0.0
        clip = np.full(min(n, step), CLIP)        # maximum() with a row is several times faster than with a scalar
        for start in range(0, n, step):
            stop = min(n, start + step)
            PhiT_c = self.PhiT[:, start:stop]
            A = respT[:, start:stop]
            np.matmul(WT, PhiT_c, out=A)
            if risky.size:
                A[risky] = mix.weighted_log_pdf(self.X[start:stop])[:, risky].T
            m = A.max(axis=0)
            A -= m
            np.maximum(A, clip[:stop - start], out=A)
            np.exp(A, out=A)
            s = A.sum(axis=0)
            A *= 1.0 / s                              # one division per sample, not per entry
            log_p = m + np.log(s)
            if log_p_out is not None:
                log_p_out[start:stop] = log_p
            if sample_weight is None:
                total += float(log_p.sum())
            else:
                A *= sample_weight[start:stop]
                total += float(sample_weight[start:stop] @ log_p)
            stats += A @ PhiT_c.T
        return total, stats

    # --- M step ------------------------------------------------------------
    def m_step_from_stats(self, stats: np.ndarray, resp: np.ndarray, reg_covar: float):
        """Parameters from the statistics; returns (weights, means, covariances) or raises.

        Covariances of components at risk of cancellation are recomputed from ``resp``
        with the centred formula.
        """
        d = self.n_features
        n_true = stats[:, 0]
        nk = n_true + EPS10
        mu = stats[:, 1:1 + d] / nk[:, None]            # centred coordinates
        # sum_i r (x - mu)(x - mu)^T = S2 - (2 nk - n_true) mu mu^T
        cov = self.kind.from_moments(stats[:, 1 + d:], mu, nk, 2 * nk - n_true, d)
        var = self.kind.variances(cov, d)
        # recompute centred where cancellation may have eaten the digits (or made a variance <= 0)
        redo = np.flatnonzero(~(mu * mu <= CANCELLATION_LIMIT * var).all(axis=1) | ~(var > 0).all(axis=1))
        for j in redo:
            cov[j] = self.kind.estimate_one(self.Xc - mu[j], np.ascontiguousarray(resp[:, j]), nk[j])
        weights = nk / nk.sum()
        return weights, mu + self.center, self.kind.regularize(cov, reg_covar)
