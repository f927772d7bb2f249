"""Public checks of lesson 5: how often a start reaches the best optimum, and M by held-out log-likelihood.

Introduced in ``notebooks/05_em_in_action.ipynb``. The student's functions get plain numpy arrays (the
notebook runs EM and hands over the numbers) and need only numpy.
"""
from __future__ import annotations

import numpy as np

from ._common import CheckResult, call, report


def _rate(lls, best, n, tol, *, strict=False, total=False, best_of_runs=False, wrong_sign=False):
    """The right answer and, with a flag, one classic wrong one (written independently of the package)."""
    lls = np.asarray(lls, dtype=float)
    best = lls.max() if best_of_runs else best
    gap = (lls - best) if wrong_sign else (best - lls)
    threshold = tol if total else tol * n
    return float(np.mean(gap < threshold if strict else gap <= threshold))


# (final log-likelihoods, best, N, tol): each case separates some wrong answers from the right one
SUCCESS_CASES = [
    (np.array([-500.0, -500.0005, -500.1, -500.15, -502.0, -510.0]), -500.0, 200, 1e-3),   # threshold 0.2 in total
    (np.array([-10.0, -10.5, -11.0, -10.25]), -10.0, 4, 0.125),                            # one run exactly at it
    (np.array([-300.0, -300.05, -301.0]), -299.0, 100, 1e-3),                               # best came from elsewhere
]


def check_success_rate(success_rate) -> CheckResult:
    """Check ``success_rate(final_log_likelihoods, best, n_samples, tol) -> float``.

    A run succeeds when it ends at most ``tol`` *per sample* below ``best``: (best - log L) / N <= tol.
    Introduced in ``notebooks/05_em_in_action.ipynb``.
    """
    name = "success_rate"
    for lls, best, n, tol in SUCCESS_CASES:
        value, err = call(success_rate, lls.copy(), best, n, tol)
        if err:
            return report(False, err, name)
        try:
            got = float(np.asarray(value, dtype=float).reshape(()))
        except (TypeError, ValueError):
            got = np.nan
        if value is None or not np.isfinite(got):
            return report(False, f"return one number (a fraction between 0 and 1); got {value!r}.", name)
        right = _rate(lls, best, n, tol)
        if np.isclose(got, right, rtol=0, atol=1e-12):
            continue
        k = lls.size
        if np.isclose(got, right * k) and k * right != right:
            hint = f"you returned a count ({got:g}); return the fraction of runs: the count divided by {k}."
        elif np.isclose(got, 100 * right) and right > 0:
            hint = "you returned a percentage; return a fraction between 0 and 1."
        elif np.isclose(got, _rate(lls, best, n, tol, wrong_sign=True)):
            hint = ("every run counted as a success: the gap is best - log L (it is >= 0, because best is the "
                    "highest); you subtracted the other way round.")
        elif np.isclose(got, _rate(lls, best, n, tol, best_of_runs=True)):
            hint = (f"compare with the best given ({best:g}, found by any method), not with the best of these "
                    f"runs ({lls.max():g}): a method whose runs all miss the best optimum has success rate 0.")
        elif np.isclose(got, _rate(lls, best, n, tol, total=True)):
            hint = (f"tol is per sample: a run succeeds when (best - log L) / N <= tol, i.e. within tol * N = "
                    f"{tol * n:g} of the best in total log L, not within {tol:g}.")
        elif np.isclose(got, _rate(lls, best, n, tol, strict=True)):
            hint = ("a run exactly tol per sample below the best counts as a success: use <=, not <. "
                    f"(Here a run ends exactly {tol * n:g} below the best.)")
        elif np.isclose(got, np.mean(lls == best)):
            hint = ("you counted only the runs that equal the best exactly; runs within the tolerance "
                    "(best - log L) / N <= tol reached the same optimum too (they stopped a little early).")
        else:
            hint = (f"for final log L {lls.tolist()}, best {best:g}, N = {n}, tol = {tol:g} the success rate is "
                    f"{right:g}; you returned {got:g}.")
        return report(False, hint, name)
    return report(True, "", name)


# (candidates, training log L, held-out log L): right answer, training argmax, held-out argmin, the position and
# the position + 1 differ in the second case (whose candidates start at 3)
CHOOSE_CASES = [
    (np.arange(1, 8), np.array([-990.0, -900, -860, -850, -845, -842, -840]),
     np.array([-1000.0, -935, -905, -910, -915, -925, -940])),
    (np.arange(3, 8), np.array([-700.0, -640, -630, -625, -621]),
     np.array([-720.0, -661, -668, -676, -690])),
]


def check_choose_n_components(choose_n_components) -> CheckResult:
    """Check ``choose_n_components(candidates, train_log_likelihoods, held_out_log_likelihoods) -> M``.

    The answer is the candidate M whose held-out log-likelihood is the largest. Introduced in
    ``notebooks/05_em_in_action.ipynb``.
    """
    name = "choose_n_components"
    for cands, train, held in CHOOSE_CASES:
        value, err = call(choose_n_components, cands.copy(), train.copy(), held.copy())
        if err:
            return report(False, err, name)
        try:
            got = float(np.asarray(value, dtype=float).reshape(()))
        except (TypeError, ValueError):
            got = np.nan
        if value is None or not np.isfinite(got):
            return report(False, f"return one number M (one of the candidates); got {value!r}.", name)
        best = int(np.argmax(held))
        if got == cands[best]:
            continue
        if got == cands[int(np.argmax(train))]:
            hint = ("that M has the highest *training* log L, which always grows with M (more components fit the "
                    "data they were fitted to better). Choose by the held-out log L.")
        elif got == cands[int(np.argmin(held))]:
            hint = "log L is higher for a better model: take the largest held-out log L (argmax), not the smallest."
        elif got == best:
            hint = (f"you returned the position {best} in the list; return the number of components there, "
                    f"candidates[{best}] = {cands[best]}.")
        elif got == best + 1:
            hint = (f"you returned position + 1 = {best + 1}; that is M only when the candidates are 1, 2, 3, ... "
                    f"Here they are {cands.tolist()}: return candidates[argmax] = {cands[best]}.")
        else:
            hint = (f"for candidates {cands.tolist()} and held-out log L {held.tolist()} the answer is "
                    f"{cands[best]}; you returned {got:g}.")
        return report(False, hint, name)
    return report(True, "", name)
