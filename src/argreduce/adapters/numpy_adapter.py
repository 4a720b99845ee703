"""NumPy arrays (and np.memmap, and anything NumPy can view without copying) as strided views."""

from __future__ import annotations

import sys

import numpy as np

from .view import Adapted, StridedView, complex_error, unsupported_dtype

_NATIVE = "<" if sys.byteorder == "little" else ">"


def dtype_name(dt: np.dtype, op: str) -> str:
    """The core's name for a NumPy dtype, or the contract's error for one without an order."""
    if dt.kind == "b":
        return "bool"
    if dt.kind in "iu" and dt.itemsize in (1, 2, 4, 8):
        return f"{'int' if dt.kind == 'i' else 'uint'}{dt.itemsize * 8}"
    if dt.kind == "f" and dt.itemsize in (2, 4, 8):
        return f"float{dt.itemsize * 8}"
    if dt.name == "bfloat16":  # ml_dtypes' bfloat16, as JAX hands it over
        return "bfloat16"
    if dt.kind in "Mm":  # datetime64 and timedelta64, any unit: int64 counts with NaT
        return "datetime64"
    if dt.kind == "c":
        raise complex_error(op)
    raise unsupported_dtype(op, str(dt))


def view_of_ndarray(a: np.ndarray, op: str) -> StridedView:
    """Reads ``a`` in place: any strides, read-only, unaligned or byte-swapped memory as it is.

    A subclass is first viewed as a plain ndarray through the base type's own method: its memory
    is described by NumPy's C struct, never by attributes a subclass can override (``shape``,
    ``strides``, ``dtype``, ``__array_interface__``), which could point the core past the memory."""
    if type(a) is not np.ndarray:
        a = np.ndarray.view(a, np.ndarray)
    name = dtype_name(a.dtype, op)
    swapped = a.dtype.itemsize > 1 and a.dtype.byteorder not in ("=", "|", _NATIVE)
    address = a.__array_interface__["data"][0]
    return StridedView(a, address, name, tuple(a.shape), tuple(a.strides), swapped)


def _to_numpy_result(result: np.ndarray):
    # A 0-d result is a NumPy int64 scalar, as NumPy's own reductions return.
    return result[()] if result.ndim == 0 else result


def adapt_numpy(a: np.ndarray, op: str) -> Adapted:
    return Adapted(view_of_ndarray(a, op), _to_numpy_result, "numpy")


def adapt_via_numpy(obj, op: str, library: str = "numpy") -> Adapted:
    """Objects NumPy can view without a copy: the buffer protocol, __array_interface__, __array__."""
    return Adapted(view_of_ndarray(np.asarray(obj), op), _to_numpy_result, library)
