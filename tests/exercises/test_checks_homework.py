"""The homework's public checks: right answers pass (the source's solution and a correct one written differently),
every classic wrong answer gets its own hint, a stub says "not yet implemented", a crash is reported, and a
function that delegates to the course is told so. The wrong answers are the ones the hidden tests must also reject
(``homework_submissions.WRONG``), so the public hints and the graded tests are about the same mistakes.
"""
import io
import contextlib
import warnings

import pytest

from emcourse.exercises import checks

from . import _homework as H
from .homework_submissions import ALTERNATIVE, DELEGATING, LATE, WRONG, prelude

FUNCTIONS = [(a, n) for a in H.ASSIGNMENTS for n in H.graded_functions(H.load(a))]


def run(check, func):
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()) as out:
        warnings.simplefilter("ignore")
        result = check(func)
    printed = out.getvalue()
    assert result.message in printed and "all tests passed" not in printed
    return result


def solutions(nb, names):
    return {n: H.solved(H.solution_cell(nb, n).source) for n in names}


def test_every_graded_function_has_a_public_check():
    assert len(FUNCTIONS) >= 12
    for _, name in FUNCTIONS:
        assert callable(getattr(checks, f"check_{name}", None)), f"no public check for {name}"
        assert f"check_{name}" in checks.__all__


@pytest.mark.parametrize("assignment, name", FUNCTIONS, ids=[n for _, n in FUNCTIONS])
def test_right_answers_pass_stubs_and_crashes_do_not(assignment, name):
    nb = H.load(assignment)
    names = H.graded_functions(nb)
    check = getattr(checks, f"check_{name}")
    ns = H.namespace(nb, solutions(nb, names))
    assert run(check, ns[name]).message == f"{name}: {checks.PASSED}"
    alternative = H.namespace(nb, {n: ALTERNATIVE[n] for n in names}, late=LATE[assignment])
    assert run(check, alternative[name]).passed, "a correct answer written differently must pass"

    def stub(*args):
        raise NotImplementedError("stub")
    assert "not yet implemented" in run(check, stub).message

    def boom(*args):
        raise KeyError("boom")
    assert "your function raised KeyError" in run(check, boom).message
    assert not run(check, lambda *args: None).passed


CASES = [(a, n, label, old, new, fragment) for a, n in FUNCTIONS for label, old, new, fragment in WRONG[n]]


@pytest.mark.parametrize("assignment, name, label, old, new, fragment", CASES,
                         ids=[f"{c[1]}-{c[2]}" for c in CASES])
def test_every_classic_wrong_answer_gets_its_hint(assignment, name, label, old, new, fragment):
    nb = H.load(assignment)
    functions = solutions(nb, H.graded_functions(nb))
    functions[name] = H.solved(H.with_change(H.solution_cell(nb, name).source, old, new))
    result = run(getattr(checks, f"check_{name}"), H.namespace(nb, functions)[name])
    assert not result.passed and fragment in result.message, result.message


@pytest.mark.parametrize("assignment, name", FUNCTIONS, ids=[n for _, n in FUNCTIONS])
def test_a_delegating_answer_is_told_what_it_used(assignment, name):
    nb = H.load(assignment)
    ns = H.namespace(nb, DELEGATING[assignment][0], prelude=prelude(assignment, 0))
    result = run(getattr(checks, f"check_{name}"), ns[name])
    assert not result.passed
    assert f"{name}: your function must do the work itself, but it" in result.message and "numpy, scipy.special" in result.message
