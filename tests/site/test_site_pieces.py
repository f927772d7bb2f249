"""The pieces of the website build, one by one: the build kernel's alt text and widget stand-ins
(book/kernel_startup.py), the Sphinx extension's course map and output checks (book/_ext/emcourse_site.py),
and small builds that must pass or fail: an exercise stub may raise NotImplementedError in a cell tagged
``raises-exception``; any other error, and a figure without alt text, fail the build.
"""
from __future__ import annotations

import json

import ipywidgets as widgets
import matplotlib
import nbformat
import pytest
from IPython.core.formatters import DisplayFormatter
from matplotlib.figure import Figure
from tests.site.conftest import BOOK, build_script, load

from emcourse.explorers._base import RUN_URL

matplotlib.use("Agg")
kernel = load("emcourse_site_kernel", BOOK / "kernel_startup.py")
extension = load("emcourse_site", BOOK / "_ext" / "emcourse_site.py")

pytestmark = pytest.mark.site


class Shell:
    def __init__(self):
        self.display_formatter = DisplayFormatter()


def test_a_figure_is_described_by_its_caption_else_its_titles_and_axis_labels():
    fig = Figure()
    ax = fig.add_subplot()
    ax.set_title(r"Density of $\sigma_1$")
    ax.set_xlabel("$x$")
    ax.set_ylabel(r"$p(x \mid j)$")
    assert kernel.figure_alt(fig) == "Figure: Density of sigma_1 (x: x; y: p(x mid j))"
    fig.set_label("Two bumps: the mixture density and its components")
    assert kernel.figure_alt(fig) == "Two bumps: the mixture density and its components"
    assert kernel.figure_alt(Figure()) == ""                       # nothing to say: the build will refuse it
    two = Figure()
    two.suptitle("EM against gradient descent")
    two.subplots(1, 2)
    assert kernel.figure_alt(two).startswith("Figure with 2 panels: EM against gradient descent")


def test_the_build_kernel_records_alt_text_and_gives_bare_widgets_a_static_line():
    shell = Shell()
    kernel.install(shell)
    fig = Figure()
    fig.add_subplot().set_title("log L per iteration")
    _, metadata = shell.display_formatter.format(fig)
    assert metadata["image/png"]["alt"] == "Figure: log L per iteration"
    slider = widgets.FloatSlider(description="μ")
    data, _ = shell.display_formatter.format(widgets.VBox([slider, widgets.Output()]))
    assert "Interactive controls (μ)" in data["text/html"] and f'href="{RUN_URL}"' in data["text/html"]
    assert "application/vnd.jupyter.widget-view+json" in data           # JupyterLab still gets the widget


def notebook(tmp_path, name, *cells, tags=None):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(f"# Lesson 1 — {name}\n\n*Lecture slide 2.*\n\n"
                                                                        "**Goal.** See $x$. More.")])
    for source in cells:
        cell = nbformat.v4.new_code_cell(source)
        if tags and source in tags:
            cell.metadata["tags"] = tags[source]
        nb.cells.append(cell)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    folder = tmp_path / "notebooks"
    folder.mkdir(exist_ok=True)
    nbformat.write(nb, folder / f"01_{name}.ipynb")
    return folder


def test_the_course_map_lists_lessons_in_order_with_slides_and_goal(tmp_path):
    folder = notebook(tmp_path, "first")
    (folder / "00_start.ipynb").write_text(json.dumps({"cells": [{"cell_type": "markdown", "source": ["# Start here"]}]}))
    assert extension.course_map(folder).splitlines() == [
        "- **Lesson 0: [Start here](00_start.ipynb)**",
        "- **Lesson 1: [first](01_first.ipynb)** (lecture slide 2). See $x$."]


def test_output_checks_allow_only_a_tagged_not_implemented_error(monkeypatch):
    def nb(ename, tags):
        return {"cells": [{"cell_type": "code", "id": "c1", "metadata": {"tags": tags}, "source": "",
                           "outputs": [{"output_type": "error", "ename": ename, "evalue": "", "traceback": []}]}]}
    problems = []
    monkeypatch.setattr(extension.logger, "warning", lambda msg, **kw: problems.append(msg))
    extension.check_outputs("01_x", nb("NotImplementedError", ["raises-exception"]))
    assert problems == []
    extension.check_outputs("01_x", nb("NotImplementedError", []))
    extension.check_outputs("01_x", nb("ValueError", ["raises-exception"]))
    widget = {"cells": [{"cell_type": "code", "metadata": {}, "source": "", "outputs": [
        {"output_type": "display_data", "data": {"application/vnd.jupyter.widget-view+json": {}, "text/plain": "x"}}]}]}
    extension.check_outputs("01_x", widget)
    assert len(problems) == 3 and "NotImplementedError" in problems[0] and "raised ValueError" in problems[1]
    assert "widget" in problems[2]


def small_build(tmp_path, folder):
    return build_script.build(tmp_path / "site", tmp_path / "work", tmp_path / "cache", "1", notebooks=folder)


STUB = 'def f(x):\n    raise NotImplementedError("exercise 1: f")\n\nf(1)'
FIGURE = ('import matplotlib.pyplot as plt\nimport ipywidgets as widgets\n'
          'fig, ax = plt.subplots()\nax.plot([1, 2])\nax.set_title("a rising line")\nplt.show()\n'
          'display(widgets.IntSlider(description="n"))')


def test_a_small_site_builds_with_a_failing_exercise_stub_a_titled_figure_a_widget_and_a_page(tmp_path):
    folder = notebook(tmp_path, "ok", STUB, FIGURE, tags={STUB: ["raises-exception"]})
    (folder / "slides.md").write_text("# Slide index\n\n- Slide 2: [lesson 1](01_ok.ipynb)\n")
    small_build(tmp_path, folder)
    html = (tmp_path / "site" / "01_ok.html").read_text()
    assert "NotImplementedError" in html and 'alt="Figure: a rising line"' in html
    assert "Interactive controls (n)" in html and "?urlpath=lab/tree/notebooks/01_ok.ipynb" in html
    assert 'href="slides.html"' in html                                  # a markdown page follows the lessons
    assert 'href="01_ok.html"' in (tmp_path / "site" / "slides.html").read_text()


@pytest.mark.parametrize("source, message", [
    ("1 / 0", "ZeroDivisionError"),              # an error in a cell not tagged raises-exception
    ("import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()", "no alt text"),   # a figure nobody described
])
def test_a_small_site_fails_to_build(tmp_path, capfd, source, message):
    folder = notebook(tmp_path, "bad", source)
    with pytest.raises(SystemExit, match="the site build failed"):
        small_build(tmp_path, folder)
    assert message in capfd.readouterr().err
