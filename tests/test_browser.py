"""The built site in a real browser, with the network cut off.

Headless Chromium (Debian's ``chromium`` package, driven through Playwright's
Python API; Playwright never downloads a browser here) opens the pages that
``make book`` wrote, served from localhost. Every request to another host is
recorded and aborted, so a page that works here works offline. Checks: math
typeset by MathJax, no console errors, no outside request, no missing local
file, crisp figures, the explorer's static fallback reacts to its slider,
and the Chinese search finds the Sigmoid chapter. A screenshot of the Sigmoid
chapter is written to ``_build/screenshots/sigmoid.png``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

import pytest

from tests.site_fixtures import (  # noqa: F401 (fixtures used by name)
    SCREENSHOTS, browser, build_result, built_site, finished_search_results, site_url,
    toc_docnames)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site")]

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
TOC = toc_docnames()
SIGMOID = "book/functions/sigmoid"
#: Milliseconds a page may take to load and typeset on a loaded 2-core machine.
TIMEOUT_MS = 60_000
#: Budget for everything the Sigmoid chapter loads (HTML, figures, MathJax
#: and its fonts, the theme's CSS/JS). Measured 4.0 MB when set; most of it
#: is the theme's icon font script (1.45 MB) and MathJax (1.2 MB).
PAGE_BUDGET_BYTES = 5_000_000


@dataclass
class Visit:
    """A page opened with outside requests blocked, and what happened while it was open."""

    page: object
    blocked: list = field(default_factory=list)
    console_errors: list = field(default_factory=list)
    page_errors: list = field(default_factory=list)
    bad_responses: list = field(default_factory=list)

    def problems(self) -> dict:
        return {key: value for key, value in {
            "requests to other hosts": self.blocked,
            "console errors": self.console_errors,
            "uncaught exceptions": self.page_errors,
            "failed local requests": self.bad_responses,
        }.items() if value}



@pytest.fixture
def open_page(browser, site_url):  # noqa: F811
    """Open a site path in a fresh context whose only reachable host is localhost."""
    contexts = []

    def _open(path: str, *, wait_for_math: bool = True, base: str = site_url,
              viewport: dict | None = None) -> Visit:
        """Open ``base + path``; once loaded, wait for MathJax's first typeset if it is used."""
        context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        visit = Visit(page)

        def route(route):
            url = urlsplit(route.request.url)
            if url.scheme == "file" or url.hostname in LOCAL_HOSTS:
                route.continue_()
            else:
                visit.blocked.append(route.request.url)
                route.abort("blockedbyclient")

        context.route("**/*", route)
        page.on("console", lambda msg: msg.type == "error" and visit.console_errors.append(
            f"{msg.text} @ {msg.location.get('url')}"))
        page.on("pageerror", lambda error: visit.page_errors.append(str(error)))
        page.on("response", lambda response: response.status >= 400 and
                visit.bad_responses.append(f"{response.status} {response.url}"))
        page.goto(base + path, wait_until="load")
        if wait_for_math and page.locator("script[src*='_static/mathjax/']").count():
            # MathJax resolves startup.promise once the first typeset is done.
            page.wait_for_function("() => Boolean(window.MathJax && MathJax.startup"
                                   " && MathJax.startup.promise)")
            page.evaluate("() => MathJax.startup.promise.then(() => true)")
        return visit

    yield _open
    for context in contexts:
        context.close()


@pytest.mark.parametrize("docname", TOC)
def test_page_renders_offline(open_page, docname):
    visit = open_page(f"{docname}.html")
    page = visit.page
    math_sources = page.locator("main .math, main .MathJax_Preview").count()
    typeset = page.locator("main mjx-container").count()
    text = page.locator("main").inner_text()
    assert visit.problems() == {}
    if docname == SIGMOID:
        assert math_sources > 0, "the Sigmoid chapter should contain formulas"
    assert typeset >= math_sources, f"{typeset} typeset of {math_sources} formulas"
    for delimiter in ("\\(", "\\[", "$$"):
        assert delimiter not in text, f"raw TeX {delimiter!r} left in {docname}"


@pytest.mark.parametrize("docname", TOC)
def test_figures_are_crisp(open_page, docname):
    """Every image is SVG or carries at least twice the pixels it is shown with."""
    page = open_page(f"{docname}.html").page
    blurry = page.evaluate("""() => Array.from(document.querySelectorAll('main img'))
        .filter(img => img.clientWidth > 0)
        .filter(img => !/\\.svg(\\?|$)/.test(img.currentSrc)
                       && img.naturalWidth < 2 * img.clientWidth)
        .map(img => `${img.currentSrc} ${img.naturalWidth}px shown at ${img.clientWidth}px`)""")
    assert blurry == []


def test_sigmoid_screenshot(open_page):
    visit = open_page(f"{SIGMOID}.html")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / "sigmoid.png"
    visit.page.screenshot(path=str(target), full_page=False)
    assert target.stat().st_size > 10_000
    assert visit.problems() == {}


def test_sigmoid_page_weight_within_budget(open_page):
    """Sum what the page loaded (decoded sizes, from the browser's own timing API).

    The total and its largest parts are written to
    ``_build/screenshots/sigmoid-weight.json`` for the record.
    """
    visit = open_page(f"{SIGMOID}.html")
    entries = visit.page.evaluate("""() => [
        ...performance.getEntriesByType('navigation'),
        ...performance.getEntriesByType('resource'),
    ].map(e => ({url: e.name, bytes: e.decodedBodySize}))""")
    total = sum(entry["bytes"] for entry in entries)
    largest = sorted(entries, key=lambda entry: -entry["bytes"])[:8]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    record = {"requests": len(entries), "bytes": total, "largest": largest}
    (SCREENSHOTS / "sigmoid-weight.json").write_text(json.dumps(record, indent=2))
    assert len(entries) > 5 and total > 100_000, "the timing API reported nothing"
    assert total <= PAGE_BUDGET_BYTES, record
    assert visit.problems() == {}


#: Chapters whose interactive section is an activations.widgets explorer.
EXPLORER_PAGES = [name for name in TOC if name.startswith("book/functions/")]


@pytest.mark.parametrize("docname", EXPLORER_PAGES)
def test_explorer_fallback_responds_without_a_kernel(open_page, docname):
    """Every slider of the page's explorer moves its curve and its readout."""
    visit = open_page(f"{docname}.html")
    page = visit.page
    explorer = page.locator("main .act-explorer").first
    explorer.scroll_into_view_if_needed()
    sliders = explorer.locator("input[type=range]")
    curve = explorer.locator("path.act-value").first
    readout = explorer.locator(".act-explorer-readout").first
    assert sliders.count() > 0, f"{docname}: the explorer has no slider"
    for i in range(sliders.count()):
        slider = sliders.nth(i)
        before = (slider.input_value(), curve.get_attribute("d"), readout.inner_text())
        # A real mouse click near the slider's end, as a reader would drag it.
        box = slider.bounding_box()
        page.mouse.click(box["x"] + 0.9 * box["width"], box["y"] + box["height"] / 2)
        page.wait_for_function("([el, old]) => el.innerText !== old",
                               arg=[readout.element_handle(), before[2]])
        after = (slider.input_value(), curve.get_attribute("d"), readout.inner_text())
        assert after[0] != before[0], f"{docname}: slider {i} did not move"
        assert after[1] != before[1], f"{docname}: slider {i} did not change the curve"
        assert after[2] != before[2], f"{docname}: slider {i} did not change the readout"
    if docname == SIGMOID:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        explorer.screenshot(path=str(SCREENSHOTS / "sigmoid-explorer.png"))
    assert visit.problems() == {}


def test_chinese_search_finds_the_sigmoid_chapter(open_page):
    visit = open_page(f"search.html?q={quote('饱和')}", wait_for_math=False)
    hrefs = finished_search_results(visit.page)
    assert any(f"{SIGMOID}.html" in href for href in hrefs), hrefs
    assert visit.problems() == {}


def test_site_reads_straight_from_disk(open_page, built_site):  # noqa: F811
    """README: open _build/html/index.html in a browser, no server, no network."""
    base = built_site.as_uri() + "/"
    start = open_page("index.html", base=base, wait_for_math=False)
    start.page.wait_for_url("**/book/intro.html")
    chapter = open_page(f"{SIGMOID}.html", base=base)
    assert chapter.page.locator("main mjx-container").count() > 0
    search = open_page(f"search.html?q={quote('饱和')}", base=base, wait_for_math=False)
    hrefs = finished_search_results(search.page)
    assert any(f"{SIGMOID}.html" in href for href in hrefs), hrefs
    for visit in (start, chapter, search):
        assert visit.problems() == {}
