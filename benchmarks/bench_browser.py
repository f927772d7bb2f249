"""In-browser latency of every explorer: keydown on a slider handle -> new image in the page.

Starts JupyterLab (tests/browser/labserver.py) on a temporary copy of notebooks/, opens each
notebook in Debian's Chromium, runs it, and for every explorer presses the arrow key on its first
scrubbing slider (iteration, step, sample, ...; else its first slider) 24 times (12 right, 12 left). Time is measured inside the page: a capturing keydown listener
stores performance.now(), a MutationObserver on the explorer's <img> stores the time its src changes.
Prints median and 90th percentile per explorer. A benchmark, not a test: results go in
benchmarks/RESULTS.md.

Usage:  python benchmarks/bench_browser.py
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))
from labserver import NOTEBOOKS, launch_chromium, run_all, start_lab  # noqa: E402

PRESSES = 24
INSTALL = """(img) => {
  window.__emc = {t0: null, t1: null};
  document.addEventListener('keydown', () => { window.__emc.t0 = performance.now(); window.__emc.t1 = null; }, true);
  new MutationObserver(() => { if (window.__emc.t1 === null) window.__emc.t1 = performance.now(); })
      .observe(img, {attributes: true, attributeFilter: ['src']});
}"""


SCRUB = ("iteration", "step", "sample t", "candidate", "image", "after pass", "samples seen")


def pick_slider(explorer):
    """The explorer's scrubbing slider if it has one (the hot path), else its first slider."""
    sliders = explorer.locator(".widget-slider:visible")
    for i in range(sliders.count()):
        label = sliders.nth(i).locator(".widget-label").first.inner_text()
        if label.startswith(SCRUB):
            return sliders.nth(i).locator(".noUi-handle").first, label
    return sliders.first.locator(".noUi-handle").first, sliders.first.locator(".widget-label").first.inner_text()


def measure(page, explorer):
    img = explorer.locator("img").first
    handle, label = pick_slider(explorer)
    page.evaluate(INSTALL, img.element_handle())
    times = []
    for i in range(PRESSES):
        key = "ArrowRight" if (i // 12) % 2 == 0 else "ArrowLeft"
        if handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax"):
            key = "ArrowLeft"
        handle.focus()
        page.keyboard.press(key)
        page.wait_for_function("() => window.__emc.t1 !== null && window.__emc.t0 !== null", timeout=30_000)
        times.append(page.evaluate("() => window.__emc.t1 - window.__emc.t0"))
    return label, np.array(times)


def main():
    from playwright.sync_api import sync_playwright

    notebooks = sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    print(f"# keydown -> new image, measured in the page; {PRESSES} presses per explorer (its scrubbing slider, else the first)")
    print("| notebook | explorer | slider | median (ms) | p90 (ms) |")
    print("|---|---:|---|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        server = start_lab(Path(tmp))
        browser = launch_chromium(p)
        try:
            for nb in notebooks:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                run_all(page, server.notebook_url(nb))
                explorers = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .emcourse-explorer")
                for i in range(explorers.count()):
                    ex = explorers.nth(i)
                    ex.scroll_into_view_if_needed()
                    try:
                        label, t = measure(page, ex)
                    except Exception as exc:  # report and go on: a benchmark, not a test
                        print(f"| {nb} | {i} | (failed: {type(exc).__name__}) | – | – |", flush=True)
                        continue
                    print(f"| {nb} | {i} | {label} | {np.median(t):.0f} | {np.percentile(t, 90):.0f} |", flush=True)
                page.close()
        finally:
            browser.close()
            server.stop()


if __name__ == "__main__":
    main()
