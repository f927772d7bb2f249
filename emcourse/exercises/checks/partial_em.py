"""Public check of lesson 8's exercise: the partial-EM E step of split-and-merge EM."""
from __future__ import annotations

import numpy as np

from ..._numerics import softmax_rows
from ...methods.smem import partial_responsibilities, split_merge_init
from ...mixture import Mixture
from ._common import CheckResult, as_array, call, report


def _partial_cases():
    """(X, new mixture, resp before the move, triple): a real SMEM move, 3-D data, points far from S."""
    rng = np.random.default_rng(8)
    X1 = np.vstack([rng.normal([0, 0], 0.5, (40, 2)), rng.normal([3, 0], 0.5, (40, 2)), rng.normal([1.5, 3], 0.5, (40, 2))])
    before = Mixture([0.4, 0.2, 0.2, 0.2], [[1.5, 0.0], [1.4, 3.0], [1.6, 3.1], [0.0, 1.0]], [1.5, 0.3, 0.3, 0.8])
    triple1 = (1, 2, 0)                                        # merge 2 + 3, split 1 (numbered from 1)
    case1 = (X1, split_merge_init(before, triple1, rng=0), before.responsibilities(X1), triple1)
    X2 = rng.normal(0, 1.5, (30, 3))
    w2 = rng.dirichlet(np.ones(5) * 2)
    new2 = Mixture(w2, rng.normal(0, 1.5, (5, 3)), np.array([0.3, 2.0, 0.6, 1.2, 4.0]))
    case2 = (X2, new2, rng.dirichlet(np.ones(5), size=30), (3, 0, 2))
    X3 = np.vstack([rng.normal(0, 0.5, (6, 2)), [[40.0, 40.0], [-45.0, 30.0], [60.0, -50.0]]])
    new3 = Mixture([0.3, 0.3, 0.2, 0.2], [[0.0, 0.0], [1.0, 0.5], [-1.0, 0.0], [20.0, 20.0]], [0.5, 0.4, 0.3, 50.0])
    case3 = (X3, new3, rng.dirichlet(np.ones(4), size=len(X3)), (0, 2, 1))
    return [case1, case2, case3]


def _hint(got, X, new, R, triple) -> str:
    S = list(triple)
    expected = partial_responsibilities(X, new, S, R)
    w = R[:, S].sum(axis=1)
    a = new.weighted_log_pdf(X)
    d = X.shape[1]
    sq = ((X[:, None, :] - new.means[None, S, :]) ** 2).sum(axis=2)
    no_norm = np.log(new.weights[S]) - 0.5 * sq / new.covariances[S]        # (2 pi sigma^2)^(-d/2) left out

    def close(candidate):
        return np.allclose(got, candidate, rtol=1e-6, atol=1e-9)

    if not np.all(np.isfinite(got)):
        return ("you returned NaN or inf. Far from all three components every P_m p(x|m) underflows to 0, and "
                "0/0 = NaN. Work with logs: a_m = log P_m + log p(x|m) for m in the triple, subtract the row "
                "maximum, exponentiate, normalise over the three, then multiply by w(x).")
    if close(new.responsibilities(X)[:, S]):
        return ("these are the new mixture's ordinary responsibilities: you normalised over all M components "
                "(or, what is the same, took w(x) from the new mixture). Normalise over the three components "
                "only, and weight by w(x) = r_i(x) + r_j(x) + r_k(x) from resp_before, the converged mixture "
                "before the merge and split: the three new components share exactly the points the old ones had.")
    if close(softmax_rows(a[:, S])):
        return ("each row of yours sums to 1: you left out the weight w(x). Multiply the posteriors inside the "
                "triple by w(x) = sum of resp_before over the triple, each point's share of the three components "
                "(the other components keep the rest).")
    if close(w[:, None] * new.responsibilities(X)[:, S]):
        return ("you normalised over all M components and then multiplied by w(x). Normalise over the three "
                "components of the triple only: w(x) P_m p(x|m) / sum over m' in the triple of P_m' p(x|m').")
    if close(R[:, S]):
        return ("that is resp_before itself: the E step must use the NEW components (the mixture you are given, "
                "after the merge and split) for the posteriors inside the triple; resp_before only fixes w(x).")
    if close(w[:, None] * softmax_rows(new.component_log_pdf(X)[:, S])):
        return "you left out the weights P_m: the posterior inside the triple is P_m p(x|m) / sum_m' P_m' p(x|m')."
    if close(w[:, None] * softmax_rows(no_norm)):
        return (f"the normalisation (2 pi sigma_m^2)^(-d/2) matters here (d = {d}): components with different "
                "variances have different heights, so it does not cancel inside the triple.")
    if close(partial_responsibilities(X, new, sorted(S), R)):
        return (f"your columns follow the sorted indices {sorted(S)}; return them in the order of triple = "
                f"{tuple(S)} (these are 0-based indices: column c belongs to index triple[c]).")
    shifted = [(m - 1) % new.n_components for m in S]                       # Python wraps index -1 to the last
    if len(set(shifted)) == 3 and close(partial_responsibilities(X, new, shifted, R)):
        return (f"your columns belong to the indices {shifted}, one below triple = {tuple(S)} (index -1 is the last "
                "component in Python): you subtracted 1. The indices in triple are already 0-based Python indices "
                "(index m is the lesson's 'component m + 1'); use weights[triple], means[triple] and "
                "resp_before[:, triple] as they are.")
    if not np.allclose(got.sum(axis=1), w, rtol=1e-6, atol=1e-9):
        return ("each row must sum to w(x) = resp_before[:, i] + resp_before[:, j] + resp_before[:, k], the "
                "point's fixed share of the three components.")
    i, c = np.unravel_index(int(np.argmax(np.abs(got - expected))), got.shape)
    return (f"for point {i} and component {S[c] + 1} you returned {got[i, c]:.6g}, expected {expected[i, c]:.6g}. "
            "Check the spherical density p(x|m) = (2 pi sigma_m^2)^(-d/2) exp(-|x - mu_m|^2 / (2 sigma_m^2)).")


def check_partial_e_step(partial_e_step) -> CheckResult:
    """Check ``partial_e_step(X, weights, means, variances, resp_before, triple) -> (N, 3)``: SMEM's partial E step.

    r_m(x) = w(x) P_m p(x|m) / sum_{m' in S} P_m' p(x|m') for m in S = triple, with w(x) the sum of
    ``resp_before`` over S (spherical components). Compared with the engine's
    :func:`emcourse.methods.smem.partial_responsibilities`; the classic mistakes each get their own hint.
    Introduced in ``notebooks/08_split_and_merge_em.ipynb``.
    """
    name = "partial_e_step"
    for X, new, R, triple in _partial_cases():
        value, err = call(partial_e_step, X.copy(), new.weights.copy(), new.means.copy(), new.covariances.copy(),
                          R.copy(), tuple(triple))
        if err:
            return report(False, err, name)
        got, err = as_array(value, (len(X), 3), "responsibilities of the three components, shape (N, 3)")
        if err:
            if np.shape(value) == (len(X), new.n_components):
                err = ("you returned all M columns; return only the three of the triple, shape (N, 3), column c for "
                       "component triple[c].")
            return report(False, err, name)
        if not np.allclose(got, partial_responsibilities(X, new, triple, R), rtol=1e-6, atol=1e-9):
            return report(False, _hint(got, X, new, R, triple), name)
    return report(True, "", name)
