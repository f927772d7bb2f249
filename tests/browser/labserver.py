"""Start JupyterLab for browser tests and benchmarks, and launch Debian's Chromium (shared/browser-testing.md).

Used by ``tests/browser/conftest.py`` and ``benchmarks/bench_browser.py``.
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
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
CHROMIUM = os.environ.get("EMCOURSE_CHROMIUM", "/usr/bin/chromium")
LOOPBACK = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


@dataclass
class LabServer:
    url: str
    token: str
    root: Path
    proc: subprocess.Popen
    log_path: Path

    def notebook_url(self, notebook: str) -> str:
        return f"{self.url}/lab/tree/{notebook}?token={self.token}&reset"

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_lab(base: Path) -> LabServer:
    """JupyterLab on 127.0.0.1 (free port, random token) serving a copy of notebooks/ under ``base``.

    The news feed, update check and extension manager are off, so it makes no outside request.
    Raises RuntimeError if it does not start within 90 s.
    """
    base = Path(base)
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
    log = open(base / "server.log", "w")  # noqa: SIM115 - closed with the process
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
            raise RuntimeError(f"JupyterLab did not start; see {base / 'server.log'}:\n"
                               f"{(base / 'server.log').read_text()[-2000:]}")
        time.sleep(0.3)
    return LabServer(url=url, token=token, root=root, proc=proc, log_path=base / "server.log")


def launch_chromium(playwright):
    """Headless Debian Chromium through Playwright (no Playwright browser download)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


@contextmanager
def chromium():
    """Playwright with one headless Chromium, closed (driver process and its watcher thread too) on exit.

    Playwright's sync API cannot be entered twice at once in one thread, and its driver's watcher thread must not
    outlive the browser tests (the homework's delegation guard, tested later in the same session, flags every
    thread the kernel did not start): each test folder opens its own, package-scoped, one after the other.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            yield browser
        finally:
            browser.close()


def run_all(page, url: str, timeout: int = 120_000) -> None:
    """Open a notebook, Run All from the Run menu (as a student would), wait until every code cell has run."""
    page.goto(url)
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=timeout)
    page.wait_for_function("() => document.querySelector('#jp-main-statusbar')?.textContent.includes('Idle')",
                           timeout=timeout)
    # the toolbar's indicator turns idle only once the kernel's websocket is connected: Run All before that
    # can skip every cell on a loaded machine
    page.wait_for_selector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator[data-status="idle"]',
                           timeout=timeout)
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()
    page.wait_for_function(
        """() => { const p = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt')]
                   .map(e => e.textContent.trim());
                   return p.length > 0 && p.every(t => /^\\[\\d+\\]:$/.test(t)); }""", timeout=timeout)
    page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', timeout=timeout)
