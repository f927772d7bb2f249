"""Public checks of lesson 8 and homework 4: the SMEM merge and split criteria."""
from __future__ import annotations

import numpy as np

from ...mixture import Mixture
from ._common import CheckResult, as_array, call, report


# --- lesson 8 / homework 4 ------------------------------------------------------------------------------

def _smem_case():
    rng = np.random.default_rng(9)
    X = np.vstack([rng.normal(0, 0.5, (40, 2)), rng.normal([3, 0], 0.5, (40, 2)), rng.normal([1.5, 3], 0.5, (40, 2))])
    mix = Mixture([0.4, 0.2, 0.2, 0.2], [[1.5, 0.0], [1.4, 3.0], [1.6, 3.1], [0.0, 1.0]], [1.5, 0.3, 0.3, 0.8])
    return X, mix, mix.responsibilities(X)


def check_merge_criterion(merge_criterion) -> CheckResult:
    """Check ``merge_criterion(resp) -> (M, M)``: J_merge(i, j) = P_i^T P_j, posterior vectors (SMEM). Homework 4."""
    name = "merge_criterion"
    _, _, R = _smem_case()
    value, err = call(merge_criterion, R.copy())
    if err:
        return report(False, err, name)
    got, err = as_array(value, (R.shape[1],) * 2, "an (M, M) matrix")
    if err:
        return report(False, err, name)
    expected = R.T @ R
    if np.allclose(got, expected, rtol=1e-10):
        return report(True, "", name)
    norms = np.sqrt(np.diag(expected))
    if np.allclose(got, expected / np.outer(norms, norms), rtol=1e-8):
        hint = ("that is the cosine similarity (lesson 8's course variant); the paper's J_merge is the unnormalised "
                "inner product P_i^T P_j.")
    else:
        hint = ("J_merge(i, j) = sum_n P(i | x_n) P(j | x_n), the inner product of two columns of resp "
                "(unnormalised, as in the paper).")
    return report(False, hint, name)


def check_split_criterion(split_criterion) -> CheckResult:
    """Check ``split_criterion(X, weights, means, variances, resp) -> (M,)``: the local KL divergence of SMEM.

    J_split(k) = sum_n f_nk log(f_nk / p(x_n | k)), f_nk = r_nk / sum_m r_mk (spherical components). Homework 4.
    """
    name = "split_criterion"
    X, mix, R = _smem_case()
    value, err = call(split_criterion, X.copy(), mix.weights.copy(), mix.means.copy(), mix.covariances.copy(), R.copy())
    if err:
        return report(False, err, name)
    got, err = as_array(value, (R.shape[1],), "one value per component, shape (M,)")
    if err:
        return report(False, err, name)
    f = R / R.sum(axis=0)
    logp = mix.component_log_pdf(X)
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = np.where(f > 0, f * (np.log(f) - logp), 0.0).sum(axis=0)
    if np.allclose(got, expected, rtol=1e-8, atol=1e-10):
        return report(True, "", name)
    weighted = np.where(f > 0, f * (np.log(f) - (logp + np.log(mix.weights))), 0.0).sum(axis=0)
    if np.allclose(got, weighted, rtol=1e-8):
        hint = "use the component density p(x_n | k) alone, not P_k p(x_n | k): the criterion compares shapes."
    elif np.allclose(got, (R * (np.log(np.maximum(R, 1e-300)) - logp)).sum(0), rtol=1e-6):
        hint = "normalise the posteriors over the data first: f_nk = r_nk / sum_m r_mk (each column sums to 1)."
    else:
        hint = (f"you returned {np.round(got, 3).tolist()}, expected {np.round(expected, 3).tolist()}. The straddling "
                "component (index 0 here) should have the largest value.")
    return report(False, hint, name)
