"""Public checks of homework 5 (Gaussian ARTMAP and the cheap heuristic, lessons 7 and 10) and homework 6
(split-and-merge EM and mixtures of factor analysers, lessons 8-9).

Used in ``homework/source/hw5_artmap_heuristic`` and ``homework/source/hw6_smem_mfa``. Each check calls the
student's function (under the delegation guard, through ``call``) on small cases, recognises the classic wrong
answers and prints "public checks passed"; the graded tests use other cases.
"""
from __future__ import annotations

import numpy as np
from scipy.special import logsumexp

from ...methods.artmap import GaussianARTMAP
from ...methods.heuristic import starved_components
from ...methods.mfa import MFA
from ...methods.smem import split_merge_init
from ...mixture import Mixture
from ..references import reference_artmap_log_choice, reference_artmap_vote
from ._common import CheckResult, as_array, as_arrays, call, report


def _near(a, b, rtol=1e-7, atol=1e-10) -> bool:
    a, b = np.asarray(a, float), np.asarray(b, float)
    return a.shape == b.shape and bool(np.all(np.isfinite(a))) and np.allclose(a, b, rtol=rtol, atol=atol)


# --- homework 5 --------------------------------------------------------------------------------------

def _artmap(means, sigmas, counts, labels, rho=0.0, floor=0.0):
    return GaussianARTMAP(rho=rho, sigma_min=floor).set_categories(means=means, sigmas=sigmas, counts=counts,
                                                                   labels=labels)


def _categories():
    means = np.array([[0.2, 0.2], [0.8, 0.3], [0.5, 0.8], [0.55, 0.75]])
    sigmas = np.array([[0.1, 0.05], [0.02, 0.2], [0.3, 0.3], [0.04, 0.04]])
    counts = np.array([30, 5, 12, 2])
    labels = np.array([0, 1, 2, 1])
    A = np.array([[0.2, 0.25], [0.8, 0.35], [0.52, 0.78], [0.5, 0.6], [0.35, 0.25], [3.0, -2.0]])
    return A, means, sigmas, counts, labels


def _gappy(A):
    """``A`` with holes: one feature missing in some rows, a row with nothing observed."""
    B = np.array(A, float)
    B[1, 0] = B[3, 1] = B[4, 0] = np.nan
    B[5] = np.nan
    return B


def _gap_hint(got, A, means, sigmas, counts, floor):
    """A hint for the classic mistakes with missing features, or None."""
    s = np.maximum(sigmas, floor)
    if not np.all(np.isfinite(got)):
        return ("a missing feature (NaN) spreads to the result: leave it out of both sums (np.isnan and "
                "np.nan_to_num, or a mask), so that every log g_j stays finite.")
    if _near(got, reference_artmap_log_choice(np.nan_to_num(A), means, sigmas, counts, floor), rtol=1e-9):
        return "a missing value is not 0: leave the feature out of the sums instead of filling it in."
    seen_quad = reference_artmap_log_choice(A, means, sigmas, counts, floor) + (~np.isnan(A)) @ np.log(s).T
    if _near(got, seen_quad - np.log(s).sum(1), rtol=1e-9):
        return ("divide by prod s_jk over the observed features only: a missing feature contributes no factor, "
                "neither to G_j nor to the normaliser.")
    return None


def check_artmap_log_choice(artmap_log_choice) -> CheckResult:
    """Check ``artmap_log_choice(A, means, sigmas, counts, sigma_floor) -> (N, J)``: log g_j(a_i) of Gaussian
    ARTMAP over each sample's observed (non-NaN) features, log n_j - sum_k log s_jk - 1/2 sum_k ((a_k - mu_jk) /
    s_jk)^2 with s = max(sigma, sigma_floor).

    Used in homework 5 (``homework/source/hw5_artmap_heuristic``).
    """
    name = "artmap_log_choice"
    A, means, sigmas, counts, labels = _categories()
    for gaps, floor in ((False, 0.0), (False, 0.05), (True, 0.0)):
        B = _gappy(A) if gaps else A
        value, err = call(artmap_log_choice, B.copy(), means.copy(), sigmas.copy(), counts.copy(), floor)
        got, err = (None, err) if err else as_array(value, (len(A), len(means)), "one log g per sample and "
                                                    "category, shape (N, J)")
        if err:
            return report(False, err, name)
        expected = reference_artmap_log_choice(B, means, sigmas, counts, floor)
        if _near(got, expected, rtol=1e-9):
            continue
        if gaps:
            hint = _gap_hint(got, B, means, sigmas, counts, floor) or (
                "over the observed features O: log g_j = log n_j - sum_(k in O) log s_jk - 1/2 sum_(k in O) "
                "((a_k - mu_jk) / s_jk)^2.")
            return report(False, hint, name)
        s = np.maximum(sigmas, floor)
        quad = -0.5 * (((A[:, None, :] - means) / s) ** 2).sum(2)
        if _near(got, expected - 0.5 * A.shape[1] * np.log(2 * np.pi), rtol=1e-9):
            hint = "drop the constant -d/2 log(2 pi): Gaussian ARTMAP's choice function leaves it out."
        elif floor and _near(got, _artmap(means, np.sqrt(np.maximum(sigmas ** 2, floor)), counts, labels).choice(A)):
            hint = "the floor is on the standard deviation, s_jk = max(sigma_jk, sigma_floor), not on the variance."
        elif floor and _near(got, _artmap(means, sigmas, counts, labels).choice(A), rtol=1e-9):
            hint = f"apply the floor: s_jk = max(sigma_jk, {floor})."
        elif _near(got, quad, rtol=1e-9):
            hint = "that is log G_j, the unit-height match; the choice adds log n_j - sum_k log s_jk."
        elif _near(got, np.log(counts) + quad, rtol=1e-9):
            hint = "missing - sum_k log s_jk: a broad category is less dense, so it is chosen less readily."
        elif _near(got, counts - np.log(s).sum(1) + quad, rtol=1e-9):
            hint = "take the logarithm of the count: log n_j."
        else:
            hint = "log g_j(a) = log n_j - sum_k log s_jk - 1/2 sum_k ((a_k - mu_jk) / s_jk)^2."
        return report(False, hint, name)
    return report(True, "", name)


def check_artmap_vote(artmap_vote) -> CheckResult:
    """Check ``artmap_vote(A, means, sigmas, counts, labels, rho, sigma_floor) -> (N,)``: the class each sample
    gets by the distributed vote of slide 17 among the categories with G_j(a) > rho (all of them if none), over the
    observed features, ties to the smallest label.

    Used in homework 5 (``homework/source/hw5_artmap_heuristic``).
    """
    name = "artmap_vote"
    rng = np.random.default_rng(4)       # eight random categories: the vote, winner-take-all and rho all differ here
    means, sigmas = rng.uniform(0, 1, (8, 2)), rng.uniform(0.03, 0.3, (8, 2))
    counts, labels = rng.integers(1, 40, 8), rng.choice([0, 1, 2], 8)
    A = rng.uniform(-0.1, 1.1, (40, 2))
    twins = (np.array([[0.3, 0.3], [0.3, 0.3], [0.7, 0.7]]), np.full((3, 2), 0.1), np.array([4, 4, 9]),
             np.array([6, 2, 4]))                  # two identical categories labelled 6 and 2: a tie
    cases = [(A, means, sigmas, counts, labels, 0.0, 0.0), (A, means, sigmas, counts, labels, 0.5, 0.0),
             (A, means, sigmas, counts, labels, 0.2, 0.08), (_gappy(A[:6]), means, sigmas, counts, labels, 0.3, 0.0),
             (np.array([[0.3, 0.31], [0.29, np.nan], [0.7, 0.7]]), *twins, 0.0, 0.0)]
    for A, means, sigmas, counts, labels, rho, floor in cases:
        value, err = call(artmap_vote, A.copy(), means.copy(), sigmas.copy(), counts.copy(), labels.copy(), rho, floor)
        got, err = (None, err) if err else as_array(value, (len(A),), "one class label per sample, shape (N,)")
        if err:
            return report(False, err, name)
        expected = reference_artmap_vote(A, means, sigmas, counts, labels, rho, floor)
        if np.array_equal(got, expected):
            continue
        complete = not np.isnan(A).any()
        logg = reference_artmap_log_choice(A, means, sigmas, counts, floor)
        G = np.exp(logg - np.log(counts) + (~np.isnan(A)) @ np.log(np.maximum(sigmas, floor)).T)
        voters = np.where((G > rho).any(1, keepdims=True), G > rho, True)
        wta = labels[np.argmax(np.where(voters, logg, -np.inf), axis=1)]
        by_match = np.array([max(set(labels), key=lambda c: G[i, (labels == c) & voters[i]].sum()) for i in range(len(A))])
        classes = np.unique(labels)
        by_count = classes[np.argmax(voters.astype(float) @ (labels[:, None] == classes), axis=1)]
        nobody = ~(G > rho).any(axis=1)
        wrong = got != expected
        if not np.isin(got, labels).all():
            hint = (f"return the class labels themselves (values from labels, here {sorted(set(labels.tolist()))}), "
                    "not their positions.")
        elif len(means) == 3 and got[0] != expected[0]:
            hint = f"a tie between classes goes to the smallest label ({expected[0]}, not {got[0]:g})."
        elif np.array_equal(got, wta) and not np.array_equal(wta, expected):
            hint = ("that is winner-take-all (the label of the best category); prediction is a vote: each voter "
                    "adds y_j = g_j / sum g to its class, and the class with the most votes wins.")
        elif rho > 0 and complete and np.array_equal(got, reference_artmap_vote(A, means, sigmas, counts, labels, 0.0,
                                                                                 floor)):
            hint = f"only the categories with G_j(a) > rho = {rho} vote (all of them only if none passes)."
        elif complete and np.array_equal(got, by_match):
            hint = "vote with the choice values g_j (count and spread included), not the unit-height matches G_j."
        elif np.array_equal(got, by_count) and not np.array_equal(by_count, expected):
            hint = ("each voter carries its share y_j = g_j / sum of g over the voters, not one vote: a class with "
                    "fewer but stronger categories can win.")
        elif np.any(got < 0) or (nobody[wrong].all() and not nobody.all()):
            hint = "when no category passes rho, let all of them vote: every sample gets a class."
        elif not complete:
            hint = ("with missing features, G_j and g_j use the observed features only (your artmap_log_choice): "
                    "a sample with nothing observed is predicted from the counts alone.")
        else:
            i = int(np.flatnonzero(got != expected)[0])
            hint = f"sample {i} ({A[i].tolist()}): you predicted {got[i]:g}, the vote gives {expected[i]}."
        return report(False, hint, name)
    return report(True, "", name)


def _reseed(X, w, mu, var, R, counts=None, threshold=None, renormalise=True, variance="others", density="mixture"):
    N, M = R.shape
    starved = (np.flatnonzero((R.sum(0) if counts is None else counts) < (N / (2 * M) if threshold is None else threshold)))
    w, mu, var = w.copy(), mu.copy(), var.copy()
    if starved.size == 0:
        return w, mu, var
    d = X.shape[1] if density != "1d" else 1
    a = (np.log(w) * (density != "unweighted") - 0.5 * d * np.log(2 * np.pi * var)
         - 0.5 * ((X[:, None, :] - mu) ** 2).sum(2) / var)
    order = np.argsort(a.max(1) if density == "max" else logsumexp(a, axis=1), kind="stable")
    kept = np.setdiff1d(np.arange(M), starved)
    new_var = {"others": var[kept].mean(), "all": var.mean(), "median": np.median(var[kept])}[variance]
    for rank, j in enumerate(starved):
        mu[j], var[j], w[j] = X[order[rank]], new_var, 1.0 / M
    return (w / w.sum() if renormalise else w), mu, var


def _layered(d):
    """Three used components of unequal weights and widths, two starved, a few points past each used one (the
    worst-explained points depend on the weights, the d-dimensional normaliser and the sum over components)."""
    g = np.random.default_rng(3 if d == 2 else 108)
    w = np.array([0.5, 0.3, 0.12, 0.04, 0.04])
    mu = np.vstack([[0.0] * d, [6.0] + [0.0] * (d - 1), [0.0, 6.0] + [0.0] * (d - 2), g.normal(0, 3, (2, d))])
    var = np.array([0.05, 4.0, 0.8, 0.6, 1.7])
    X = np.vstack([mu[j] + np.sqrt(var[j]) * g.standard_normal((n, d)) for j, n in enumerate((40, 30, 20))]
                  + [mu[j] + g.uniform(0.5, 1.0) * np.sqrt(var[j]) * g.standard_normal((2, d)) * 3 for j in range(3)])
    return X, w, mu, var, Mixture(w, mu, var).responsibilities(X)


def check_reseed_starved(reseed_starved) -> CheckResult:
    """Check ``reseed_starved(X, weights, means, variances, resp) -> (weights, means, variances)``: slide 30's
    cheap heuristic, made deterministic (starved: N_j < N / (2M); moved to the worst-explained points).

    Used in homework 5 (``homework/source/hw5_artmap_heuristic``).
    """
    name = "reseed_starved"
    rng = np.random.default_rng(51)
    one_hot = np.repeat(np.eye(4), [18, 9, 4, 9], axis=0)                 # N_j = 18, 9, 4, 9: N/(2M) = 5, N/M = 10
    soft = np.column_stack([np.full(60, 0.5), np.r_[np.full(30, 0.45), np.full(30, 0.3)], np.zeros(60)])
    soft[:, 2] = 1 - soft[:, :2].sum(1)                                   # N_j = 30, 22.5, 7.5: never anyone's largest
    cases = [(rng.normal(0, 2, (40, 2)), [0.4, 0.2, 0.2, 0.2], rng.normal(0, 2, (4, 2)), [1.0, 2.0, 0.5, 1.0], one_hot),
             (rng.normal(0, 2, (60, 2)), [0.5, 0.3, 0.2], rng.normal(0, 2, (3, 2)), [1.0, 1.5, 0.7], soft),
             (rng.normal(0, 2, (30, 2)), [0.5, 0.5], [[-1.0, 0.0], [1.0, 0.0]], [1.0, 1.0], np.full((30, 2), 0.5)),
             _layered(2), _layered(3)]
    for args in cases:
        Xc, wc, muc, varc, Rc = (np.asarray(a, float) for a in args)
        M, d = muc.shape
        value, err = call(reseed_starved, Xc.copy(), wc.copy(), muc.copy(), varc.copy(), Rc.copy())
        shapes = [(M,), (M, d), (M,)]
        parts, err = (None, err) if err else as_arrays(value, shapes, [f"an array of shape {s}" for s in shapes],
                                                       "(weights, means, variances)")
        if err:
            return report(False, err, name)
        expected = _reseed(Xc, wc, muc, varc, Rc)
        if all(_near(a, b) for a, b in zip(parts, expected)):
            continue
        hard = np.bincount(Rc.argmax(1), minlength=M)
        wrong = {"hard": _reseed(Xc, wc, muc, varc, Rc, counts=hard), "N/M": _reseed(Xc, wc, muc, varc, Rc, threshold=len(Xc) / M),
                 "norm": _reseed(Xc, wc, muc, varc, Rc, renormalise=False), "var": _reseed(Xc, wc, muc, varc, Rc, variance="all"),
                 "median": _reseed(Xc, wc, muc, varc, Rc, variance="median"),
                 "unweighted": _reseed(Xc, wc, muc, varc, Rc, density="unweighted"),
                 "1d": _reseed(Xc, wc, muc, varc, Rc, density="1d"), "max": _reseed(Xc, wc, muc, varc, Rc, density="max")}
        hints = {"hard": f"N_j is the soft count sum_i r_ij ({np.round(Rc.sum(0), 1).tolist()}), not the number of points "
                         f"whose largest responsibility is j ({hard.tolist()}).",
                 "N/M": f"slide 30's threshold is N/(2M) = {len(Xc) / (2 * M):g}, half the equal share N/M.",
                 "norm": "after giving each reset component 1/M, divide all the weights by their sum.",
                 "var": "a reset component takes the average variance of the components that were not starved.",
                 "median": "the new variance is the mean of the kept components' variances, not their median.",
                 "unweighted": "rank the points by the mixture density sum_j P_j N(x_i | mu_j, sigma_j^2 I): weight "
                               "each component by P_j.",
                 "1d": f"in d = {d} dimensions a spherical Gaussian's normaliser is (2 pi sigma_j^2)^(-d/2), not "
                       "(2 pi sigma_j^2)^(-1/2): the ranking changes with it.",
                 "max": "rank by the mixture density (the sum over the components), not by the best single component."}
        hint = next((hints[k] for k, v in wrong.items() if all(_near(a, b) for a, b in zip(parts, v))), None)
        if hint is None and starved_components(Rc).size and not _near(parts[1], expected[1]):
            hint = ("the k-th starved component (in index order) moves to the point with the k-th lowest mixture "
                    "density p(x_i) under the current parameters: the worst-explained points.")
        return report(False, hint or "weights, means or variances differ from the heuristic's reset.", name)
    return report(True, "", name)


# --- homework 6 --------------------------------------------------------------------------------------

def check_smem_reinit(smem_reinit) -> CheckResult:
    """Check ``smem_reinit(weights, means, covariances, triple, offsets) -> (weights, means, covariances)``: SMEM's
    merge of components i, j into slot i and split of k into slots j and k (full covariances).

    Used in homework 6 (``homework/source/hw6_smem_mfa``).
    """
    name = "smem_reinit"
    rng = np.random.default_rng(61)
    A = rng.normal(0, 1, (4, 2, 2))
    covs = A @ A.transpose(0, 2, 1) + 0.3 * np.eye(2)
    w, mu = np.array([0.1, 0.2, 0.3, 0.4]), rng.normal(0, 3, (4, 2))
    for triple, seed in [((0, 1, 2), 1), ((3, 0, 1), 2), ((2, 3, 0), 3)]:
        i, j, k = triple
        s2 = float(np.exp(np.linalg.slogdet(covs[k])[1] / 2))
        offsets = 0.1 * np.sqrt(s2) * np.random.default_rng(seed).standard_normal((2, 2))
        value, err = call(smem_reinit, w.copy(), mu.copy(), covs.copy(), triple, offsets.copy())
        shapes = [(4,), (4, 2), (4, 2, 2)]
        parts, err = (None, err) if err else as_arrays(value, shapes, [f"an array of shape {s}" for s in shapes],
                                                       "(weights, means, covariances)")
        if err:
            return report(False, err, name)
        ref = split_merge_init(Mixture(w, mu, covs, "full"), triple, rng=seed, perturbation=0.1)
        W, MU, C = parts
        if _near(W, ref.weights) and _near(MU, ref.means) and _near(C, ref.covariances):
            continue
        a = w[i] + w[j]
        if not _near(W, ref.weights):
            hint = (f"the split halves component {k + 1}'s weight: both new components get P_k / 2."
                    if np.isclose(W[j], w[k]) or np.isclose(W[k], w[k]) else
                    f"the merged component gets P_i + P_j; the two split ones P_k / 2 each (slots i = {i}, j = {j}, "
                    f"k = {k}).")
        elif not _near(MU[i], ref.means[i]):
            hint = ("weight the merged mean by the priors: mu_i' = (P_i mu_i + P_j mu_j) / (P_i + P_j)."
                    if _near(MU[i], (mu[i] + mu[j]) / 2) else "mu_i' = (P_i mu_i + P_j mu_j) / (P_i + P_j).")
        elif not _near(MU[[j, k]], ref.means[[j, k]]):
            hint = "the split means are mu_k + offsets[0] (slot j) and mu_k + offsets[1] (slot k)."
        elif not _near(C[i], ref.covariances[i]):
            spread = (w[i] * np.outer(mu[i] - ref.means[i], mu[i] - ref.means[i])
                      + w[j] * np.outer(mu[j] - ref.means[i], mu[j] - ref.means[i])) / a
            hint = ("the paper merges by the weighted average of the covariances only, without the spread-of-means "
                    "term of moment matching." if _near(C[i], ref.covariances[i] + spread) else
                    "Sigma_i' = (P_i Sigma_i + P_j Sigma_j) / (P_i + P_j).")
        elif _near(C[j], covs[k]):
            hint = "the split components do not copy Sigma_k: both start round, det(Sigma_k)^(1/d) I."
        elif _near(C[j], np.trace(covs[k]) / 2 * np.eye(2)):
            hint = "use det(Sigma_k)^(1/d) (the geometric mean of the eigenvalues), not trace / d."
        elif _near(C[j], np.linalg.det(covs[k]) * np.eye(2)):
            hint = "take the d-th root: det(Sigma_k)^(1/d) I, the same volume as Sigma_k."
        else:
            hint = "the split covariances are det(Sigma_k)^(1/d) I."
        return report(False, hint, name)
    return report(True, "", name)


def _cosine(jm):
    """The cosine J_merge from the paper's R'R (a zero posterior vector: cosine 0)."""
    norms = np.sqrt(np.diag(jm))
    safe = np.where(norms > 0, norms, 1.0)
    return jm / np.outer(safe, safe)


def _ordered(jm, js, c_max, *, reverse_ties=False):
    """Merge-outer, split-inner triples ranked by jm and js (descending), as a list of the first c_max."""
    M = len(js)
    pairs = sorted(((i, j) for i in range(M) for j in range(i + 1, M)), key=lambda p: -jm[p])
    splits = sorted(range(M), key=lambda k: -js[k])
    if reverse_ties:
        pairs = sorted(((i, j) for i in range(M) for j in range(i + 1, M)), key=lambda p: jm[p])[::-1]
        splits = sorted(range(M), key=lambda k: js[k])[::-1]
    return np.array([(i, j, k) for i, j in pairs for k in splits if k not in (i, j)][:c_max]).reshape(-1, 3)


def check_smem_candidates(smem_candidates) -> CheckResult:
    """Check ``smem_candidates(j_merge, j_split, c_max) -> (c, 3)``: the first c_max SMEM triples (i, j, k),
    i < j by the cosine J_merge (computed from the given R'R) descending, then k not in {i, j} by J_split descending.

    Used in homework 6 (``homework/source/hw6_smem_mfa``).
    """
    name = "smem_candidates"
    rng = np.random.default_rng(62)
    cases = []
    for M, c_max, sizes in ((4, 5, [3.0, 0.4, 1.0, 0.5]), (5, 12, [0.3, 2.0, 1.0, 2.5, 0.6]), (3, 10, [1.0, 1.0, 2.0])):
        R = rng.dirichlet(np.ones(M) * 0.7, size=40) * sizes           # unequal sizes: R'R and cosine orders differ
        cases.append((R.T @ R, rng.uniform(0, 2, M), c_max))
    R = rng.dirichlet(np.ones(5) * 0.7, size=40)
    jm = np.round(4 * (R.T @ R) / (R.T @ R).max())
    np.fill_diagonal(jm, 4.0)                                         # equal norms: exact cosines, with ties
    cases.append((jm, np.round(rng.uniform(0, 2, 5)), 30))
    R = rng.dirichlet(np.ones(4), size=30) * [2.0, 0.5, 1.0, 1.0]
    R[:, 2] = 0.0                                                     # component 3 explains no point
    cases.append((R.T @ R, rng.uniform(0, 2, 4), 12))
    for jm, js, c_max in cases:
        value, err = call(smem_candidates, jm.copy(), js.copy(), c_max)
        expected = _ordered(_cosine(jm), js, c_max)
        got, err = (None, err) if err else as_array(value, expected.shape, f"{len(expected)} triples (i, j, k), "
                                                    f"shape ({len(expected)}, 3)")
        if err:
            return report(False, err, name)
        if np.array_equal(got, expected):
            continue
        if any(len({int(v) for v in row}) < 3 for row in got):
            hint = "k must differ from i and j: a component cannot be merged and split in the same step."
        elif any(int(row[0]) > int(row[1]) for row in got):
            hint = "list each pair once, with i < j (J_merge is symmetric)."
        elif np.array_equal(got, _ordered(jm, js, c_max)):
            hint = ("that is the paper's unnormalised ranking (lesson 8); rank the pairs by the cosine "
                    "J_ij / sqrt(J_ii J_jj): the diagonal of R^T R holds the squared norms.")
        elif np.array_equal(got, _ordered(jm / np.outer(np.diag(jm), np.diag(jm)).clip(1e-300), js, c_max)):
            hint = "divide by the norms |r_i| |r_j| = sqrt(J_ii J_jj), not by J_ii J_jj."
        elif np.array_equal(got, _ordered(_cosine(jm), js, c_max, reverse_ties=True)):
            hint = ("ties keep the lower index first: sort by -J (a stable sort), not ascending and then reversed "
                    "(which puts the higher index first among equal values).")
        elif np.array_equal(got[:, 2], np.sort(got[:, 2])) and not np.array_equal(got[:, 2], expected[:, 2]):
            hint = "order by J_split descending inside each pair (the largest split criterion first)."
        elif np.any(np.diag(jm) == 0):
            hint = ("a component that explains no point has r_i = 0 and J_ii = 0: its cosine with every other one is "
                    "0 (not 0/0 = NaN, which sorts unpredictably).")
        else:
            hint = ("merge-outer, split-inner: pairs by the cosine J_merge descending; for each pair, k by J_split "
                    f"descending. Expected {expected[:3].tolist()}..., you returned {got[:3].astype(int).tolist()}...")
        return report(False, hint, name)
    return report(True, "", name)


def _mfa_without_lemma(X, mfa):
    """log L with log det(Psi) in place of log det(Lambda Lambda^T + Psi): the classic slip."""
    cov = mfa.covariances()
    a = np.empty((len(X), mfa.n_components))
    for j in range(mfa.n_components):
        diff = X - mfa.means[j]
        a[:, j] = (np.log(mfa.weights[j]) - 0.5 * (X.shape[1] * np.log(2 * np.pi) + np.log(mfa.psi).sum()
                   + np.einsum("nd,nd->n", diff, np.linalg.solve(cov[j], diff.T).T)))
    m = a.max(1)
    return float((m + np.log(np.exp(a - m[:, None]).sum(1))).sum())


def check_mfa_log_likelihood(mfa_log_likelihood) -> CheckResult:
    """Check ``mfa_log_likelihood(X, weights, means, loadings, psi) -> float``: total log L of a mixture of factor
    analysers, p(x | j) = N(mu_j, Lambda_j Lambda_j^T + diag(psi)).

    Used in homework 6 (``homework/source/hw6_smem_mfa``).
    """
    name = "mfa_log_likelihood"
    rng = np.random.default_rng(63)
    D, k = 5, 2
    mfa = MFA(np.array([0.3, 0.7]), rng.normal(0, 2, (2, D)), rng.normal(0, 1, (2, D, k)), rng.uniform(0.2, 1, D))
    X = mfa.means[rng.integers(0, 2, 40)] + rng.normal(0, 1.5, (40, D))
    for Xc in (X, np.vstack([X[:3], X[:1] + 80])):
        value, err = call(mfa_log_likelihood, Xc.copy(), mfa.weights.copy(), mfa.means.copy(), mfa.loadings.copy(),
                          mfa.psi.copy())
        if err:
            return report(False, err, name)
        try:
            got = float(value)
        except (TypeError, ValueError):
            return report(False, f"return one number (the total log L); you returned a {type(value).__name__}.", name)
        expected = mfa.log_likelihood(Xc)
        if np.isclose(got, expected, rtol=1e-9):
            continue
        psi2 = MFA(mfa.weights, mfa.means, mfa.loadings, mfa.psi ** 2).log_likelihood(Xc)
        if not np.isfinite(got):
            hint = ("you returned -inf or NaN for a point far from both components: combine log P_j + log p(x|j) "
                    "with log-sum-exp instead of adding the densities.")
        elif np.isclose(got, expected / len(Xc), rtol=1e-9):
            hint = "that is log L per sample; return the total sum over the points."
        elif np.isclose(got, psi2, rtol=1e-9):
            hint = "psi holds variances (the diagonal of Psi) already: do not square them."
        elif np.isclose(got, _mfa_without_lemma(Xc, mfa), rtol=1e-9):
            hint = ("the log-determinant is log det(Psi) + log det(I + Lambda^T Psi^-1 Lambda) (matrix determinant "
                    "lemma): you left out the second term.")
        else:
            hint = f"you returned {got:.8g}, expected {expected:.8g}. p(x | j) = N(mu_j, Lambda_j Lambda_j^T + Psi)."
        return report(False, hint, name)
    return report(True, "", name)
