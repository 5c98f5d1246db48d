"""The built site: every toc page exists, executed cleanly, and needs no network.

The book is built once per run by ``make book`` (see ``tests/site_fixtures.py``);
these tests read the HTML it wrote. What a browser does with it is checked in
``tests/test_browser.py``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest
from bs4 import BeautifulSoup

from tests.site_fixtures import ROOT, build_result, built_site, toc_docnames  # noqa: F401

pytestmark = [pytest.mark.site, pytest.mark.xdist_group("site")]

TOC = toc_docnames()
SIGMOID = "book/functions/sigmoid"

#: Tags and attributes through which a page makes the browser fetch something.
FETCHING = {"script": "src", "link": "href", "img": "src", "iframe": "src",
            "source": "src", "video": "src", "audio": "src", "embed": "src",
            "object": "data"}
#: ``<link rel=...>`` values that only name another page (no fetch on load).
NAVIGATION_RELS = {"index", "search", "next", "prev", "canonical", "author", "license", "help"}


def page(site: Path, docname: str) -> BeautifulSoup:
    return BeautifulSoup((site / f"{docname}.html").read_text(encoding="utf-8"), "html.parser")


def fetched_urls(soup: BeautifulSoup):
    """Yield (tag, url) for every resource the page loads when opened."""
    for tag, attribute in FETCHING.items():
        for element in soup.find_all(tag):
            url = element.get(attribute)
            if not url:
                continue
            if tag == "link" and NAVIGATION_RELS & set(element.get("rel") or ()):
                continue
            yield tag, url


def is_remote(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.netloc) or parts.scheme not in ("", "data", "blob")


def test_make_book_succeeds(build_result):  # noqa: F811
    assert build_result.returncode == 0, build_result.log[-4000:]
    assert "build succeeded" in build_result.log
    # -W turns Sphinx warnings into errors; --keep-going would still list them here.
    assert not re.search(r"\bWARNING:", build_result.log), build_result.log[-4000:]


@pytest.mark.parametrize("docname", TOC)
def test_toc_entry_has_a_page_without_execution_errors(built_site, docname):  # noqa: F811
    soup = page(built_site, docname)
    main = soup.find("main") or soup
    assert main.find(["h1"]), f"{docname}: page has no title"
    for cell in main.select("div.cell"):
        if "tag_raises-exception" in cell.get("class", ()):
            continue  # a cell that demonstrates an exception on purpose
        assert not cell.select(".output.traceback, .output.error"), (
            f"{docname}: a cell output shows an error:\n{cell.get_text()[:2000]}")
        assert "Traceback (most recent call last)" not in cell.get_text(), docname


def test_every_notebook_is_in_the_toc():
    """A notebook missing from _toc.yml is neither built nor read; catch it."""
    notebooks = {str(path.relative_to(ROOT).with_suffix(""))
                 for path in (ROOT / "book").rglob("*.ipynb")
                 if ".ipynb_checkpoints" not in path.parts}
    assert notebooks <= set(TOC), sorted(notebooks - set(TOC))


def test_no_page_fetches_anything_from_another_host(built_site):  # noqa: F811
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) >= len(TOC)
    remote = [(str(path.relative_to(built_site)), tag, url)
              for path in pages
              for tag, url in fetched_urls(BeautifulSoup(path.read_text("utf-8"), "html.parser"))
              if is_remote(url)]
    assert remote == []


def test_stylesheets_import_nothing_remote(built_site):  # noqa: F811
    remote = re.compile(r"""(?:url\(|@import\s+)\s*["']?\s*(?:https?:)?//""", re.I)
    offenders = [str(css.relative_to(built_site)) for css in built_site.rglob("*.css")
                 if remote.search(css.read_text("utf-8", errors="replace"))]
    assert offenders == []


@pytest.mark.parametrize("docname", TOC)
def test_every_local_resource_of_a_page_exists(built_site, docname):  # noqa: F811
    path = built_site / f"{docname}.html"
    missing = []
    for tag, url in fetched_urls(page(built_site, docname)):
        if is_remote(url) or url.startswith(("data:", "blob:")):
            continue
        target = (path.parent / urlsplit(url).path).resolve()
        if not target.is_file():
            missing.append((tag, url))
    assert missing == []


def test_mathjax_and_widget_manager_are_served_by_the_site(built_site):  # noqa: F811
    scripts = [url for tag, url in fetched_urls(page(built_site, SIGMOID)) if tag == "script"]
    mathjax = [url for url in scripts if "mathjax" in url.lower()]
    assert mathjax and all(url.startswith("../../_static/mathjax/") for url in mathjax), scripts
    for url in scripts:
        if "widget" in url.lower() or "embed" in url.lower():
            assert url.startswith("../../_static/ipywidgets/"), url
    assert (built_site / "_static" / "ipywidgets" / "embed.js").is_file()


@pytest.mark.parametrize("docname", TOC)
def test_widget_manager_loads_only_where_a_widget_is_shown(built_site, docname):  # noqa: F811
    """The 1.9 MB embed manager is for pages showing a widget view, not fallbacks."""
    soup = page(built_site, docname)
    shows_widget = bool(soup.select('script[type="application/vnd.jupyter.widget-view+json"]'))
    loads_manager = any("_static/ipywidgets/" in url for tag, url in fetched_urls(soup))
    assert loads_manager == shows_widget


def _search_index(site: Path) -> dict:
    text = (site / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1: text.rindex(")")])


def _documents_with(index: dict, word: str) -> set[str]:
    """Docnames whose body or section titles contain ``word`` as an indexed term.

    Sphinx lists a page under ``titleterms`` instead of ``terms`` when the word
    is also in one of its headings, so both tables count.
    """
    found = set()
    for table in ("terms", "titleterms"):
        hits = index[table].get(word, [])
        found.update(index["docnames"][i] for i in (hits if isinstance(hits, list) else [hits]))
    return found


def test_chinese_search_index_finds_saturation_in_the_sigmoid_chapter(built_site):  # noqa: F811
    index = _search_index(built_site)
    # 饱和 only becomes a term if jieba segments the Chinese text into words.
    assert SIGMOID in _documents_with(index, "饱和")


def test_pages_are_declared_chinese(built_site):  # noqa: F811
    for docname in TOC:
        assert page(built_site, docname).html.get("lang") == "zh-CN", docname


def test_notebook_pages_offer_download_and_fullscreen(built_site):  # noqa: F811
    notebooks = [name for name in TOC if (ROOT / f"{name}.ipynb").is_file()]
    assert SIGMOID in notebooks
    for docname in notebooks:
        soup = page(built_site, docname)
        assert soup.select_one("button.btn-fullscreen-button, [onclick*=toggleFullScreen]"), docname
        links = [a["href"] for a in soup.select(".dropdown-download-buttons a[href]")]
        ipynb = [href for href in links if href.endswith(".ipynb")]
        assert ipynb, f"{docname}: no .ipynb download link in {links}"
        target = (built_site / docname).parent / ipynb[0]
        notebook = nbformat.read(target, as_version=4)  # a valid notebook, not a stub
        assert notebook.cells
