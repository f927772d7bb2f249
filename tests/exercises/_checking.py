"""What the tests of the public checks share: run a check and assert its verdict, a stub that is not written
yet, and the solution a lesson shows in its folded answer."""
from __future__ import annotations

from pathlib import Path

import nbformat
import numpy as np

from emcourse.exercises import checks

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def run_check(check, func, passed, fragment, capsys, *, with_output=False):
    """Run ``check(func)`` and assert the verdict, the hint ``fragment`` in the result and in what was printed,
    and that a failing check never claims success. Returns the result (and the printed text if asked)."""
    with np.errstate(all="ignore"):
        res = check(func)
    out = capsys.readouterr().out
    assert bool(res) is passed and res.passed is passed
    assert fragment in res.message and fragment in out
    assert (checks.PASSED in res.message) is passed
    assert "all tests passed" not in res.message and "all tests passed" not in out
    return (res, out) if with_output else res


def not_written(message: str = "exercise"):
    """A student's function before it is written: raises ``NotImplementedError(message)`` whatever it is given."""
    def stub(*args, **kwargs):
        raise NotImplementedError(message)
    return stub


def solution_code(notebook: str, starts_with: str) -> str:
    """The python block inside the markdown cell of ``notebook`` whose solution fold defines the exercise."""
    for cell in nbformat.read(NOTEBOOKS / notebook, as_version=4).cells:
        if cell.cell_type == "markdown" and "<details>" in cell.source and starts_with in cell.source:
            return cell.source.split("```python\n", 1)[1].split("```", 1)[0]
    raise AssertionError(f"no solution fold with {starts_with!r} in {notebook}")
