"""The course website (``make site``): what the build produces, read from the files (no browser).

The site is built once per session (conftest.py); a second test file opens every page in Chromium.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from tests.site.conftest import NOTEBOOKS, ROOT, build_script

pytestmark = pytest.mark.site

PAGES = ["index"] + [p.stem for p in build_script.sources()]
LESSONS = [p.stem for p in build_script.sources() if p.suffix == ".ipynb"]
BINDER = "https://mybinder.org/v2/gh/emcourse/emcourse/main?urlpath=lab/tree/notebooks/"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def article(site, page: str):
    return soup(site.root / f"{page}.html").select_one("article.bd-article")


def test_building_the_site_leaves_notebooks_untouched(site):
    assert site.notebooks_after == site.notebooks_before


def test_every_page_is_built_and_the_next_links_walk_the_course_in_order(site):
    walked, page = [], "index.html"
    while page:
        walked.append(page.removesuffix(".html"))
        nxt = soup(site.root / page).select_one("a.right-next")
        page = nxt["href"] if nxt else None
        assert len(walked) <= len(PAGES), f"the next links loop: {walked}"
    assert walked == PAGES
    for before, after in zip(PAGES, PAGES[1:]):
        assert soup(site.root / f"{after}.html").select_one("a.left-prev")["href"] == f"{before}.html"


def test_every_link_and_file_a_page_uses_is_in_the_site(site):
    """Relative links resolve (files and #fragments); scripts, styles and pictures come from the site folder."""
    ids, problems = {}, []
    pages = sorted(p for p in site.root.rglob("*.html") if "_static" not in p.parts)   # not the theme's fragments
    for path in pages:
        ids[path] = {el["id"] for el in soup(path).select("[id]")}
    for path in pages:
        for tag, attr in (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src")):
            for el in soup(path).find_all(tag):
                url = el.get(attr)
                if not url or url.startswith("data:"):
                    continue
                parts = urlsplit(url)
                if parts.scheme or url.startswith("//"):
                    if tag != "a" or parts.scheme not in ("https", "mailto"):
                        problems.append(f"{path.name}: <{tag} {attr}={url}> is outside the site")
                    continue
                target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
                if not target.is_file() or site.root.resolve() not in target.parents:
                    problems.append(f"{path.name}: <{tag} {attr}={url}> points to a missing file")
                elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in ids[target]:
                    problems.append(f"{path.name}: <{tag} {attr}={url}>: no #{parts.fragment} in {target.name}")
    assert not problems, "\n".join(problems[:40])


def test_the_home_page_says_what_the_course_is_and_maps_every_lesson(site):
    home = article(site, "index")
    text = home.get_text(" ")
    assert "Who it is for" in text and "EM algorithm" in text
    linked = [a["href"] for a in home.select("a[href]") if re.match(r"\d\d_\w+\.html$", a["href"])]
    assert linked == [f"{name}.html" for name in LESSONS]


@pytest.mark.parametrize("page", LESSONS)
def test_each_lesson_page_says_how_to_run_it(site, page):
    box = article(site, page).select_one("#run-this-lesson")
    assert box is not None, "no 'Run this lesson' box"
    assert box.select_one(f'a[href="{BINDER}{page}.ipynb"]') is not None
    assert "make lab" in box.get_text() and f"notebooks/{page}.ipynb" in box.get_text()
    for note in article(site, page).select(".emcourse-needs-kernel"):   # every explorer's one line, same link
        assert note.select_one(f'a[href="{BINDER}{page}.ipynb"]') is not None, note


@pytest.mark.parametrize("page", LESSONS)
def test_each_lesson_page_shows_its_checked_outputs_stubs_and_folded_solutions(site, page):
    body = article(site, page)
    text = "".join(body.get_text("").split())                    # compared without whitespace
    cells = json.loads((NOTEBOOKS / f"{page}.ipynb").read_text())["cells"]
    for cell in cells:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and "NBVAL_CHECK_OUTPUT" in source:
            for out in cell.get("outputs", []):
                stored = "".join(out.get("text", "")) or "".join(out.get("data", {}).get("text/plain", ""))
                assert "".join(stored.split()) in text, f"checked output missing:\n{stored}"
        if cell["cell_type"] == "code" and "raise NotImplementedError" in source:
            stub = re.search(r"raise NotImplementedError\([^)]*\)", source).group(0)
            assert "".join(stub.split()) in text, f"exercise stub missing: {stub}"
    folds = sum("<details>" in "".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    shown = body.select("details")
    assert len(shown) == folds and all(not d.has_attr("open") for d in shown)


@pytest.mark.parametrize("page", LESSONS)
def test_no_widget_no_progress_bar_and_no_error_reaches_a_page(site, page):
    html = (site.root / f"{page}.html").read_text()
    body = article(site, page)
    assert "application/vnd.jupyter.widget-state+json" not in html and "widget-view" not in html
    assert not body.select(".jupyter-widgets, .widget-slider, .output.traceback, .output.stderr")
    assert not re.search(r"\d+%\|", body.get_text()) and "it/s]" not in body.get_text()
    nb = json.loads(site.executed(page).read_text())
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error" or out["ename"] == "NotImplementedError"
            assert out.get("name") != "stderr", f"stderr output: {out.get('text')}"


def test_homework_never_reaches_the_site(site):
    for path in site.root.rglob("*"):
        assert "homework" not in str(path.relative_to(site.root)).lower() and not path.name.startswith("hw")
        if path.suffix in (".html", ".js", ".txt", ".ipynb"):
            text = path.read_text(errors="replace")
            assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text, path


def test_the_build_is_recorded_and_timed(site):
    assert "The course website" in site.log and (ROOT / "book" / "package-lock.json").exists()
    assert site.seconds > 0
