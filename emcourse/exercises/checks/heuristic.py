"""Public check of lesson 10's exercise: a data set on which the cheap heuristic fails."""
from __future__ import annotations

import warnings

import numpy as np

from ...em import e_step, run_em
from ...methods.heuristic import run_em_with_resets, starved_components
from ...run import Status
from ...seeding import initialize
from ._common import CheckResult, call, report

#: random starts the student's data set is tried from (plain EM and EM + heuristic from each)
N_TESTED = 6
#: more starts (k-means++ seeding, with the heuristic) that look for the best optimum
N_BEST = 20
#: a run "ends below the best optimum" when its log L per point is lower by more than this
MARGIN = 0.01
MAX_ITER, TOL = 500, 1e-6
#: a component whose variance is below this fraction of the data's is a squeeze onto a few points, not a cluster
TIGHT = 1e-4
LIMITS = {"n_samples": (30, 1500), "n_features": (1, 5), "n_components": (2, 10)}
#: what the check does, printed first (lesson 10's exercise statement refers to these numbers)
PROTOCOL = (f"The check calls heuristic_blind_spot(0), then fits spherical mixtures with M components: plain EM and "
            f"EM + heuristic from {N_TESTED} random-point starts, and EM + heuristic from {N_BEST} more k-means++ "
            f"starts ({2 * N_TESTED + N_BEST} runs, each with at most {MAX_ITER} EM iterations in all, tol {TOL:g} per point). "
            f"It passes if from at least {(N_TESTED + 1) // 2} of the {N_TESTED} starts both plain EM and EM + "
            f"heuristic end more than {MARGIN} per point below the best log L of all {2 * N_TESTED + N_BEST} runs.")


def _validate(value):
    """(X, M, None) or (None, None, message)."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        return None, None, "return two things: (X, M), the data set of shape (N, d) and the number of components M."
    X, M = value
    try:
        X = np.array(X, dtype=float)
    except (TypeError, ValueError):
        return None, None, f"X must be a numeric array of shape (N, d), got {type(value[0]).__name__}."
    if X.ndim != 2:
        return None, None, f"X must have shape (N, d) (one row per point), got shape {X.shape}."
    (lo_n, hi_n), (lo_d, hi_d), (lo_m, hi_m) = LIMITS.values()
    if not (lo_n <= X.shape[0] <= hi_n and lo_d <= X.shape[1] <= hi_d):
        return None, None, (f"keep the data set small: between {lo_n} and {hi_n} points in {lo_d} to {hi_d} "
                            f"dimensions (2 is easiest to think about); got shape {X.shape}.")
    if not np.all(np.isfinite(X)):
        return None, None, "X contains NaN or inf."
    try:
        whole = not isinstance(M, (bool, np.bool_)) and float(M) == int(M) and lo_m <= int(M) <= hi_m
    except (TypeError, ValueError, OverflowError):
        whole = False
    if not whole:
        return None, None, f"M must be a whole number of components between {lo_m} and {hi_m}, got {M!r}."
    if len(np.unique(X, axis=0)) < len(X):
        return None, None, ("X has repeated points: a component can sit on them and log L grows without bound "
                            "(lesson 2), so 'the best optimum' would be a collapse. Use continuous random data.")
    return X, int(M), None


def _runs(X, M):
    """Plain EM and EM + heuristic from N_TESTED random starts; the best log L from those and N_BEST more starts."""
    tested = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for seed in range(N_TESTED):
            start = initialize(X, M, "spherical", "random_points", rng=seed)
            tested.append((run_em(X, start, max_iter=MAX_ITER, tol=TOL),
                           run_em_with_resets(X, start, rng=seed, max_iter=MAX_ITER, tol=TOL)))
        extra = [run_em_with_resets(X, initialize(X, M, "spherical", "kmeans++", rng=seed), rng=seed,
                                    max_iter=MAX_ITER, tol=TOL) for seed in range(N_BEST)]
    return tested, extra


def check_heuristic_blind_spot(heuristic_blind_spot) -> CheckResult:
    """Check ``heuristic_blind_spot(rng) -> (X, M)``: a data set on which EM + the cheap heuristic gets stuck.

    The check calls the function with ``rng=0``, runs plain EM and EM + the cheap heuristic (spherical, M
    components) from 6 random-point starts, and looks for the best optimum from those and 20 more starts.
    It passes when, from at least half of the 6 starts, both plain EM and the heuristic end more than 0.01
    below the best log L per point (it prints this protocol, :data:`PROTOCOL`, first). Data whose only trap is a
    genuinely small cluster (blind spot 2) are told that this blind spot costs work, not the result.
    Introduced in ``notebooks/10_cheap_heuristic.ipynb``.
    """
    name = "heuristic_blind_spot"
    print(PROTOCOL)
    value, err = call(heuristic_blind_spot, 0)
    if err:
        return report(False, err, name)
    X, M, err = _validate(value)
    if err:
        return report(False, err, name)
    n = len(X)
    tested, extra = _runs(X, M)
    runs = [r for pair in tested for r in pair] + extra
    best_run = max(runs, key=lambda r: r.log_likelihood)
    squeezed = best_run.mixture.variances.mean(axis=1).min() < TIGHT * X.var(axis=0).mean()
    if squeezed or any(r.status is Status.DEGENERATE or not np.isfinite(r.log_likelihood) for r in runs):
        return report(False, "the best fit found squeezes a component onto a tiny, tight group of points: its log L "
                             "comes from that squeeze (the unbounded likelihood of lesson 2), not from a blind spot of "
                             "the heuristic. Give every cluster a spread comparable to the others.", name)
    best = best_run.log_likelihood / n
    plain = np.array([p.log_likelihood / n for p, _ in tested])
    cheap = np.array([h.log_likelihood / n for _, h in tested])
    stuck_plain, stuck_cheap = plain < best - MARGIN, cheap < best - MARGIN
    both = int(np.sum(stuck_plain & stuck_cheap))
    print(f"your data: N = {n}, d = {X.shape[1]}, M = {M}; best log L per point from {len(runs)} runs: {best:.3f}. "
          f"Of {N_TESTED} random starts, plain EM ended below it in {int(stuck_plain.sum())}, EM + heuristic in "
          f"{int(stuck_cheap.sum())}.")
    if 2 * both >= N_TESTED:
        return report(True, "", name)
    if 2 * int(stuck_plain.sum()) < N_TESTED:
        hint = ("plain EM already reaches the best optimum from most starts, so there is nothing for the heuristic "
                "to fail at. Build data with a local optimum that random starts fall into: e.g. groups of clusters "
                "so far apart that a component cannot travel from one group to the other.")
        resp = e_step(X, best_run.mixture)[0]
        counts, small = resp.sum(axis=0), starved_components(resp)
        if small.size:
            hint += (f" Your best fit has a genuinely small cluster (N_j = {counts[small[0]]:.0f} < N/(2M) = "
                     f"{n / (2 * M):.0f}): blind spot 2. The rule fires on it, but a reset that does not pay is "
                     "undone, so it only wastes work and never spoils the result. Aim at blind spots 1 and 3 instead: "
                     "a stuck state in which no component is starved.")
    else:
        rescued = [p for (p, _), a, b in zip(tested, stuck_plain, stuck_cheap) if a and not b]
        counts = [np.sort(e_step(X, p.mixture)[0].sum(axis=0)).round(0).astype(int).tolist() for p in rescued]
        hint = (f"plain EM gets stuck, but the heuristic rescues it: at the stuck states a component is starved "
                f"(sorted N_j {counts[0]}, threshold N/(2M) = {n / (2 * M):.0f}), which is exactly what the rule "
                "looks for. Find a stuck state in which every component keeps more than N/(2M) points, e.g. two "
                "components sharing one big cluster while one component straddles two small ones.")
    return report(False, hint, name)
