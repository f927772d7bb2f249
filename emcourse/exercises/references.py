"""The hidden tests' reference answers for the homework (beside floor 3), computed from the course's own code.

Used by the hidden test cells of ``homework/source/*`` only: each test calls the student's function **first**, and
only then computes the reference here, so no answer exists anywhere while the student's function runs. The references
live in the package, not in the notebook, so that a graded function that calls one is calling the course (and the
guard says so), and a notebook that copies one is running a copy of the course's code.
"""
from __future__ import annotations

import numpy as np
from scipy.optimize import brentq
from scipy.special import logsumexp, ndtr

from .._covariance import covariance_kind
from ..methods.artmap import GaussianARTMAP
from ..methods.heuristic import starved_components
from ..methods.mfa import MFA
from ..methods.smem import candidate_triples, split_merge_init
from ..mixture import Mixture


def reference_mixture_cdf(x, weights, means, sigmas) -> np.ndarray:
    """F(x) of a 1-D mixture, shape (n,). Used in homework 1 (``homework/source/hw1_mixture_likelihood``)."""
    return (weights * ndtr((np.asarray(x, float)[:, None] - means) / sigmas)).sum(axis=1)


def reference_mixture_quantile(q, weights, means, sigmas) -> np.ndarray:
    """The x with F(x) = q by Brent's method to 1e-15, shape (n,). Used in homework 1."""
    lo, hi = float(np.min(means - 40 * sigmas)), float(np.max(means + 40 * sigmas))
    cdf = lambda t: float((weights * ndtr((t - means) / sigmas)).sum())      # noqa: E731
    return np.array([brentq(lambda t: cdf(t) - p, lo, hi, xtol=1e-15, rtol=1e-15, maxiter=500) for p in q])


def reference_diag_log_density(X, weights, means, variances) -> np.ndarray:
    """log p(x_i) under a diagonal mixture, shape (N,). Used in homework 1."""
    return Mixture(weights, means, variances, "diag").log_pdf(X)


def diag_log_joint(X, log_weights, means, variances) -> np.ndarray:
    """log P_j + log p(x_i | j) for diagonal components, shape (N, M). Used in homework 2 and 3 (their references)."""
    return (log_weights - 0.5 * np.log(2 * np.pi * variances).sum(axis=1)
            - 0.5 * ((X[:, None, :] - means) ** 2 / variances).sum(axis=2))


def descent_energy(X, gammas, means, log_sigmas) -> float:
    """E = -log L of the diagonal mixture with weights softmax(gammas) and standard deviations exp(log_sigmas).

    Used in homework 2 (``homework/source/hw2_gradient_descent``).
    """
    a = diag_log_joint(X, gammas - logsumexp(gammas), means, np.exp(2 * log_sigmas))
    return float(-logsumexp(a, axis=1).sum())


def reference_softmax_descent_step(X, gammas, means, log_sigmas, learning_rate) -> tuple:
    """One descent step on E in (gammas, means, log_sigmas (M, d)) of a diagonal mixture. Used in homework 2
    (``homework/source/hw2_gradient_descent``)."""
    N = len(X)
    variances = np.exp(2 * log_sigmas)
    a = diag_log_joint(X, gammas - logsumexp(gammas), means, variances)
    resp = np.exp(a - logsumexp(a, axis=1, keepdims=True))
    n_j = resp.sum(axis=0)
    sq = (X[:, None, :] - means) ** 2                                   # (N, M, d)
    grad_g = N * np.exp(gammas - logsumexp(gammas)) - n_j
    grad_mu = (n_j[:, None] * means - resp.T @ X) / variances
    grad_s = n_j[:, None] - np.einsum("nm,nmd->md", resp, sq) / variances
    return gammas - learning_rate * grad_g, means - learning_rate * grad_mu, log_sigmas - learning_rate * grad_s


def reference_descent_energies(X, gammas, means, log_sigmas, learning_rate, n_steps) -> np.ndarray:
    """E along a safeguarded descent: a step that would raise E is halved (the rate stays halved) until it does not,
    at most 60 times (then the parameters stay). Shape (n_steps + 1,). Used in homework 2."""
    params, eta = (gammas, means, log_sigmas), learning_rate
    energies = [descent_energy(X, *params)]
    for _ in range(n_steps):
        for _ in range(60):
            new = reference_softmax_descent_step(X, *params, eta)
            e_new = descent_energy(X, *new)
            if e_new <= energies[-1]:
                params = new
                break
            eta /= 2
        else:
            e_new = energies[-1]
        energies.append(e_new)
    return np.array(energies)


def reference_diag_m_step(X, resp, var_floor) -> tuple:
    """(weights (M,), means (M, d), variances (d,)) of the M step of the tied diagonal model: one per-feature
    variance shared by every component, centred on each component's new mean. Used in homework 3
    (``homework/source/hw3_diagonal_em``)."""
    n_j = resp.sum(axis=0)
    means = resp.T @ X / n_j[:, None]
    spread = np.einsum("nm,nmd->d", resp, (X[:, None, :] - means) ** 2)
    return n_j / len(X), means, spread / len(X) + var_floor


def reference_diag_em(X, weights, means, variances, tol, max_iter, var_floor) -> tuple:
    """(weights, means, variances (d,), log_likelihoods) of EM for the tied diagonal model, with the course's loop
    and per-sample stopping rule. Used in homework 3."""
    N = len(X)
    lls = []
    for t in range(max_iter + 1):
        a = diag_log_joint(X, np.log(weights), means, np.broadcast_to(variances, means.shape))
        log_p = logsumexp(a, axis=1)
        lls.append(float(log_p.sum()))
        if (t > 0 and abs(lls[-1] - lls[-2]) / N < tol) or t == max_iter:
            break
        weights, means, variances = reference_diag_m_step(X, np.exp(a - log_p[:, None]), var_floor)
    return weights, means, variances, np.array(lls)


# homework 3's own model, which the engine does not have: one diagonal covariance shared by all components (d numbers)
TIED_DIAG = "tied_diag"


def n_free_parameters(n_components, n_features, covariance_type) -> int:
    """Free parameters of a Gaussian mixture: means, covariances (the engine's types, or ``TIED_DIAG``: d shared
    variances) and M - 1 free weights. Used in homework 3 (``homework/source/hw3_diagonal_em``)."""
    M, d = n_components, n_features
    covariances = d if covariance_type == TIED_DIAG else covariance_kind(covariance_type).n_parameters(M, d)
    return M * d + covariances + M - 1


def reference_bic_score(log_likelihood, n_samples, n_features, n_components, covariance_type) -> float:
    """-2 log L + p ln N with p from ``n_free_parameters``. Used in homework 3."""
    p = n_free_parameters(n_components, n_features, covariance_type)
    return float(-2 * log_likelihood + p * np.log(n_samples))


def reference_batch_statistics(X, resp) -> tuple:
    """Per-sample averages (s0, s1, s2) of a batch. Used in homework 4 (``hw4_stepwise_em``)."""
    m = len(X)
    return resp.mean(axis=0), resp.T @ X / m, resp.T @ (X ** 2).sum(axis=1) / m


def reference_params_from_statistics(s0, s1, s2, var_floor) -> tuple:
    """The spherical M step from the statistics. Used in homework 4."""
    d = s1.shape[1]
    mu = s1 / s0[:, None]
    return s0 / s0.sum(), mu, (s2 / s0 - (mu ** 2).sum(axis=1)) / d + var_floor


def _log_joint(Z, w, mu, var):
    d = Z.shape[1]
    return np.log(w) - 0.5 * d * np.log(2 * np.pi * var) - 0.5 * ((Z[:, None, :] - mu) ** 2).sum(axis=2) / var


def reference_stepwise_fit(X, weights, means, variances, batch_size, alpha, n_passes, var_floor) -> tuple:
    """Stepwise EM with eta_k = (k + 2)^-alpha over all mini-batches in order. Used in homework 4."""
    w, mu, var = weights, means, variances
    d = X.shape[1]
    s = [w.copy(), w[:, None] * mu, w * (d * var + (mu ** 2).sum(axis=1))]
    lls, k = [logsumexp(_log_joint(X, w, mu, var), axis=1).sum()], 0
    for _ in range(n_passes):
        for start in range(0, len(X), batch_size):
            B = X[start:start + batch_size]
            a = _log_joint(B, w, mu, var)
            R = np.exp(a - logsumexp(a, axis=1, keepdims=True))
            eta = (k + 2.0) ** (-alpha)
            s = [(1 - eta) * old + eta * new for old, new in zip(s, reference_batch_statistics(B, R))]
            w, mu, var = reference_params_from_statistics(*s, var_floor)
            k += 1
        lls.append(logsumexp(_log_joint(X, w, mu, var), axis=1).sum())
    return w, mu, var, np.array(lls)


def _artmap_logs(A, means, sigmas, counts, sigma_floor) -> tuple:
    """(log g, log G), each (N, J), over each sample's observed (non-NaN) features only."""
    s = np.maximum(sigmas, sigma_floor)
    seen = ~np.isnan(A)                                                        # (N, d)
    z = np.where(seen[:, None, :], (np.nan_to_num(A)[:, None, :] - means) / s, 0.0)
    log_match = -0.5 * (z ** 2).sum(axis=2)
    return np.log(counts) - seen.astype(float) @ np.log(s).T + log_match, log_match


def reference_artmap_log_choice(A, means, sigmas, counts, sigma_floor) -> np.ndarray:
    """log g_j(a_i) of Gaussian ARTMAP with the sigma floor, over each sample's observed features (NaN = missing),
    shape (N, J). Used in homework 5 (``homework/source/hw5_artmap_heuristic``)."""
    return _artmap_logs(A, means, sigmas, counts, sigma_floor)[0]


def reference_artmap_vote(A, means, sigmas, counts, labels, rho, sigma_floor) -> np.ndarray:
    """The distributed-vote prediction with vigilance rho over the observed features (all vote if none passes;
    ties: the smallest label), shape (N,). Used in homework 5."""
    log_g, log_match = _artmap_logs(A, means, sigmas, counts, sigma_floor)
    voters = log_match > np.log(rho) if rho > 0 else np.ones(log_g.shape, dtype=bool)
    voters[~voters.any(axis=1)] = True
    a = np.where(voters, log_g, -np.inf)
    share = np.exp(a - a.max(axis=1, keepdims=True))
    classes = np.unique(labels)
    votes = (share / share.sum(axis=1, keepdims=True)) @ (labels[:, None] == classes[None, :])
    return classes[np.argmax(votes, axis=1)]


def reference_reseed_starved(X, weights, means, variances, resp) -> tuple:
    """Slide 30's heuristic made deterministic, with the course's starved components. Used in homework 5."""
    w, mu, var = weights.copy(), means.copy(), variances.copy()
    starved = starved_components(resp)
    if starved.size:
        worst = np.argsort(Mixture(w, mu, var).log_pdf(X), kind="stable")
        new_variance = var[np.setdiff1d(np.arange(len(w)), starved)].mean()
        for rank, j in enumerate(starved):
            mu[j], var[j], w[j] = X[worst[rank]], new_variance, 1 / len(w)
        w = w / w.sum()
    return w, mu, var


def reference_smem_reinit(weights, means, covariances, triple, offsets) -> tuple:
    """SMEM's merge and split initialisation (full covariances) by the course's split_merge_init, with the split
    means moved by ``offsets``. Used in homework 6 (``hw6_smem_mfa``)."""
    out = split_merge_init(Mixture(weights, means, covariances, "full"), tuple(triple), rng=0, perturbation=0.0)
    mu = out.means.copy()
    mu[triple[1]] += offsets[0]
    mu[triple[2]] += offsets[1]
    return out.weights, mu, out.covariances


def reference_smem_candidates(j_merge, j_split, c_max) -> np.ndarray:
    """The course's first ``c_max`` candidate triples with the merge pairs ranked by the cosine J_merge (lesson 8's
    course variant), computed from the paper's unnormalised ``j_merge`` = R'R. Used in homework 6."""
    J = np.array(j_merge, dtype=float)
    norms = np.sqrt(np.diag(J))
    safe = np.where(norms > 0, norms, 1.0)
    return candidate_triples(J / np.outer(safe, safe), j_split)[:c_max]    # a zero column: cosine 0


def reference_mfa_log_likelihood(X, weights, means, loadings, psi) -> float:
    """Total log L of a mixture of factor analysers by the course's MFA. Used in homework 6."""
    return float(MFA(weights, means, loadings, psi).log_likelihood(X))
