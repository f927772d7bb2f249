"""Homework: source notebooks pass their own tests, release notebooks are current and run with only stub
errors, and the real nbgrader grades source, release and mangled submissions as their code deserves."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from tools.release_homework import make_release

ROOT = Path(__file__).resolve().parents[2]
HOMEWORK = ROOT / "homework"
SOURCES = sorted((HOMEWORK / "source").glob("*/*.ipynb"))
IDS = [p.parent.name for p in SOURCES]


def points(nb) -> float:
    return sum(c.metadata.get("nbgrader", {}).get("points", 0) for c in nb.cells
               if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code")


def execute(path: Path, allow_errors: bool):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=allow_errors,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def test_there_are_four_assignments_with_points():
    assert len(SOURCES) >= 4
    for path in SOURCES:
        nb = nbformat.read(path, as_version=4)
        kinds = [c.metadata.get("nbgrader", {}) for c in nb.cells]
        assert points(nb) > 0, f"{path.name} has no autograded points"
        assert any(k.get("solution") and k.get("grade") and k.get("points") for k in kinds), \
            f"{path.name} has no manually graded written answer"


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_release_is_up_to_date(source, tmp_path):
    fresh = tmp_path / source.name
    make_release(source, fresh)
    committed = HOMEWORK / "release" / source.parent.name / source.name
    assert committed.exists(), f"run `python tools/release_homework.py homework` to create {committed}"
    assert json.loads(fresh.read_text()) == json.loads(committed.read_text()), \
        f"{committed} is stale: run `python tools/release_homework.py homework`"
    text = committed.read_text()
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_source_notebook_runs_and_passes_its_tests(source, tmp_path):
    shutil.copy(source, tmp_path / source.name)
    execute(tmp_path / source.name, allow_errors=False)      # any failing test would raise here


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_release_notebook_runs_with_only_stub_errors(source, tmp_path):
    release = HOMEWORK / "release" / source.parent.name / source.name
    shutil.copy(release, tmp_path / source.name)
    nb = execute(tmp_path / source.name, allow_errors=True)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert all(e.ename == "NotImplementedError" for e in errors), [(e.ename, e.evalue) for e in errors]
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "not yet implemented" in printed and "public checks passed" not in printed


# --- the real nbgrader ------------------------------------------------------------------------------------

def nbgrader(course: Path, *args):
    # nbgrader runs `alembic` (installed next to this Python) for its database
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, capture_output=True, text=True,
                            timeout=900, env=env)
    assert result.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def mangle(source: Path, dest: Path) -> None:
    """A submission with the solutions in, but cells deleted, reordered, renamed and duplicated.

    The first graded test cell is deleted, every solution cell moves below all the tests in reverse order
    with a new cell id, and one solution is pasted again into a new cell without nbgrader metadata.
    """
    nb = nbformat.read(source, as_version=4)
    meta = [c.metadata.get("nbgrader", {}) for c in nb.cells]
    solutions = [c for c, m in zip(nb.cells, meta) if m.get("solution") and c.cell_type == "code"]
    graded = [c for c, m in zip(nb.cells, meta) if m.get("grade") and c.cell_type == "code"]
    rest = [c for c in nb.cells if all(c is not x for x in solutions + graded)]
    for i, c in enumerate(solutions):
        c["id"] = f"renamed-{i}"
    copy = nbformat.v4.new_code_cell(solutions[0].source.replace("### BEGIN SOLUTION", "").replace("### END SOLUTION", ""))
    nb.cells = rest + graded[1:] + solutions[::-1] + [copy]
    nbformat.write(nb, dest)


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    shutil.copytree(HOMEWORK / "source", course / "source")
    shutil.copy(HOMEWORK / "nbgrader_config.py", course / "nbgrader_config.py")
    expected = {}
    for source in SOURCES:
        assignment = source.parent.name
        nbgrader(course, "db", "student", "add", "full")
        nbgrader(course, "db", "student", "add", "empty")
        nbgrader(course, "db", "student", "add", "mangled")
        nbgrader(course, "generate_assignment", assignment, "--force")
        release = course / "release" / assignment / source.name
        for student, make in (("full", lambda d: shutil.copy(source, d)),
                              ("empty", lambda d: shutil.copy(HOMEWORK / "release" / assignment / source.name, d)),
                              ("mangled", lambda d: mangle(source, d))):
            dest = course / "submitted" / student / assignment
            dest.mkdir(parents=True, exist_ok=True)
            make(dest / source.name)
        assert release.exists()
        nbgrader(course, "autograde", assignment, "--force")
        expected[assignment] = points(nbformat.read(source, as_version=4))
    return course, expected


def autograded_score(course: Path, assignment: str, student: str) -> float:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        submission = gb.find_submission(assignment, student)
        return sum(g.auto_score or 0 for nb in submission.notebooks for g in nb.grades
                   if g.cell.cell_type == "code")


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_nbgrader_grades_every_kind_of_submission(graded_course, source):
    course, expected = graded_course
    assignment = source.parent.name
    assert autograded_score(course, assignment, "full") == expected[assignment]
    assert autograded_score(course, assignment, "empty") == 0
    assert autograded_score(course, assignment, "mangled") == expected[assignment]
