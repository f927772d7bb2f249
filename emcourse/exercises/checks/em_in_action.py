"""Public checks of lesson 5: how often a start reaches the best optimum, and M by held-out log-likelihood.

Introduced in ``notebooks/05_em_in_action.ipynb``. The student's functions get plain numpy arrays (the
notebook runs EM and hands over the numbers) and need only numpy.
"""
from __future__ import annotations

import numpy as np

from ._common import CheckResult, call, report


def _one_number(value):
    """The student's answer as a finite float, or None if it is not one number (None, an array, text, NaN)."""
    try:
        got = float(np.asarray(value, dtype=float).reshape(()))
    except (TypeError, ValueError):
        return None
    return got if value is not None and np.isfinite(got) else None


def _rate(lls, best, n, tol):
    """The right answer, written independently of the package."""
    return float(np.mean((best - np.asarray(lls, dtype=float)) / n <= tol))


def _fraction(successes):
    return float(np.mean(successes))


# The classic wrong answers: (name, what it returns for (lls, best, n, tol)). The cases below are built so that no
# two of them (and none of them and the right answer) agree on every case: a hint is given only when its mistake
# reproduces the student's answer on all cases.
WRONG_RATES = [
    ("count", lambda lls, best, n, tol: float(np.sum((best - lls) / n <= tol))),
    ("percentage", lambda lls, best, n, tol: 100.0 * _rate(lls, best, n, tol)),
    ("count over N", lambda lls, best, n, tol: float(np.sum((best - lls) / n <= tol)) / n),
    ("other sign", lambda lls, best, n, tol: _fraction((lls - best) / n <= tol)),
    ("best of runs", lambda lls, best, n, tol: _fraction((lls.max() - lls) / n <= tol)),
    ("total", lambda lls, best, n, tol: _fraction(best - lls <= tol)),
    ("tol over N", lambda lls, best, n, tol: _fraction(best - lls <= tol / n)),
    ("relative", lambda lls, best, n, tol: _fraction((best - lls) / abs(best) <= tol)),
    ("strict", lambda lls, best, n, tol: _fraction((best - lls) / n < tol)),
    ("exact", lambda lls, best, n, tol: _fraction(lls == best)),
    ("isclose", lambda lls, best, n, tol: _fraction(np.isclose(lls, best))),
]

# (final log-likelihoods, best, N, tol), the numbers exact in binary where a boundary matters
SUCCESS_CASES = [
    # threshold 0.2 in total; gaps between tol / N, tol, numpy's isclose tolerance (0.005 here) and 0.2
    (np.array([-500.0, -500.0005, -500.00002, -500.003, -500.1, -500.15, -502.0, -510.0]), -500.0, 200, 1e-3),
    # one run exactly at the threshold 0.5 (tol * N), one a hair below the best
    (np.array([-10.0, -10.5, -11.0, -10.25, -10.0000001]), -10.0, 4, 0.125),
    # the best came from another method: no run reaches it
    (np.array([-300.0, -300.05, -301.0]), -299.0, 100, 1e-3),
]


def _success_hint(kind, lls, best, n, tol, got):
    k = lls.size
    return {
        "count": f"you returned a count ({got:g}); return the fraction of runs: the count divided by {k}.",
        "percentage": "you returned a percentage; return a fraction between 0 and 1.",
        "count over N": (f"you divided the count by N = {n}, the number of samples; the fraction of runs divides by "
                         f"the number of runs, {k}."),
        "other sign": ("every run counted as a success: the gap is best - log L (it is >= 0, because best is the "
                       "highest); you subtracted the other way round."),
        "best of runs": (f"compare with the best given ({best:g}, found by any method), not with the best of these "
                         f"runs ({lls.max():g}): a method whose runs all miss the best optimum has success rate 0."),
        "total": (f"tol is per sample: a run succeeds when (best - log L) / N <= tol, i.e. within tol * N = "
                  f"{tol * n:g} of the best in total log L, not within {tol:g}."),
        "tol over N": (f"tol is per sample, so the allowed gap in total log L is tol * N = {tol * n:g}; you divided "
                       f"instead (tol / N = {tol / n:g})."),
        "relative": ("you compared the relative gap (best - log L) / |best| with tol. The rule is per sample, "
                     "(best - log L) / N <= tol: the same scale as the stopping rule's tolerance, whatever the size "
                     "of log L."),
        "strict": ("a run exactly tol per sample below the best counts as a success: use <=, not <. "
                   f"(Here a run ends exactly {tol * n:g} below the best.)"),
        "exact": ("you counted only the runs that equal the best exactly; runs within the tolerance "
                  "(best - log L) / N <= tol reached the same optimum too (they stopped a little early)."),
        "isclose": ("np.isclose(log L, best) uses its own tolerances (relative 1e-5 of |best|), not tol: test "
                    "(best - log L) / N <= tol."),
    }[kind]


def check_success_rate(success_rate) -> CheckResult:
    """Check ``success_rate(final_log_likelihoods, best, n_samples, tol) -> float``.

    A run succeeds when it ends at most ``tol`` *per sample* below ``best``: (best - log L) / N <= tol.
    Introduced in ``notebooks/05_em_in_action.ipynb``.
    """
    name = "success_rate"
    answers = []
    for lls, best, n, tol in SUCCESS_CASES:
        value, err = call(success_rate, lls.copy(), best, n, tol)
        if err:
            return report(False, err, name)
        got = _one_number(value)
        if got is None:
            return report(False, f"return one number (a fraction between 0 and 1); got {value!r}.", name)
        answers.append(got)
    rights = [_rate(*case) for case in SUCCESS_CASES]
    if np.allclose(answers, rights, rtol=0, atol=1e-12):
        return report(True, "", name)
    for kind, wrong in WRONG_RATES:
        if np.allclose(answers, [wrong(*case) for case in SUCCESS_CASES], rtol=1e-9, atol=1e-12):
            first = next(i for i, (a, r) in enumerate(zip(answers, rights)) if not np.isclose(a, r, rtol=0, atol=1e-12))
            return report(False, _success_hint(kind, *SUCCESS_CASES[first], answers[first]), name)
    i = next(i for i, (a, r) in enumerate(zip(answers, rights)) if not np.isclose(a, r, rtol=0, atol=1e-12))
    lls, best, n, tol = SUCCESS_CASES[i]
    return report(False, f"for final log L {lls.tolist()}, best {best:g}, N = {n}, tol = {tol:g} the success rate is "
                         f"{rights[i]:.12g}; you returned {answers[i]:.12g}.", name)


# (candidates, training log L, held-out log L). Across the three cases the right answer and every wrong answer
# below differ; the third case has its held-out minimum at the largest M and its smallest train - held-out gap at
# the smallest M.
CHOOSE_CASES = [
    (np.arange(1, 8), np.array([-990.0, -900, -860, -850, -845, -842, -840]),
     np.array([-1000.0, -935, -905, -910, -915, -925, -940])),
    (np.arange(3, 8), np.array([-700.0, -640, -630, -625, -621]),
     np.array([-720.0, -661, -668, -676, -690])),
    (np.array([2, 4, 6, 8, 10]), np.array([-800.0, -700, -690, -685, -683]),
     np.array([-770.0, -720, -725, -740, -790])),
]

# (name, what it returns for (candidates, train, held)), diagnosed only when it matches on every case
WRONG_CHOICES = [
    ("training", lambda c, tr, ho: float(c[int(np.argmax(tr))])),
    ("argmin", lambda c, tr, ho: float(c[int(np.argmin(ho))])),
    ("position", lambda c, tr, ho: float(np.argmax(ho))),
    ("position + 1", lambda c, tr, ho: float(np.argmax(ho) + 1)),
    ("value", lambda c, tr, ho: float(np.max(ho))),
    ("gap", lambda c, tr, ho: float(c[int(np.argmin(tr - ho))])),
]


def _choose_hint(kind, cands, train, held):
    best = int(np.argmax(held))
    return {
        "training": ("that M has the highest *training* log L, which always grows with M (more components fit the "
                     "data they were fitted to better). Choose by the held-out log L."),
        "argmin": "log L is higher for a better model: take the largest held-out log L (argmax), not the smallest.",
        "position": (f"you returned the position {best} in the list; return the number of components there, "
                     f"candidates[{best}] = {cands[best]}."),
        "position + 1": (f"you returned position + 1 = {best + 1}; that is M only when the candidates are 1, 2, 3, "
                         f"... Here they are {cands.tolist()}: return candidates[argmax] = {cands[best]}."),
        "value": (f"you returned the largest held-out log L itself ({held[best]:g}); return the M that reached it, "
                  f"candidates[argmax] = {cands[best]}."),
        "gap": ("you chose the M whose training and held-out log L are closest. A small gap only says a model "
                "does not over-fit (the smallest model often has almost none); choose the M with the largest held-out "
                "log L."),
    }[kind]


def check_choose_n_components(choose_n_components) -> CheckResult:
    """Check ``choose_n_components(candidates, train_log_likelihoods, held_out_log_likelihoods) -> M``.

    The answer is the candidate M whose held-out log-likelihood is the largest. Introduced in
    ``notebooks/05_em_in_action.ipynb``.
    """
    name = "choose_n_components"
    answers = []
    for cands, train, held in CHOOSE_CASES:
        value, err = call(choose_n_components, cands.copy(), train.copy(), held.copy())
        if err:
            return report(False, err, name)
        got = _one_number(value)
        if got is None:
            return report(False, f"return one number M (one of the candidates); got {value!r}.", name)
        answers.append(got)
    rights = [float(c[int(np.argmax(ho))]) for c, _, ho in CHOOSE_CASES]
    if answers == rights:
        return report(True, "", name)
    first = next(i for i, (a, r) in enumerate(zip(answers, rights)) if a != r)
    for kind, wrong in WRONG_CHOICES:
        if answers == [wrong(*case) for case in CHOOSE_CASES]:
            return report(False, _choose_hint(kind, *CHOOSE_CASES[first]), name)
    cands, _, held = CHOOSE_CASES[first]
    return report(False, f"for candidates {cands.tolist()} and held-out log L {held.tolist()} the answer is "
                         f"{cands[int(np.argmax(held))]}; you returned {answers[first]:g}.", name)
