"""Every notebook, run the way a student runs it in JupyterLab, and every explorer operated by keyboard/mouse.

For each notebook: open it, Run All from the Run menu, wait until every code cell has an execution
number and the kernel is idle; then no error outputs, no "Error displaying widget", no browser console
errors and no request to anywhere but 127.0.0.1. Then every explorer: each slider moved with the arrow
keys, each dropdown changed, each button pressed; its image and its text readout must change.
On failure the screenshot and console log paths are in the error message.
"""
from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from tests.browser.labserver import run_all

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"

pytestmark = pytest.mark.browser
NOTEBOOK_NAMES = sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


@contextlib.contextmanager
def artifacts_on_failure(lab):
    try:
        yield
    except BaseException as exc:
        raise AssertionError(f"{exc}\n{lab.save_artifacts()}") from exc


def assert_clean(lab):
    page = lab.page
    errors = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
    assert errors.count() == 0, "error/stderr outputs:\n" + "\n---\n".join(errors.all_inner_texts())[:3000]
    assert "Error displaying widget" not in page.locator(".jp-NotebookPanel").inner_text()
    assert lab.errors == [], f"browser console errors: {lab.errors}"
    assert lab.blocked == [], f"requests to non-loopback addresses: {lab.blocked}"


def wait_changed(page, img, readout, old_src, old_text):
    try:
        page.wait_for_function("([img, el, src, text]) => img.getAttribute('src') !== src && el.innerText !== text",
                               arg=[img.element_handle(), readout.element_handle(), old_src, old_text], timeout=30_000)
    except Exception:
        img_changed = img.get_attribute("src") != old_src
        text_changed = readout.inner_text() != old_text
        raise AssertionError(f"after 30 s: image changed: {img_changed}, readout changed: {text_changed}; "
                             f"readout now:\n{readout.inner_text()}") from None


def operate_explorer(lab, ex, index):
    """Move every control of one explorer; return how many controls were operated."""
    page = lab.page
    img = ex.locator("img").first
    readout = ex.locator(".widget-html-content").last   # stable container: its <pre> is replaced on update
    operated = 0
    tabs = ex.locator(".lm-TabBar-tab")
    for t in range(max(1, tabs.count())):
        if tabs.count():
            tabs.nth(t).click()
        for h in range(ex.locator(".noUi-handle:visible").count()):
            handle = ex.locator(".noUi-handle:visible").nth(h)
            at_max = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
            old_src, old_text = img.get_attribute("src"), readout.inner_text()
            handle.focus()
            page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")
            try:
                wait_changed(page, img, readout, old_src, old_text)
            except AssertionError as exc:
                label = handle.locator("xpath=ancestor::div[contains(@class,'widget-slider')]").first.inner_text()
                raise AssertionError(f"explorer {index}, slider {h} (tab {t}, {label!r}): {exc}") from None
            operated += 1
        for s in range(ex.locator("select:visible").count()):
            select = ex.locator("select:visible").nth(s)
            n_options = select.locator("option").count()
            current = select.evaluate("s => s.selectedIndex")
            old_src, old_text = img.get_attribute("src"), readout.inner_text()
            select.select_option(index=(current + 1) % n_options)
            try:
                wait_changed(page, img, readout, old_src, old_text)
            except AssertionError as exc:
                raise AssertionError(f"explorer {index}, dropdown {s}: {exc}") from None
            operated += 1
        players = ex.locator(".widget-play:visible")
        for k in range(players.count()):            # a Play widget: press play, see frames change, then pause
            buttons = players.nth(k).locator("button")
            old_src, old_text = img.get_attribute("src"), readout.inner_text()
            buttons.nth(0).click()
            try:
                wait_changed(page, img, readout, old_src, old_text)
            except AssertionError as exc:
                raise AssertionError(f"explorer {index}, play button {k}: {exc}") from None
            buttons.nth(1).click()
            operated += 1
        plain_buttons = ex.locator("button.jupyter-button:visible:not(.widget-play button)")
        for b in range(plain_buttons.count()):
            button = plain_buttons.nth(b)
            old_src, old_text = img.get_attribute("src"), readout.inner_text()
            button.click()
            try:
                wait_changed(page, img, readout, old_src, old_text)
            except AssertionError as exc:
                raise AssertionError(f"explorer {index}, button {b}: {exc}") from None
            operated += 1
    return operated


@pytest.mark.parametrize("notebook", NOTEBOOK_NAMES)
def test_notebook_runs_and_every_explorer_responds(lab_page, notebook):
    lab = lab_page
    with artifacts_on_failure(lab):
        run_all(lab.page, lab.url(notebook))
        assert_clean(lab)
        explorers = lab.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .emcourse-explorer")
        for i in range(explorers.count()):
            ex = explorers.nth(i)
            ex.scroll_into_view_if_needed()
            assert ex.locator("img").first.get_attribute("src", timeout=30_000), f"explorer {i} shows no image"
            assert operate_explorer(lab, ex, i) > 0, f"explorer {i} has no control the test could operate"
        assert_clean(lab)
