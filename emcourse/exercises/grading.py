"""Grading that does not depend on cell structure (beside floor 3).

Hidden tests in the homework call :func:`student_function` instead of using the kernel's globals.
It reads the submitted notebook *file*, takes every top-level ``import`` and ``def`` from every code
cell (in file order, so a later definition wins, as when the notebook is run top to bottom) and
returns the function the student wrote. A student who deletes, duplicates, reorders or renames cells
is therefore graded on the functions they wrote, wherever they wrote them.
Used by the notebooks in ``homework/``.
"""
from __future__ import annotations

import ast
from pathlib import Path

import nbformat


class StudentCodeError(LookupError):
    """The function the test needs is not in the notebook (or its definition does not run).

    Raised by the hidden tests of the notebooks in ``homework/``.
    """


def _code_cells(notebook: Path) -> list:
    nb = nbformat.read(notebook, as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "code"]


def _definitions(source: str) -> list:
    """Top-level imports and function/class definitions of one cell (magics stripped); [] if it does not parse."""
    lines = [("" if line.lstrip().startswith(("%", "!")) else line) for line in source.splitlines()]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return []
    keep = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)
    return [node for node in tree.body if isinstance(node, keep)]


def student_namespace(notebook) -> dict:
    """Every import and definition of the notebook, executed in file order in a fresh namespace.

    Used by the hidden tests of the notebooks in ``homework/``.
    """
    namespace: dict = {"__name__": "student_notebook"}
    for source in _code_cells(Path(notebook)):
        for node in _definitions(source):
            module = ast.Module(body=[node], type_ignores=[])
            try:
                exec(compile(module, str(notebook), "exec"), namespace)   # noqa: S102 - grading the student's code
            except Exception:  # an import that fails: the functions that need it will fail their tests
                continue
    return namespace


def student_function(name: str, notebook):
    """The function ``name`` as defined (last) anywhere in the notebook file ``notebook``.

    Used by the hidden tests of the notebooks in ``homework/``.

    Raises
    ------
    StudentCodeError
        If no code cell defines ``name``.
    """
    namespace = student_namespace(notebook)
    if not callable(namespace.get(name)):
        raise StudentCodeError(f"no function named {name!r} is defined in {Path(notebook).name}")
    return namespace[name]
