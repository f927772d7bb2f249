"""What every public check shares: the result, the report line, calling the student's function safely.

Introduced in ``notebooks/01_mixture_densities.ipynb`` (the first exercise). :func:`call` runs the student's
function under the delegation guard (:mod:`emcourse.exercises.guard`), so a function that calls the course's own
code (or another solving library) is told so by every check, exactly as the graded tests will judge it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...mixture import Mixture
from ..guard import explain, run_guarded

PASSED = "public checks passed"


@dataclass(frozen=True)
class CheckResult:
    """Outcome of a check: ``passed`` and the ``message`` that was printed.

    Introduced in ``notebooks/01_mixture_densities.ipynb`` (every exercise's check returns one).
    """

    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed


def report(passed: bool, message: str, name: str) -> CheckResult:
    """Print one line (✓ and "public checks passed", or ✗ and the hint) and return it as a CheckResult."""
    text = f"{name}: {PASSED}" if passed else f"{name}: {message}"
    print(("✓ " if passed else "✗ ") + text)
    return CheckResult(passed, text)


def call(func, *args):
    """Call the student's function under the guard; return (value, None) or (None, message).

    The value is made plain (numbers, arrays, tuples, lists) while the guard is on. A function that uses the
    course's code, or anything else a graded function may not use, gets a message saying what it used.
    """
    outcome = run_guarded(func, *args)
    if outcome.violations:
        return None, explain("your function", outcome)
    exc = outcome.error
    if isinstance(exc, NotImplementedError):
        return None, "not yet implemented (the function still raises NotImplementedError). Write it, run its cell, then run this check again."
    if exc is not None:  # a student's bug: say what it was, do not crash the notebook
        return None, f"your function raised {type(exc).__name__}: {exc}"
    return outcome.value, None


def as_array(value, shape, what):
    """(array, None) if the student's value converts to a float array of ``shape``, else (None, message)."""
    if value is None:
        return None, f"your function returned None; it should return {what}."
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None, f"your function returned {type(value).__name__}, not {what}."
    if arr.shape != shape:
        return None, f"your function returned shape {arr.shape}; expected {shape} ({what})."
    return arr, None


_COUNT = {2: "two", 3: "three", 4: "four", 5: "five"}


def as_arrays(value, shapes, labels, what):
    """(arrays, None) if the student's value is a tuple or list of float arrays of ``shapes``, else (None, message).

    ``labels`` name each part in a shape message; ``what`` lists the parts, e.g. "(weights, means, variances)".
    """
    if not isinstance(value, (tuple, list)) or len(value) != len(shapes):
        return None, f"return {_COUNT.get(len(shapes), len(shapes))} things: {what}."
    out = []
    for v, shape, label in zip(value, shapes, labels):
        arr, err = as_array(v, shape, label)
        if err:
            return None, err
        out.append(arr)
    return out, None


def mixture_1d(weights, means, sigmas) -> Mixture:
    """A spherical 1-D Mixture from weights, means and standard deviations (the reference answers)."""
    return Mixture(weights, np.asarray(means, float)[:, None], np.asarray(sigmas, float) ** 2)


