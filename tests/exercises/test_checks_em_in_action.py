"""Lesson 5's checks (success_rate, choose_n_components): right answers pass, each classic mistake gets its hint.

The right answers are written here with numpy only, independently of emcourse; each wrong answer is built to reach
exactly one hint branch.
"""
import numpy as np
import pytest

from emcourse.exercises import checks
from tests.exercises._checking import not_written, run_check


stub = not_written("exercise 5: stub")


COMMON = [(stub, False, "not yet implemented"), (lambda *a: 1 / 0, False, "your function raised ZeroDivisionError")]


# --- success_rate -----------------------------------------------------------------------------------------

def rate_right(lls, best, n, tol):
    return np.mean((best - np.asarray(lls)) / n <= tol)


def rate_right_other_form(lls, best, n, tol):          # the same rule, written as a comparison of log L
    return float(sum(ll >= best - tol * n for ll in lls)) / len(lls)


@pytest.mark.parametrize("func, passed, fragment", COMMON + [
    (rate_right, True, "public checks passed"),
    (rate_right_other_form, True, "public checks passed"),
    (lambda lls, best, n, tol: np.sum((best - lls) / n <= tol), False, "you returned a count"),
    (lambda lls, best, n, tol: 100 * rate_right(lls, best, n, tol), False, "a percentage"),
    (lambda lls, best, n, tol: np.mean((lls - best) / n <= tol), False, "subtracted the other way round"),
    (lambda lls, best, n, tol: rate_right(lls, np.max(lls), n, tol), False, "not with the best of these runs"),
    (lambda lls, best, n, tol: np.mean(best - lls <= tol), False, "tol is per sample"),
    (lambda lls, best, n, tol: np.mean((best - lls) / n < tol), False, "use <=, not <"),
    (lambda lls, best, n, tol: np.mean(lls == best), False, "only the runs that equal the best"),
    (lambda lls, best, n, tol: 0.5, False, "the success rate is"),
    (lambda lls, best, n, tol: [0.5, 0.5], False, "return one number"),
    (lambda lls, best, n, tol: None, False, "return one number"),
])
def test_success_rate_check(func, passed, fragment, capsys):
    run_check(checks.check_success_rate, func, passed, fragment, capsys)


# --- choose_n_components ---------------------------------------------------------------------------------

def choose_right(candidates, train, held_out):
    return candidates[int(np.argmax(held_out))]


@pytest.mark.parametrize("func, passed, fragment", COMMON + [
    (choose_right, True, "public checks passed"),
    (lambda c, tr, ho: int(list(c)[list(ho).index(max(ho))]), True, "public checks passed"),
    (lambda c, tr, ho: c[int(np.argmax(tr))], False, "*training* log L"),
    (lambda c, tr, ho: c[int(np.argmin(ho))], False, "not the smallest"),
    (lambda c, tr, ho: int(np.argmax(ho)), False, "the position"),
    (lambda c, tr, ho: int(np.argmax(ho)) + 1, False, "position + 1"),
    (lambda c, tr, ho: 5, False, "the answer is"),
    (lambda c, tr, ho: None, False, "return one number M"),
])
def test_choose_n_components_check(func, passed, fragment, capsys):
    run_check(checks.check_choose_n_components, func, passed, fragment, capsys)
