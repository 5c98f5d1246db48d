"""The site's search, asked what a Chinese reader types, in a real browser.

Headless Chromium (as in ``tests/test_browser.py``, all outside requests
aborted) opens ``search.html?q=…`` for every query of :data:`QUERIES`, once
served over http and once straight from disk (``file://``), and reads the
result list in the order the reader sees it. Each query names the page it
must find among the first three results: glossary terms (the chapter the
glossary says first explains them), chapter and section titles, activation
names and aliases (their chapter), compound and mixed Chinese/English
queries. The shares found first and in the top three are written to
``_build/search-queries.json``.

The same measurement for any built site, e.g. an older build:
``.venv/bin/python -m tests.test_search path/to/_build/html``.
"""

from __future__ import annotations

import json
import re
import sys
from contextlib import contextmanager
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path
from threading import Thread
from urllib.parse import quote, unquote, urlsplit

import pytest
from playwright.sync_api import sync_playwright

from tests.book_sources import glossary_first_seen
from tests.site_fixtures import (  # noqa: F401 (fixtures used by name)
    SEARCH_RESULT_LINKS, BUILD, _QuietHandler, browser, build_result, built_site,
    finished_search_results, launch_chromium, site_url)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site")]

WHY, FUNCTIONS, APPENDIX = "book/why/", "book/functions/", "book/appendix/"
NONLINEARITY, GRADIENT_FLOW, RNN_GATING = (
    WHY + "nonlinearity", WHY + "gradient-flow", WHY + "rnn-gating")
SIGMOID, TANH, RELU, LEAKY_RELU, PRELU, SOFTMAX, SWISH, GELU, SELU, GLU = (
    FUNCTIONS + name for name in
    ("sigmoid", "tanh", "relu", "leaky-relu", "prelu", "softmax", "swish", "gelu", "selu", "glu"))
SUMMARY = "book/summary"

#: Glossary terms a reader types, Chinese and English. Each must find the page
#: the glossary names as first explaining it (首见), read from the glossary
#: itself, so the test follows the book when a chapter is rewritten.
GLOSSARY_TERMS = [
    "激活函数", "仿射变换", "线性区域", "分段线性", "预激活", "梯度消失", "梯度爆炸", "学习率", "优化器", "泛化", "自归一化", "门控",
    "遗忘门", "随时间反向传播", "长短期记忆网络", "门控循环单元", "拐点", "次微分", "交叉熵", "雅可比矩阵", "可学习参数", "次正规数", "上溢",
    "下溢", "数值稳定", "反向传播", "大语言模型", "隐藏宽度", "半精度",
]
GLOSSARY_TERMS_EN = [
    "vanishing gradient", "exploding gradient", "hyperbolic tangent", "cross-entropy",
    "forget gate", "vector-Jacobian product", "subnormal number", "dying ReLU",
]
FIRST_SEEN = glossary_first_seen()

#: (query, the page it must list in its top three, what kind of query it is).
QUERIES = [(term, FIRST_SEEN[term], "glossary") for term in GLOSSARY_TERMS] + [
    (term, FIRST_SEEN[term], "glossary, English") for term in GLOSSARY_TERMS_EN] + [
    # Single-character technical words (Sphinx alone drops them).
    ("熵", SOFTMAX, "single character"),
    ("秩", NONLINEARITY, "single character"),
    # Chapter titles.
    ("为什么需要激活函数", NONLINEARITY, "chapter title"),
    ("梯度的流动", GRADIENT_FLOW, "chapter title"),
    ("循环网络中的门控", RNN_GATING, "chapter title"),
    ("比较与选择", SUMMARY, "chapter title"),
    ("实验方法", APPENDIX + "methods", "chapter title"),
    ("术语表", APPENDIX + "glossary", "chapter title"),
    # Section titles (whole, or the words a reader would take from them).
    ("线性层的叠加会塌缩", NONLINEARITY, "section title"),
    ("万能逼近", NONLINEARITY, "section title"),
    ("决策边界", NONLINEARITY, "section title"),
    ("初始化要与激活函数配对", GRADIENT_FLOW, "section title"),
    ("梯度消失与梯度爆炸", GRADIENT_FLOW, "section title"),
    ("细胞状态有界", RNN_GATING, "section title"),
    ("记忆任务", RNN_GATING, "section title"),
    ("稀疏激活", RELU, "section title"),
    ("温度", SOFTMAX, "section title"),
    ("无穷大的约定", SOFTMAX, "section title"),
    ("两个近似常数从哪里来", GELU, "section title"),
    ("与 Leaky ReLU、ReLU 的关系", PRELU, "section title"),
    ("真实数据上的比较", SUMMARY, "section title"),
    ("深层网络与自归一化", SUMMARY, "section title"),
    ("性质总表", SUMMARY, "section title"),
    ("Lambert W 函数", SWISH, "section title"),
    # Activation names, Chinese names and aliases: their chapter.
    ("sigmoid", SIGMOID, "name"),
    ("logistic", SIGMOID, "alias"),
    ("逻辑函数", SIGMOID, "Chinese name"),
    ("tanh", TANH, "name"),
    ("双曲正切", TANH, "Chinese name"),
    ("ReLU", RELU, "name"),
    ("修正线性单元", RELU, "Chinese name"),
    ("rectifier", RELU, "alias"),
    ("Leaky ReLU", LEAKY_RELU, "name"),
    ("leaky_relu", LEAKY_RELU, "name"),
    ("LeakyReLU", LEAKY_RELU, "alias"),
    ("PReLU", PRELU, "name"),
    ("参数化修正线性单元", PRELU, "Chinese name"),
    ("softmax", SOFTMAX, "name"),
    ("归一化指数函数", SOFTMAX, "Chinese name"),
    ("Swish", SWISH, "name"),
    ("SiLU", SWISH, "alias"),
    ("gelu", GELU, "name"),
    ("高斯误差线性单元", GELU, "Chinese name"),
    ("SELU", SELU, "name"),
    ("缩放指数线性单元", SELU, "Chinese name"),
    ("SwiGLU", GLU, "name"),
    ("GeGLU", GLU, "name"),
    ("ReGLU", GLU, "name"),
    ("门控线性单元", GLU, "Chinese name"),
    # Mixed Chinese/English and compound queries.
    ("ReLU 死亡", RELU, "mixed"),
    ("GELU 近似", GELU, "mixed"),
    ("Sigmoid 饱和", SIGMOID, "mixed"),
    ("softmax 温度", SOFTMAX, "mixed"),
    ("LSTM 遗忘门", RNN_GATING, "mixed"),
    ("SELU 不动点", SELU, "mixed"),
    ("Swish 非单调", SWISH, "mixed"),
    ("He 初始化", RELU, "mixed"),
    ("Leaky ReLU 斜率", LEAKY_RELU, "mixed"),
    ("log-softmax 雅可比矩阵", SOFTMAX, "mixed"),
    ("梯度消失问题", GRADIENT_FLOW, "compound"),
    ("死亡单元", GRADIENT_FLOW, "compound"),
    ("tanh的饱和", TANH, "compound"),
]

#: Not in the book: the page must say so and offer indexed words instead.
MISSPELLED = ("sigmiod", "sigmoid")

TIMEOUT_MS = 60_000


class SearchPage:
    """One browser tab on the site's search page; everything outside the site is aborted."""

    def __init__(self, browser, base: str):
        self.base = base
        self.context = browser.new_context()
        self.problems: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.page.on("console", lambda msg: msg.type == "error" and self.problems.append(
            f"console error: {msg.text}"))
        self.page.on("pageerror", lambda error: self.problems.append(f"exception: {error}"))

    def _route(self, route):
        url = urlsplit(route.request.url)
        if url.scheme == "file" or url.hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            self.problems.append(f"outside request: {route.request.url}")
            route.abort("blockedbyclient")

    def search(self, query: str) -> list[str]:
        """Docnames of the results, in the order shown (one entry per result line)."""
        # The search runs once the page (and searchindex.js) is parsed; no need
        # to wait for fonts and images.
        self.page.goto(f"{self.base}search.html?q={quote(query)}", wait_until="domcontentloaded")
        return [docname_of(href) for href in finished_search_results(self.page)]

    def close(self):
        self.context.close()


def docname_of(href: str) -> str:
    """``book/functions/relu.html#anchor`` -> ``book/functions/relu``."""
    return re.sub(r"\.html$", "", unquote(href.split("#")[0]))


def rank_all(search, queries=QUERIES) -> list[dict]:
    """Each query with its expected page's 1-based rank among the results (None if absent)."""
    ranked = []
    for query, expected, kind in queries:
        docnames = search(query)
        rank = docnames.index(expected) + 1 if expected in docnames else None
        ranked.append({"query": query, "expected": expected, "kind": kind, "rank": rank,
                       "results": len(docnames), "top3": docnames[:3]})
    return ranked


def shares(ranked: list[dict]) -> dict:
    """How many queries, and the share with the expected page first and in the top three."""
    count = len(ranked)
    first = sum(1 for row in ranked if row["rank"] == 1)
    top3 = sum(1 for row in ranked if row["rank"] is not None and row["rank"] <= 3)
    return {"queries": count, "top1": first, "top3": top3,
            "top1_share": round(first / count, 3), "top3_share": round(top3 / count, 3)}



@pytest.fixture(params=["http", "file"])
def search_page(request, browser, site_url, built_site):  # noqa: F811
    base = site_url if request.param == "http" else built_site.as_uri() + "/"
    tab = SearchPage(browser, base)
    yield tab
    tab.close()


def test_queries_find_their_page_in_the_top_three(search_page):
    ranked = rank_all(search_page.search)
    summary = shares(ranked)
    protocol = urlsplit(search_page.base).scheme
    record = BUILD / "search-queries.json"
    previous = json.loads(record.read_text(encoding="utf-8")) if record.exists() else {}
    previous[protocol] = {"summary": summary, "queries": ranked}
    record.write_text(json.dumps(previous, ensure_ascii=False, indent=1), encoding="utf-8")
    missed = [f"{row['query']!r}: {row['expected']} ranked {row['rank']}, top 3 {row['top3']}"
              for row in ranked if row["rank"] is None or row["rank"] > 3]
    assert missed == [], f"{summary}\n" + "\n".join(missed)
    assert search_page.problems == []


def test_query_list_is_large_and_varied():
    assert len(QUERIES) >= 60
    assert len({query for query, _, _ in QUERIES}) == len(QUERIES), "a query is listed twice"
    kinds = {kind.split(",")[0] for _, _, kind in QUERIES}
    assert {"glossary", "chapter title", "section title", "name", "alias",
            "mixed", "compound"} <= kinds


def test_no_results_suggests_indexed_words(search_page):
    typo, meant = MISSPELLED
    assert search_page.search(typo) == []
    page = search_page.page
    advice = page.locator(".book-search-suggestions")
    assert typo in advice.inner_text()
    suggestions = advice.locator("a")
    offered = [suggestions.nth(i).inner_text() for i in range(suggestions.count())]
    assert meant in offered, offered
    # Following the suggestion is a search that finds the chapter.
    advice.get_by_text(meant, exact=True).click()
    page.wait_for_url(f"**/search.html?q={meant}")
    hrefs = finished_search_results(page)
    assert docname_of(hrefs[0]) == SIGMOID, hrefs
    assert search_page.problems == []


def test_words_never_found_together_are_offered_one_by_one(search_page, built_site):  # noqa: F811
    # Two indexed section words, each on one page only, and not the same page
    # (taken from the built index, so the test follows the chapters' wording).
    pages = index_pages(built_site)
    def has_indexed_part(word):
        # A compound whose parts are indexed also matches pages holding all the parts.
        return any(word[i:j] in pages for i in range(len(word))
                   for j in range(i + 1, len(word) + 1) if j - i < len(word))

    single = sorted((word for word, docs in pages.items()
                     if len(docs) == 1 and len(word) >= 3 and HAN_WORD.fullmatch(word)
                     and not has_indexed_part(word)),
                    key=lambda word: (-len(word), word))
    first = single[0]
    second = next(word for word in single if pages[word] != pages[first])
    assert search_page.search(f"{first} {second}") == []
    advice = search_page.page.locator(".book-search-suggestions a")
    assert [advice.nth(i).inner_text() for i in range(advice.count())] == [first, second]
    assert search_page.problems == []


@pytest.mark.parametrize("docname", [GRADIENT_FLOW, SOFTMAX, RNN_GATING])
def test_a_section_title_leads_to_the_section(search_page, built_site, docname):  # noqa: F811
    """The page's longest all-Chinese section title, searched whole, lists that section first."""
    index = read_index(built_site)
    number = index["docnames"].index(docname)
    sections = [title for title, places in index["alltitles"].items()
                if HAN_WORD.fullmatch(title) and len(title) >= 4
                and [doc for doc, anchor in places] == [number]
                and all(anchor for _, anchor in places)]
    assert sections, f"{docname} has no all-Chinese section title of its own"
    section = max(sections, key=lambda title: (len(title), title))
    search_page.search(section)
    first = search_page.page.locator(SEARCH_RESULT_LINKS).first
    assert docname_of(first.get_attribute("href")) == docname, section
    assert "#" in first.get_attribute("href"), f"{section}: the link should open the section"
    assert section in first.inner_text()


def test_api_entries_come_after_the_chapters(search_page):
    docnames = search_page.search("sigmoid")
    api = [i for i, name in enumerate(docnames) if name == APPENDIX + "api"]
    prose = [i for i, name in enumerate(docnames) if name != APPENDIX + "api"]
    assert api and prose, docnames
    assert max(prose) < min(api), docnames


class _QuietServer(ThreadingHTTPServer):
    """A page left before its excerpts loaded breaks the pipe; that is not news."""

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


#: A word or title of Chinese characters only.
HAN_WORD = re.compile(r"[\u4e00-\u9fff]+")


def read_index(html: Path) -> dict:
    """The built site's search index (searchindex.js is ``Search.setIndex({...})``)."""
    text = (html / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1:text.rindex(")")])


def index_pages(html: Path) -> dict[str, frozenset[int]]:
    """Every indexed word (body and titles) -> the pages (numbers) holding it."""
    index = read_index(html)
    pages: dict[str, set[int]] = {}
    for mapping in (index["terms"], index["titleterms"]):
        for word, docs in mapping.items():
            pages.setdefault(word, set()).update(docs if isinstance(docs, list) else [docs])
    return {word: frozenset(docs) for word, docs in pages.items()}


def index_terms(html: Path) -> set[str]:
    """Every word of the built site's search index (body and titles)."""
    return set(index_pages(html))


def test_index_holds_the_books_terms_whole(built_site):  # noqa: F811
    """Compound terms (jieba alone splits them) and single-character terms are indexed."""
    terms = index_terms(built_site)
    wanted = ["梯度消失", "梯度爆炸", "交叉熵", "学习率", "自归一化", "雅可比矩阵", "双曲正切",
              "遗忘门", "线性区域", "数值稳定", "熵", "秩"]
    assert [word for word in wanted if word not in terms] == []
    # One-character words that are not terms stay out, as in Sphinx.
    assert not {"的", "是", "了"} & terms


def test_search_language_keeps_book_words(tmp_path):
    """The index side on its own: the book's words inside jieba tokens, single-character terms."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "book" / "_ext"))
    from zh_search import BookChineseSearch, dictionary_words

    words = dictionary_words(["梯度消失与梯度爆炸", "不以 0 为中心"], ["死亡 ReLU", "交叉熵"])
    assert {"梯度消失与梯度爆炸", "死亡", "交叉熵", "熵"} <= set(words)
    assert "为中心" not in words, "a title fragment cut out by a Latin word is not a word"
    dictionary = tmp_path / "words.txt"
    dictionary.write_text("\n".join(words + ["梯度消失"]), encoding="utf-8")
    language = BookChineseSearch({"dict": str(dictionary)})
    tokens = language.split("本节讨论梯度消失与梯度爆炸，以及交叉熵的核对。")
    assert {"梯度消失与梯度爆炸", "梯度消失", "交叉熵", "熵"} <= set(tokens)
    assert "核" not in tokens, "核对 (to check) is not the term 核"
    assert language.word_filter("熵") and not language.word_filter("的")


@contextmanager
def _served(html: Path):
    server = _QuietServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(html)))
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def main(html: Path) -> None:
    """Print the shares (and every miss) for the site built in ``html``, over http."""
    with sync_playwright() as playwright, _served(html) as base:
        chromium = launch_chromium(playwright)
        tab = SearchPage(chromium, base)
        ranked = rank_all(tab.search)
        chromium.close()
    for row in ranked:
        if row["rank"] != 1:
            print(f"{row['query']:<24} {row['expected']:<28} rank {row['rank']}  {row['top3']}")
    print(json.dumps(shares(ranked)))


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else BUILD / "html"))
