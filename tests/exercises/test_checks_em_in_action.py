"""Lesson 5's checks (success_rate, choose_n_components): right answers pass, each classic mistake gets its hint.

The right answers are written here with numpy only, independently of emcourse; each wrong answer is built to reach
exactly one hint branch.
"""
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

from emcourse.exercises import checks
from emcourse.exercises.checks.em_in_action import CHOOSE_CASES, SUCCESS_CASES, WRONG_CHOICES, WRONG_RATES
from tests.exercises._checking import not_written, run_check


stub = not_written("exercise 5: stub")


COMMON = [(stub, False, "not yet implemented"), (lambda *a: 1 / 0, False, "your function raised ZeroDivisionError")]


# --- success_rate -----------------------------------------------------------------------------------------

def rate_right(lls, best, n, tol):
    return np.mean((best - np.asarray(lls)) / n <= tol)


def rate_right_other_form(lls, best, n, tol):          # the same rule, written as a comparison of log L
    return float(sum(ll >= best - tol * n for ll in lls)) / len(lls)


def rate_half_wrong(lls, best, n, tol):                # right on the first case, a count afterwards: two bugs
    right = rate_right(lls, best, n, tol)
    return right if len(lls) == 8 else right * len(lls)


@pytest.mark.parametrize("func, passed, fragment", COMMON + [
    (rate_right, True, "public checks passed"),
    (rate_right_other_form, True, "public checks passed"),
    (lambda lls, best, n, tol: np.sum((best - lls) / n <= tol), False, "you returned a count"),
    (lambda lls, best, n, tol: 100 * rate_right(lls, best, n, tol), False, "a percentage"),
    (lambda lls, best, n, tol: np.sum((best - lls) / n <= tol) / n, False, "you divided the count by N"),
    (lambda lls, best, n, tol: np.mean((lls - best) / n <= tol), False, "subtracted the other way round"),
    (lambda lls, best, n, tol: rate_right(lls, np.max(lls), n, tol), False, "not with the best of these runs"),
    (lambda lls, best, n, tol: np.mean(best - lls <= tol), False, "tol is per sample: a run succeeds"),
    (lambda lls, best, n, tol: np.mean(best - lls <= tol / n), False, "you divided instead (tol / N"),
    (lambda lls, best, n, tol: np.mean((best - lls) / abs(best) <= tol), False, "the relative gap"),
    (lambda lls, best, n, tol: np.mean((best - lls) / -best <= tol), False, "the relative gap"),
    (lambda lls, best, n, tol: np.mean((best - lls) / n < tol), False, "use <=, not <"),
    (lambda lls, best, n, tol: np.mean(lls == best), False, "only the runs that equal the best"),
    (lambda lls, best, n, tol: np.mean(np.isclose(lls, best)), False, "np.isclose(log L, best)"),
    (lambda lls, best, n, tol: np.mean([np.isclose(ll, best) for ll in lls]), False, "np.isclose(log L, best)"),
    (rate_half_wrong, False, "the success rate is"),
    (lambda lls, best, n, tol: 0.5, False, "the success rate is"),
    (lambda lls, best, n, tol: [0.5, 0.5], False, "return one number"),
    (lambda lls, best, n, tol: (best - lls) / n <= tol, False, "return one number"),
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
    (lambda c, tr, ho: np.max(ho), False, "the largest held-out log L itself"),
    (lambda c, tr, ho: c[int(np.argmin(np.asarray(tr) - np.asarray(ho)))], False, "closest"),
    (lambda c, tr, ho: c[int(np.argmax(np.asarray(tr) + np.asarray(ho)))], False, "the answer is"),
    (lambda c, tr, ho: 5, False, "the answer is"),
    (lambda c, tr, ho: None, False, "return one number M"),
])
def test_choose_n_components_check(func, passed, fragment, capsys):
    run_check(checks.check_choose_n_components, func, passed, fragment, capsys)


# --- the cases tell the mistakes apart -------------------------------------------------------------------

def test_no_two_success_rate_mistakes_agree_on_every_case():
    """A hint is given only when its mistake reproduces the student's answers on every case; so every mistake (and
    the right answer) must differ from every other somewhere, or a hint could name the wrong mistake."""
    answers = {"right": [rate_right(*case) for case in SUCCESS_CASES]}
    answers.update({kind: [wrong(*case) for case in SUCCESS_CASES] for kind, wrong in WRONG_RATES})
    kinds = list(answers)
    for i, a in enumerate(kinds):
        for b in kinds[i + 1:]:
            assert not np.allclose(answers[a], answers[b]), f"{a} and {b} agree on every case"


def test_no_two_choose_mistakes_agree_on_every_case():
    answers = {"right": [choose_right(*case) for case in CHOOSE_CASES]}
    answers.update({kind: [wrong(*case) for case in CHOOSE_CASES] for kind, wrong in WRONG_CHOICES})
    kinds = list(answers)
    for i, a in enumerate(kinds):
        for b in kinds[i + 1:]:
            assert answers[a] != answers[b], f"{a} and {b} agree on every case"


# --- the solutions lesson 5 shows pass these checks ------------------------------------------------------

def test_the_solutions_shown_in_lesson_5_pass_their_checks(capsys):
    cells = nbformat.read(Path(__file__).resolve().parents[2] / "notebooks" / "05_em_in_action.ipynb", 4).cells
    shown = [re.search(r"```python\n(.*?)```", c.source, re.S).group(1) for c in cells
             if c.cell_type == "markdown" and c.source.startswith("<details><summary>Show a solution")]
    assert len(shown) == 2 and not any("em." in code or "emcourse" in code for code in shown)
    namespace = {"np": np}
    for code in shown:
        exec(code, namespace)
    assert checks.check_success_rate(namespace["success_rate"])
    assert checks.check_choose_n_components(namespace["choose_n_components"])
    assert capsys.readouterr().out.count(checks.PASSED) == 2
