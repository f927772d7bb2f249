"""Public check of lesson 7: one match-tracking decision of Gaussian ARTMAP, against the engine's own.

The reference answer comes from :class:`emcourse.methods.artmap.GaussianARTMAP` itself: the categories
are set by hand (``set_categories``), one sample is learned (``partial_fit``) and its ``trace_`` says
which category learned it or that a new one was created. The classic wrong answers are written here
with numpy, one function with switches, only to name the student's mistake.
"""
from __future__ import annotations

import numpy as np

from ...methods.artmap import GaussianARTMAP
from ._common import CheckResult, call, report

_LOG_2PI = np.log(2 * np.pi)


def _engine_decisions(means, sigmas, counts, labels, X, y, rho_bar, epsilon) -> np.ndarray:
    """For each sample on its own: the category GaussianARTMAP trains with it, or -1 for a new category."""
    out = []
    for x, label in zip(X, y):
        model = GaussianARTMAP(rho=rho_bar, epsilon=epsilon, sigma_min=0.0).set_categories(
            means=means, sigmas=sigmas, counts=counts, labels=labels)
        model.partial_fit(x[None, :], [label])
        last = model.trace_[-1]
        out.append(-1 if last.kind == "new_category" else last.category)
    return np.array(out)


def _variant(means, sigmas, counts, labels, X, y, rho_bar, epsilon, *, match="unit", choice="full",
             on_wrong="tracking", reset=True, logspace=True, half=True, squared=False) -> np.ndarray:
    """Match tracking with one classic mistake switched on (the defaults give the right algorithm)."""
    scale = sigmas ** 2 if squared else sigmas             # squared: the standard deviations used as variances
    log_sig = np.log(scale).sum(axis=1)
    d = means.shape[1]
    out, rho = [], float(rho_bar)
    for x, label in zip(X, y):
        if reset:
            rho = float(rho_bar)
        z = (x - means) / scale
        log_G = -(0.5 if half else 1.0) * np.einsum("kd,kd->k", z, z)
        log_m = log_G - log_sig - 0.5 * d * _LOG_2PI if match == "density" else log_G

        def above(r):
            if logspace:
                return log_m > (np.log(r) if r > 0 else -np.inf)
            with np.errstate(under="ignore"):
                return np.exp(log_m) > r

        eligible = above(rho)
        score = {"full": np.log(counts) - log_sig + log_G, "match": log_G, "no_count": log_G - log_sig,
                 "no_sigma": np.log(counts) + log_G}[choice]
        while True:
            if not eligible.any():
                out.append(-1)
                break
            J = int(np.argmax(np.where(eligible, score, -np.inf)))
            if labels[J] == label:
                out.append(J)
                break
            if on_wrong == "new_at_once":                # a wrong guess makes a new category straight away
                out.append(-1)
                break
            if on_wrong == "only_winner":
                eligible = eligible.copy()
                eligible[J] = False
            elif on_wrong == "no_epsilon":
                rho = float(np.exp(log_m[J]))
                eligible = eligible & (log_m > log_m[J])
            elif on_wrong == "slightly":               # slide 19 read literally: rho <- rho + epsilon until J drops
                while eligible[J]:
                    rho += epsilon
                    eligible = eligible & above(rho)
            else:
                rho = float(np.exp(log_m[J])) + epsilon
                eligible = eligible & (log_m > np.logaddexp(log_m[J], np.log(epsilon) if epsilon > 0 else -np.inf))
    return np.array(out)


_VARIANTS = {
    "density": dict(match="density"),
    "by_match": dict(choice="match"),
    "no_count": dict(choice="no_count"),
    "no_sigma": dict(choice="no_sigma"),
    "only_winner": dict(on_wrong="only_winner"),
    "new_at_once": dict(on_wrong="new_at_once"),
    "no_epsilon": dict(on_wrong="no_epsilon"),
    "slightly": dict(on_wrong="slightly"),
    "no_reset": dict(reset=False),
    "linear": dict(logspace=False),
    "no_half": dict(half=False),
    "squared": dict(squared=True),
}

_HINTS = {
    "density": "you tested the density p(x|j) against rho. The vigilance test uses the match G_j(x) = "
               "exp(-1/2 sum_k ((x_k - mu_jk)/sigma_jk)^2), the Gaussian scaled to height 1 (slide 19's P(x|j) > rho "
               "is an erratum: a density is not comparable with rho in [0, 1]).",
    "by_match": "you chose the category with the largest match G_j. Among the eligible categories the winner has the "
                "largest CHOICE g_j = n_j / prod_k sigma_jk * G_j (proportional to P(j) p(x|j)); the match only "
                "decides who is eligible.",
    "no_count": "your choice leaves out the count: g_j = n_j / prod_k sigma_jk * G_j, so log g_j = log n_j - "
                "sum_k log sigma_jk + log G_j. A category that has coded many samples is a more probable cause.",
    "no_sigma": "your choice does not divide by the product of the category's standard deviations: g_j = n_j / "
                "prod_k sigma_jk * G_j, so log g_j = log n_j - sum_k log sigma_jk + log G_j. Like a density, g_j is "
                "higher for a narrow category that fits x than for a wide one at the same number of standard "
                "deviations.",
    "only_winner": "after a wrong guess you removed only the category that guessed. Match tracking raises rho to "
                   "G_J + epsilon, which also removes every category that matches x no better than J.",
    "new_at_once": "after a wrong guess you created a new category at once. Match tracking first raises rho to "
                   "G_J + epsilon and chooses again among the categories that are still eligible; only when none is "
                   "left is a new category created (-1).",
    "no_epsilon": "rho must jump to just ABOVE the wrong winner's match, rho = G_J + epsilon (slide 19's "
                  "'increase rho slightly' is this one jump); with rho = G_J, or rho raised in small steps, a "
                  "category matching only a little better than J survives.",
    "no_reset": "your first samples are right but a later one is not: rho must start again at rho_bar for every "
                "sample. Match tracking raises it only while one sample is being learned.",
    "linear": "in 64 dimensions G_j(x) can underflow to 0.0 although it is > 0 (here log G_j is about -800), and "
              "then 0.0 > rho = 0 is False. Compare logarithms: log G_j > log rho, and choose by log g_j.",
    "no_half": "your match has no factor 1/2: G_j(x) = exp(-1/2 sum_k ((x_k - mu_jk)/sigma_jk)^2), the Gaussian "
               "scaled to height 1, so log G_j = -1/2 sum_k z_k^2.",
    "squared": "sigmas holds standard deviations, and you used them as variances: the match divides by sigma_jk, "
               "z_k = (x_k - mu_jk) / sigma_jk, and the choice by prod_k sigma_jk (not their squares).",
}
_HINTS["slightly"] = _HINTS["no_epsilon"]


def _g(G):
    """The distance, in standard deviations, at which the unit-height Gaussian equals G."""
    return float(np.sqrt(-2 * np.log(G)))


def _cases():
    """(what it shows, means, sigmas, counts, labels, X, y, rho_bar, epsilon), in the order they are tried."""
    s = np.full((2, 2), 0.1)
    return [
        ("a wide category, rho_bar = 0.3", [[0.25, 0.5], [0.1, 0.9]], [[0.5, 0.5], [0.1, 0.1]], [6, 2], [0, 1],
         [[0.25 + 0.5 * _g(0.4), 0.5]], [0], 0.3, 1e-3),
        ("a big narrow category and a small wide one", [[0.4, 0.5], [0.55, 0.5]], [[0.1, 0.1], [0.3, 0.3]], [20, 1],
         [0, 1], [[0.5, 0.5]], [0], 0.0, 1e-3),
        ("a wrong winner and a weaker match", [[0.5 - 0.1 * _g(0.8), 0.5], [0.5 + 0.1 * _g(0.3), 0.5]], s, [5, 5],
         [0, 1], [[0.5, 0.5]], [1], 0.0, 1e-3),
        ("a category with many samples", [[0.5, 0.5], [0.5 + 0.3 * _g(0.9), 0.5 + 0.1 * _g(0.5)]],
         [[0.3, 0.3], [0.1, 0.1]], [50, 1], [0, 1], [[0.5 + 0.3 * _g(0.9), 0.5]], [1], 0.0, 1e-3),
        ("two samples, the first one raising rho", [[0.2, 0.2], [0.8, 0.8]], s, [3, 3], [0, 1],
         [[0.2 + 0.1 * _g(0.9), 0.2], [0.8, 0.8 - 0.1 * _g(0.5)]], [1, 1], 0.0, 1e-3),
        ("epsilon = 0.05", [[0.5 - 0.1 * _g(0.58), 0.5], [0.5, 0.5 + 0.1 * _g(0.62)]], s, [10, 1], [0, 1],
         [[0.5, 0.5]], [1], 0.0, 0.05),
        ("64 features, far from both categories", np.vstack([np.full(64, 0.5), np.full(64, 0.6)]),
         np.full((2, 64), 0.1), [5, 5], [0, 1], np.zeros((1, 64)), [0], 0.0, 1e-3),
        _random_case(),
    ]


def _random_case():
    rng = np.random.default_rng(70)
    means = rng.uniform(0, 1, (8, 2))
    sigmas = rng.uniform(0.05, 0.3, (8, 2))
    counts = rng.integers(1, 20, 8)
    labels = np.arange(8) % 3
    X = rng.uniform(0, 1, (30, 2))
    y = rng.integers(0, 3, 30)
    return ("8 random categories and 30 samples, rho_bar = 0.2", means, sigmas, counts, labels, X, y, 0.2, 0.01)


def _as_decisions(value, n):
    """(int array of shape (n,), None) or (None, message)."""
    if value is None:
        return None, "your function returned None; return one category index (or -1) per sample."
    arr = np.asarray(value, dtype=object).ravel() if np.ndim(value) else np.asarray([value], dtype=object)
    if any(isinstance(v, str) for v in arr):
        return None, "return -1 (not a word) for 'a new category', and a row index of means for an existing one."
    try:
        ints = np.asarray(value, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        return None, f"your function returned {type(value).__name__}, not one integer per sample."
    if ints.shape != (n,):
        return None, f"your function returned {ints.size} value(s) for {n} sample(s): return one index (or -1) per sample."
    if not np.all(ints == np.round(ints)):
        return None, "return whole numbers: the row index of the category that learns, or -1."
    return ints.astype(int), None


def check_match_tracking_step(match_tracking_step) -> CheckResult:
    """Check ``match_tracking_step(means, sigmas, counts, labels, X, y, rho_bar, epsilon) -> (n_samples,) int``.

    For each sample x_i with label y_i, taken on its own against the given categories (they do not learn
    between samples): the row index of the category that would learn it, or -1 if match tracking leaves
    no category and a new one would be created. The reference is the engine's ``GaussianARTMAP``.
    Introduced in ``notebooks/07_gaussian_artmap.ipynb``.
    """
    name = "match_tracking_step"
    answers = []                                 # (what, args, decisions or None, error or None), every case
    for what, *case in _cases():
        means, sigmas, counts, labels, X, y, rho_bar, epsilon = case
        means, sigmas, X = (np.asarray(a, dtype=float) for a in (means, sigmas, X))
        counts, labels, y = np.asarray(counts), np.asarray(labels), np.asarray(y)
        args = (means, sigmas, counts, labels, X, y, rho_bar, epsilon)
        value, err = call(match_tracking_step, *(a.copy() if isinstance(a, np.ndarray) else a for a in args))
        got = None
        if not err:
            got, err = _as_decisions(value, len(X))
        answers.append((what, args, got, err))
    for what, args, got, err in answers:
        if err:
            return report(False, err, name)
        expected = _engine_decisions(*args)
        if np.array_equal(got, expected):
            continue
        return report(False, f"on the case '{what}'" + _diagnose(answers, got, expected), name)
    return report(True, "", name)


def _diagnose(answers, got, expected) -> str:
    """A named mistake only if it gives the student's answers on every case (not just the failing one)."""
    done = [(args, g) for _, args, g, err in answers if err is None]
    for key, opts in _VARIANTS.items():
        if all(np.array_equal(_variant(*args, **opts), g) for args, g in done):
            return f": {_HINTS[key]}"
    if all(np.array_equal(g, np.where(_engine_decisions(*args) >= 0, _engine_decisions(*args) + 1, -1))
           for args, g in done):
        return (": your answers are the right categories plus 1. Return the row index of means, counted from 0 "
                "as numpy counts (the lesson's plots number categories from 1 for people; the function returns "
                "indices).")
    i = int(np.flatnonzero(got != expected)[0])
    say = lambda k: "a new category (-1)" if k < 0 else f"category index {k}"   # noqa: E731
    return (f", sample {i}: expected {say(expected[i])}, you returned {say(got[i])}. Eligible: G_j > rho; winner: "
            "largest g_j among them; right label: it learns; wrong label: rho <- G_J + epsilon and choose again; "
            "nobody left: -1.")
