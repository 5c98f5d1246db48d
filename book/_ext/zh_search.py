"""Chinese full-text search that knows the book's own vocabulary.

Sphinx's Chinese search language (``sphinx.search.zh``) segments every page
with jieba's ``cut_for_search`` and drops one-character words. Left alone,
jieba splits many of the book's compound terms (梯度消失 becomes 梯度 + 消失)
and loses single-character terms such as 熵, so a reader who types the term
finds nothing. This extension

* collects, while the sources are read, the glossary's terms and every
  chapter and section title (from the doctrees), plus the Chinese names of
  the records in ``activations.ALL_RECORDS``;
* writes their Chinese runs as a jieba user dictionary into the doctree
  directory and passes its path to the Chinese search language through
  ``html_search_options["dict"]`` (the option ``sphinx.search.zh`` reads);
* registers a subclass of that language which also indexes the book's
  words found inside longer jieba tokens and keeps the single-character
  terms of :data:`SINGLE_CHARACTER_TERMS`;
* adds ``search-zh.js`` and a small data object (activation names and
  aliases -> chapter) to the search page only. The script segments the
  reader's query against the index's own vocabulary and ranks the results
  (see that file).

When the dictionary changes (a new section title, say), every page is
written again so the whole index is segmented with the same dictionary.
"""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path

import jieba
from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.search.zh import SearchChinese
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Single-character technical words the index keeps (Sphinx drops every
#: one-character word). Each is also indexed where it ends a longer word,
#: so 熵 finds the pages about 交叉熵.
SINGLE_CHARACTER_TERMS = frozenset("熵核秩阶")
#: The user dictionary, written next to the doctrees (not into the site).
DICTIONARY_NAME = "zh_search_dictionary.txt"
#: Pages listed after the book's prose in search results.
API_DOCNAMES = ("book/appendix/api",)
#: Chinese characters (CJK unified ideographs, extension A, compatibility).
HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
#: jieba keeps a dictionary word whole; a whole title of many characters
#: would hide the terms inside it, so runs longer than this are left out.
MAX_WORD_LENGTH = 12
#: Shorter runs of a title are usually fragments cut out by a Latin word.
MIN_TITLE_WORD = 4
#: What collect_phrases keeps per document in the build environment.
ENV_ATTRIBUTES = ("zh_search_titles", "zh_search_terms", "zh_search_taught_in")


def han_runs(text: str) -> list[str]:
    """The runs of Chinese characters in ``text`` (punctuation, Latin and spaces split them)."""
    return HAN_RUN.findall(text)


def dictionary_words(titles, terms) -> list[str]:
    """Sorted jieba dictionary words from titles and terms.

    A title gives each of its runs of :data:`MIN_TITLE_WORD` to
    :data:`MAX_WORD_LENGTH` Chinese characters (``梯度消失与梯度爆炸``; the
    shorter pieces between Latin words and punctuation, such as ``为中心`` in
    ``不以 0 为中心``, are not words). A term gives each run of two or more
    (``死亡 ReLU`` gives ``死亡``). Every single-character term is a word.
    """
    words = set(SINGLE_CHARACTER_TERMS)
    for phrases, shortest in ((titles, MIN_TITLE_WORD), (terms, 2)):
        for phrase in phrases:
            words.update(run for run in han_runs(phrase) if shortest <= len(run) <= MAX_WORD_LENGTH)
    return sorted(words)


class BookChineseSearch(SearchChinese):
    """Sphinx's Chinese search language with the book's words kept whole.

    ``init`` loads the user dictionary named by the ``dict`` option (as
    Sphinx's Chinese language does) and remembers its words. ``split`` adds, for each jieba
    token, the book's words it contains: ``cut_for_search`` only adds the
    two- and three-character words inside a long token, so without this a
    title word such as 梯度消失与梯度爆炸 would hide 梯度消失.
    """

    lang = "zh"

    def init(self, options: dict[str, str]) -> None:
        path = options.get("dict")
        # Sphinx would hand jieba the path, and jieba leaves that file open;
        # give it an open file instead and close it.
        super().init({key: value for key, value in options.items() if key != "dict"})
        if path:
            with open(path, "rb") as dictionary:
                jieba.load_userdict(dictionary)
        words = Path(path).read_text(encoding="utf-8").split() if path else []
        self.book_words = tuple(word for word in words if len(word) > 1)
        self.single_characters = SINGLE_CHARACTER_TERMS | {w for w in words if len(w) == 1}

    def split(self, input: str) -> list[str]:  # noqa: A002 (Sphinx's signature)
        tokens = super().split(input)
        extra = []
        for token in tokens:
            if len(token) > 2:
                extra.extend(word for word in self.book_words
                             if len(word) < len(token) and word in token)
            # Chinese compounds put the head last: 交叉熵 is an 熵, 内核 a 核,
            # but 核对 (to check) is no 核.
            extra.extend(char for char in self.single_characters
                         if len(token) > 1 and token.endswith(char))
        return tokens + extra

    def word_filter(self, stemmed_word: str) -> bool:
        return len(stemmed_word) > 1 or stemmed_word in self.single_characters


def first_linked_doc(definition: nodes.Node, docname: str) -> str | None:
    """The document the first ``{doc}`` link of a glossary definition points to."""
    for xref in definition.findall(addnodes.pending_xref):
        if xref.get("reftype") == "doc":
            target = xref["reftarget"]
            if not target.startswith("/"):
                target = posixpath.join(posixpath.dirname(docname), target)
            return posixpath.normpath(target.lstrip("/"))
    return None


def collect_phrases(app: Sphinx, doctree: nodes.document) -> None:
    """Remember the document's section titles, glossary terms and where each term is taught.

    A glossary definition links the chapter that first explains the term
    (首见：{doc}`…`); the search page ranks that chapter high for the term.
    """
    docname = app.env.docname
    titles = [title.astext() for title in doctree.findall(nodes.title)
              if isinstance(title.parent, nodes.section)]
    terms, taught_in = [], {}
    for glossary in doctree.findall(addnodes.glossary):
        for item in glossary.findall(nodes.definition_list_item):
            item_terms = [term.astext() for term in item.findall(nodes.term)]
            terms.extend(item_terms)
            definition = next(iter(item.findall(nodes.definition)), None)
            target = first_linked_doc(definition, docname) if definition else None
            taught_in.update(dict.fromkeys(item_terms, target) if target else {})
    for attribute, value in zip(ENV_ATTRIBUTES, (titles, terms, taught_in)):
        if not hasattr(app.env, attribute):
            setattr(app.env, attribute, {})
        getattr(app.env, attribute)[docname] = value


def purge_phrases(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    for attribute in ENV_ATTRIBUTES:
        getattr(env, attribute, {}).pop(docname, None)


def merge_phrases(app: Sphinx, env: BuildEnvironment, docnames, other: BuildEnvironment) -> None:
    for attribute in ENV_ATTRIBUTES:
        if not hasattr(env, attribute):
            setattr(env, attribute, {})
        theirs = getattr(other, attribute, {})
        getattr(env, attribute).update({name: theirs[name] for name in docnames if name in theirs})


def activation_names() -> list[dict]:
    """Each record's registry name, aliases, Chinese name and chapter, from the package."""
    from activations import ALL_RECORDS

    return [{"name": record.name, "aliases": list(record.aliases), "zh_name": record.zh_name,
             "chapter": chapter_of(record)} for record in ALL_RECORDS]


#: The chapter that treats a whole kind of record together.
CHAPTER_OF_KIND = {"gated": "book/functions/glu"}


def chapter_of(record) -> str:
    """Docname of a record's chapter: its own (``leaky_relu`` -> ``book/functions/leaky-relu``),
    or its kind's (the gated units share ``book/functions/glu``)."""
    return CHAPTER_OF_KIND.get(record.kind, "book/functions/" + record.name.replace("_", "-"))


def write_dictionary(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Write the user dictionary and point the search language at it.

    Returns every document when the dictionary differs from the last build's,
    so Sphinx writes (and indexes) all pages again with the new dictionary.
    """
    def gathered(attribute: str) -> list[str]:
        per_doc = getattr(env, attribute, {})
        return [phrase for doc in sorted(per_doc) for phrase in per_doc[doc]]

    terms = gathered("zh_search_terms") + [record["zh_name"] for record in activation_names()]
    text = "\n".join(dictionary_words(gathered("zh_search_titles"), terms)) + "\n"
    path = Path(app.doctreedir) / DICTIONARY_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    previous = path.read_text(encoding="utf-8") if path.exists() else None
    path.write_text(text, encoding="utf-8")
    app.config.html_search_options = {**(app.config.html_search_options or {}),
                                      "dict": str(path)}
    logger.info("zh_search: %d words in the search dictionary %s", text.count("\n"), path)
    return sorted(env.found_docs) if text != previous else []


def name_key(name: str) -> str:
    """How search-zh.js compares names: no spaces, hyphens or underscores, lower case."""
    return re.sub(r"[\s_\-]+", "", name).lower()


def search_page_data(env: BuildEnvironment) -> dict:
    """What search-zh.js needs besides the index.

    ``chapters``: activation names, aliases and Chinese names -> chapter;
    ``taughtIn``: glossary terms (Chinese and English) -> the page that first
    explains them; ``apiDocs``: the pages ranked after the prose.
    """
    chapters = {}
    for record in activation_names():
        docname = record["chapter"]
        if docname not in env.found_docs:
            logger.warning("zh_search: activation %r has no chapter %s", record["name"], docname)
            continue
        names = [record["name"], *record["aliases"], record["zh_name"],
                 *re.split(r"[（）()]", record["zh_name"])]
        chapters.update({name_key(name): docname for name in names if name_key(name)})
    taught_in = {name_key(term): target
                 for doc in sorted(getattr(env, "zh_search_taught_in", {}))
                 for term, target in env.zh_search_taught_in[doc].items()
                 if target in env.found_docs}
    return {"chapters": chapters, "taughtIn": taught_in,
            "apiDocs": [name for name in API_DOCNAMES if name in env.found_docs]}


def add_search_script(app: Sphinx, pagename: str, templatename: str, context, doctree) -> None:
    """Load the data and search-zh.js on the search page only (before searchtools.js)."""
    if pagename != "search":
        return
    data = json.dumps(search_page_data(app.env), ensure_ascii=False, sort_keys=True)
    app.add_js_file(None, body=f"var BOOK_SEARCH_DATA = {data};")
    app.add_js_file("search-zh.js")


def setup(app: Sphinx) -> dict:
    app.add_search_language(BookChineseSearch)
    app.connect("doctree-read", collect_phrases)
    app.connect("env-purge-doc", purge_phrases)
    app.connect("env-merge-info", merge_phrases)
    app.connect("env-updated", write_dictionary)
    app.connect("html-page-context", add_search_script)
    # env_version: what collect_phrases stores in the environment; bump it when
    # that changes so Sphinx reads every document again.
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 2}
