"""The polynomial tables written into the source are the ones their generators make today.

GELU's and Swish's careful paths evaluate polynomial fits whose
coefficients are literals in ``gelu.py`` and ``swish.py``, made by
``gelu._fit_tables`` and ``swish._fit_window_table`` from mpmath at 34
digits. The modules' doctests compare them too; this test keeps the
comparison among the library tests that ``make mutants`` runs, so that a
change to a generator or its mpmath helpers is caught there as well (the
Swish generator had no test there and its mutants were reported as
untested).
"""

from __future__ import annotations

import importlib

import pytest

#: module: (generator, the literal tables it must reproduce, in its return order)
GENERATORS = {
    "gelu": ("_fit_tables", ("_H_TABLE", "_K_TABLE", "_TANH_WINDOW_TABLE")),
    "swish": ("_fit_window_table", ("_WINDOW_TABLE",)),
}


@pytest.mark.parametrize("module_name", GENERATORS)
def test_tables_are_regenerated_exactly(module_name):
    module = importlib.import_module(f"activations.{module_name}")
    generator, names = GENERATORS[module_name]
    made = getattr(module, generator)()
    literals = tuple(getattr(module, name) for name in names)
    assert (made if len(names) > 1 else (made,)) == literals
