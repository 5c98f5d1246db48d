"""The API appendix documents every public module, and no docstring hides a control character.

A docstring written as a normal (not raw) string turns ``\\frac`` into a form
feed and ``\\theta`` into a tab: the API page then shows broken math. Every
public module of ``activations`` must appear in book/appendix/api.md.
"""

from __future__ import annotations

import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import activations

ROOT = Path(__file__).resolve().parent.parent
API_PAGE = ROOT / "book" / "appendix" / "api.md"
PUBLIC_MODULES = sorted(info.name for info in pkgutil.iter_modules(activations.__path__)
                        if not info.name.startswith("_"))
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _documented_objects():
    for name in PUBLIC_MODULES:
        module = __import__(f"activations.{name}", fromlist=["_"])
        yield f"activations.{name}", module
        for attr, obj in vars(module).items():
            if attr.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue
            yield f"activations.{name}.{attr}", obj
            if inspect.isclass(obj):
                for member, value in vars(obj).items():
                    if not member.startswith("_") or member == "__init__":
                        yield f"activations.{name}.{attr}.{member}", value


def test_every_public_module_is_on_the_api_page():
    page = API_PAGE.read_text(encoding="utf-8")
    documented = set(re.findall(r"automodule::\s*activations\.(\w+)", page))
    assert set(PUBLIC_MODULES) <= documented, set(PUBLIC_MODULES) - documented


@pytest.mark.parametrize("name,obj", list(_documented_objects()), ids=lambda v: v
                         if isinstance(v, str) else "")
def test_docstring_has_no_control_characters(name, obj):
    doc = inspect.getdoc(obj) or ""
    bad = _CONTROL.search(doc)
    assert bad is None, f"{name}: control character {bad.group(0)!r} in its docstring (use r\"\"\"…)"
