"""In-browser latency of every explorer: keydown on a slider handle -> new image in the page.

Starts JupyterLab (tests/browser/labserver.py) on a temporary copy of notebooks/, opens each
notebook in Debian's Chromium, runs it, and for every explorer presses the arrow keys on its first
scrubbing slider (iteration, step, sample, ...; else its first slider), or on every slider with
``--all-sliders``, 24 times: right until the handle reaches its maximum, then left until its minimum,
and so on, so that every press changes the value (a press against the end of a short slider changes
nothing and would wait for an image that never comes). Time is measured inside the page: a capturing
keydown listener stores performance.now(), a MutationObserver on the explorer's <img> stores the time
its src changes; both are replaced (not added to) for each slider measured. Prints median and 90th
percentile per slider; a press whose image did not change within 10 s is counted, not timed. A benchmark,
not a test: results go in benchmarks/RESULTS.md.

Usage:  python benchmarks/bench_browser.py [--all-sliders] [notebook name prefixes, e.g. 08 09 10]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))
from labserver import NOTEBOOKS, launch_chromium, run_all, start_lab  # noqa: E402

PRESSES = 24
WAIT_MS = 10_000
INSTALL = """(img) => {
  const old = window.__emc;
  if (old) { old.observer.disconnect(); document.removeEventListener('keydown', old.onkey, true); }
  const emc = {t0: null, t1: null};
  emc.onkey = () => { emc.t0 = performance.now(); emc.t1 = null; };
  emc.observer = new MutationObserver(() => { if (emc.t1 === null && emc.t0 !== null) emc.t1 = performance.now(); });
  emc.observer.observe(img, {attributes: true, attributeFilter: ['src']});
  document.addEventListener('keydown', emc.onkey, true);
  window.__emc = emc;
}"""


SCRUB = ("iteration", "step", "sample t", "candidate", "image", "after pass", "samples seen")


def sliders_to_measure(explorer, every: bool):
    """(handle, label) of the explorer's scrubbing slider if it has one (the hot path), else its first slider;
    with ``every``, of all its visible sliders."""
    sliders = explorer.locator(".widget-slider:visible")
    found = [(sliders.nth(i).locator(".noUi-handle").first,
              (sliders.nth(i).locator(".widget-label").first.text_content() or "").strip()) for i in range(sliders.count())]
    if every or not found:
        return found
    return [next((f for f in found if f[1].startswith(SCRUB)), found[0])]


def next_key(handle, going_right: bool) -> tuple[str, bool]:
    """The arrow that changes the value: keep the direction until the handle reaches an end, then turn."""
    now, lo, hi = (handle.get_attribute(a) for a in ("aria-valuenow", "aria-valuemin", "aria-valuemax"))
    if now == hi:
        going_right = False
    elif now == lo:
        going_right = True
    return ("ArrowRight" if going_right else "ArrowLeft"), going_right


def measure(page, explorer, handle):
    """Press the arrow keys PRESSES times; return the times (ms) and how many presses showed no new image."""
    page.evaluate(INSTALL, explorer.locator("img").first.element_handle())
    times, missed, going_right = [], 0, True
    for _ in range(PRESSES):
        key, going_right = next_key(handle, going_right)
        handle.focus()
        page.keyboard.press(key)
        try:
            page.wait_for_function("() => window.__emc.t1 !== null && window.__emc.t0 !== null", timeout=WAIT_MS)
        except Exception:  # noqa: BLE001 - playwright's TimeoutError: counted, then the next press
            missed += 1
            continue
        times.append(page.evaluate("() => window.__emc.t1 - window.__emc.t0"))
    return np.array(times), missed


def main(argv=None):
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("prefixes", nargs="*", help="only notebooks whose names start with these (e.g. 08 09 10)")
    parser.add_argument("--all-sliders", action="store_true", help="measure every slider, not only the scrubbing one")
    args = parser.parse_args(argv)
    notebooks = sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")
                       if not args.prefixes or p.name.startswith(tuple(args.prefixes)))
    print(f"# keydown -> new image, measured in the page; {PRESSES} presses per slider "
          f"({'every slider' if args.all_sliders else 'its scrubbing slider, else the first'})")
    print("| notebook | explorer | slider | median (ms) | p90 (ms) | presses without a new image |")
    print("|---|---:|---|---:|---:|---:|")
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
                    for handle, label in sliders_to_measure(ex, args.all_sliders):
                        try:
                            t, missed = measure(page, ex, handle)
                        except Exception as exc:  # noqa: BLE001 - report and go on: a benchmark, not a test
                            print(f"| {nb} | {i} | {label} (failed: {type(exc).__name__}) | – | – | – |", flush=True)
                            continue
                        med, p90 = (f"{np.median(t):.0f}", f"{np.percentile(t, 90):.0f}") if t.size else ("–", "–")
                        print(f"| {nb} | {i} | {label} | {med} | {p90} | {missed} |", flush=True)
                page.close()
        finally:
            browser.close()
            server.stop()


if __name__ == "__main__":
    main()
