"""Homework an instructor can trust.

In-process (fast): every lesson 1-10 is assessed; no graded function is a lesson exercise or appears in a lesson;
the README's instructor tables list them; releases are current; every hidden test runs several cases, passes the
source's solution and a correct answer written differently, and rejects every classic wrong answer; every delegating
answer, the review's evasions included, would pass without the guard (before) and scores 0 with it (after); no hidden
test holds the answer while the student's function runs; hidden cases are drawn from a seed chosen at grading time.

With the real nbgrader (one autograde per assignment, all submissions at once, assignments in parallel): the source
scores full marks, the release 0 without crashing (only "not implemented" errors), a mangled submission and a
submission written differently full marks (it prints, logs and shows a progress bar in a real kernel), and three
delegating submissions 0 on every item, with the reason shown.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import numpy as np
import pytest

from emcourse.exercises import grading
from tools.release_homework import make_release

from . import _homework as H
from .homework_submissions import ALTERNATIVE, DELEGATING, LATE, WRONG, prelude

ROOT, HOMEWORK, SOURCES, ASSIGNMENTS = H.ROOT, H.HOMEWORK, H.SOURCES, H.ASSIGNMENTS

#: the lesson exercises, fixed across the course (COMMON.md's table); none may be graded homework
LESSON_EXERCISES = {"mixture_pdf", "log_likelihood", "grad_means", "grad_means_2d", "my_e_step", "my_m_step",
                    "success_rate", "choose_n_components", "weighted_running_update", "match_tracking_step",
                    "partial_e_step", "mfa_e_step", "heuristic_blind_spot", "kmeans_step"}


def points(nb) -> dict:
    """grade_id -> points of every autograded (code) cell."""
    return {H.meta(c)["grade_id"]: H.meta(c)["points"] for c in nb.cells
            if H.meta(c).get("grade") and c.cell_type == "code"}


def instructor_section() -> str:
    text = (ROOT / "README.md").read_text()
    return text[text.index("## For instructors"):text.index("## For developers")]


# --- structure -------------------------------------------------------------------------------------------

def test_six_assignments_assess_every_lesson_with_functions_and_written_answers():
    assert len(SOURCES) >= 6
    covered = set()
    for assignment in ASSIGNMENTS:
        nb = H.load(assignment)
        intro = nb.cells[0].source
        covered |= {int(n) for n in re.findall(r"\d+", re.search(r"\*Lessons? ([\d, and]+)\.", intro).group(1))}
        assert "About an evening" in intro and "numpy, `scipy.special`" in intro and "em.datasets" in intro
        assert sum(points(nb).values()) >= 8 and len(H.graded_functions(nb)) >= 2
        written = [c for c in nb.cells if H.meta(c).get("grade") and H.meta(c).get("solution") and c.cell_type == "markdown"]
        assert written and all(H.meta(c)["points"] >= 3 and "**Rubric (" in c.source for c in written), assignment
        rubric_points = [sum(int(p) for p in re.findall(r"^- (\d+):", c.source, re.M)) for c in written]
        assert rubric_points == [H.meta(c)["points"] for c in written], f"{assignment}: rubric points do not add up"
    assert set(range(1, 11)) <= covered, f"lessons without homework: {sorted(set(range(1, 11)) - covered)}"


def test_no_graded_function_is_a_lesson_exercise_or_appears_in_a_lesson():
    graded = {n for names in H.all_graded_functions().values() for n in names}
    assert not graded & LESSON_EXERCISES
    lessons = {p.name: "\n".join(c.source for c in nbformat.read(p, as_version=4).cells)
               for p in sorted((ROOT / "notebooks").glob("*.ipynb"))}
    assert lessons
    for name in sorted(graded):
        seen = [lesson for lesson, text in lessons.items() if re.search(rf"\b{name}\b", text)]
        assert not seen, f"homework function {name} appears in {seen}"


def test_the_readme_lists_every_lesson_exercise_and_every_homework_function():
    section = instructor_section()
    for name in LESSON_EXERCISES:
        assert f"`{name}`" in section, f"the instructor table does not list the lesson exercise {name}"
    for assignment, names in H.all_graded_functions().items():
        assert f"`{assignment}`" in section
        for name in names:
            assert f"`{name}`" in section, f"the instructor table does not list {assignment}'s {name}"


@pytest.mark.parametrize("source", SOURCES, ids=ASSIGNMENTS)
def test_release_is_up_to_date(source, tmp_path):
    fresh = tmp_path / source.name
    make_release(source, fresh)
    committed = HOMEWORK / "release" / source.parent.name / source.name
    assert committed.exists(), f"run `python tools/release_homework.py homework` to create {committed}"
    assert fresh.read_text() == committed.read_text(), f"{committed} is stale: run `python tools/release_homework.py homework`"
    text = committed.read_text()
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text and "Rubric" not in text


# --- the hidden tests, in-process -----------------------------------------------------------------------------

FUNCTIONS = [(a, n) for a in ASSIGNMENTS for n in H.graded_functions(H.load(a))]


@pytest.fixture
def quiet(monkeypatch):
    """No warnings, and the hidden cases drawn from one fixed seed (grading draws a fresh one each time)."""
    monkeypatch.setenv("EMCOURSE_HIDDEN_SEED", "20240616")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


@pytest.mark.parametrize("assignment, name", FUNCTIONS, ids=[n for _, n in FUNCTIONS])
def test_hidden_tests_run_several_cases_and_pass_right_answers(assignment, name, quiet):
    nb = H.load(assignment)
    names = H.graded_functions(nb)
    calls = []
    ns = H.namespace(nb, {n: H.solved(H.solution_cell(nb, n).source) for n in names})
    right = ns[name]

    def counted(*args):
        calls.append(1)
        return right(*args)
    ns[name] = counted
    H.run_hidden(nb, ns, name)
    assert len(calls) >= 4, f"{name}'s hidden test tries only {len(calls)} cases"
    H.run_hidden(nb, H.namespace(nb, {n: ALTERNATIVE[n] for n in names}, late=LATE[assignment]), name)


WRONGS = [(a, n, label, old, new) for a, n in FUNCTIONS for label, old, new, _ in WRONG[n]]


@pytest.mark.parametrize("assignment, name, label, old, new", WRONGS, ids=[f"{w[1]}-{w[2]}" for w in WRONGS])
def test_hidden_tests_reject_every_classic_wrong_answer(assignment, name, label, old, new, quiet):
    nb = H.load(assignment)
    functions = {n: H.solved(H.solution_cell(nb, n).source) for n in H.graded_functions(nb)}
    functions[name] = H.solved(H.with_change(H.solution_cell(nb, name).source, old, new))
    with pytest.raises(Exception) as caught:
        H.run_hidden(nb, H.namespace(nb, functions), name)
    assert not isinstance(caught.value, grading.DelegationError)


DELEGATIONS = [(a, k, n) for a, n in FUNCTIONS for k in range(len(DELEGATING[a]))]


@pytest.mark.parametrize("assignment, k, name", DELEGATIONS, ids=[f"{n}-style{k}" for _, k, n in DELEGATIONS])
def test_delegating_answers_pass_without_the_guard_and_score_zero_with_it(assignment, k, name, quiet, monkeypatch):
    from emcourse.exercises import guard
    from emcourse.exercises.checks import _common
    nb = H.load(assignment)
    ns = H.namespace(nb, DELEGATING[assignment][k], prelude=prelude(assignment, k))
    try:
        with monkeypatch.context() as unguarded:                   # before: the delegation computes the answers
            unguarded.setattr(grading, "call_student", lambda f, *a, **kw: f(*a, **kw))
            unguarded.setattr(_common, "run_guarded", lambda f, *a: guard.Outcome(f(*a), None, ()))
            H.run_hidden(nb, ns, name)
        with pytest.raises(grading.DelegationError, match=rf"0 points for {name}: {name} must do the work itself"):
            H.run_hidden(nb, ns, name)                             # after: 0 points, and why
    finally:
        if "_stop" in ns:                                          # the review's worker thread
            ns["_stop"].append(True)
            ns["_worker"].join(5)


def test_no_answer_exists_while_the_student_function_runs(quiet, monkeypatch):
    """Every hidden test calls the student's function before it computes the reference: while the function runs,
    no variable of the hidden test holds the right answer (the review read it from the test's frame)."""
    import sys
    found = []
    for assignment in ASSIGNMENTS:
        nb = H.load(assignment)
        names = H.graded_functions(nb)
        ns = H.namespace(nb, {n: H.solved(H.solution_cell(nb, n).source) for n in names})
        for name in names:
            right = ns[name]

            earlier = []                      # parts of earlier answers: a case may repeat one (same responsibilities)

            def spy(*args, _right=right, _name=name, _earlier=earlier):
                answer = _right(*args)
                given = [np.asarray(a) for a in args if isinstance(a, np.ndarray)]
                flat = [np.asarray(a, float) for a in (answer if isinstance(answer, tuple) else (answer,))]
                new = [a for a in flat if not any(g.shape == a.shape and np.allclose(g, a) for g in given + _earlier)]
                _earlier.extend(flat)
                flat = new
                frame = sys._getframe(1)
                while frame is not None:
                    if frame.f_code.co_name.startswith("_hidden"):
                        for var, value in frame.f_locals.items():
                            for part in (value if isinstance(value, tuple) else (value,)):
                                try:
                                    arr = np.asarray(part, float)
                                except (TypeError, ValueError):
                                    continue
                                if any(arr.shape == a.shape and arr.size > 1 and np.allclose(arr, a) for a in flat):
                                    found.append((_name, var))
                    frame = frame.f_back
                return answer
            spy.__name__ = name
            with monkeypatch.context() as m:
                m.setattr(grading, "call_student", lambda f, *a, _spy=spy, **kw: _spy(*a, **kw))
                H.run_hidden(nb, ns, name)
    assert not found, f"hidden tests hold the answer while the student's function runs: {sorted(set(found))}"


def test_hidden_cases_are_drawn_fresh_and_a_failure_names_its_seed(monkeypatch):
    monkeypatch.delenv("EMCOURSE_HIDDEN_SEED", raising=False)
    seeds = set()
    for _ in range(3):
        with grading.hidden_cases("f") as rng:
            seeds.add(int(rng.integers(2 ** 62)))
    assert len(seeds) == 3
    with pytest.raises(AssertionError, match=r"f's random cases used seed (\d+): set EMCOURSE_HIDDEN_SEED=\1"):
        with grading.hidden_cases("f"):
            raise AssertionError("case 0 differs")
    with pytest.raises(grading.DelegationError, match="0 points for f: .* used seed"):
        with grading.hidden_cases("f"):
            raise grading.DelegationError("0 points for f: f must do the work itself")
    monkeypatch.setenv("EMCOURSE_HIDDEN_SEED", "7")
    with grading.hidden_cases("f") as a, grading.hidden_cases("f") as b:
        assert a.integers(10 ** 9) == b.integers(10 ** 9)


def test_the_artmap_references_agree_with_the_course_on_complete_data():
    from emcourse.exercises.references import reference_artmap_log_choice, reference_artmap_vote
    from emcourse.methods.artmap import GaussianARTMAP
    rng = np.random.default_rng(3)
    for _ in range(10):
        means, sigmas = rng.uniform(0, 1, (10, 3)), rng.uniform(0.02, 0.3, (10, 3))
        counts, labels, A = rng.integers(1, 40, 10), rng.choice([2, 5, 9], 10), rng.uniform(-0.2, 1.2, (100, 3))
        for rho, floor in ((0.0, 0.0), (0.4, 0.05), (0.97, 0.0)):
            net = GaussianARTMAP(rho=rho, sigma_min=floor).set_categories(means=means, sigmas=sigmas, counts=counts,
                                                                          labels=labels)
            assert np.array_equal(reference_artmap_vote(A, means, sigmas, counts, labels, rho, floor), net.predict(A))
            assert np.allclose(reference_artmap_log_choice(A, means, sigmas, counts, floor), net.choice(A))


# --- the real nbgrader ------------------------------------------------------------------------------------

STUDENTS = ("full", "empty", "mangled", "rewritten", "delegating_a", "delegating_b", "delegating_c")


def mangle(source: Path, dest: Path) -> None:
    """The solutions in, but cells deleted, reordered, renamed and duplicated: the first graded test cell is deleted,
    every solution cell moves below all the tests in reverse order with a new id, and one solution is pasted again
    into a new cell without nbgrader metadata."""
    nb = nbformat.read(source, as_version=4)
    meta = [H.meta(c) for c in nb.cells]
    solutions = [c for c, m in zip(nb.cells, meta) if m.get("solution") and c.cell_type == "code"]
    graded = [c for c, m in zip(nb.cells, meta) if m.get("grade") and c.cell_type == "code"]
    rest = [c for c in nb.cells if all(c is not x for x in solutions + graded)]
    for i, c in enumerate(solutions):
        c["id"] = f"renamed-{i}"
    copy = nbformat.v4.new_code_cell(H.solved(solutions[0].source))
    nb.cells = rest + graded[1:] + solutions[::-1] + [copy]
    nbformat.write(nb, dest)


def replace_solutions(source: Path, dest: Path, functions: dict, prelude: str = "", late: str = "") -> None:
    """The source with each solution cell replaced by ``functions[name]``; a prelude after the imports, a late cell
    after everything (so its names are missing from the kernel when the tests run)."""
    nb = nbformat.read(source, as_version=4)
    for cell in nb.cells:
        if H.meta(cell).get("solution") and cell.cell_type == "code":
            name = re.search(r"def (\w+)\(", cell.source).group(1)
            cell.source = functions[name].strip("\n")
    at = next(i for i, c in enumerate(nb.cells) if H.meta(c).get("grade_id", "").endswith("-imports")) + 1
    if prelude:
        nb.cells.insert(at, nbformat.v4.new_code_cell(prelude.strip("\n")))
    if late:
        nb.cells.append(nbformat.v4.new_code_cell(late.strip("\n")))
    nbformat.write(nb, dest)


def make_submission(student: str, source: Path, dest: Path) -> None:
    assignment = source.parent.name
    nb = nbformat.read(source, as_version=4)
    names = H.graded_functions(nb)
    if student == "full":
        shutil.copy(source, dest)
    elif student == "empty":
        shutil.copy(HOMEWORK / "release" / assignment / source.name, dest)
    elif student == "mangled":
        mangle(source, dest)
    elif student == "rewritten":
        replace_solutions(source, dest, {n: ALTERNATIVE[n] for n in names}, late=LATE[assignment])
    else:
        k = STUDENTS.index(student) - STUDENTS.index("delegating_a")
        replace_solutions(source, dest, DELEGATING[assignment][k], prelude=prelude(assignment, k))


def nbgrader(course: Path, *args):
    # nbgrader runs `alembic` (installed next to this Python); the kernels must import this checkout's emcourse
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, capture_output=True, text=True,
                            timeout=900, env=env)
    assert result.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"


def grade_assignment(base: Path, source: Path) -> Path:
    """One course per assignment (its own gradebook); every student graded by one `nbgrader autograde`, which
    adds the students to the gradebook itself."""
    assignment = source.parent.name
    course = base / assignment
    (course / "source").mkdir(parents=True)
    shutil.copytree(source.parent, course / "source" / assignment)
    shutil.copy(HOMEWORK / "nbgrader_config.py", course / "nbgrader_config.py")
    for student in STUDENTS:
        dest = course / "submitted" / student / assignment
        dest.mkdir(parents=True)
        make_submission(student, source, dest / source.name)
    nbgrader(course, "generate_assignment", assignment, "--force")
    nbgrader(course, "autograde", assignment, "--force")
    return course


@pytest.fixture(scope="module")
def graded_courses(tmp_path_factory):
    base = tmp_path_factory.mktemp("courses")
    with ThreadPoolExecutor(max_workers=3) as pool:       # 2 cores: kernels start while others compute
        courses = dict(zip(ASSIGNMENTS, pool.map(lambda s: grade_assignment(base, s), SOURCES)))
    return courses


def item_scores(course: Path, assignment: str, student: str) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        submission = gb.find_submission(assignment, student)
        return {g.name: g.auto_score for nb in submission.notebooks for g in nb.grades if g.cell.cell_type == "code"}


def autograded(course: Path, assignment: str, student: str) -> list:
    return H.outputs_of(next((course / "autograded" / student / assignment).glob("*.ipynb")))


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_nbgrader_gives_full_marks_to_every_correct_submission(graded_courses, assignment):
    course, expected = graded_courses[assignment], points(H.load(assignment))
    for student in ("full", "mangled", "rewritten"):
        assert item_scores(course, assignment, student) == expected, student
    errors = [(m.get("grade_id"), e["ename"]) for m, errs, _ in autograded(course, assignment, "full") for e in errs]
    assert not errors, f"the source raises when run top to bottom: {errors}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_nbgrader_gives_zero_to_the_release_which_runs_up_to_its_stubs(graded_courses, assignment):
    course = graded_courses[assignment]
    assert set(item_scores(course, assignment, "empty").values()) == {0}
    printed = ""
    for meta, errors, text in autograded(course, assignment, "empty"):
        printed += text
        if not meta.get("grade"):       # data helpers, checks, experiments: nothing but "not implemented"
            assert all(e["ename"] == "NotImplementedError" for e in errors), [(e["ename"], e["evalue"]) for e in errors]
    assert "not yet implemented" in printed and "public checks passed" not in printed


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_nbgrader_gives_zero_to_every_delegated_item_and_says_why(graded_courses, assignment):
    course = graded_courses[assignment]
    names = H.graded_functions(H.load(assignment))
    for student in ("delegating_a", "delegating_b", "delegating_c"):
        assert set(item_scores(course, assignment, student).values()) == {0}, student
        messages = " ".join(e["evalue"] for meta, errors, _ in autograded(course, assignment, student)
                            if meta.get("grade") for e in errors)
        for name in names:
            assert f"0 points for {name}: {name} must do the work itself" in messages, (student, name)
