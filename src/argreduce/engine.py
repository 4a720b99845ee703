"""The call into the native core: a strided view, the reduced dims and a reduction in; int64 indices out.

reduce_view is the plain call; reduce_present adds what the family needs around it: absent
elements (where=, nulls) and the all-NaN check of the NaN-skipping reductions."""

from __future__ import annotations

import numpy as np

from . import _core
from ._contract import kept_shape
from .absent import by_slice, filled, move_off_absent
from .adapters import StridedView
from .adapters.storage import storage_array
from .reduction import Reduction
from .threads import get_num_threads


def reduce_view(
    view: StridedView,
    reduced: tuple[bool, ...],
    reduction: Reduction,
    *,
    out: np.ndarray | None = None,
    keys: np.ndarray | None = None,
) -> np.ndarray:
    """Indices (int64, the kept dims' shape) of the best element along the reduced dims.

    The index is into the row-major flattening of the reduced dims. ``out`` and ``keys``, when
    given, must be C-contiguous int64 arrays of that shape; ``keys`` receives each result's
    order-preserving key, for merging with other partial results (see partial.py).
    """
    shape = kept_shape(view.shape, reduced)
    if out is None:
        out = np.empty(shape, dtype=np.int64)
    for name, a in (("out", out), ("keys", keys)):
        if a is not None and not (a.dtype == np.int64 and a.shape == shape and a.flags.c_contiguous
                                  and a.flags.writeable):
            raise ValueError(f"{name} must be a writeable C-contiguous int64 array of shape {shape}")
    _core.reduce(view.address, view.dtype, list(view.shape), list(view.strides), view.swapped, list(reduced),
                 reduction.rule, out, keys, get_num_threads())
    return out


def isa() -> str:
    """The instruction set the kernels use on this processor ($ARGREDUCE_ISA pins another)."""
    return _core.isa()


def _nan_at(values: np.ndarray, core_dtype: str) -> np.ndarray:
    """Which of ``values`` (storage dtype: absent.py) are NaN, or NaT for datetime64/timedelta64."""
    if core_dtype == "bfloat16":
        return (values & 0x7FFF) > 0x7F80
    if core_dtype == "datetime64":
        return values == np.iinfo(np.int64).min
    if values.dtype.kind == "f":
        return np.isnan(values)
    return np.zeros(values.shape, dtype=bool)


def _empty_slice_error(reduction: Reduction, empty: np.ndarray, skipped_nan: bool) -> ValueError:
    if skipped_nan:
        return ValueError("All-NaN slice encountered")
    where = "" if empty.ndim == 0 else f" at output position {tuple(int(i) for i in np.argwhere(empty)[0])}"
    return ValueError(f"{reduction.name}(): the slice{where} has no element left to reduce "
                      "(where= is False or the data are missing at every element)")


def reduce_present(view: StridedView, reduced: tuple[bool, ...], reduction: Reduction,
                   present: np.ndarray | None) -> np.ndarray:
    """Indices of the best PRESENT element along the reduced dims (absent.py), with NaN skipped when
    the reduction says so; a slice left with no element raises ValueError (NumPy's words when NaN
    was skipped). ``present`` is None (all present) or a bool array of the view's shape."""
    nan_capable = reduction.skip_nan and (view.dtype in ("bfloat16", "datetime64")
                                          or view.dtype.startswith("float"))
    if present is None:
        index = reduce_view(view, reduced, reduction)
        if nan_capable and index.size:
            from .adapters.values import winner_coordinates

            store = storage_array(view)
            nan = _nan_at(store[winner_coordinates(view.shape, reduced, index)], view.dtype)
            if nan.any():  # the winner under NaN-skipped is NaN only if its slice is all NaN
                raise _empty_slice_error(reduction, np.asarray(nan), True)
        return index
    store = storage_array(view)
    copy = filled(store, present, view.dtype, reduction.largest)
    index = reduce_view(StridedView(copy, copy.__array_interface__["data"][0], view.dtype, copy.shape,
                                    copy.strides), reduced, reduction)
    eligible = present & ~_nan_at(store, view.dtype) if nan_capable else present
    empty = move_off_absent(index, eligible, reduced)
    if empty.any():
        raise _empty_slice_error(reduction, empty, nan_capable and bool((by_slice(present, reduced)
                                                                         .any(axis=-1) & empty).any()))
    return index
