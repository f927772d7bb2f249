"""The course website's own Sphinx extension (``book/conf.py`` loads it; ``make site`` runs it).

* ``{{ course_map }}`` (a MyST substitution, used by ``book/index.md``): the lessons found in the source
  folder, in order, each with its title, lecture slides and goal, read from the notebook's first cell.
* On every lesson page: a "Run this lesson" box under the title (a Binder link that opens that notebook,
  and the local ``make lab`` way), and every explorer's "run this lesson" link pointed at the same notebook.
* Alt text on every figure: MyST-NB names a notebook picture after the SHA-256 of its PNG; the executed
  notebook (saved as ``jupyter_execute/<page>.ipynb``) carries, for each PNG, the alt text that the build
  kernel recorded (``book/kernel_startup.py``). A figure without one is a build error.
* No widget state in a page (MyST-NB would embed the saved state of every widget: nothing renders it).
* Checks that nothing broken reaches a page: an error output is allowed only in a cell tagged
  ``raises-exception`` and only if it is a ``NotImplementedError`` (an exercise stub); a widget output needs
  a static stand-in (text/html or a picture). Problems are Sphinx warnings, which ``make site`` (``-W``)
  turns into a failed build, all of them listed.
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import nbformat
from docutils import nodes
from jupyter_cache import get_cache
from myst_nb.sphinx_ import NbMetadataCollector
from sphinx.util import logging

from emcourse.explorers._base import RUN_URL

logger = logging.getLogger(__name__)

LESSON = re.compile(r"^(\d\d)_\w+$")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
STATIC_MIMES = ("text/html", "image/png", "image/jpeg", "image/svg+xml")


# --- the course map ----------------------------------------------------------------------------------------
def lesson_info(path: Path) -> dict:
    """Number, title, slides and goal of a lesson notebook, from its first markdown cell."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    first = next(("".join(c["source"]) for c in cells if c["cell_type"] == "markdown"), "")
    heading = re.search(r"^#\s+(.+?)\s*$", first, re.M)
    title = heading.group(1) if heading else path.stem
    title = re.sub(r"^Lesson\s+\d+\s*[—–:-]\s*", "", title)
    slides = re.search(r"^\*(Lecture slides? [^*]+?)\.?\*\s*$", first, re.M)
    goal = re.search(r"\*\*Goal\.\*\*\s*(.+?(?:\.(?=\s)|$))", first.replace("\n", " "), re.S)
    return {"number": int(path.name[:2]), "doc": path.stem, "title": title,
            "slides": slides.group(1) if slides else "", "goal": goal.group(1).strip() if goal else ""}


def course_map(srcdir: Path) -> str:
    """The course map as MyST markdown: one list item per lesson notebook, in order."""
    items = []
    for path in sorted(srcdir.glob("[0-9][0-9]_*.ipynb")):
        info = lesson_info(path)
        line = f"- **Lesson {info['number']}: [{info['title']}]({info['doc']}.ipynb)**"
        if info["slides"]:
            line += f" ({info['slides'][0].lower()}{info['slides'][1:]})"
        if info["goal"]:
            line += f". {info['goal']}"
        items.append(line)
    return "\n".join(items)


def on_config_inited(app, config):
    config.myst_substitutions = {**config.myst_substitutions, "course_map": course_map(Path(app.srcdir))}


# --- lesson pages --------------------------------------------------------------------------------------------
def binder_link(app, docname: str) -> str:
    return f"{app.config.emcourse_binder}?urlpath=lab/tree/{app.config.emcourse_notebook_dir}/{docname}.ipynb"


def run_box(app, docname: str) -> nodes.admonition:
    """The "Run this lesson" box: Binder deep link and the local way."""
    box = nodes.admonition(classes=["tip", "emcourse-run"], ids=["run-this-lesson"])
    box += nodes.title(text="Run this lesson")
    para = nodes.paragraph()
    para += nodes.Text("This page shows the lesson run once; its explorers are still pictures. To move the "
                       "sliders and try the exercises, run the notebook: ")
    para += nodes.reference("", "open it on Binder", refuri=binder_link(app, docname))
    para += nodes.Text(" (nothing to install; it takes a minute or two to start), or, in a copy of the ")
    para += nodes.reference("", "course repository", refuri=app.config.html_theme_options["repository_url"])
    para += nodes.Text(", run ")
    para += nodes.literal(text="make lab")
    para += nodes.Text(" and open ")
    para += nodes.literal(text=f"{app.config.emcourse_notebook_dir}/{docname}.ipynb")
    para += nodes.Text(".")
    box += para
    return box


def executed_path(app, docname: str) -> Path:
    return Path(app.outdir).parent / "jupyter_execute" / f"{docname}.ipynb"


def save_executed_notebook(app, docname: str) -> dict:
    """The notebook with the outputs the page shows, saved as ``jupyter_execute/<page>.ipynb``.

    MyST-NB writes that file too, but without outputs when they come from the cache (it saves the notebook
    it was given, not the merged one), so take them from jupyter-cache as MyST-NB does.
    """
    path = executed_path(app, docname)
    if app.config.nb_execution_mode == "cache":
        source = nbformat.read(app.env.doc2path(docname), as_version=4)
        _, merged = get_cache(app.config.nb_execution_cache_path).merge_match_into_notebook(source)
        path.write_text(nbformat.writes(merged), encoding="utf-8")
    return json.loads(path.read_text(encoding="utf-8"))


def executed_notebook(app, docname: str) -> dict:
    return json.loads(executed_path(app, docname).read_text(encoding="utf-8"))


def check_outputs(docname: str, nb: dict) -> None:
    """Warn about outputs that must not reach a page."""
    for index, cell in enumerate(nb["cells"]):
        where = f"{docname}.ipynb, cell {index + 1} (id {cell.get('id', '?')})"
        tags = cell.get("metadata", {}).get("tags", [])
        for out in cell.get("outputs", []):
            if out["output_type"] == "error":
                if "raises-exception" not in tags or out.get("ename") != "NotImplementedError":
                    logger.warning(f"{where} raised {out.get('ename')}: only an exercise stub may raise, only "
                                   "NotImplementedError, and its cell must be tagged raises-exception",
                                   type="emcourse", subtype="error")
                continue
            data = out.get("data", {})
            if WIDGET_VIEW in data and not any(m in data for m in STATIC_MIMES):
                logger.warning(f"{where} displays a widget with no static picture or text/html: it would be "
                               "missing from the page", type="emcourse", subtype="widget")


def picture_alts(nb: dict) -> dict:
    """{SHA-256 of each PNG output: the alt text the build kernel recorded for it}."""
    alts = {}
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            png = out.get("data", {}).get("image/png")
            if png:
                sha = hashlib.sha256(base64.b64decode(png)).hexdigest()
                alts[sha] = out.get("metadata", {}).get("image/png", {}).get("alt", "")
    return alts


def is_notebook(env, docname: str) -> bool:
    return env.doc2path(docname).suffix == ".ipynb"


def on_doctree_read(app, doctree):
    """Check the executed outputs and put the "Run this lesson" box under the title."""
    docname = app.env.docname
    if not is_notebook(app.env, docname):
        return
    check_outputs(docname, save_executed_notebook(app, docname))
    # the widgets' saved state: no page renders a widget, so it would be dead weight in every page
    NbMetadataCollector.get_js_files(app.env, docname).pop("ipywidgets_state", None)
    if LESSON.match(docname):
        section = next(iter(doctree.findall(nodes.section)), None)
        if section is None:
            logger.warning(f"{docname}.ipynb has no title", type="emcourse", subtype="title")
            return
        section.insert(1, run_box(app, docname))


def on_doctree_resolved(app, doctree, docname):
    """After MyST-NB picked one output per mime bundle: alt text on every picture, explorers' links."""
    if not is_notebook(app.env, docname):
        return
    alts = picture_alts(executed_notebook(app, docname))
    for image in doctree.findall(nodes.image):
        if not image.get("alt"):
            image["alt"] = alts.get(Path(image["uri"]).stem, "")
        if not image["alt"].strip():
            logger.warning(f"{docname}.ipynb: a figure has no alt text: give it a title (ax.set_title), or a "
                           "caption (plt.figure(label=...))", type="emcourse", subtype="alt", location=image)
    for raw in list(doctree.findall(nodes.raw)):
        if "html" not in raw.get("format", "").split():
            continue
        text = raw.astext()
        if re.search(r"<img\b(?![^>]*\balt=\"[^\"]+\")[^>]*>", text):
            logger.warning(f"{docname}.ipynb: an HTML output has an <img> without alt text",
                           type="emcourse", subtype="alt", location=raw)
        if RUN_URL in text:
            raw.replace_self(nodes.raw("", text.replace(f'"{RUN_URL}"', f'"{binder_link(app, docname)}"'),
                                       format="html"))


def setup(app):
    app.add_config_value("emcourse_binder", "https://mybinder.org/v2/gh/emcourse/emcourse/main", "html")
    app.add_config_value("emcourse_notebook_dir", "notebooks", "html")
    app.connect("config-inited", on_config_inited)
    app.connect("doctree-read", on_doctree_read)
    app.connect("doctree-resolved", on_doctree_resolved)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
