"""Public checks of lesson 6 and homework 3: running statistics, and the starved components of lesson 10."""
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
