"""On-line EM: incremental and stepwise EM, with batch EM pass by pass for comparison (floor 1½).

Introduced in ``notebooks/06_online_updates.ipynb`` (science.md §4.2), after the running statistics of
:mod:`emcourse.methods.running`, which this module generalises: the expected sufficient statistics of
a set of points (count N_j, weighted mean, weighted centred sum of squares M2_j) are kept in the same
centred form and merged with the same parallel formula, so no variance is ever computed as
<x^2> - <x>^2 (design.md, Numerics). Spherical and diagonal models:

- :func:`incremental_em` (Neal & Hinton 1998): keep every point's responsibilities; for each
  block, subtract its old statistics from the totals, add the new ones, do a full M step;
- :func:`stepwise_em` (Liang & Klein 2009; Cappé & Moulines 2009): statistics
  s <- (1 - eta_k) s + eta_k s(mini-batch) with eta_k = (k + 2 + t0)^(-alpha) (:func:`step_size`),
  then the M step, optionally after a burn-in with the parameters held fixed;
- :func:`batch_em_passes`: ordinary EM, one iteration per pass, for comparison.

All three return an :class:`OnlineRun` with one history entry per pass over the data.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from .._covariance import covariance_kind
from .._numerics import EPS10, LOG_2PI
from .._validation import check_n_components, check_nonnegative_float, check_rng, check_whole_number, check_X
from ..em import build_mixture, e_step, run_em
from ..mixture import Mixture, check_mixture
from ..run import DegeneracyWarning, DegenerateMixtureError, Run, Status

ONLINE_COVARIANCE_TYPES = ("spherical", "diag")
#: re-sum the incremental totals exactly when removing a block leaves less than this fraction of a
#: component's mass (the subtraction would then cancel most of the digits)
_RESUM_FRACTION = 1e-6


# ------------------------------------------------------------------------------------------------
# Sufficient statistics of a mixture, in centred form
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Moments:
    """Responsibility-weighted statistics of a set of points, per component.

    count (K,) = sum_i r_ij; mean (K, d) = sum_i r_ij x_i / count; m2 (K, d) = sum_i r_ij (x_i - mean)^2.
    For stepwise EM all three are per-sample averages (count sums to 1, m2 divided by the batch size).
    """

    count: np.ndarray
    mean: np.ndarray
    m2: np.ndarray

    @classmethod
    def of(cls, X: np.ndarray, resp: np.ndarray) -> "_Moments":
        count = resp.sum(axis=0)
        safe = np.where(count > 0, count, 1.0)
        mean = (resp.T @ X) / safe[:, None]
        if resp.size * X.shape[1] <= 65536:        # small block: all components at once
            diff = X[:, None, :] - mean[None, :, :]
            m2 = np.einsum("nk,nkd->kd", resp, diff * diff)
        else:
            m2 = np.empty_like(mean)
            for j in range(resp.shape[1]):
                diff = X - mean[j]
                m2[j] = resp[:, j] @ (diff * diff)
        return cls(count, mean, m2)                 # centred: never <x^2> - <x>^2

    def combine(self, other: "_Moments", a: float, b: float) -> "_Moments":
        """Statistics of a*self + b*other (Chan et al.'s parallel merge; b = -1 removes ``other``)."""
        wa, wb = a * self.count, b * other.count
        w = wa + wb
        ok = w > 0
        safe = np.where(ok, w, 1.0)
        fa = np.where(ok, wa / safe, 1.0)[:, None]
        fb = np.where(ok, wb / safe, 0.0)[:, None]
        mean = fa * self.mean + fb * other.mean
        da, db = self.mean - mean, other.mean - mean
        m2 = a * self.m2 + b * other.m2 + wa[:, None] * da * da + wb[:, None] * db * db
        return _Moments(np.maximum(w, 0.0), mean, np.maximum(m2, 0.0))   # clip rounding below 0


def _m_step(s: _Moments, covariance_type: str, reg_covar: float, n_samples: float) -> Mixture:
    """The M step from statistics: P_j = N_j / N, mu_j = mean_j, variances = M2_j / N_j + reg_covar.

    Same formulas (including scikit-learn's 10-epsilon guard on N_j) as :func:`emcourse.m_step`.
    """
    kind = covariance_kind(covariance_type)
    nk = s.count + EPS10
    covs = kind.regularize(kind.from_variances(s.m2 / nk[:, None]), reg_covar)
    return build_mixture(nk / nk.sum(), s.mean.copy(), covs, covariance_type, s.count, n_samples)


def _neg_entropy(q: np.ndarray) -> float:
    """sum q log q over all entries (0 log 0 = 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.where(q > 0, q * np.log(q), 0.0).sum())


def _free_energy_from_moments(s: _Moments, neg_entropy: float, mix: Mixture) -> float:
    """F(q, theta) = sum_ij q_ij [log P_j + log p(x_i|j)] - sum_ij q_ij log q_ij, from the statistics of q.

    sum_i q_ij log p(x_i|j) = -1/2 sum_k [N_j (log 2 pi + log var_jk) + (M2_jk + N_j (m_jk - mu_jk)^2) / var_jk].
    """
    var = mix.variances
    with np.errstate(divide="ignore"):
        log_w = np.log(mix.weights)
    dev = s.mean - mix.means
    quad = (s.m2 + s.count[:, None] * dev * dev) / var
    per_comp = s.count * log_w - 0.5 * (s.count[:, None] * (LOG_2PI + np.log(var)) + quad).sum(axis=1)
    per_comp = np.where(s.count > 0, per_comp, 0.0)
    return float(per_comp.sum()) - neg_entropy


# ------------------------------------------------------------------------------------------------
# On-line EM
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class OnlineRun(Run):
    """What :func:`batch_em_passes`, :func:`incremental_em` and :func:`stepwise_em` return.

    A :class:`emcourse.run.Run` with one record per pass over the data: ``history[p]`` is the mixture
    after p passes (if a component collapsed, the last entry is the last valid mixture, part-way through a
    pass, and ``status`` is ``DEGENERATE``); ``log_likelihoods`` is log L of all of X under each.
    ``status`` is ``MAX_ITER`` when every pass was made (there is no convergence test).

    Attributes
    ----------
    method : str
        ``"batch"``, ``"incremental"`` or ``"stepwise"``.
    n_updates : int
        M steps done in total (one per pass for batch EM, one per block or mini-batch otherwise).
    free_energies : ndarray of shape (n_updates + 1,) or None
        Incremental EM only: Neal and Hinton's F(q, theta) over all stored responsibilities, before the
        first step (= log L of the initial mixture) and after every block step. It never decreases.
    resp : ndarray of shape (n_samples, n_components) or None
        Incremental EM only: the stored responsibilities q at the end, rows in the order of X.

    Notes
    -----
    Introduced in ``notebooks/06_online_updates.ipynb``.
    """

    method: str
    n_updates: int
    free_energies: np.ndarray | None = field(default=None, repr=False)
    resp: np.ndarray | None = field(default=None, repr=False)


def _check_online(X, init, n_passes, caller: str):
    check_mixture(init, "init")
    if init.covariance_type not in ONLINE_COVARIANCE_TYPES:
        raise ValueError(
            f"{caller} supports covariance_type 'spherical' and 'diag', got {init.covariance_type!r}. "
            "Its per-point statistics would need a d x d matrix for 'full': start from a 'spherical' or 'diag' "
            "mixture (emcourse.initialize(X, K, 'diag', ...)), or fit the full model with emcourse.run_em.")
    X = check_X(X, n_features=init.n_features)
    check_n_components(init.n_components, X.shape[0])
    n_passes = check_whole_number(n_passes, "n_passes", 0)
    return X, n_passes


def _stopped(pass_no: int, step: int, exc: Exception) -> str:
    reason = f"stopped in pass {pass_no} at step {step}: {exc}"
    warnings.warn(f"on-line EM {reason}", DegeneracyWarning, stacklevel=3)
    return reason


def batch_em_passes(X, init: Mixture, *, n_passes: int, reg_covar: float = 1e-6) -> OnlineRun:
    """Ordinary (batch) EM, one iteration per pass over the data, as an :class:`OnlineRun`.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    init : Mixture
        Starting parameters (any covariance type).
    n_passes : int
        EM iterations; each reads all of X once.
    reg_covar : float, default 1e-6
        Variance floor added in every M step, as in :func:`emcourse.run_em`.

    Returns
    -------
    OnlineRun
        ``method="batch"``; ``history`` and ``log_likelihoods`` as from ``run_em`` (never decreasing).

    Notes
    -----
    This is :func:`emcourse.run_em` with ``max_iter=n_passes`` and ``tol=0``, so it is comparable pass
    for pass with :func:`incremental_em` and :func:`stepwise_em`.
    Introduced in ``notebooks/06_online_updates.ipynb``.
    """
    n_passes = check_whole_number(n_passes, "n_passes", 0)
    res = run_em(X, init, max_iter=n_passes, tol=0.0, reg_covar=reg_covar)
    reason = "n_passes done" if res.n_iter == n_passes else res.stop_reason
    return OnlineRun(history=res.history, log_likelihoods=res.log_likelihoods, status=res.status, stop_reason=reason,
                     method="batch", n_updates=res.n_iter)


def incremental_em(X, init: Mixture, *, n_passes: int, block_size: int, rng,
                   reg_covar: float = 1e-6) -> OnlineRun:
    """Incremental EM (Neal & Hinton 1998): partial E step on one block, then a full M step.

    The algorithm keeps the responsibilities q_i of every point and the totals S of their
    statistics (N_j, weighted means, weighted centred sums of squares). For each block b:

    1. E step on the block only: q_b <- P(j | x_i) under the current parameters;
    2. S <- S - s_b(old q_b) + s_b(new q_b)  (subtract old, add new);
    3. M step from S: P_j = N_j / N, mu_j, variances (+ ``reg_covar``).

    Each step raises Neal and Hinton's free energy F(q, theta) = log L(theta) - KL(q || posterior) or
    leaves it unchanged (recorded in ``free_energies``); log L itself may dip.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    init : Mixture
        Starting parameters, ``covariance_type`` "spherical" or "diag".
    n_passes : int
        Passes over the data.
    block_size : int
        Points per block. ``block_size >= n_samples`` gives batch EM exactly.
    rng : int or numpy.random.Generator
        Shuffles the points at the start of every pass (new blocks each pass).
    reg_covar : float, default 1e-6
        Variance floor added in every M step, as in :func:`emcourse.run_em` (0 = exact M step).

    Returns
    -------
    OnlineRun
        ``method="incremental"``, with ``free_energies`` (one per block step, plus the start) and ``resp``.

    Notes
    -----
    The stored q starts as the posteriors under ``init`` (one full E step), so F starts at
    log L(init) and the first block step is exactly one batch EM iteration. Memory is O(n_samples x
    n_components). Statistics are kept centred and merged with Chan et al.'s formula; if removing a
    block would cancel almost all of a component's mass, the totals are re-summed exactly from q.
    Introduced in ``notebooks/06_online_updates.ipynb``.
    """
    X, n_passes = _check_online(X, init, n_passes, "incremental_em")
    block_size = check_whole_number(block_size, "block_size", 1)
    rng = check_rng(rng)
    reg_covar = check_nonnegative_float(reg_covar, "reg_covar")
    n = X.shape[0]
    ctype = init.covariance_type
    resp, ll0 = e_step(X, init)
    total = _Moments.of(X, resp)
    neg_ent = _neg_entropy(resp)
    mix = init
    history, lls, F = [init], [ll0], [ll0]
    status, reason = Status.MAX_ITER, "n_passes done"
    for p in range(1, n_passes + 1):
        order = rng.permutation(n)
        for start in range(0, n, block_size):
            idx = order[start:start + block_size]
            Xb = X[idx]
            new_q, _ = e_step(Xb, mix)
            old = _Moments.of(Xb, resp[idx])
            rest = total.combine(old, 1.0, -1.0)
            neg_ent += _neg_entropy(new_q) - _neg_entropy(resp[idx])
            resp[idx] = new_q
            if np.any(rest.count < _RESUM_FRACTION * total.count):
                total = _Moments.of(X, resp)                     # exact re-sum: see Notes
            else:
                total = rest.combine(_Moments.of(Xb, new_q), 1.0, 1.0)
            try:
                mix = _m_step(total, ctype, reg_covar, n)
            except DegenerateMixtureError as exc:
                status, reason = Status.DEGENERATE, _stopped(p, len(F), exc)
                break
            F.append(_free_energy_from_moments(total, neg_ent, mix))
        if status is Status.DEGENERATE:
            if history[-1] is not mix:
                history.append(mix)
                lls.append(mix.log_likelihood(X))
            break
        history.append(mix)
        lls.append(mix.log_likelihood(X))
    return OnlineRun(history=history, log_likelihoods=lls, status=status, stop_reason=reason, method="incremental",
                     n_updates=len(F) - 1, free_energies=np.asarray(F), resp=resp)


def step_size(k, *, alpha: float, t0: float = 0.0):
    """Stepwise EM's step size for mini-batch k = 0, 1, 2, ...: eta_k = (k + 2 + t0)^(-alpha).

    Introduced in ``notebooks/06_online_updates.ipynb``. Liang & Klein's schedule is t0 = 0, whose
    first step eta_0 = 2^(-alpha) (0.66 for alpha = 0.6) lets the first mini-batch replace two thirds
    of the statistics; an offset t0 > 0 makes the early steps smaller (eta_0 = (2 + t0)^(-alpha)).

    Parameters
    ----------
    k : int or ndarray of int
        Mini-batch index, counted from 0 across passes.
    alpha : float
        Exponent in [0, 1].
    t0 : float, default 0.0
        Offset >= 0.

    Returns
    -------
    float or ndarray of the shape of ``k``
        Steps in (0, 1].
    """
    eta = (np.asarray(k, dtype=float) + 2.0 + t0) ** (-alpha)
    return eta if eta.ndim else float(eta)


def _check_alpha(alpha) -> float:
    try:
        alpha = float(alpha)
    except (TypeError, ValueError):
        alpha = float("nan")
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must be a number in [0, 1] so that eta_k = (k + 2 + t0)^(-alpha) is a step in (0, 1], "
                         f"got {alpha!r}. Liang & Klein use 0.5 < alpha <= 1; try alpha=0.6.")
    return alpha


def stepwise_em(X, init: Mixture, *, n_passes: int, batch_size: int, alpha: float, rng,
                t0: float = 0.0, burn_in: int = 0, reg_covar: float = 1e-6) -> OnlineRun:
    """Stepwise (on-line) EM (Liang & Klein 2009; Cappé & Moulines 2009) on mini-batches.

    The statistics s (per-sample averages of N_j, weighted means and weighted centred sums of
    squares) start as those of ``init`` itself. For mini-batch k = 0, 1, 2, ... (counted across passes):

    1. E step on the mini-batch with the current parameters, giving its average statistics s_k;
    2. s <- (1 - eta_k) s + eta_k s_k with eta_k = (k + 2 + t0)^(-alpha) (:func:`step_size`);
    3. M step from the normalised s: P_j = s0_j / sum s0, mu_j, variances (+ ``reg_covar``, the floor),
       except during the burn-in: after the first ``burn_in`` mini-batches there is no M step, so
       their E steps all use ``init``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    init : Mixture
        Starting parameters, ``covariance_type`` "spherical" or "diag".
    n_passes : int
        Passes over the data.
    batch_size : int
        Points per mini-batch, m.
    alpha : float
        Step-size exponent in [0, 1]. Convergence needs 0.5 < alpha <= 1 (Liang & Klein); 0.6 is fast
        and noisy; alpha = 1 is the plain running average, which keeps statistics computed with the
        early, poor parameters forever and so barely moves. alpha = 0 (eta = 1) forgets everything
        at each step: with ``batch_size >= n_samples`` that is batch EM.
    rng : int or numpy.random.Generator
        Shuffles the points at the start of every pass.
    t0 : float, default 0.0
        Offset of the step-size schedule (>= 0). With t0 = 0 (Liang & Klein) and mini-batches of one
        point, eta_0 = 2^(-alpha) = 0.66 for alpha = 0.6: each of the first few points rewrites most of
        the statistics, and a component that none of them belongs to loses nearly all its weight and
        empties out. An offset (e.g. t0 = 30) shrinks those first steps.
    burn_in : int, default 0
        Mini-batches at the start with no M step (Cappé & Moulines' burn-in): the statistics of many
        points, all weighed with the initial parameters, are gathered before the parameters first move.
    reg_covar : float, default 1e-6
        Variance floor added in every M step, as in :func:`emcourse.run_em`.

    Returns
    -------
    OnlineRun
        ``method="stepwise"``; ``n_updates`` counts M steps (mini-batches after the burn-in). Its
        log-likelihood need not increase from pass to pass. A pass spent wholly in the burn-in
        records ``init`` again.

    Notes
    -----
    The statistics are merged in centred form (Chan et al.), so the variance never goes negative and
    no data standardisation is needed. Polyak-Ruppert averaging is not included.
    Introduced in ``notebooks/06_online_updates.ipynb``.
    """
    X, n_passes = _check_online(X, init, n_passes, "stepwise_em")
    batch_size = check_whole_number(batch_size, "batch_size", 1)
    alpha = _check_alpha(alpha)
    t0 = check_nonnegative_float(t0, "t0")
    burn_in = check_whole_number(burn_in, "burn_in", 0)
    rng = check_rng(rng)
    reg_covar = check_nonnegative_float(reg_covar, "reg_covar")
    n = X.shape[0]
    ctype = init.covariance_type
    w = init.weights
    s = _Moments(w.copy(), init.means.copy(), w[:, None] * np.maximum(init.variances - reg_covar, 0.0))
    mix = init
    history, lls = [init], [init.log_likelihood(X)]
    k, status, reason = 0, Status.MAX_ITER, "n_passes done"
    for p in range(1, n_passes + 1):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            Xb = X[idx]
            q, _ = e_step(Xb, mix)
            batch = _Moments.of(Xb, q)
            batch = _Moments(batch.count / len(idx), batch.mean, batch.m2 / len(idx))
            eta = step_size(k, alpha=alpha, t0=t0)
            k += 1
            s = s.combine(batch, 1.0 - eta, eta)
            if k <= burn_in:                        # burn-in: gather statistics, keep the parameters
                continue
            try:
                mix = _m_step(s, ctype, reg_covar, 1.0)
            except DegenerateMixtureError as exc:
                status, reason = Status.DEGENERATE, _stopped(p, k, exc)
                break
        if status is Status.DEGENERATE:
            if history[-1] is not mix:
                history.append(mix)
                lls.append(mix.log_likelihood(X))
            break
        history.append(mix)
        lls.append(mix.log_likelihood(X))
    return OnlineRun(history=history, log_likelihoods=lls, status=status, stop_reason=reason, method="stepwise",
                     n_updates=max(k - burn_in, 0))
