"""The DESIGN 4b claims of the Leaky ReLU, PReLU and Softmax chapters each have a verdict box.

DESIGN section 4b lists, per activation, the claims the book examines; a
chapter rewrite could drop one of them silently. Each label below is the
``:name:`` of a verdict box (README "Authoring conventions") that Part III's
decision guide may link to, so it must exist exactly once in its chapter,
inside a ``{admonition}`` of class ``verdict``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.book_sources import cells

ROOT = Path(__file__).resolve().parent.parent
CLAIMS = {
    "leaky-relu": ["claim-leaky-relu-max-form",      # max(αx, x), only for α ≤ 1
                   "claim-leaky-relu-dying",         # fixes dying ReLU
                   "claim-leaky-relu-cost"],         # more compute
    "prelu": ["claim-prelu-flexible",                # learns a: more flexible (held-out data)
              "claim-prelu-cost"],                   # more parameters and complexity
    "softmax": ["claim-softmax-distribution",        # a distribution for multiclass
                "claim-softmax-cost"],               # computationally costly
}
_BOX = re.compile(r"```\{admonition\}[^\n]*\n:class: verdict\n:name: (?P<name>[\w-]+)\n")


def verdict_names(stem: str) -> list[str]:
    path = ROOT / "book" / "functions" / f"{stem}.ipynb"
    return [m.group("name") for c in cells(path) if c.kind == "markdown"
            for m in _BOX.finditer(c.source)]


@pytest.mark.parametrize("stem", sorted(CLAIMS))
def test_each_design_claim_has_one_verdict_box(stem):
    names = verdict_names(stem)
    missing = [label for label in CLAIMS[stem] if names.count(label) != 1]
    assert not missing, f"{stem}: no single verdict box named {missing}; boxes found: {names}"


def test_the_pattern_finds_a_box():
    # Guard against a pattern that matches nothing (the test above would then fail loudly,
    # but name the wrong cause).
    text = "```{admonition} 检验：x\n:class: verdict\n:name: claim-a-b\n\nbody\n```"
    assert [m.group("name") for m in _BOX.finditer(text)] == ["claim-a-b"]
