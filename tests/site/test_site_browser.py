"""Every page of the course website opened from ``file://`` in Debian's Chromium, as a reader opens
``site/index.html``: no console error, no request outside the site's folder, maths rendered, every figure
and explorer shown with alt text, headings in order; a phone-width (390 px) page has no horizontal overflow.
"""
from __future__ import annotations

import json

import pytest
from tests.site.conftest import SitePage, build_script

pytestmark = [pytest.mark.site, pytest.mark.browser]

PAGES = ["index"] + [p.stem for p in build_script.sources()]
PHONE = {"width": 390, "height": 844}
SHOT = next((page for page in PAGES if page.startswith("01_")), PAGES[-1])   # kept in test-artifacts/ to look at

HEADINGS = """() => [...document.querySelectorAll('article.bd-article :is(h1,h2,h3,h4,h5,h6)')]
                   .map(h => Number(h.tagName[1]))"""
# pictures, equations, code and tables that stick out of a phone screen without a scroll box of their own
CUT_OFF = """() => { const W = window.innerWidth, out = [];
  for (const el of document.querySelectorAll('article.bd-article :is(mjx-container > svg, img, pre, table, .admonition)')) {
    let box = el;
    for (let a = el; a && !a.matches('article.bd-article'); a = a.parentElement) {
      const o = getComputedStyle(a).overflowX; if (o === 'auto' || o === 'scroll') { box = a; break; } }
    const r = box.getBoundingClientRect();
    if (r.width > 0 && (r.right > W + 1 || r.left < -1))
      out.push(`${el.tagName} ${Math.round(r.left)}..${Math.round(r.right)} px: ${(el.textContent || '').slice(0, 40)}`); }
  return out; }"""
IMAGES = """() => [...document.querySelectorAll('article.bd-article img')].map(img => ({
                   alt: img.getAttribute('alt') || '', loaded: img.complete && img.naturalWidth > 0,
                   visible: img.getBoundingClientRect().width > 0}))"""


def expected_pictures(site, page: str) -> int:
    """The figures and explorers the executed notebook displays (0 for a markdown page)."""
    path = site.executed(page)
    if not path.exists():
        return 0
    count = 0
    for cell in json.loads(path.read_text())["cells"]:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            count += "image/png" in data or "emcourse-explorer-static" in "".join(data.get("text/html", ""))
    return count


def has_math(site, page: str) -> bool:
    source = site.work / "src" / (f"{page}.md" if page == "index" else next(
        p.name for p in build_script.sources() if p.stem == page))
    text = source.read_text()
    if source.suffix == ".ipynb":
        text = "".join("".join(c["source"]) for c in json.loads(text)["cells"] if c["cell_type"] == "markdown")
    return "$" in text


@pytest.fixture
def reader(site, site_browser, request):
    view = SitePage(site_browser, site.root, **request.param) if hasattr(request, "param") else \
        SitePage(site_browser, site.root, 1280, 900)
    yield view
    view.close()


def assert_clean(view, page):
    assert view.errors == [], f"{page}: console errors: {view.errors}"
    assert view.outside == [], f"{page}: requests outside the site: {view.outside}"
    assert view.failed == [], f"{page}: failed loads: {view.failed}"


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_offline_with_maths_figures_and_headings_in_order(site, reader, page):
    reader.open(f"{page}.html")
    p = reader.page
    assert_clean(reader, page)
    text = p.locator("article.bd-article").inner_text()
    assert "$$" not in text and "\\begin{" not in text, "raw LaTeX on the page"
    assert p.locator("mjx-merror, mjx-container [data-mjx-error]").count() == 0, "a MathJax error"
    if has_math(site, page):
        assert p.locator("article.bd-article mjx-container").count() > 0, "maths not rendered"
    images = p.evaluate(IMAGES)
    assert sum(im["loaded"] and im["visible"] for im in images) >= expected_pictures(site, page)
    assert all(im["alt"].strip() for im in images), f"images without alt text: {images}"
    levels = p.evaluate(HEADINGS)
    assert levels[0] == 1 and levels.count(1) == 1, f"one h1 first: {levels}"
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), f"a heading level skipped: {levels}"


@pytest.mark.parametrize("reader", [PHONE], indirect=True)
@pytest.mark.parametrize("page", PAGES)
def test_page_fits_a_phone_screen(site, reader, page):
    reader.open(f"{page}.html")
    assert_clean(reader, page)
    width = reader.page.evaluate("() => document.documentElement.scrollWidth")
    shot = reader.screenshot(f"site-phone-{page}.png") if page == SHOT else None
    assert width <= PHONE["width"], f"{page} is {width} px wide on a {PHONE['width']} px screen {shot or ''}"
    assert reader.page.evaluate(CUT_OFF) == [], f"{page}: cut off on a phone {shot or ''}"


def test_search_finds_lessons_offline(site, reader):
    reader.open("search.html", "?q=likelihood")
    reader.page.wait_for_selector("#search-results ul.search li", timeout=30_000)
    assert reader.page.locator("#search-results ul.search li").count() >= 2
    assert_clean(reader, "search")


def test_solutions_stay_folded_until_opened(site, reader):
    page = next(name for name in PAGES if name != "index" and (site.root / f"{name}.html").read_text().count("<details>"))
    reader.open(f"{page}.html")
    fold = reader.page.locator("article.bd-article details").first
    solution = fold.locator("pre").first
    assert not solution.is_visible()
    fold.locator("summary").click()
    assert solution.is_visible()
