"""Make the student version of a homework notebook from the instructor version (no nbgrader needed).

Instructor notebooks (``homework/source/<assignment>/*.ipynb``) follow nbgrader's conventions:
solutions between ``### BEGIN SOLUTION`` / ``### END SOLUTION``, hidden tests between
``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS``, and nbgrader cell metadata with points.
:func:`make_release` replaces each solution by a stub that raises ``NotImplementedError`` naming
the exercise (markdown answers by "YOUR ANSWER HERE"), removes hidden tests and outputs, and keeps
the metadata, so the result also works with nbgrader. Run ``.venv/bin/python tools/release_homework.py`` to
regenerate ``homework/release`` (a maintainer tool: it is not part of the course package).
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


def _strip_region(lines, begin, end, replacement):
    out, inside = [], False
    for line in lines:
        stripped = line.strip()
        if stripped == begin:
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out.extend(indent + r for r in replacement)
            continue
        if stripped == end:
            inside = False
            continue
        if not inside:
            out.append(line)
    return out


def release_cell(cell):
    """The student version of one cell (a new cell object)."""
    cell = nbformat.from_dict(dict(cell))
    if cell.cell_type == "code":
        cell.outputs, cell.execution_count = [], None
    exercise = cell.metadata.get("nbgrader", {}).get("grade_id", "this exercise")
    lines = cell.source.split("\n")
    if cell.cell_type == "code":
        lines = _strip_region(lines, BEGIN, END, [f'raise NotImplementedError("{exercise}: write your solution here")'])
    else:
        lines = _strip_region(lines, BEGIN, END, ["YOUR ANSWER HERE"])
    lines = _strip_region(lines, BEGIN_HIDDEN, END_HIDDEN, [])
    cell.source = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).rstrip("\n")
    return cell


def make_release(source: Path, release: Path) -> None:
    """Write the student version of the notebook ``source`` to ``release``."""
    nb = nbformat.read(source, as_version=4)
    nb.cells = [release_cell(c) for c in nb.cells]
    release.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, release)


def release_all(homework_dir: Path) -> list:
    """Regenerate ``release/`` from ``source/`` for every assignment; returns the files written."""
    written = []
    for src in sorted((homework_dir / "source").glob("*/*.ipynb")):
        dst = homework_dir / "release" / src.parent.name / src.name
        make_release(src, dst)
        written.append(dst)
    return written


if __name__ == "__main__":
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("homework")
    for path in release_all(root):
        print("wrote", path)
