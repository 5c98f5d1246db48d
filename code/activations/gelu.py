r"""Gaussian Error Linear Unit :math:`\operatorname{GELU}(x) = x\,\Phi(x)`.

GELU weights the input by the probability :math:`\Phi(x)` that a standard
normal variable is below it (Hendrycks & Gimpel 2016). It is the activation
of BERT and GPT-style transformers. Two cheaper approximations from the same
paper are offered, as in PyTorch (``approximate="tanh"``) and in the paper
(``approximate="sigmoid"``).

Float16/32 input is computed in float64 and rounded once. Float64 input
takes, as in :mod:`activations.swish`, a fast formula for the bulk and a
careful one for the elements where the fast one loses accuracy; the careful
formulas for ``"none"`` use polynomial fits of the Mills ratio made by
:func:`_fit_tables` (mpmath, 34 digits), because SciPy's special functions
are not accurate enough on the left: measured against mpmath at 50 digits on
400 points ``x = -geomspace(0.5, 37, 400)`` (SciPy 1.17), ``ndtr(x)`` is off
by up to about 1230 ULP, ``erfc(-x/sqrt(2))`` by about 1690 (the rounding of
the argument included) and ``erfcx(-x/sqrt(2))`` by about 5.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import scipy.special
import sympy as sp

from ._numeric import real_input, restore
from ._spec import Activation, Properties
from ._exact import chebyshev_fit, double_double, fitted, patch, split, two_product_low
from .swish import _SCALE, _UNSCALE, _Gate, _swish_grad_kernel, _swish_kernel, _value_careful

__all__ = ["gelu", "gelu_grad", "gelu_expr", "GELU"]

#: The values of ``approximate``, as in ``torch.nn.GELU`` (plus "sigmoid").
APPROXIMATIONS = ("none", "tanh", "sigmoid")

_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def _tanh_argument_exact(x):
    r""":math:`v = 2u = 2\sqrt{2/\pi}(x + 0.044715x^3)` in mpmath (so 1 + tanh u = 2 sigma(v))."""
    a = 2 * mpmath.sqrt(2 / mpmath.pi)
    return x * (a + a * mpmath.mpf("0.044715") * x * x)


def _gelu_grad_exact(x):
    """GELU' = Phi + x phi in mpmath."""
    return mpmath.ncdf(x) + x * mpmath.npdf(x)


def _gelu_tanh_grad_exact(x):
    """Derivative of the tanh approximation in mpmath."""
    a = 2 * mpmath.sqrt(2 / mpmath.pi)
    v = _tanh_argument_exact(x)
    slope = a + 3 * a * mpmath.mpf("0.044715") * x * x
    return (1 + x * slope / (1 + mpmath.exp(v))) / (1 + mpmath.exp(-v))


with mpmath.workdps(40):
    # Zeros of the derivatives (the minima of the functions), in two float64s.
    _X0 = mpmath.findroot(_gelu_grad_exact, -0.75)
    _X0_HI, _X0_LO = double_double(_X0)
    _X1 = mpmath.findroot(_gelu_tanh_grad_exact, -0.75)
    _X1_HI, _X1_LO = double_double(_X1)
    _MINIMUM = float(_X0 * mpmath.ncdf(_X0))
    # 1.702 and the tanh form's constants are not float64 numbers: keep the rest.
    _SIGMOID_HI, _SIGMOID_LO = double_double(mpmath.mpf("1.702"))
    _TANH_A = double_double(2 * mpmath.sqrt(2 / mpmath.pi))
    _TANH_B = double_double(2 * mpmath.sqrt(2 / mpmath.pi) * mpmath.mpf("0.044715"))
_B_HI_SPLIT = split(_TANH_B[0])

# ---------------------------------------------------------------------------
# Polynomial fits (made by _fit_tables; its doctest regenerates and compares them)
# ---------------------------------------------------------------------------

#: Intervals of a = -x on which the Mills-ratio fits hold.
_BREAKS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 40.0)
_H_TERMS = (12, 14, 16, 18, 20, 22, 26)
_K_TERMS = (12, 14, 16, 18, 20, 20, 24)
#: Interval of x where the tanh approximation's derivative uses its fit.
_TANH_WINDOW = (-1.6, -0.35)
_TANH_WINDOW_TERMS = 20

_H_TABLE = (
    (
        4.176847309019404e-15, -1.1438125221541584e-13, 2.9745056410495147e-12,
        -7.366221862015861e-11, 1.7193892726594424e-09, -3.751429174872759e-08,
        7.567107983833196e-07, -1.3896350273717936e-05, 0.00022706920504371222,
        -0.003179004963913703, 0.035422868173422536, 0.1423516604508222,
    ),
    (
        1.0755909664978004e-14, -1.6829530019318612e-13, 2.498061215104464e-12,
        -3.608001812430847e-11, 4.981291315839509e-10, -6.540932019725191e-09,
        8.120299174615819e-08, -9.457419952487723e-07, 1.0227395201749995e-05,
        -0.00010122784768533642, 0.0008975001273560161, -0.00687831197544108,
        0.04247662802627471, 0.2251743467549632,
    ),
    (
        9.37302118755703e-14, -8.619191066497787e-13, 7.321225124070592e-12,
        -6.314121672413105e-11, 5.267700937573736e-10, -4.229681136086218e-09,
        3.2605923344380865e-08, -2.4030254185540847e-07, 1.6841964780529074e-06,
        -1.1149487645440336e-05, 6.909082652867599e-05, -0.00039571681909992613,
        0.002055173590301934, -0.00937274240738825, 0.03518687353719186,
        0.308671000466092,
    ),
    (
        9.765771577253625e-13, -5.63181048734011e-12, 2.7400172015399408e-11,
        -1.5017374771007294e-10, 8.113174140157868e-10, -4.230811585276111e-09,
        2.144511812251857e-08, -1.0549722921233818e-07, 5.021745772687231e-07,
        -2.3053540177024698e-06, 1.0165006173475144e-05, -4.2820617286898083e-05,
        0.0001711001959795355, -0.0006418535766665473, 0.002224849367901064,
        -0.006931471807760515, 0.018312642351323637, 0.3645418450666865,
    ),
    (
        3.443120600067784e-12, -1.3940969068173558e-11, 3.849218878892961e-11,
        -1.4986771740498886e-10, 6.111617229991903e-10, -2.3154236472585164e-09,
        8.583773591254259e-09, -3.140192333455234e-08, 1.1273668438500149e-07,
        -3.964022717757288e-07, 1.3629278397394703e-06, -4.57180269938486e-06,
        1.4917332321658484e-05, -4.715865364329564e-05, 0.00014364110745338225,
        -0.00041805108551501045, 0.0011469637127173515, -0.002894206667758359,
        0.006361895191874714, 0.3886758859466811,
    ),
    (
        1.8644367742325786e-12, -6.1269926848245734e-12, 9.746035163711083e-12,
        -3.1137144251425464e-11, 1.2301484410662503e-10, -3.8993029503288616e-10,
        1.1929632466186089e-09, -3.7109523354879332e-09, 1.1459843135603006e-08,
        -3.494607231849356e-08, 1.0535537285532773e-07, -3.1374950313708483e-07,
        9.215320009413887e-07, -2.664621394800128e-06, 7.566422136658606e-06,
        -2.102762981995058e-05, 5.690845651879156e-05, -0.0001488422756289708,
        0.0003714485756327828, -0.0008636672218536854, 0.0017737655156616014,
        0.3962276529265744,
    ),
    (
        1.892676875526351e-11, -4.4173505551462355e-11, -2.0177942773575147e-11,
        4.828664023585145e-11, 2.3838760047315005e-10, -5.507411643130806e-10,
        6.766504714669227e-10, -1.5319504208839538e-09, 4.092323772762885e-09,
        -9.23835774168185e-09, 2.0294490874547847e-08, -4.533131115139657e-08,
        1.0091624431562011e-07, -2.22755197546829e-07, 4.881153458958159e-07,
        -1.0610373501710823e-06, 2.284599010532866e-06, -4.8639733491653604e-06,
        1.0215160776061624e-05, -2.1092396332275772e-05, 4.261042456641971e-05,
        -8.358597820047641e-05, 0.0001572107822035986, -0.0002768602434020254,
        0.0004328549728227723, 0.39843536029256027,
    ),
)
_K_TABLE = (
    (
        3.16958860624813e-16, -9.436745876980457e-15, 2.690983597858824e-13,
        -7.37355596596342e-12, 1.9269720705321456e-10, -4.7783311230765105e-09,
        1.1171498909671268e-07, -2.4425239661679597e-06, 4.9404722626411356e-05,
        -0.0009107460751808209, 0.014966142868502782, -0.6104199740304042,
    ),
    (
        7.667223965627221e-16, -1.291644848465656e-14, 2.0808429438527316e-13,
        -3.2785880003149407e-12, 4.9789412066520165e-11, -7.264133316956387e-10,
        1.014516842247074e-08, -1.3503329810037445e-07, 1.7035982050051769e-06,
        -2.023336138404162e-05, 0.0002242300375727909, -0.00229116380388296,
        0.021221895307010723, -0.5725581358499552,
    ),
    (
        6.846230666806236e-15, -6.739421780525462e-14, 6.198339812950554e-13,
        -5.785716056219941e-12, 5.256180251370966e-11, -4.631690855562698e-10,
        3.953680931347057e-09, -3.261663893058384e-08, 2.593326536985109e-07,
        -1.980853727642787e-06, 1.4479320848850904e-05, -0.00010081046497168303,
        0.0006646478861583577, -0.004118837832165786, 0.023756935517474383,
        -0.524763841339739,
    ),
    (
        8.356808242800576e-14, -5.145053970082742e-13, 2.7371169584298156e-12,
        -1.6184972670591442e-11, 9.45865598217461e-11, -5.380627520249791e-10,
        2.996519052912787e-09, -1.6327488841791092e-08, 8.69252049744275e-08,
        -4.515764119825232e-07, 2.2858636368320513e-06, -1.125632904779324e-05,
        5.3823273706057496e-05, -0.0002493766554471973, 0.0011168630522942456,
        -0.004821431582511434, 0.01999590452257418, -0.4782976777552484,
    ),
    (
        4.2080381958886794e-13, -1.8166133546322037e-12, 5.660884659425586e-12,
        -2.377185521447258e-11, 1.0322522515796379e-10, -4.2503279618198673e-10,
        1.7253378808444836e-09, -6.943220303926696e-09, 2.7616678363758278e-08,
        -1.0850546920918296e-07, 4.2102146670274974e-07, -1.6127823489966333e-06,
        6.096775799320637e-06, -2.2735525718501394e-05, 8.360057391825012e-05,
        -0.0003029868373937439, 0.0010818099721405807, -0.003803517688148968,
        0.013161774479397939, -0.44374654304260835,
    ),
    (
        4.766006266746135e-12, -1.6501535374432363e-11, 3.3062049351112954e-11,
        -1.1280097895706407e-10, 4.3378080535583153e-10, -1.4708756282205998e-09,
        4.9057990012905265e-09, -1.6480908794799953e-08, 5.5159378143147866e-08,
        -1.8363488311004055e-07, 6.085289000827114e-07, -2.0072837152700127e-06,
        6.590393242834157e-06, -2.1536476448010654e-05, 7.00464363586084e-05,
        -0.00022674268490040366, 0.0007304743914593683, -0.0023420211342032463,
        0.007472768250602267, -0.42267072166889724,
    ),
    (
        4.9487608633819826e-11, -1.2089302909417934e-10, -1.8835589646454556e-12,
        6.000919580686751e-12, 7.613754984498252e-10, -1.8517515305624743e-09,
        3.3239971724817868e-09, -8.050581879800883e-09, 2.0602980990804074e-08,
        -4.983073297677625e-08, 1.196945109280437e-07, -2.8891248245536794e-07,
        6.969841965544536e-07, -1.6790919022333356e-06, 4.0410698517677474e-06,
        -9.716433749659816e-06, 2.3339859694713433e-05, -5.601064643005111e-05,
        0.0001342842169195019, -0.0003216342237672878, 0.0007696323941265017,
        -0.0018398787415097632, 0.004394210779571681, -0.40942706479415575,
    ),
)
_TANH_WINDOW_TABLE = (
    2.622172951717783e-12, 7.125582710860689e-12, -4.973296090196882e-11,
    -1.9340657182392118e-10, 6.617430772159573e-10, 3.784391860112896e-09,
    -8.2264561499423e-09, -6.878374454707523e-08, 1.0571213057398263e-07,
    1.3292729178405375e-06, -9.000891509779148e-07, -2.64979742725265e-05,
    -1.8097510063643892e-05, 0.0004515372355445825, 0.0010274156003420804,
    -0.005165242402666366, -0.022153406543217853, 0.020858897844968447,
    0.23660574766828138, 0.34458562982307894,
)


def _fit_tables(dps=34):
    r"""Recompute the polynomial tables of this module with mpmath.

    With :math:`a = -x > 0`, :math:`Q(a) = \Phi(-a)` and
    :math:`E(a) = e^{-a^2/2}`:

    - ``_H_TABLE`` fits :math:`h(a) = a\,Q(a)/E(a)`, so that
      :math:`\operatorname{GELU}(x) = -E(a)\,h(a)` for :math:`x < 0`;
    - ``_K_TABLE`` fits :math:`k(a) = (Q(a)/E(a) - a/\sqrt{2\pi})/(a - a_0)`,
      so that :math:`\operatorname{GELU}'(x) = E(a)\,(a - a_0)\,k(a)` with
      :math:`a_0 = -x_0 \approx 0.7518` the zero of GELU' (:math:`k` is
      smooth there: the zero is divided out);
    - ``_TANH_WINDOW_TABLE`` fits the tanh approximation's derivative
      divided by :math:`x - x_1`, :math:`x_1 \approx -0.7525` its zero.

    Each is a Chebyshev interpolant (:func:`mpmath.chebyfit`) in the
    variable :math:`u \in [-1, 1]` of its interval, with enough terms for
    a relative error below :math:`10^{-17}`.

    Returns
    -------
    tuple
        ``(h_table, k_table, tanh_window_table)``.

    Examples
    --------
    >>> _fit_tables() == (_H_TABLE, _K_TABLE, _TANH_WINDOW_TABLE)   # the literals are current
    True
    """
    with mpmath.workdps(dps):
        a0 = -_X0

        def scaled_q(a):
            return mpmath.ncdf(-a) * mpmath.exp(a * a / 2)

        def h(a):
            return a * scaled_q(a)

        def k(a):
            return (scaled_q(a) - a / mpmath.sqrt(2 * mpmath.pi)) / (a - a0)

        def window(x):
            return _gelu_tanh_grad_exact(x) / (x - _X1)

        intervals = list(zip(_BREAKS, _BREAKS[1:]))
        h_table = tuple(chebyshev_fit(h, lo, hi, n) for (lo, hi), n in zip(intervals, _H_TERMS))
        k_table = tuple(chebyshev_fit(k, lo, hi, n) for (lo, hi), n in zip(intervals, _K_TERMS))
        tanh_table = chebyshev_fit(window, *_TANH_WINDOW, _TANH_WINDOW_TERMS)
    return h_table, k_table, tanh_table


# ---------------------------------------------------------------------------
# Building blocks
# ---------------------------------------------------------------------------

def _check_approximate(approximate, func_name):
    if not isinstance(approximate, str) or approximate not in APPROXIMATIONS:
        raise ValueError(f"{func_name}(): approximate must be one of 'none', 'tanh', "
                         f"'sigmoid'; got {approximate!r}")


def _square(a, a_split=None):
    """``s, se`` with ``s + se = a*a`` exactly (Dekker; ``|a| <= 2**500``)."""
    hi, lo = split(a) if a_split is None else a_split
    s = a * a
    return s, ((hi * hi - s) + 2.0 * hi * lo) + lo * lo


def _gauss(a, shift=0.0):
    r""":math:`e^{\mathrm{shift} - a^2/2}` with :math:`a^2` carried exactly.

    Rounding :math:`a^2` would change the result by the relative amount
    :math:`(a^2/2)\,2^{-53}`, 400 ULP near :math:`a = 38`; the exact low
    part ``se`` of the square gives the first-order correction instead.
    A ``shift`` of 64 keeps the result normal up to :math:`a \approx 38.6`
    (:math:`64 - a^2/2` is exact there: same binade).
    """
    s, se = _square(a)
    return np.exp(shift - 0.5 * s) * (1.0 - 0.5 * se)


#: Beyond a = 37.5, e^{-a^2/2} nears the subnormal range.
_SHIFT_FROM = 37.5
_EXP_MINUS_64 = math.exp(-64.0)


# ---------------------------------------------------------------------------
# approximate="none"
# ---------------------------------------------------------------------------

def _gelu_left(x, derivative):
    r"""GELU or GELU' for :math:`x < -1/4` from the Mills-ratio fits.

    Value :math:`-E h(a)`, derivative :math:`E\,(a - a_0)\,k(a)` with
    :math:`a = -x` (clipped at 40, beyond which both are 0 in float64).
    Beyond :math:`a = 37.5`, :math:`E` nears the subnormal range while the
    derivative (about :math:`0.4aE`) does not, so :math:`e^{64}E` is used
    and :math:`e^{-64}` applied last.
    """
    a = np.minimum(-x, _BREAKS[-1])
    index = np.minimum(np.frexp(a)[1] + 1, len(_BREAKS) - 2)
    out = np.empty_like(a)
    table = _K_TABLE if derivative else _H_TABLE
    for k, (lo, hi) in enumerate(zip(_BREAKS, _BREAKS[1:])):
        def piece(ak, k=k, lo=lo, hi=hi):
            factor = fitted(table[k], lo, hi, ak)
            if derivative:
                factor *= (ak - (-_X0_HI)) - (-_X0_LO)
            else:
                factor = -factor
            if k < len(_BREAKS) - 2:
                return _gauss(ak) * factor
            # The derivative is about 0.4 a e^{-a^2/2}: larger than the
            # Gaussian factor, which must not be rounded to a subnormal.
            far = ak > _SHIFT_FROM
            result = factor * _gauss(ak, np.where(far, 64.0, 0.0))
            return np.where(far, result * _EXP_MINUS_64, result)

        patch(out, index == k, piece, a)
    return out


def _gelu_left_value(x):
    return _gelu_left(x, derivative=False)


def _gelu_left_grad(x):
    return _gelu_left(x, derivative=True)


def _none_value(x, wide, cdf=None):
    """``x Phi(x)``; ``cdf`` is ``ndtr(x)`` when the caller has it already."""
    cdf = scipy.special.ndtr(x) if cdf is None else cdf
    with np.errstate(invalid="ignore"):   # -inf * 0, replaced below
        result = x * cdf
    # x Phi(x) is accurate to 2 ULP for x >= -1/2 (ndtr is exact enough
    # there); further left ndtr's error grows to hundreds of ULP. Float32
    # needs only the infinities fixed.
    return patch(result, x < (-40.0 if wide else -0.5), _gelu_left_value, x)


def _none_grad(x, wide, cdf=None):
    """``Phi(x) + x phi(x)``; ``cdf`` is ``ndtr(x)`` when the caller has it already."""
    cdf = scipy.special.ndtr(x) if cdf is None else cdf
    with np.errstate(over="ignore", invalid="ignore"):  # x*x = inf -> phi = 0; inf*0 below
        phi = np.multiply(x, x)
        phi *= -0.5
        np.exp(phi, out=phi)
        phi *= _INV_SQRT_2PI
        phi *= x
        result = np.add(cdf, phi, out=phi)
    patch(result, x > 40.0, np.ones_like, x)          # inf * 0 above; 1 to all digits
    # Phi + x phi cancels around its zero x0 = -0.7518 and loses the left
    # tail with ndtr: from x < -0.3 on, the k fit takes over.
    return patch(result, x < (-40.0 if wide else -0.3), _gelu_left_grad, x)


# ---------------------------------------------------------------------------
# approximate="tanh"
# ---------------------------------------------------------------------------

def _tanh_parts(x, cubic=True):
    r"""``v, ve[, c, ce]``: :math:`v = x(A + Bx^2)` and :math:`c = Bx^3`, each as a sum of two float64.

    :math:`A = 2\sqrt{2/\pi}`, :math:`B = 0.044715A`, both held to 106
    bits. In the left tail :math:`\sigma(v) \approx e^{v}` turns an
    absolute error in :math:`v` into the same relative error, so
    :math:`v` needs about 64 correct bits where :math:`|v|` is 700;
    ordinary float64 evaluation gives 51. Error-free products and sums
    (Dekker, Knuth; Higham 2002, ch. 4, higham2002accuracy) carry the
    rest. Needs :math:`|x| \le 30`.
    """
    (a_hi, a_lo), (b_hi, b_lo) = _TANH_A, _TANH_B
    x_split = split(x)                            # |x| <= 30: no overflow anywhere
    s, se = _square(x, x_split)
    w = b_hi * s                                   # B x^2 = w + we
    we = two_product_low(_B_HI_SPLIT, split(s), w) + (b_hi * se + b_lo * s)
    q = a_hi + w                                   # A + B x^2 = q + qe (two-sum)
    z = q - a_hi
    qe = ((a_hi - (q - z)) + (w - z)) + (a_lo + we)
    v = x * q
    ve = two_product_low(x_split, split(q), v) + x * qe
    if not cubic:
        return v, ve
    c = x * w                                      # B x^3 = c + ce
    return v, ve, c, two_product_low(x_split, split(w), c) + x * we


def _tanh_value_careful(x):
    """Left side of the tanh form (v < -1): x sigma(v + ve) with v recomputed exactly."""
    v, ve = _tanh_parts(np.maximum(x, -30.0), cubic=False)
    return _value_careful(x, v, ve)


def _tanh_value(x, wide):
    with np.errstate(over="ignore", invalid="ignore"):  # huge |x|: v = +-inf, fixed below
        v = x * x
        v *= _TANH_B[0]
        v += _TANH_A[0]
        v *= x
        result = np.exp(-v)
        result += 1.0
        result = np.divide(x, result, out=result)
    mask = v < -700.0
    if not wide:
        mask |= x < -0.6                  # v < -1: the rounding of v matters
    return patch(result, mask, _tanh_value_careful, x)


def _tanh_slope(x):
    """dv/dx = A + 3Bx^2."""
    return _TANH_A[0] + 3.0 * _TANH_B[0] * (x * x)


def _tanh_grad_careful(x):
    r"""Derivative of the tanh form for :math:`x < -0.35` or :math:`|x| > 30`.

    With :math:`N = 1 + e^{v} + xv'` the derivative is
    :math:`\sigma(v)\sigma(-v)N = e^{v}N/(1+e^{v})^2`, and
    :math:`xv' = v + 2Bx^3`, so :math:`N = (1 + v) + 2Bx^3 + e^{v}` from the
    double-double parts: :math:`1 + v` is exact for :math:`v \le -1` and
    the rest does not cancel. :math:`1/(1+e)^2 = 1 - q/(1+q)`,
    :math:`q = e(2 + e)`, keeps the small correction separate. Near the
    zero :math:`x_1` a fit of :math:`g(x)/(x - x_1)` is used instead.
    """
    xc = np.clip(x, -30.0, 30.0)
    v, ve, c, ce = _tanh_parts(xc)
    vn = np.minimum(v, -1.0)           # x > 30 and the window are overwritten below
    e = np.exp(vn)
    n = ((1.0 + vn) + 2.0 * c) + ((2.0 * ce + ve) + e)
    en = e * n
    q = e * (2.0 + e)
    g = en + (en * ve - en * q / (1.0 + q))   # e^{v + ve} = e^v (1 + ve)
    # e^v subnormal: g = N e^v, scaled
    patch(g, v < -700.0, lambda n, v, ve: (n * np.exp(np.maximum(v, -1100.0) + _SCALE))
           * _UNSCALE * (1.0 + ve), n, v, ve)
    patch(g, (x > _TANH_WINDOW[0]) & (x < _TANH_WINDOW[1]), _tanh_near_zero, x)
    return patch(g, x > 30.0, np.ones_like, x)


def _tanh_near_zero(x):
    """The tanh form's derivative near its zero x1, from the fit of g(x)/(x - x1)."""
    return fitted(_TANH_WINDOW_TABLE, *_TANH_WINDOW, x) * ((x - _X1_HI) - _X1_LO)


def _tanh_grad(x, wide):
    with np.errstate(over="ignore", invalid="ignore"):  # inf * 0 at x = +-inf, fixed below
        v = x * x
        v *= _TANH_B[0]
        v += _TANH_A[0]
        v *= x
        if wide:
            # float64 has ~29 spare bits for float16/32 results: 1 - s and
            # the cancellation near x1 stay far below their ULP.
            s = np.exp(-v)
            s += 1.0
            s = np.divide(1.0, s, out=s)
            result = np.subtract(1.0, s)
        else:
            e = np.exp(-np.abs(v))
            p = 1.0 + e
            s = np.maximum(e, v >= 0) / p
            result = np.maximum(e, v < 0) / p
        result *= x
        result *= _tanh_slope(x)
        result += 1.0
        result *= s
    mask = np.abs(x) > 30.0
    if not wide:
        mask |= x < _TANH_WINDOW[1]
    return patch(result, mask, _tanh_grad_careful, x)


# ---------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------

def _sigmoid_gate(x, func_name):
    """The gate of x sigma(1.702 x), with 1.702 held in two float64s."""
    return _Gate(x, _SIGMOID_HI, func_name, beta_lo=_SIGMOID_LO)


def gelu(x, approximate="none"):
    r"""GELU, elementwise.

    .. math::
        \operatorname{GELU}(x) = x\,\Phi(x)
        = \frac{x}{2}\Bigl(1 + \operatorname{erf}\frac{x}{\sqrt2}\Bigr)

    Parameters
    ----------
    x : array_like
        Real input of any shape. Integers and bools are promoted to float64.
    approximate : {"none", "tanh", "sigmoid"}, default "none"
        ``"none"``: the exact :math:`x\Phi(x)` (PyTorch's default).
        ``"tanh"``: :math:`\tfrac12 x\bigl(1 + \tanh(\sqrt{2/\pi}(x + 0.044715x^3))\bigr)`,
        PyTorch's ``approximate="tanh"``.
        ``"sigmoid"``: :math:`x\,\sigma(1.702x)`. Both approximations are
        from Hendrycks & Gimpel (2016); each is computed as its own
        formula, to the same accuracy as the exact form.

    Returns
    -------
    numpy.ndarray or numpy scalar
        The value, with the dtype of ``x``; a scalar for 0-d input. The
        minimum of the exact form is :math:`\approx -0.16997` at
        :math:`x_0 \approx -0.75179`.

    Raises
    ------
    ValueError
        For any other ``approximate``; the message names the three choices.
    TypeError
        For non-real ``x``.

    Notes
    -----
    ``"none"``: the textbook :math:`\tfrac12 x(1 + \operatorname{erf}(x/\sqrt2))`
    cancels on the left and returns :math:`-0` for :math:`x \lesssim -8.3`
    although the true value is about :math:`-\varphi(x)`, e.g.
    :math:`-7.6\times10^{-23}` at :math:`x = -10`. Here :math:`x\Phi(x)`
    uses ``scipy.special.ndtr`` for :math:`x \ge -1/2` and, further left,
    :math:`-e^{-a^2/2}h(a)` with :math:`a = -x`, :math:`a^2` carried
    exactly, and :math:`h(a) = a\Phi(-a)e^{a^2/2}` from Chebyshev fits
    (see :func:`_fit_tables`).

    ``"tanh"``: :math:`1 + \tanh u = 2\sigma(2u)` turns the form into
    :math:`x\,\sigma(v)`, :math:`v = 2\sqrt{2/\pi}(x + 0.044715x^3)`,
    computed as :math:`x/(1 + e^{-v})` without cancellation; :math:`x^3`
    overflowing for huge :math:`|x|` only saturates :math:`\sigma`. On the
    left, :math:`v` is evaluated in double-double arithmetic, since
    :math:`\sigma(v) \approx e^{v}` magnifies its rounding by :math:`|v|`.

    ``"sigmoid"``: :func:`activations.swish` with :math:`\beta = 1.702`,
    the constant carried to 106 bits for the same reason.

    Hendrycks & Gimpel (2016), hendrycks2016gaussian.

    Examples
    --------
    >>> gelu([-1.0, 0.0, 1.0])
    array([-0.15865525,  0.        ,  0.84134475])
    >>> float(gelu(-10.0))        # the erf form gives -0.0 here
    -7.619853024160526e-23
    >>> gelu(np.float32(1.0), approximate="tanh")
    np.float32(0.8411920)
    >>> gelu(1.0, approximate="erf")
    Traceback (most recent call last):
    ...
    ValueError: gelu(): approximate must be one of 'none', 'tanh', 'sigmoid'; got 'erf'
    """
    _check_approximate(approximate, "gelu")
    if approximate == "sigmoid":
        gate = _sigmoid_gate(x, "gelu")
        return restore(_swish_kernel(gate), gate.info)
    work, info = real_input(x, "gelu")
    wide = info.dtype != np.float64
    x64 = work.astype(np.float64)
    kernel = _none_value if approximate == "none" else _tanh_value
    return restore(kernel(x64, wide), info)


def gelu_grad(x, approximate="none"):
    r"""Derivative of GELU, elementwise.

    .. math:: \operatorname{GELU}'(x) = \Phi(x) + x\,\varphi(x),
        \qquad \varphi(x) = \frac{e^{-x^2/2}}{\sqrt{2\pi}}

    For ``"tanh"``, with :math:`v = 2\sqrt{2/\pi}(x + 0.044715x^3)`:
    :math:`\sigma(v) + x v'\sigma(v)\sigma(-v)`,
    :math:`v' = 2\sqrt{2/\pi}(1 + 0.134145x^2)`; for ``"sigmoid"``:
    :math:`\sigma(t) + t\sigma(t)\sigma(-t)`, :math:`t = 1.702x`
    (:func:`activations.swish_grad` with :math:`\beta = 1.702`).

    Parameters
    ----------
    x : array_like
        Real input of any shape.
    approximate : {"none", "tanh", "sigmoid"}, default "none"
        As in :func:`gelu`.

    Returns
    -------
    numpy.ndarray or numpy scalar
        The derivative, with the dtype of ``x``. It vanishes at the
        minimum of GELU, :math:`x_0 \approx -0.75179` (``"tanh"``:
        :math:`-0.75246`), and peaks at :math:`\approx 1.129` at
        :math:`x = \sqrt2`.

    Notes
    -----
    :math:`\Phi + x\varphi` is a difference of nearly equal numbers around
    :math:`x_0` (and, with ``ndtr``, inaccurate further left). For
    :math:`x < -0.3` the kernel uses
    :math:`e^{-a^2/2}(a - a_0)k(a)`, :math:`a = -x`,
    :math:`a_0 = -x_0` held in two float64s and :math:`k` a Chebyshev fit
    of a smooth function with the zero divided out (:func:`_fit_tables`),
    so nothing cancels. ``x*x`` overflows for :math:`|x| > 1.3\times10^{154}`;
    that only makes :math:`\varphi = 0`, and the warning is silenced. The
    tanh form is handled alike: a fit of :math:`g(x)/(x - x_1)` near its
    zero, double-double :math:`v` further left.

    Examples
    --------
    >>> gelu_grad([0.0, 1.0])
    array([0.5       , 1.08331547])
    >>> abs(float(gelu_grad(-0.7517915246935645))) < 1e-16
    True
    """
    _check_approximate(approximate, "gelu_grad")
    if approximate == "sigmoid":
        gate = _sigmoid_gate(x, "gelu_grad")
        return restore(_swish_grad_kernel(gate), gate.info)
    work, info = real_input(x, "gelu_grad")
    wide = info.dtype != np.float64
    x64 = work.astype(np.float64)
    kernel = _none_grad if approximate == "none" else _tanh_grad
    return restore(kernel(x64, wide), info)


def _value_and_grad(x, approximate="none"):
    r"""GELU and its derivative together: ``(gelu(x, approximate), gelu_grad(x, approximate))``.

    .. math:: \operatorname{GELU}(x) = x\,\Phi(x), \qquad
        \operatorname{GELU}'(x) = \Phi(x) + x\,\varphi(x)

    Both results are bitwise those of the two separate calls. For
    ``"none"`` the normal CDF :math:`\Phi(x)` (``scipy.special.ndtr``, the
    dearest step) is computed once and used by both; training calls this in
    its forward pass, so the backward pass needs no second evaluation. The
    approximations are the two separate calls.

    Parameters
    ----------
    x : array_like
        Real input of any shape.
    approximate : {"none", "tanh", "sigmoid"}, default "none"
        As in :func:`gelu`.

    Returns
    -------
    value, derivative : numpy.ndarray or numpy scalar
        Each with the dtype of ``x``.

    Examples
    --------
    >>> value, slope = _value_and_grad([-1.0, 0.0, 1.0])
    >>> bool(np.array_equal(value, gelu([-1.0, 0.0, 1.0]))), np.round(slope, 6).tolist()
    (True, [-0.083315, 0.5, 1.083315])
    """
    _check_approximate(approximate, "gelu")
    if approximate != "none":
        return gelu(x, approximate), gelu_grad(x, approximate)
    work, info = real_input(x, "gelu")
    wide = info.dtype != np.float64
    x64 = work.astype(np.float64)
    cdf = scipy.special.ndtr(x64)
    # _none_value's product writes a new array, so cdf is still intact for the derivative.
    return (restore(_none_value(x64, wide, cdf), info),
            restore(_none_grad(x64, wide, cdf), info))


def gelu_expr(x, approximate="none"):
    r"""SymPy expression of GELU or one of its approximations.

    ``"none"``: :math:`\tfrac{x}{2}(1 + \operatorname{erf}(x/\sqrt2))`;
    ``"tanh"``: :math:`\tfrac{x}{2}(1 + \tanh(\sqrt{2/\pi}(x + 0.044715x^3)))`;
    ``"sigmoid"``: :math:`x/(1 + e^{-1.702x})`, with the constants as
    exact rationals.

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x")
    >>> gelu_expr(x)
    x*(erf(sqrt(2)*x/2) + 1)/2
    >>> gelu_expr(x, approximate="sigmoid")
    x/(1 + exp(-851*x/500))
    """
    _check_approximate(approximate, "gelu_expr")
    if approximate == "none":
        return x * (1 + sp.erf(x / sp.sqrt(2))) / 2
    if approximate == "tanh":
        inner = sp.sqrt(2 / sp.pi) * (x + sp.Rational(44715, 10**6) * x**3)
        return x * (1 + sp.tanh(inner)) / 2
    return x / (1 + sp.exp(-sp.Rational(1702, 1000) * x))


GELU = Activation(
    name="gelu",
    zh_name="GELU（高斯误差线性单元）",
    fn=gelu,
    grad=gelu_grad,
    expr=gelu_expr,
    value_and_grad=_value_and_grad,
    params={"approximate": "none"},
    latex=r"\operatorname{GELU}(x) = x\,\Phi(x)",
    properties=Properties(
        output_range=(_MINIMUM, math.inf),   # minimum x0 Phi(x0) ~ -0.16997
        monotonic=False,
        zero_centered=False,                 # E[z Phi(z)] = E[phi(z)] = 1/(2 sqrt(pi)) ~ 0.28
        smoothness=math.inf,
        saturates="left",
    ),
    references=("hendrycks2016gaussian",),
)
