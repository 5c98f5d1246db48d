"""Input handling shared by every public function (the numerical contract).

Every public function of the package accepts anything :func:`numpy.asarray`
turns into a real array. Integers and bools promote to float64; float16,
float32 and float64 are preserved (the result has the input's dtype); 0-d
input gives a NumPy scalar, like a ufunc. Strings, objects, complex numbers
and extended precision raise :class:`TypeError` naming the function and the
dtype, because silently dropping the imaginary part or the extra precision
would give a wrong answer without a warning.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

#: Floating dtypes the package computes in and returns.
SUPPORTED_FLOATS = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))


def as_real_array(x, func_name: str, what: str = "input") -> np.ndarray:
    """Convert ``x`` to a float16/32/64 array or raise ``TypeError``.

    Parameters
    ----------
    x : array_like
        Real input. Integers and bools become float64.
    func_name : str
        Name of the calling public function, used in the error message.
    what : str
        What ``x`` is to that function, for the message (``"input"``).

    Returns
    -------
    numpy.ndarray
        ``x`` as an array of one of :data:`SUPPORTED_FLOATS` (no copy when
        it already is one).

    Raises
    ------
    TypeError
        If the dtype is not bool, integer or float16/32/64.

    Examples
    --------
    >>> as_real_array([1, 2], "demo").dtype
    dtype('float64')
    >>> as_real_array("a", "demo")
    Traceback (most recent call last):
    ...
    TypeError: demo() needs real input (bool, int or float16/32/64); got dtype <U1
    """
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as exc:  # ragged lists and the like
        raise TypeError(f"{func_name}() could not turn its {what} into an array: {exc}") from exc
    if arr.dtype.kind in "biu":
        return arr.astype(np.float64)
    if arr.dtype in SUPPORTED_FLOATS:
        return arr
    raise TypeError(
        f"{func_name}() needs real {what} (bool, int or float16/32/64); got dtype {arr.dtype}"
    )


class InputInfo(NamedTuple):
    """What :func:`restore` needs to give a result the input's form."""

    dtype: np.dtype
    zero_dim: bool


def compute_dtype(dtype: np.dtype) -> np.dtype:
    """Dtype a kernel computes in for a given input dtype.

    float16 has no fast or accurate transcendental functions in NumPy, so
    it is computed in float32 and rounded once at the end (float32 is far
    more accurate than half a float16 ULP).
    """
    return np.dtype(np.float32) if dtype == np.float16 else np.dtype(dtype)


def real_input(x, func_name: str, what: str = "input") -> tuple[np.ndarray, InputInfo]:
    """Validate ``x`` and return it in the dtype to compute in.

    Returns the work array (float32 or float64, see :func:`compute_dtype`)
    and the :class:`InputInfo` that :func:`restore` uses at the end. A 0-d
    input is returned with shape ``(1,)`` so that kernels may write with
    ``out=`` (NumPy returns scalars, not arrays, from 0-d ufunc calls).

    Examples
    --------
    >>> work, info = real_input(np.float16(1.5), "demo")
    >>> work.dtype, info
    (dtype('float32'), InputInfo(dtype=dtype('float16'), zero_dim=True))
    >>> work.shape
    (1,)
    """
    arr = as_real_array(x, func_name, what)
    info = InputInfo(arr.dtype, arr.ndim == 0)
    work = arr.astype(compute_dtype(arr.dtype), copy=False)
    return (work.reshape(1) if info.zero_dim else work), info


def restore(result: np.ndarray, info: InputInfo):
    """Cast a kernel result back to the input dtype; a 0-d input gives a scalar."""
    result = np.asarray(result)
    if result.dtype != info.dtype:
        # A float16 result computed in float32 can exceed float16's range
        # (swish_grad_beta at x = 1e4 is 2.5e7): inf is then the correctly
        # rounded answer, not an error, so the cast must not warn.
        with np.errstate(over="ignore"):
            result = result.astype(info.dtype)
    return result.reshape(())[()] if info.zero_dim else result


def as_parameter(value, dtype: np.dtype, func_name: str, name: str) -> np.ndarray:
    """Cast a real parameter (a slope, beta, ...) to the dtype of the computation.

    Raises ``TypeError`` for non-real parameters, naming the function and
    the parameter.
    """
    return as_real_array(value, func_name, f"parameter {name!r}").astype(dtype, copy=False)


def broadcast_parameter(x: np.ndarray, param: np.ndarray, func_name: str, name: str) -> None:
    """Raise ``ValueError`` unless ``param`` broadcasts to the shape of ``x``.

    A learnable parameter (PReLU's slope, Swish's beta) may have fewer axes
    than ``x`` or size-1 axes, but it must not enlarge the output: the
    result of an activation has the shape of its input.
    """
    try:
        shape = np.broadcast_shapes(x.shape, param.shape)
    except ValueError:
        shape = None
    if shape != x.shape:
        raise ValueError(
            f"{func_name}(): parameter {name!r} of shape {param.shape} does not broadcast "
            f"to the input's shape {x.shape}"
        )


def sum_to_shape(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum a broadcast gradient back to a parameter's ``shape``.

    When a parameter of shape ``shape`` was broadcast against the input,
    its gradient is the sum of the elementwise gradient over every axis it
    was repeated along: the leading axes it lacks and its size-1 axes.

    Examples
    --------
    >>> sum_to_shape(np.ones((4, 3)), (3,))
    array([4., 4., 4.])
    >>> sum_to_shape(np.ones((4, 3)), (4, 1)).shape
    (4, 1)
    >>> float(sum_to_shape(np.ones((4, 3)), ()))
    12.0
    """
    extra = grad.ndim - len(shape)
    leading = tuple(range(extra))
    size_one = tuple(extra + i for i, n in enumerate(shape) if n == 1 and grad.shape[extra + i] != 1)
    return grad.sum(axis=leading + size_one, keepdims=True).reshape(shape)
