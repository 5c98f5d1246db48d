"""The site as a reader's screen shows it: a phone's width, one search control, folded deep dives.

* No page of the book is wider than a 390-px phone screen: every element either
  fits or sits inside a box that scrolls sideways on its own (display math,
  code, tables).
* One search control is visible per page, on a phone and on a desktop.
* Optional deep dives (sections titled 深入…, book/_ext/deep_dive.py) start
  folded and open with their button.
"""

from __future__ import annotations

import pytest

from tests.site_fixtures import (  # noqa: F401 (fixtures used by name)
    SCREENSHOTS, build_result, built_site, site_url)
from tests.test_browser import TOC, browser, open_page  # noqa: F401 (fixtures used by name)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site")]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

_OVERFLOW = """() => {
  const limit = window.innerWidth + 1;
  const scrollsItself = el => {
    for (let p = el; p && p !== document.body; p = p.parentElement) {
      const x = getComputedStyle(p).overflowX;
      if (x === 'auto' || x === 'scroll' || x === 'hidden') return true;
    }
    return false;
  };
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.offsetParent === null) continue;
    const right = el.getBoundingClientRect().right;
    if (right > limit && !scrollsItself(el)) {
      wide.push(`${el.tagName.toLowerCase()}.${String(el.className.baseVal ?? el.className)
        .slice(0, 30)} ends at ${Math.round(right)}px: ${(el.textContent || '').slice(0, 40)}`);
    }
  }
  return {pageWidth: document.documentElement.scrollWidth, wide: wide.slice(0, 10)};
}"""

_VISIBLE_SEARCH = """() => Array.from(document.querySelectorAll(
    'form.bd-search, .search-button-field, button.search-button, input[type=search]'))
  .filter(el => el.offsetParent !== null && el.getBoundingClientRect().width > 0).length"""


def view(open_page, path: str, viewport: dict):
    """The page at ``path`` in a browser window of ``viewport`` (outside hosts blocked)."""
    page = open_page(path, viewport=viewport).page
    page.wait_for_timeout(300)   # let the theme lay the page out
    return page


@pytest.mark.parametrize("docname", TOC)
def test_no_page_is_wider_than_a_phone(open_page, docname):
    page = view(open_page, f"{docname}.html", PHONE)
    layout = page.evaluate(_OVERFLOW)
    assert layout["pageWidth"] <= PHONE["width"] + 1, layout
    assert layout["wide"] == [], layout


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("docname", [TOC[0], "book/functions/sigmoid", "book/appendix/api"])
def test_one_search_control_per_page(open_page, docname, viewport):
    page = view(open_page, f"{docname}.html", viewport)
    assert page.evaluate(_VISIBLE_SEARCH) == 1


def test_deep_dives_start_folded_and_open_on_click(open_page):
    pages_with_dives = []
    for docname in TOC:
        if not docname.startswith("book/functions/"):
            continue
        page = view(open_page, f"{docname}.html", DESKTOP)
        if page.locator("section.deep-dive").count():
            pages_with_dives.append(docname)
            section = page.locator("section.deep-dive").first
            body = section.locator(":scope > .deep-dive-body")
            button = section.locator("button.deep-dive-toggle").first
            assert body.count() == 1 and not body.is_visible(), f"{docname}: not folded"
            button.click()
            assert body.is_visible(), f"{docname}: the button did not open the deep dive"
            button.click()
            assert not body.is_visible(), f"{docname}: the button did not fold it again"
    assert pages_with_dives, "no Part II page has a 深入 section"


def test_phone_screenshot_of_a_chapter(open_page):
    page = view(open_page, "book/functions/sigmoid.html", PHONE)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / "sigmoid-phone.png"
    page.screenshot(path=str(target), full_page=False)
    assert target.stat().st_size > 5_000
