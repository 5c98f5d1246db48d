"""The polynomial tables written into the source are the ones their generator makes today.

GELU's careful path evaluates fits of the Mills ratio whose coefficients
are literals in ``gelu.py``, made by ``gelu._fit_tables`` from mpmath at
34 digits. The module's doctest compares them too; this test keeps the
comparison among the library tests that ``make mutants`` runs, so that a
change to the generator or its mpmath helpers is caught there as well.
"""

from __future__ import annotations

import importlib


def test_gelu_tables_are_regenerated_exactly():
    gelu = importlib.import_module("activations.gelu")
    assert gelu._fit_tables() == (gelu._H_TABLE, gelu._K_TABLE, gelu._TANH_WINDOW_TABLE)
