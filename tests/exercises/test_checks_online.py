"""Lesson 6's exercise check: ``weighted_running_update`` accepts right answers and names each classic mistake.

The right answer is written here independently with numpy (a student's own code must pass), then one
wrong answer per hint branch, each built so that it really reaches that branch, plus the stub, a
crashing function and wrong return shapes.
"""

import numpy as np
import pytest

from emcourse.exercises import checks
from tests.exercises._checking import not_written, run_check, solution_code


# --- a right answer (weighted Welford) and the same update with one piece wrong ------------------------------

def _update(W, mu, var, x, r, *, count=None, step=None, term=None, denominator=None):
    """Weighted Welford in sum form; a component with W_j + r_ij = 0 keeps its statistics (no 0/0)."""
    W, mu, var, x, r = (np.asarray(a, dtype=float) for a in (W, mu, var, x, r))
    Wn = W + r if count is None else count(W, r)
    some = (Wn > 0)[:, None]
    safe = np.where(Wn > 0, Wn, 1.0)
    delta = x - mu
    mu_n = mu + (r / safe)[:, None] * delta if step is None else step(W, Wn, r, mu, delta)
    m2_term = r[:, None] * delta * (x - mu_n) if term is None else term(r, delta, x, mu_n)
    den = safe if denominator is None else denominator(W, Wn, r)
    return Wn, np.where(some, mu_n, mu), np.where(some, (W[:, None] * var + m2_term) / den[:, None], var)


def right(W, mu, var, x, r):
    return _update(W, mu, var, x, r)


def right_loop(W, mu, var, x, r):
    """The same, one component at a time, with Welford's variance form sigma^2 += (r / W)(d (x - mu_new) - sigma^2)."""
    W, mu, var = np.array(W, float), np.array(mu, float), np.array(var, float)
    for j in range(len(W)):
        W[j] += r[j]
        if W[j] == 0:                       # no weight before or after: nothing to update
            continue
        d = x - mu[j]
        mu[j] += r[j] / W[j] * d
        var[j] += r[j] / W[j] * (d * (x - mu[j]) - var[j])
    return W, mu, var


def naive(W, mu, var, x, r):
    """Through <x^2> - <x>^2: right near 0, wrong far from it."""
    Wn = W + r
    mu_n = mu + (r / Wn)[:, None] * (x - mu)
    second = (W[:, None] * (var + mu ** 2) + r[:, None] * x ** 2) / Wn[:, None]
    return Wn, mu_n, second - mu_n ** 2


def count_plus_one(W, mu, var, x, r):
    return _update(W, mu, var, x, r, count=lambda W, r: W + 1.0)


def count_unchanged(W, mu, var, x, r):
    Wn, mu_n, v = right(W, mu, var, x, r)
    return np.asarray(W, float), mu_n, v


def mean_ignores_weight(W, mu, var, x, r):
    return _update(W, mu, var, x, r, step=lambda W, Wn, r, mu, d: mu + d / Wn[:, None])


def mean_old_count(W, mu, var, x, r):
    return _update(W, mu, var, x, r, step=lambda W, Wn, r, mu, d: mu + (r / W)[:, None] * d)


def var_old_mean_twice(W, mu, var, x, r):
    return _update(W, mu, var, x, r, term=lambda r, d, x, mu_n: r[:, None] * d * d)


def var_new_mean_twice(W, mu, var, x, r):          # slide 23 with weights
    return _update(W, mu, var, x, r, term=lambda r, d, x, mu_n: r[:, None] * (x - mu_n) ** 2)


def var_unbiased(W, mu, var, x, r):
    return _update(W, mu, var, x, r, denominator=lambda W, Wn, r: Wn - 1.0)


def var_unweighted_term(W, mu, var, x, r):
    return _update(W, mu, var, x, r, term=lambda r, d, x, mu_n: d * (x - mu_n))


def var_unit_denominator(W, mu, var, x, r):
    return _update(W, mu, var, x, r, denominator=lambda W, Wn, r: W + 1.0)


def zero_count_nan(W, mu, var, x, r):
    """Right, except that a component's first sample (W = 0, r > 0) gives a NaN variance."""
    Wn, mu_n, v = right(W, mu, var, x, r)
    v = np.where(((np.asarray(W) == 0) & (np.asarray(r) > 0))[:, None], np.nan, v)
    return Wn, mu_n, v


def unguarded(W, mu, var, x, r):
    """The step form with no guard: 0/0 = NaN for a component with W = 0 that gets r = 0 (hard assignment)."""
    Wn = W + r
    with np.errstate(invalid="ignore"):
        step = (r / Wn)[:, None]
    d = x - mu
    mu_n = mu + step * d
    return Wn, mu_n, var + step * (d * (x - mu_n) - var)


def empty_component_moves(W, mu, var, x, r):
    """Guarded against NaN, but a component with W = r = 0 is moved to the sample instead of left alone."""
    Wn, mu_n, v = right(W, mu, var, x, r)
    none = (np.asarray(W) + np.asarray(r)) == 0
    return Wn, np.where(none[:, None], x, mu_n), v


def var_not_rescaled(W, mu, var, x, r):
    """The old variance kept whole: sigma^2 + (r / W_new) (x - mu_old)(x - mu_new)."""
    Wn, mu_n, _ = right(W, mu, var, x, r)
    return Wn, mu_n, var + (r / Wn)[:, None] * (x - mu) * (x - mu_n)


def var_weight_twice(W, mu, var, x, r):
    """The step form with r inside the bracket too: the new term is r^2 (x - mu_old)(x - mu_new) / W_new."""
    Wn, mu_n, _ = right(W, mu, var, x, r)
    step = (r / Wn)[:, None]
    return Wn, mu_n, var + step * (r[:, None] * (x - mu) * (x - mu_n) - var)


def old_mean_twice_in_2d_only(W, mu, var, x, r):
    """A mistake on the first case only: no named hint, since the named mistake does not explain the 1-D case."""
    return var_old_mean_twice(W, mu, var, x, r) if np.size(x) == 2 else right(W, mu, var, x, r)


stub = not_written("exercise 6: weighted_running_update")


@pytest.mark.parametrize("func, passed, fragment", [
    (right, True, "public checks passed"),
    (right_loop, True, "public checks passed"),
    (lambda *a: tuple(v.tolist() for v in right(*a)), True, "public checks passed"),
    (stub, False, "not yet implemented"),
    (lambda *a: 1 / 0, False, "your function raised ZeroDivisionError"),
    (lambda *a: right(*a)[:2], False, "return three arrays: (counts, means, variances)"),
    (lambda *a: (right(*a)[0], right(*a)[1], right(*a)[2][:, 0]), False, "expected (3, 2) (variances, shape (M, d))"),
    (lambda *a: None, False, "return three arrays"),
    (count_plus_one, False, "soft* count: add the sample's weight r_ij, not 1"),
    (count_unchanged, False, "your counts did not change"),
    (mean_ignores_weight, False, "whatever the weight"),
    (mean_old_count, False, "with the OLD total"),
    (var_old_mean_twice, False, "use the OLD mean twice"),
    (var_new_mean_twice, False, "slide 23's recursion with weights"),
    (var_unbiased, False, "divided by W_j - 1"),
    (var_unweighted_term, False, "term in the variance is missing its weight"),
    (var_unit_denominator, False, "divided by W_j + 1"),
    (naive, False, "right near 0, wrong for data near 1e8"),
    (var_not_rescaled, False, "keep the old sigma_j^2 whole"),
    (var_weight_twice, False, "enters your variance twice (r_ij^2)"),
    (old_mean_twice_in_2d_only, False, "on the near case: your variances are"),
    (unguarded, False, "your update divides 0 by 0 (NaN)"),
    (zero_count_nan, False, "on the hard-assignment case (r = [1, 0, 0], counts W = [0, 3, 0]): expected"),
    (empty_component_moves, False, "components 2 and 3 get weight 0 and stay as they are"),
])
def test_weighted_running_update_check(func, passed, fragment, capsys):
    run_check(checks.check_weighted_running_update, func, passed, fragment, capsys)


def test_weighted_running_update_generic_hint_names_the_part(capsys):
    def scaled_means(W, mu, var, x, r):
        Wn, mu_n, v = right(W, mu, var, x, r)
        return Wn, 1.01 * mu_n, v
    res = run_check(checks.check_weighted_running_update, scaled_means, False, "on the near case: your means are", capsys)
    assert "expected" in res.message


def test_with_unit_weights_the_right_answer_is_welford():
    """The bridge the lesson draws: r = 1 for every sample is slide 22 plus Welford (exact 4.0 on the toy data)."""
    toy = np.array([2.0, 4, 4, 4, 5, 5, 7, 9])
    W, mu, var = np.zeros(1), np.zeros((1, 1)), np.zeros((1, 1))
    for x in toy:
        W, mu, var = right(W, mu, var, np.array([x]), np.ones(1))
    assert (W[0], mu[0, 0], var[0, 0]) == (8.0, 5.0, 4.0)


def test_the_solution_shown_in_lesson_6_passes(capsys):
    """The code behind the notebook's "Show a solution" fold, run as a student would paste it."""
    namespace = {"np": np}
    exec(solution_code("06_online_updates.ipynb", "def weighted_running_update"), namespace)
    run_check(checks.check_weighted_running_update, namespace["weighted_running_update"], True, "public checks passed",
         capsys)
