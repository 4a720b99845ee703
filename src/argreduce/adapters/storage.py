"""A NumPy array over a strided view's memory, in the dtype its bytes are stored as: for filling
absent elements (absent.py) whatever library the view came from. Never copies the input."""

from __future__ import annotations

import ctypes

import numpy as np

from .view import StridedView

#: How each core dtype is stored in a NumPy array of its memory (bfloat16 as its 16-bit pattern,
#: datetime64/timedelta64 as their int64 counts).
_STORAGE = {"bfloat16": np.dtype(np.uint16), "datetime64": np.dtype(np.int64)}


def storage_dtype(core_dtype: str, swapped: bool = False) -> np.dtype:
    dt = _STORAGE.get(core_dtype) or np.dtype(core_dtype)
    return dt.newbyteorder("S") if swapped and dt.itemsize > 1 else dt


def storage_array(view: StridedView) -> np.ndarray:
    """The view's elements as a read-only NumPy array (same memory, same strides)."""
    dt = storage_dtype(view.dtype, view.swapped)
    if isinstance(view.owner, np.ndarray) and view.owner.dtype.itemsize == dt.itemsize \
            and view.owner.shape == view.shape and view.owner.strides == view.strides:
        a = view.owner.view(dt)
    elif 0 in view.shape:
        a = np.empty(view.shape, dt)
    else:
        lo = sum((n - 1) * s for n, s in zip(view.shape, view.strides, strict=True) if s < 0)
        hi = sum((n - 1) * s for n, s in zip(view.shape, view.strides, strict=True) if s > 0) + dt.itemsize
        memory = (ctypes.c_char * (hi - lo)).from_address(view.address + lo)
        a = np.ndarray(view.shape, dt, buffer=memory, offset=-lo, strides=view.strides)
    a.flags.writeable = False
    return a


def nan_in_storage(values: np.ndarray, core_dtype: str) -> np.ndarray:
    """Which of ``values`` (held in the storage dtype) are NaN, or NaT for datetime64/timedelta64."""
    if core_dtype == "bfloat16":
        return (values.astype(np.uint16) & 0x7FFF) > 0x7F80
    if core_dtype == "datetime64" or values.dtype.kind in "Mm":
        return values.view(np.int64) == np.iinfo(np.int64).min
    if values.dtype.kind == "f" or values.dtype.name == "bfloat16":
        return np.isnan(values)
    return np.zeros(values.shape, dtype=bool)
