"""Lessons 0-4 as a student meets them: exercise pattern, shown solutions, the slide index and the course maps.

Every exercise of lessons 1-4 is a stub (docstring, ``# YOUR CODE HERE``, ``NotImplementedError``), then a
cell calling its public check, then a folded solution; the shown solution passes its check using numpy
only (no emcourse). The slide index ``notebooks/slides.md`` lists every slide of the lecture once, links
lessons that exist, and agrees with the course maps of the README and lesson 0.
"""
import ast
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest
import scipy.special

from emcourse.exercises import checks

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
LESSONS = ["01_mixture_densities", "02_likelihood", "03_gradient_descent", "04_em_algorithm"]
N_SLIDES = 30


def exercises(stem):
    """(stub source, check-call source, solution markdown) for every exercise of a lesson."""
    cells = nbformat.read(NOTEBOOKS / f"{stem}.ipynb", as_version=4).cells
    found = []
    for i, cell in enumerate(cells):
        if cell.cell_type == "code" and 'raise NotImplementedError("exercise' in cell.source:
            found.append((cell.source, cells[i + 1], cells[i + 2]))
    return found


ALL = [pytest.param(stem, k, *ex, id=f"{stem}-{k + 1}") for stem in LESSONS for k, ex in enumerate(exercises(stem))]


def test_every_lesson_has_its_exercises():
    names = {stem: [re.search(r"def (\w+)\(", stub).group(1) for stub, _, _ in exercises(stem)] for stem in LESSONS}
    assert names == {"01_mixture_densities": ["mixture_pdf"], "02_likelihood": ["log_likelihood"],
                     "03_gradient_descent": ["grad_means", "grad_means_2d"],
                     "04_em_algorithm": ["my_e_step", "my_m_step"]}


@pytest.mark.parametrize("stem, k, stub, check_cell, solution_cell", ALL)
def test_stub_check_solution_pattern_and_the_solution_passes(stem, k, stub, check_cell, solution_cell, capsys):
    fn = ast.parse(stub).body[0]
    assert isinstance(fn, ast.FunctionDef) and ast.get_docstring(fn), "the stub needs a docstring with the shapes"
    assert "(" in ast.get_docstring(fn) and "# YOUR CODE HERE" in stub
    call = re.fullmatch(r"em\.exercises\.checks\.(check_\w+)\((\w+)\);", check_cell.source.strip())
    assert check_cell.cell_type == "code" and call and call.group(2) == fn.name, check_cell.source
    assert solution_cell.cell_type == "markdown"
    assert solution_cell.source.lstrip().startswith("<details><summary>Show a solution</summary>")
    code = re.search(r"```python\n(.*?)```", solution_cell.source, re.S).group(1)
    assert "emcourse" not in code and "em." not in code, "a shown solution uses numpy only"
    namespace = {"np": np, "scipy": scipy}
    exec(compile(code, f"{stem} solution", "exec"), namespace)
    result = getattr(checks, call.group(1))(namespace[fn.name])
    assert result, result.message
    assert checks.PASSED in capsys.readouterr().out


# --- the slide index and the course maps ------------------------------------------------------------

def slide_index():
    """slide number -> (topic, lesson number, link target) from notebooks/slides.md."""
    rows = {}
    for line in (NOTEBOOKS / "slides.md").read_text().splitlines():
        m = re.match(r"\| (\d+) \| (.+?) \| \[(\d+) [^\]]*\]\(([^)]+)\) \| (.+) \|$", line)
        if m:
            assert int(m.group(1)) not in rows, f"slide {m.group(1)} listed twice"
            rows[int(m.group(1))] = (m.group(2), int(m.group(3)), m.group(4))
    return rows


def ranges(cell_text):
    """'2–5' / '15, 16, 18' / '—' -> a set of slide numbers."""
    out = set()
    for part in re.split(r",\s*", cell_text.strip()):
        if "–" in part:
            a, b = part.split("–")
            out |= set(range(int(a), int(b) + 1))
        elif part.isdigit():
            out.add(int(part))
    return out


def course_map(text):
    """lesson number -> set of slides, from a Markdown course-map table (lesson first, slides third column)."""
    out = {}
    for line in text.splitlines():
        cols = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cols) >= 3 and cols[0].isdigit():
            out[int(cols[0])] = ranges(cols[2])
    return out


def test_the_slide_index_lists_every_slide_once_with_a_lesson_that_exists():
    rows = slide_index()
    assert sorted(rows) == list(range(1, N_SLIDES + 1))
    for number, (topic, lesson, target) in rows.items():
        assert (NOTEBOOKS / target).exists(), f"slide {number} links {target}"
        assert target.startswith(f"{lesson:02d}_"), f"slide {number}: lesson {lesson} but link {target}"
        assert len(topic) > 8


def test_the_slide_index_says_what_the_errata_are():
    text = (NOTEBOOKS / "slides.md").read_text()
    for fragment in ["normalisation (2πσ_j²)^(−d/2)", "N times too large", "d/σ_j", "Welford",
                     "unit-height Gaussian", "posteriors over the data"]:
        assert fragment in text, fragment


def test_the_course_maps_agree_with_the_slide_index():
    by_lesson = {}
    for number, (_, lesson, _) in slide_index().items():
        by_lesson.setdefault(lesson, set()).add(number)
    readme = course_map((ROOT / "README.md").read_text().split("## Course map")[1].split("\n---\n")[0])
    lesson0 = nbformat.read(NOTEBOOKS / "00_start_here.ipynb", as_version=4)
    map_cell = next(c.source for c in lesson0.cells if "## 4. The course map" in c.source)
    for name, mapped in [("README", readme), ("lesson 0", course_map(map_cell))]:
        for lesson, slides in by_lesson.items():
            assert mapped.get(lesson) == slides, f"{name}: lesson {lesson} has {mapped.get(lesson)}, index {slides}"
        extra = {lesson: s for lesson, s in mapped.items() if s and lesson not in by_lesson}
        assert not extra, f"{name} gives slides to lessons the index does not: {extra}"
    assert "(slides.md)" in map_cell and "(notebooks/slides.md)" in (ROOT / "README.md").read_text()
