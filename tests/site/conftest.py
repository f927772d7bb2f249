"""Fixtures of the website tests: the site built once per session into a temporary folder (``book/build.py``,
reusing the executed notebooks that ``make site`` cached in ``build/jupyter-cache``), and Debian's Chromium.

The browser tests are skipped without Chromium unless EMCOURSE_REQUIRE_BROWSER=1 (as .ci/run sets), which
makes a missing browser a failure; the build itself is always tested.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.browser.labserver import CHROMIUM, chromium

ROOT = Path(__file__).resolve().parents[2]
BOOK = ROOT / "book"
NOTEBOOKS = ROOT / "notebooks"
ARTIFACTS = ROOT / "test-artifacts"


def load(name: str, path: Path):
    """Import a file of book/ as a module (book/ is not a package)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


build_script = load("emcourse_book_build", BOOK / "build.py")


def snapshot(folder: Path) -> dict:
    """Every file under ``folder``: its bytes' hash and modification time."""
    return {str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@dataclass
class BuiltSite:
    root: Path            # the site: index.html and one page per lesson
    work: Path            # staging, Sphinx's files, jupyter_execute/ (the executed notebooks)
    seconds: float
    log: str
    notebooks_before: dict
    notebooks_after: dict

    def executed(self, page: str) -> Path:
        return self.work / "jupyter_execute" / f"{page}.ipynb"


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> BuiltSite:
    base = tmp_path_factory.mktemp("website")
    before = snapshot(NOTEBOOKS)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, str(BOOK / "build.py"), "--out", str(base / "site"), "--work",
                           str(base / "work")], cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    log = proc.stdout + proc.stderr
    (base / "build.log").write_text(log)
    after = snapshot(NOTEBOOKS)
    if proc.returncode:
        pytest.fail(f"the site build failed (log: {base / 'build.log'}):\n{log[-6000:]}")
    print(f"\nsite built in {seconds:.0f} s into {base / 'site'}")
    return BuiltSite(base / "site", base / "work", seconds, log, before, after)


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM) or os.environ.get("EMCOURSE_REQUIRE_BROWSER") == "1":
        return
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM} (Debian: apt-get install chromium)")
    for item in items:
        if "site_browser" in getattr(item, "fixturenames", ()):
            item.add_marker(skip)


@pytest.fixture(scope="package")
def site_browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"EMCOURSE_REQUIRE_BROWSER=1 but Chromium is not at {CHROMIUM}: apt-get install chromium")
    with chromium() as browser:
        yield browser


class SitePage:
    """A Playwright page that may read only files of the site: records console errors, page errors,
    failed loads and every request outside the site's folder (which it blocks)."""

    def __init__(self, browser, root: Path, width: int, height: int):
        self.root = root
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.errors, self.outside, self.failed = [], [], []
        inside = (root.as_uri() + "/", "data:", "blob:", "about:")
        self.context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(inside)
                           else (self.outside.append(route.request.url), route.abort()))
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))

    def open(self, name: str, query: str = "") -> None:
        self.page.goto((self.root / name).as_uri() + query)
        # MathJax (on pages with maths) typesets after the page has loaded: wait until it is done
        if self.page.locator('script[src*="tex-svg-full.js"]').count():
            self.page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                                        timeout=30_000)
            self.page.evaluate("() => MathJax.startup.promise.then(() => true)")

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def close(self) -> None:
        self.context.close()
