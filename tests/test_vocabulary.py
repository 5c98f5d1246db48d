"""One term, one meaning: the glossary (book/appendix/glossary.md) holds the book to it.

* The glossary is well formed: each entry has a Chinese term, an English term,
  a one-line meaning and the chapter that first explains it, and that chapter
  is really the first (in reading order) whose prose uses the term.
* No chapter uses a variant listed in ``VARIANTS`` (拐点 for a kink, 轮 or 周期
  for an epoch, 精度 for a classification accuracy, ...).
* In every chapter the first use of a glossary term gives its English form
  right after it (``梯度消失（vanishing gradient）``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.book_sources import (
    GLOSSARY, ROOT, cells, chapter_paths, chapter_prose, glossary_entries, prose)


#: Variants that must not appear in the prose, per glossary term:
#: (regular expression, what to write instead). Chapter names limit a rule to those chapters.
VARIANTS = {
    "折点": [(r"不可导的拐点|拐点处不可导|拐点（kink）", "a kink is 折点; 拐点 is an inflection point")],
    "epoch": [(r"(\d+|[一二两三四五六七八九十百千几多每])\s*个?轮(?![流廓椅换])", "write epoch"),
              (r"周期", "write epoch")],
    "准确率": [(r"(训练|测试|验证|分类|预测|识别)精度|精度（accuracy）",
              "a classification score is 准确率; 精度 is numerical precision")],
    "相消": [(r"灾难性抵消|(数值|舍入)抵消|抵消（cancellation）", "cancellation is 相消")],
    "次正规数": [(r"非规格化数|非正规数|次正常数|亚正规数|非规约数", "write 次正规数")],
    "雅可比矩阵": [(r"雅克比", "write 雅可比")],
    "长短期记忆网络": [(r"长短时记忆", "write 长短期记忆")],
    "logistic 函数": [(r"逻辑函数|逻辑斯蒂", "write logistic 函数 (逻辑函数 reads as 'logic function')")],
    "自归一化": [(r"自标准化|自正规化|自规范化", "write 自归一化")],
    "Dekker 分裂": [(r"德克尔", "names in Latin script: Dekker")],
    "Chebyshev 多项式": [(r"切比雪夫", "names in Latin script: Chebyshev")],
    "梯度消失": [(r"梯度弥散", "write 梯度消失")],
    "以 0 为中心": [(r"零中心", "write 以 0 为中心")],
    "向量-雅可比积": [(r"向量雅可比积", "write 向量-雅可比积")],
}

#: Chapters about piecewise-linear functions, where 拐点 could only mean a kink.
KINK_CHAPTERS = ("relu", "leaky-relu", "prelu")

ENTRIES = glossary_entries()
BY_ZH = {e["zh"]: e for e in ENTRIES}
CHAPTERS = chapter_paths()


def test_glossary_entries_are_complete():
    assert len(ENTRIES) >= 40, f"only {len(ENTRIES)} glossary entries"
    for entry in ENTRIES:
        # A term written the same in both languages (epoch, logit) has one line.
        assert entry["n_terms"] == 2 or (entry["n_terms"] == 1 and entry["zh"].isascii()), \
            f"{entry['zh']}: a Chinese line, then an English line"
        assert entry["first"], f"{entry['zh']}: the definition must end with 首见：{{doc}}`…`"
        assert len(entry["meaning"]) > 20, f"{entry['zh']}: meaning too short"
    assert len(BY_ZH) == len(ENTRIES), "a term is listed twice"


def test_every_variant_rule_names_a_glossary_term():
    assert set(VARIANTS) <= set(BY_ZH), set(VARIANTS) - set(BY_ZH)


def _docname(path: Path) -> str:
    return path.relative_to(ROOT / "book").with_suffix("").as_posix()


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["zh"])
def test_first_seen_chapter_is_the_first_that_uses_the_term(entry):
    users = [p for p in CHAPTERS if entry["zh"] in chapter_prose(p)]
    if not users:
        pytest.fail(f"{entry['zh']}: no chapter uses it; drop it from the glossary")
    stated = (GLOSSARY.parent / entry["first"]).resolve()
    first = users[0]
    assert stated == first.with_suffix("").resolve(), (
        f"{entry['zh']}: the glossary says 首见 {entry['first']}, "
        f"but the first chapter using it is {_docname(first)}")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_no_chapter_uses_a_variant(path):
    problems = []
    for cell in cells(path):
        if cell.kind != "markdown":
            continue
        text = prose(cell.source)
        for term, rules in VARIANTS.items():
            for pattern, hint in rules:
                for match in re.finditer(pattern, text):
                    problems.append(f"{cell.where}: {match.group(0)!r} ({hint})")
        if path.stem in KINK_CHAPTERS:
            for match in re.finditer("拐点", text):
                problems.append(f"{cell.where}: '拐点' in a piecewise-linear chapter (write 折点)")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_first_use_in_a_chapter_gives_the_english_term(path):
    text = chapter_prose(path)
    problems = []
    for entry in ENTRIES:
        if entry["zh"].lower() == entry["en"].lower():
            continue
        at = text.find(entry["zh"])
        if at < 0:
            continue
        window = text[at + len(entry["zh"]): at + len(entry["zh"]) + 60]
        if entry["en"].lower() not in window.lower():
            problems.append(f"{path.stem}: first '{entry['zh']}' is not followed by "
                            f"'（{entry['en']}）': …{text[at:at + 50]!r}")
    assert not problems, "\n".join(problems)
