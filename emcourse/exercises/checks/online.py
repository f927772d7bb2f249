"""Public checks of lesson 6 and homework 3: running statistics (plain and weighted), and starved components."""
from __future__ import annotations

import numpy as np

from ._common import CheckResult, as_array, call, report


# --- lesson 6 / homework 3 ------------------------------------------------------------------------------

def check_welford(welford) -> CheckResult:
    """Check ``welford(stream) -> (means, variances)``: running mean and ML variance after each sample.

    Used in ``notebooks/06_online_updates.ipynb`` and homework 3.
    """
    name = "welford"
    toy = np.array([2.0, 4, 4, 4, 5, 5, 7, 9])
    far = np.random.default_rng(7).normal(0, 1, 200) + 1e9
    for stream in (toy, far):
        value, err = call(welford, stream.copy())
        if err:
            return report(False, err, name)
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            return report(False, "return two arrays: (means, variances), one entry per sample.", name)
        means, err = as_array(value[0], stream.shape, "running means, one per sample")
        if err:
            return report(False, err, name)
        var, err = as_array(value[1], stream.shape, "running variances, one per sample")
        if err:
            return report(False, err, name)
        n = np.arange(1, stream.size + 1)
        exp_mean = np.cumsum(stream - stream[0]) / n + stream[0]
        exp_var = np.array([np.var(stream[:k]) for k in n])
        if not np.allclose(means, exp_mean, rtol=1e-12, atol=1e-9):
            return report(False, "the running means are off: mu_n = mu_{n-1} + (x_n - mu_{n-1}) / n.", name)
        if not np.allclose(var, exp_var, rtol=1e-6, atol=1e-9):
            if stream is toy and np.isclose(var[-1], 3.34, atol=0.01):
                hint = "that is slide 23's recursion (3.343 on the toy data); Welford's exact update gives 4.0."
            elif stream is far:
                hint = ("right near 0, wrong at 1e9: you are computing <x^2> - <x>^2, which cancels catastrophically. "
                        "Use M2_n = M2_{n-1} + (x_n - mu_{n-1})(x_n - mu_n) and variance M2_n / n.")
            else:
                hint = f"on [2,4,4,4,5,5,7,9] the last variance should be 4.0 (the 1/n variance); you returned {var[-1]:.4g}."
            return report(False, hint, name)
    return report(True, "", name)


# --- lesson 6: the weighted running update, the bridge from slide 22 to on-line EM -----------------------

def _weighted_cases():
    """Single updates (counts, means, variances, x, resp): M = 3 components in 2-D, M = 2 in 1-D, and one far from 0."""
    near = (np.array([4.0, 2.5, 1.5]), np.array([[0.0, 1.0], [2.0, -1.0], [-1.0, 0.5]]),
            np.array([[1.0, 0.5], [0.25, 2.0], [0.8, 0.3]]), np.array([1.5, 0.5]), np.array([0.7, 0.25, 0.05]))
    one_d = (np.array([3.0, 10.0]), np.array([[1.0], [-2.0]]), np.array([[0.5], [4.0]]),
             np.array([3.0]), np.array([0.4, 0.6]))
    far = tuple(np.array(a, dtype=float) for a in near)
    far = (far[0], far[1] + 1e8, far[2], far[3] + 1e8, far[4])
    return [("near", near), ("1-D", one_d), ("far", far)]


#: where each case's data sit: means are compared after subtracting it (a relative tolerance at 1e8 is blind)
_ORIGIN = {"near": 0.0, "1-D": 0.0, "far": 1e8}


def _shifted(stats, label):
    """(counts, means - origin, variances), as far as ``stats`` goes."""
    return tuple(s - _ORIGIN[label] if part == 1 else s for part, s in enumerate(stats))


def _hard_case():
    """Hard assignment (r in {0, 1}): component 1 gets its first sample, 2 (W > 0) and 3 (W = 0) get nothing."""
    return (np.array([0.0, 3.0, 0.0]), np.array([[0.0, 0.0], [1.0, 2.0], [0.0, 0.0]]),
            np.array([[0.0, 0.0], [0.5, 0.2], [0.0, 0.0]]), np.array([2.0, -1.0]), np.array([1.0, 0.0, 0.0]))


def _weighted_stream(offset: float = 0.0):
    """40 points of 2-D data and their responsibilities under a fixed 3-component mixture (all > 0)."""
    rng = np.random.default_rng(61)
    X = np.vstack([rng.normal([0, 0], 0.7, (15, 2)), rng.normal([2, 1], 0.5, (15, 2)), rng.normal([0, 2], 0.6, (10, 2))])
    centres, var = np.array([[0.0, 0.0], [2.0, 1.0], [0.0, 2.0]]), np.array([0.6, 0.4, 0.5])
    logp = np.log([0.4, 0.35, 0.25]) - ((X[:, None, :] - centres) ** 2).sum(-1) / (2 * var) - np.log(2 * np.pi * var)
    resp = np.exp(logp - logp.max(axis=1, keepdims=True))
    return X + offset, resp / resp.sum(axis=1, keepdims=True)


def _weighted_variants(W, mu, var, x, r):
    """The right update and the classic wrong ones, keyed by name: each (counts, means, variances).

    Built for the cases where every W_j + r_ij > 0 (the hard case is checked on its own).
    """
    Wn = W + r
    step = (r / Wn)[:, None]
    delta = x - mu
    mu_n = mu + step * delta
    term = delta * (x - mu_n)                           # (x - mu_old)(x - mu_new)
    m2 = W[:, None] * var + r[:, None] * term
    right_var = m2 / Wn[:, None]
    return {
        "right": (Wn, mu_n, right_var),
        "count_plus_one": (W + 1.0,),
        "count_unchanged": (W,),
        "mean_ignores_weight": (Wn, mu + delta / Wn[:, None]),
        "mean_old_count": (Wn, mu + (r / np.where(W > 0, W, 1.0))[:, None] * delta),
        "var_old_mean_twice": (Wn, mu_n, (W[:, None] * var + r[:, None] * delta * delta) / Wn[:, None]),
        "var_new_mean_twice": (Wn, mu_n, (W[:, None] * var + r[:, None] * (x - mu_n) ** 2) / Wn[:, None]),
        "var_unbiased": (Wn, mu_n, m2 / (Wn - 1.0)[:, None]),
        "var_unweighted_term": (Wn, mu_n, (W[:, None] * var + term) / Wn[:, None]),
        "var_unit_denominator": (Wn, mu_n, m2 / (W + 1.0)[:, None]),
        "var_not_rescaled": (Wn, mu_n, var + step * term),
        "var_weight_twice": (Wn, mu_n, var + step * (r[:, None] * term - var)),
    }


_WEIGHTED_HINTS = {
    "count_plus_one": "your counts grew by 1. With weights, W_j is a *soft* count: add the sample's weight r_ij, "
                      "not 1 (a sample that belongs to component j with r_ij = 0.05 adds 0.05).",
    "count_unchanged": "your counts did not change: after the update W_j must include the new sample's weight, "
                       "W_j + r_ij.",
    "mean_ignores_weight": "your means moved by (x - mu_j) / W_j whatever the weight. The step is r_ij / W_j (with the "
                           "new W_j = W_j + r_ij): a sample with weight 0 must leave mu_j where it is.",
    "mean_old_count": "your means moved by r_ij (x - mu_j) / W_j with the OLD total. Divide by the new total W_j + r_ij "
                      "(with r = 1 that is slide 22's 1/(n+1)).",
    "var_old_mean_twice": "your variances use the OLD mean twice, r (x - mu_old)^2: too large by W_new / W_old. "
                          "Welford's term is r (x - mu_old)(x - mu_new), one old and one new mean.",
    "var_new_mean_twice": "your variances use the NEW mean twice, r (x - mu_new)^2: that is slide 23's recursion with "
                          "weights, biased low. Welford's term is r (x - mu_old)(x - mu_new).",
    "var_unbiased": "you divided by W_j - 1 (the 'unbiased' sample variance). EM's M step is a maximum-likelihood "
                    "estimate: sum_i r_ij (x_i - mu_j)^2 / W_j, divided by the total weight itself.",
    "var_unweighted_term": "the new sample's term in the variance is missing its weight: add r_ij (x - mu_old)(x - mu_new) "
                           "to W_j sigma_j^2, then divide by the new W_j.",
    "var_unit_denominator": "your variances are divided by W_j + 1, as if the sample counted once. Divide by the "
                            "weighted total W_j + r_ij, the same denominator as the mean's.",
    "var_not_rescaled": "your variances keep the old sigma_j^2 whole and add the new sample's share on top. The old "
                        "spread is an average over W_j, the new one over W_j + r_ij: rescale the old part, "
                        "(W_j sigma_j^2 + r_ij (x - mu_old)(x - mu_new)) / (W_j + r_ij).",
    "var_weight_twice": "the new sample's weight enters your variance twice (r_ij^2): in the step form "
                        "sigma^2 + (r_ij / W_new) ((x - mu_old)(x - mu_new) - sigma^2) the weight is already in the "
                        "step r_ij / W_new, so the bracket has no r_ij.",
}
_PARTS = ("counts", "means", "variances")


def _weighted_call(func, W, mu, var, x, r):
    """(counts, means, variances) from the student's function, or (None, message)."""
    value, err = call(func, W.copy(), mu.copy(), var.copy(), x.copy(), r.copy())
    if err:
        return None, err
    if not isinstance(value, (tuple, list)) or len(value) != 3:
        return None, "return three arrays: (counts, means, variances), the updated statistics."
    out = []
    for v, shape, what in zip(value, [W.shape, mu.shape, var.shape],
                              ["counts W_j, shape (M,)", "means, shape (M, d)", "variances, shape (M, d)"]):
        arr, err = as_array(v, shape, what)
        if err:
            return None, err
        out.append(arr)
    return tuple(out), None


def _close(a, b, rtol=1e-7) -> bool:
    return np.allclose(a, b, rtol=rtol, atol=1e-9)


def _weighted_diagnose(answers, variants, label) -> str:
    """The hint for the first part (counts, means, variances) that is off on the case ``label``.

    A classic mistake is named only if it explains the student's answers on every case, not only this one.
    """
    got, right = answers[label], variants[label]["right"]
    part = next(p for p in range(3) if not _close(got[p], right[p]))
    for key in _WEIGHTED_HINTS:
        if len(variants[label][key]) > part and all(
                _close(answers[c][p], variants[c][key][p])
                for c in answers for p in range(min(len(variants[c][key]), part + 1))):
            return _WEIGHTED_HINTS[key]
    shift = f" (minus {_ORIGIN[label]:g})" if part == 1 and _ORIGIN[label] else ""
    return (f"your {_PARTS[part]}{shift} are {np.round(got[part], 6).tolist()}, expected "
            f"{np.round(right[part], 6).tolist()}.")


def _check_hard_case(func) -> str:
    """'' if the hard-assignment case is right, else the hint."""
    W, mu, var, x, r = _hard_case()
    got, err = _weighted_call(func, W, mu, var, x, r)
    if err:
        return err
    expected = (W + r, np.vstack([x, mu[1], mu[2]]), np.vstack([np.zeros(2), var[1], var[2]]))
    if all(_close(g, e) for g, e in zip(got, expected)):
        return ""
    if np.isnan(got[1][2]).any() or np.isnan(got[2][2]).any():
        return ("on the hard-assignment case (r = [1, 0, 0], counts W = [0, 3, 0]): component 3 has W_j = 0 and gets "
                "r_ij = 0, and your update divides 0 by 0 (NaN). This happens whenever responsibilities are 0 or 1 "
                "(Gaussian ARTMAP, k-means) or underflow to 0. A component with no weight before or after the sample "
                "keeps its statistics: guard the division, e.g. np.divide(resp, new_counts, "
                "out=np.zeros_like(new_counts), where=new_counts > 0).")
    return (f"on the hard-assignment case (r = [1, 0, 0], counts W = [0, 3, 0]): expected counts "
            f"{expected[0].tolist()}, means {expected[1].tolist()}, variances {expected[2].tolist()}; you returned "
            f"{np.round(got[0], 6).tolist()}, {np.round(got[1], 6).tolist()}, {np.round(got[2], 6).tolist()}. "
            "Component 1 takes its first sample (mean x, variance 0); components 2 and 3 get weight 0 and stay as "
            "they are.")


def check_weighted_running_update(weighted_running_update) -> CheckResult:
    """Check ``weighted_running_update(counts, means, variances, x, resp) -> (counts, means, variances)``.

    One sample x (shape (d,)) with responsibilities resp (shape (M,)) is added to the weighted running
    statistics of M components: counts W_j = sum_i r_ij (M,), weighted means (M, d), weighted per-feature
    1/W_j variances (M, d). After a whole stream they must equal the statistics the M step uses; a
    component with W_j = r_ij = 0 (hard assignment) keeps its statistics.
    Introduced in ``notebooks/06_online_updates.ipynb``.
    """
    name = "weighted_running_update"
    answers, variants, errors = {}, {}, {}
    for label, (W, mu, var, x, r) in _weighted_cases():     # all cases first: a named mistake must explain them all
        got, err = _weighted_call(weighted_running_update, W, mu, var, x, r)
        if err:
            errors[label] = err
        else:
            answers[label] = _shifted(got, label)
            variants[label] = {k: _shifted(v, label) for k, v in _weighted_variants(W, mu, var, x, r).items()}
    for label, _ in _weighted_cases():
        if label in errors:
            return report(False, errors[label], name)
        got, right = answers[label], variants[label]["right"]
        if all(_close(g, e) for g, e in zip(got, right)):
            continue
        if label == "far" and _close(got[0], right[0]) and _close(got[1], right[1]):
            return report(False, "right near 0, wrong for data near 1e8: your variance goes through <x^2> - <x>^2, "
                                 "which cancels catastrophically far from the origin. Update the centred spread "
                                 "W_j sigma_j^2 with r (x - mu_old)(x - mu_new) instead.", name)
        return report(False, f"on the {label} case: " + _weighted_diagnose(answers, variants, label), name)
    hint = _check_hard_case(weighted_running_update)
    if hint:
        return report(False, hint, name)
    for offset in (0.0, 1e8):                       # a whole stream from nothing = the statistics of the M step
        X, R = _weighted_stream(offset)
        W, mu, var = np.zeros(3), np.zeros((3, 2)), np.zeros((3, 2))
        for x, r in zip(X, R):
            state, err = _weighted_call(weighted_running_update, W, mu, var, x, r)
            if err:
                return report(False, err, name)
            W, mu, var = state
        Nj = R.sum(axis=0)
        exp_mu = (R.T @ (X - offset)) / Nj[:, None] + offset
        exp_var = np.stack([R[:, j] @ (X - exp_mu[j]) ** 2 for j in range(3)]) / Nj[:, None]
        if not (np.allclose(W, Nj, rtol=1e-9) and np.allclose(mu, exp_mu, rtol=1e-12, atol=1e-8)
                and np.allclose(var, exp_var, rtol=1e-6)):
            where = "starting from counts 0" if offset == 0 else "for data near 1e8"
            return report(False, f"each single update is right, but after a stream of 40 samples ({where}) your "
                                 "statistics differ from the M step's N_j = sum_i r_ij, mu_j = sum_i r_ij x_i / N_j, "
                                 "sigma_jk^2 = sum_i r_ij (x_ik - mu_jk)^2 / N_j. The first sample of a component with "
                                 "W_j = 0 must give mu_j = x and sigma_j^2 = 0.", name)
    return report(True, "", name)




def check_starved(starved) -> CheckResult:
    """Check ``starved(resp) -> array of component indices`` with N_j < N / (2M) (slide 30). Homework 3.

    N_j = sum_i r_ij is the soft count: the cases separate it from hard counts (argmax) and the threshold
    N/(2M) from the equal share N/M.
    """
    name = "starved"
    hard = np.zeros((100, 4))
    hard[:40, 0] = hard[40:70, 1] = hard[70:78, 2] = hard[78:, 3] = 1.0    # N_j = 40, 30, 8, 22; N/(2M) = 12.5
    soft = np.zeros((60, 3))                                               # N/(2M) = 10
    soft[:, 0] = 0.62
    soft[:, 1] = np.r_[np.full(30, 0.38), np.full(30, 0.08)]               # N_2 = 13.8: never the largest
    soft[:, 2] = 1.0 - soft[:, :2].sum(axis=1)                             # N_3 = 9: starved
    noisy = np.random.default_rng(8).dirichlet([5, 5, 0.3], size=60)
    for R in (hard, soft, noisy):
        value, err = call(starved, R.copy())
        if err:
            return report(False, err, name)
        try:
            got = sorted(int(v) for v in np.ravel(value))
        except (TypeError, ValueError):
            return report(False, f"return the indices of the starved components (integers); got {value!r}.", name)
        n, n_components = R.shape
        counts = R.sum(axis=0)
        expected = np.flatnonzero(counts < n / (2 * n_components)).tolist()
        if got == expected:
            continue
        hard_counts = np.bincount(R.argmax(axis=1), minlength=n_components)
        if got == np.flatnonzero(hard_counts < n / (2 * n_components)).tolist():
            hint = (f"you counted points by their largest responsibility (hard counts {hard_counts.tolist()}); N_j is "
                    f"the soft count sum_i r_ij = {np.round(counts, 1).tolist()}: a component that is never any "
                    "point's favourite can still explain a lot.")
        elif got == np.flatnonzero(counts < n / n_components).tolist():
            hint = (f"that is the threshold N/M = {n / n_components:g}, the equal share; slide 30's is half of it, "
                    f"N/(2M) = {n / (2 * n_components):g}.")
        else:
            hint = (f"for N_j = {np.round(counts, 1).tolist()} and threshold N/(2M) = {n / (2 * n_components):g} expected "
                    f"{expected}, you returned {got}. N_j is the column sum of the responsibilities.")
        return report(False, hint, name)
    return report(True, "", name)
