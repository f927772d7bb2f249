"""Real-browser fixtures: JupyterLab on 127.0.0.1 (random token, free port, temporary copy of the
notebooks) driven by Playwright in Debian's Chromium. Recipe: shared/browser-testing.md.

Skipped when Chromium is missing, unless EMCOURSE_REQUIRE_BROWSER=1 (as .ci/run sets), which makes
a missing browser a failure.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
CHROMIUM = os.environ.get("EMCOURSE_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
LOOPBACK = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM):
        return
    if os.environ.get("EMCOURSE_REQUIRE_BROWSER") == "1":
        return  # the fixture fails loudly instead of skipping
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM} (Debian: apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords or "tests/browser" in str(item.fspath):
            item.add_marker(skip)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"EMCOURSE_REQUIRE_BROWSER=1 but Chromium is not at {CHROMIUM}: apt-get install chromium")
    base = tmp_path_factory.mktemp("lab")
    root = base / "notebooks"                       # JupyterLab autosaves: never serve the repo itself
    shutil.copytree(NOTEBOOKS, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    config, settings = base / "config", base / "settings"
    config.mkdir()
    (config / "jupyter_server_config.py").write_text(
        'c.LabApp.news_url = None\n'
        'c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"\n'
        'c.LabApp.extension_manager = "readonly"\n')
    notif = settings / "@jupyterlab" / "apputils-extension"
    notif.mkdir(parents=True)
    (notif / "notification.jupyterlab-settings").write_text(json.dumps({"checkForUpdates": False, "fetchNews": "false"}))
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(config), JUPYTERLAB_SETTINGS_DIR=str(settings),
               JUPYTERLAB_WORKSPACES_DIR=str(base / "workspaces"), JUPYTER_RUNTIME_DIR=str(base / "runtime"),
               MPLBACKEND="module://matplotlib_inline.backend_inline")
    token, port = secrets.token_hex(16), _free_port()
    log = open(base / "server.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         "--ServerApp.port_retries=0", "--allow-root", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={root}"], env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            pytest.fail(f"JupyterLab did not start; see {base / 'server.log'}:\n{(base / 'server.log').read_text()[-2000:]}")
        time.sleep(0.3)
    yield {"url": url, "token": token, "root": root}
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


class LabPage:
    """A Playwright page on the lab server, recording console errors and blocked outside requests."""

    def __init__(self, page, server, name):
        self.page, self.server, self.name = page, server, name
        self.console, self.errors, self.blocked = [], [], []
        page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))

    def url(self, notebook: str) -> str:
        return f"{self.server['url']}/lab/tree/{notebook}?token={self.server['token']}&reset"

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
