"""The SciPy error figures quoted in the activations.gelu docstring are measured, not remembered."""

import re

import mpmath
import numpy as np
import scipy.special

import importlib
from activations import reference


def quoted(name):
    """The ULP figure the docstring gives for ``name``."""
    doc = " ".join(importlib.import_module("activations.gelu").__doc__.split())
    return float(re.search(rf"``{re.escape(name)}``\D*?(\d+)", doc).group(1))


def test_docstring_error_figures_match_a_measurement():
    x = -np.geomspace(0.5, 37.0, 400)
    arg = -x / np.sqrt(2)
    with mpmath.workdps(50):
        true_ndtr = [mpmath.ncdf(mpmath.mpf(v)) for v in x]
        true_erfc = [mpmath.erfc(-mpmath.mpf(v) / mpmath.sqrt(2)) for v in x]
        true_erfcx = [mpmath.exp(mpmath.mpf(v) ** 2 / 2) * mpmath.erfc(-mpmath.mpf(v) / mpmath.sqrt(2))
                      for v in x]
    measured = {"ndtr(x)": reference.ulp_error(scipy.special.ndtr(x), true_ndtr).max(),
                "erfc(-x/sqrt(2))": reference.ulp_error(scipy.special.erfc(arg), true_erfc).max(),
                "erfcx(-x/sqrt(2))": reference.ulp_error(scipy.special.erfcx(arg), true_erfcx).max()}
    for name, value in measured.items():
        claim = quoted(name)
        # the figures are for one SciPy release: same order of magnitude is what the text relies on
        assert claim / 3 <= value <= claim * 3, (name, claim, value)
