"""Real-browser fixtures: JupyterLab on 127.0.0.1 (random token, free port, temporary copy of the
notebooks) driven by Playwright in Debian's Chromium. Recipe: shared/browser-testing.md.

Skipped when Chromium is missing, unless EMCOURSE_REQUIRE_BROWSER=1 (as .ci/run sets), which makes
a missing browser a failure.
"""
from __future__ import annotations

import os

import pytest
from tests.browser.labserver import CHROMIUM, LOOPBACK, ROOT, chromium, start_lab

ARTIFACTS = ROOT / "test-artifacts"


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM):
        return
    if os.environ.get("EMCOURSE_REQUIRE_BROWSER") == "1":
        return  # the fixture fails loudly instead of skipping
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM} (Debian: apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords or "tests/browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="package")
def lab_server(tmp_path_factory):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"EMCOURSE_REQUIRE_BROWSER=1 but Chromium is not at {CHROMIUM}: apt-get install chromium")
    try:
        server = start_lab(tmp_path_factory.mktemp("lab"))
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield server
    server.stop()


@pytest.fixture(scope="package")
def browser():
    with chromium() as b:
        yield b


class LabPage:
    """A Playwright page on the lab server, recording console errors and blocked outside requests."""

    def __init__(self, page, server, name):
        self.page, self.server, self.name = page, server, name
        self.console, self.errors, self.blocked = [], [], []
        page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))

    def url(self, notebook: str) -> str:
        return self.server.notebook_url(notebook)

    def save_artifacts(self) -> str:
        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / f"{self.name}.png"
        logf = ARTIFACTS / f"{self.name}.console.txt"
        try:
            self.page.screenshot(path=str(shot), full_page=True)
        except Exception as exc:  # the page may be gone
            shot = f"(no screenshot: {exc})"
        logf.write_text("\n".join(self.console + [f"blocked: {b}" for b in self.blocked]))
        return f"screenshot: {shot}\nconsole log: {logf}"


@pytest.fixture
def lab_page(browser, lab_server, request):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    name = request.node.name.replace("/", "_").replace("[", "-").replace("]", "")
    holder = {}

    def guard(route):
        if route.request.url.startswith(LOOPBACK):
            route.continue_()
        else:
            holder["lab"].blocked.append(route.request.url)
            route.abort()

    ctx.route("**/*", guard)
    page = ctx.new_page()
    lab = holder["lab"] = LabPage(page, lab_server, name)
    yield lab
    ctx.close()
