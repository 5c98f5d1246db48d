"""Every verdict box of the built book as one table: claim, chapter and section, verdict, evidence.

The book answers each claim of its source material in a "检验" box (appendix
实验方法): the claim, the evidence with its glued numbers, and a verdict
(成立 / 有条件成立 / 不成立). This reads the boxes from the built site
(``make book`` first), so the numbers are the ones the last build measured,
and writes them in ``_toc.yml`` order to ``bench-results/claims.md``.

Usage::

    python -m tests.claims_table            # print and write bench-results/claims.md
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup

from tests.site_fixtures import ROOT, toc_docnames

HTML = ROOT / "_build" / "html"
REPORT = ROOT / "bench-results" / "claims.md"
_VERDICT = re.compile(r"结论：\s*(有条件成立|不成立|成立)")


@dataclass(frozen=True)
class Claim:
    chapter: str
    section: str
    anchor: str
    claim: str
    verdict: str
    evidence: str


def _text(node) -> str:
    return re.sub(r"\s+", " ", node.get_text(" ", strip=True)).strip()


def _section_title(box) -> str:
    heading = box.find_previous(["h2", "h3"])
    return _text(heading).rstrip("#").strip() if heading else ""


def claims_of(docname: str) -> list[Claim]:
    """The verdict boxes of one built page, in page order."""
    page = HTML / f"{docname}.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    chapter = _text(soup.find("h1")).rstrip("#").strip()
    out = []
    for box in soup.select("div.verdict.admonition"):
        title = _text(box.find(class_="admonition-title"))
        body = " ".join(_text(p) for p in box.find_all("p") if "admonition-title" not in p.get("class", []))
        verdict = _VERDICT.search(body)
        evidence = body.split("结论：")[0].replace("证据 ：", "").replace("证据：", "").strip()
        out.append(Claim(chapter, _section_title(box), f"{docname}.html#{box.get('id', '')}",
                         re.sub(r"^检验[：:]\s*", "", title),
                         verdict.group(1) if verdict else "?", evidence))
    return out


def all_claims() -> list[Claim]:
    return [claim for docname in toc_docnames() if (HTML / f"{docname}.html").exists()
            for claim in claims_of(docname)]


def markdown(claims: list[Claim]) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    counts = {v: sum(c.verdict == v for c in claims) for v in ("成立", "有条件成立", "不成立")}
    lines = ["# The book's claims and verdicts", "",
             f"{len(claims)} verdict boxes from the built site (`python -m tests.claims_table`): "
             + ", ".join(f"{v} {n}" for v, n in counts.items()) + ".", "",
             "| claim | chapter / section | verdict | evidence (as the built page shows it) |",
             "|---|---|---|---|"]
    lines += [f"| {cell(c.claim)} | {cell(c.chapter)} / {cell(c.section)} | {c.verdict} | "
              f"{cell(c.evidence)} |" for c in claims]
    return "\n".join(lines) + "\n"


def main() -> int:
    if not HTML.exists():
        print("no built site: run `make book` first", file=sys.stderr)
        return 1
    text = markdown(all_claims())
    REPORT.parent.mkdir(parents=True, exist_ok=True)   # bench-results/ is not in the repository
    REPORT.write_text(text, encoding="utf-8")
    print(text)
    print(f"written to {REPORT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
