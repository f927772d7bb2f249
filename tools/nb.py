"""Write a notebook from a list of cells (used to author the lessons; notebooks are stored without outputs).

    from tools.nb import md, code, write
    write("notebooks/00_start_here.ipynb", [md("# Title"), code("print(1)")])
"""
from __future__ import annotations

import nbformat


def md(text: str):
    return nbformat.v4.new_markdown_cell(text.strip("\n"))


def code(text: str):
    return nbformat.v4.new_code_cell(text.strip("\n"))


def write(path: str, cells) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    for i, cell in enumerate(nb.cells):  # stable ids keep diffs small
        cell["id"] = f"c{i:02d}"
    nbformat.validate(nb)
    from pathlib import Path

    Path(path).parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


def _nbgrader(cell, **meta):
    cell.metadata["nbgrader"] = {"schema_version": 3, "task": False, **meta}
    return cell


def solution(text: str, grade_id: str):
    """An autograded answer cell: the student writes code between BEGIN/END SOLUTION."""
    return _nbgrader(code(text), grade=False, grade_id=grade_id, locked=False, solution=True)


def tests(text: str, grade_id: str, points: int):
    """A locked, graded test cell (its hidden part is removed in the student version)."""
    return _nbgrader(code(text), grade=True, grade_id=grade_id, locked=True, points=points, solution=False)


def written(text: str, grade_id: str, points: int):
    """A manually graded markdown answer cell."""
    return _nbgrader(md(text), grade=True, grade_id=grade_id, locked=False, points=points, solution=True)


def locked(cell, grade_id: str):
    """A read-only cell (instructions or set-up) that nbgrader keeps as written."""
    return _nbgrader(cell, grade=False, grade_id=grade_id, locked=True, solution=False)
