"""Lessons 8-10 as a student meets them: each exercise follows the course pattern (stub, public check, solution behind
a fold), the shown solution uses numpy only and passes its check, and the slow cells show progress."""
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

from emcourse.exercises import checks

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
EXERCISES = [("08_split_and_merge_em.ipynb", 8, "partial_e_step", checks.check_partial_e_step),
             ("09_mixture_of_factor_analyzers.ipynb", 9, "mfa_e_step", checks.check_mfa_e_step),
             ("10_cheap_heuristic.ipynb", 10, "heuristic_blind_spot", checks.check_heuristic_blind_spot)]


def cells(name):
    return nbformat.read(NOTEBOOKS / name, as_version=4).cells


@pytest.mark.parametrize("notebook, number, function, check", EXERCISES, ids=[e[2] for e in EXERCISES])
def test_exercise_follows_the_pattern_and_its_solution_passes(notebook, number, function, check, capsys):
    nb = cells(notebook)
    i = next(i for i, c in enumerate(nb) if c.cell_type == "code" and c.source.startswith(f"def {function}("))
    stub, call, fold = nb[i], nb[i + 1], nb[i + 2]
    assert "# YOUR CODE HERE" in stub.source
    assert f'raise NotImplementedError("exercise {number}: {function}")' in stub.source
    assert call.source.strip() == f"em.exercises.checks.{check.__name__}({function});"
    assert fold.cell_type == "markdown" and fold.source.startswith("<details><summary>Show a solution</summary>")
    solution = re.search(r"```python\n(.*?)```", fold.source, re.S).group(1)
    assert "emcourse" not in solution and "em." not in solution          # no exercise is solvable by the package
    namespace = {"np": np}
    exec(solution, namespace)
    assert check(namespace[function]).passed
    assert "public checks passed" in capsys.readouterr().out
    assert not check(lambda *a: (_ for _ in ()).throw(NotImplementedError())).passed


@pytest.mark.parametrize("notebook, cell_id", [("08_split_and_merge_em.ipynb", "c11"),
                                               ("09_mixture_of_factor_analyzers.ipynb", "c07"),
                                               ("09_mixture_of_factor_analyzers.ipynb", "c09"),
                                               ("09_mixture_of_factor_analyzers.ipynb", "c11"),
                                               ("10_cheap_heuristic.ipynb", "c12")])
def test_slow_cells_show_progress(notebook, cell_id):
    source = next(c.source for c in cells(notebook) if c.id == cell_id)
    assert re.search(r"for .* in em\.explorers\.progress\(", source), f"{notebook} {cell_id} has no progress bar"


def test_lesson_10_explorer_scrubs_the_stored_runs():
    nb = cells("10_cheap_heuristic.ipynb")
    source = next(c.source for c in nb if "EMExplorer" in c.source)
    assert "runs=runs" in source
