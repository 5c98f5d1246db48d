"""The registry, the records and the public API (issue 2, item 1; docstrings, item 8)."""

from __future__ import annotations

import dataclasses
import doctest
import importlib
import inspect
import math
import pathlib
import re
import tomllib

import pytest

import activations
from activations import ACTIVATIONS, ALL_RECORDS, REGISTRY, Activation, get

from .conftest import BIBTEX_KEYS, CHAPTER_ORDER, FUNCTIONS, PUBLIC_API, SETTINGS

ROOT = pathlib.Path(__file__).resolve().parents[1]
RECORDS = [pytest.param(record, id=record.name) for record in ALL_RECORDS]
MODULES = [pytest.param(importlib.import_module(f"activations.{name}"), id=name)
           for name in CHAPTER_ORDER]


def registry_keys():
    return [pytest.param(key, id=key) for key in REGISTRY]


# --- names, aliases and get() ---------------------------------------------------------------

def test_activations_follow_the_chapter_order():
    """One chapter per module; the gated family shares the last one (glu)."""
    assert tuple(record.name for record in ACTIVATIONS) == CHAPTER_ORDER[:-1]
    modules = [record.fn.__module__.rsplit(".", 1)[1] for record in ALL_RECORDS]
    assert tuple(dict.fromkeys(modules)) == CHAPTER_ORDER
    assert tuple(activations.ACTIVATION_MODULES) == CHAPTER_ORDER
    assert all(record.gated for record in activations.GATED)
    assert not any(record.gated for record in ACTIVATIONS)


def test_registry_holds_every_record_under_its_name_and_aliases():
    expected = {key for record in ALL_RECORDS for key in (record.name, *record.aliases)}
    assert set(REGISTRY) == expected
    for record in ALL_RECORDS:
        assert REGISTRY[record.name] is record
        for alias in record.aliases:
            assert REGISTRY[alias] is record


def test_silu_is_an_alias_of_swish():
    assert "silu" in activations.SWISH.aliases
    assert get("silu") is get("swish") is activations.SWISH


@pytest.mark.parametrize("key", registry_keys())
def test_get_resolves_every_name_and_alias(key):
    assert get(key) is REGISTRY[key]


@pytest.mark.parametrize("key", registry_keys())
@pytest.mark.parametrize("spelling", [str.upper, str.title,
                                      lambda k: k.replace("_", "-"),
                                      lambda k: f"  {k.upper().replace('_', '-')} "],
                         ids=["upper", "title", "dash", "padded-upper-dash"])
def test_get_ignores_case_and_dashes(key, spelling):
    assert get(spelling(key)) is REGISTRY[key]


@pytest.mark.parametrize("record", RECORDS)
def test_get_returns_a_record_unchanged(record):
    assert get(record) is record


def test_unknown_name_lists_every_valid_name():
    with pytest.raises(ValueError, match="nope") as excinfo:
        get("nope")
    message = str(excinfo.value)
    for key in REGISTRY:
        assert key in message, f"{key!r} missing from {message!r}"


@pytest.mark.parametrize("bad", [3, None, 1.5, ["relu"], b"relu"], ids=repr)
def test_non_string_name_is_a_type_error(bad):
    with pytest.raises(TypeError):
        get(bad)


# --- the records ----------------------------------------------------------------------------

@pytest.mark.parametrize("record", RECORDS)
def test_records_are_frozen(record):
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.name = "changed"
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.properties.monotonic = not record.properties.monotonic
    with pytest.raises(TypeError):
        record.params["new"] = 1  # read-only mapping


@pytest.mark.parametrize("record", RECORDS)
def test_record_points_at_its_module(record):
    module = importlib.import_module(record.fn.__module__)
    assert module.__name__ == f"activations.{'glu' if record.gated else record.name}"
    assert isinstance(record, Activation)
    assert getattr(module, record.name.upper()) is record
    assert record.fn is getattr(module, record.name)
    assert record.grad is getattr(module, f"{record.name}_grad")
    assert record.expr is getattr(module, f"{record.name}_expr")
    assert record.vector == (record.name == "softmax")
    if record.gated:
        assert record.vjp is getattr(module, f"{record.name}_vjp")
        assert get(record.gate).kind == "elementwise"


@pytest.mark.parametrize("record", RECORDS)
def test_record_params_are_the_signature_defaults(record):
    """``params`` are what ``fn`` and ``grad`` use when called without keywords.

    Every keyword default is a parameter, except softmax's ``axis``, which
    says where the vectors lie rather than which function is applied.
    """
    for func in (record.fn, record.grad):
        signature = inspect.signature(func)
        defaults = {name: p.default for name, p in signature.parameters.items()
                    if p.default is not inspect.Parameter.empty}
        assert dict(record.params) == {k: v for k, v in defaults.items()
                                       if k != "axis" or k in record.params}, func.__name__


@pytest.mark.parametrize("record", RECORDS)
def test_first_test_setting_is_the_default(record):
    first = next(iter(SETTINGS[record.name].values()))
    assert {**record.params, **first} == dict(record.params)


@pytest.mark.parametrize("record", RECORDS)
def test_record_metadata_is_filled_in(record):
    assert record.zh_name.strip()
    assert record.latex.strip()
    assert record.references and set(record.references) <= BIBTEX_KEYS
    props = record.properties
    assert props.saturates in {"both", "left", "right", "none"}
    assert props.smoothness == math.inf or (props.smoothness >= 0 and props.smoothness % 1 == 0)
    low, high = props.output_range
    assert low < high
    if record.kinks:
        assert record.kink_convention.strip(), "a function with kinks must state its convention"


# --- the public API ---------------------------------------------------------------------------

@pytest.mark.parametrize("module", MODULES)
def test_module_all_is_the_documented_api(module):
    name = module.__name__.rsplit(".", 1)[1]
    assert set(module.__all__) == set(PUBLIC_API[name])
    for public in module.__all__:
        assert getattr(activations, public) is getattr(module, public)


def test_every_public_function_is_covered_by_the_generic_tests():
    """The contract tests iterate over FUNCTIONS; a new public function must be added there."""
    numeric = {name for names in PUBLIC_API.values() for name in names
               if callable(getattr(activations, name))
               and not isinstance(getattr(activations, name), Activation)
               and not name.endswith("_expr") and name != "derive_selu_constants"}
    assert {spec.name for spec in FUNCTIONS} == numeric


# --- docstrings and doctests (item 8) ------------------------------------------------------------

def public_functions():
    out = []
    for name in CHAPTER_ORDER:
        module = importlib.import_module(f"activations.{name}")
        for public in module.__all__:
            obj = getattr(module, public)
            if inspect.isfunction(obj):
                out.append(pytest.param(obj, id=public))
    return out


def _sections(doc: str) -> set[str]:
    """Numpydoc section titles: a line followed by a line of dashes."""
    lines = inspect.cleandoc(doc).splitlines()
    return {lines[i].strip() for i in range(len(lines) - 1)
            if lines[i].strip() and re.fullmatch(r"-{3,}", lines[i + 1].strip())}


@pytest.mark.parametrize("func", public_functions())
def test_public_function_docstring_has_math_and_sections(func):
    doc = func.__doc__ or ""
    sections = _sections(doc)
    assert "Examples" in sections, f"{func.__name__}: no Examples section"
    assert re.search(r"\.\. math::|:math:`", doc), f"{func.__name__}: no math in the docstring"
    if not func.__name__.endswith("_expr"):
        assert {"Parameters", "Returns"} <= sections, f"{func.__name__}: {sorted(sections)}"


@pytest.mark.parametrize("module", MODULES)
def test_every_module_has_doctests_that_pytest_collects(module):
    examples = sum(len(t.examples) for t in doctest.DocTestFinder().find(module))
    assert examples > 0
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert "--doctest-modules" in config["addopts"].split()
    assert "code/activations" in config["testpaths"]
