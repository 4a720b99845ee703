"""Absent elements (``where=`` False, nulls, masked entries) take no part in a reduction.

The core takes the presence mask itself for most dtypes (native_mask: keys packed into L1 tiles,
absent elements the largest key of a width no real key reaches; executor.cpp). int64, uint64 and
datetime64, whose keys fill int64, are copied instead with each absent element replaced by the
value that loses to everything under the reduction (+inf for argmin, the dtype's minimum for argmax
...); the copy is reduced as usual, and a result that still lands on an absent element moves to its
slice's first eligible element. That move is exact: a result lands on a filler only when every
eligible element of its slice ties with the losing value (or none is left), and ties go to the
first. Whole arrays come through reduce_present; the command line's chunks (Parquet and Arrow
nulls) and Dask's blocks through block_partial.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from ._contract import kept_axes, reduced_axes
from .adapters import adapt
from .adapters.storage import nan_in_storage, storage_array
from .adapters.values import gather, winner_coordinates
from .adapters.view import StridedView
from .engine import reduce_view
from .partial import Partial
from .reduction import Reduction

_BF16_INF = 0x7F80  # bfloat16's +inf bit pattern


def losing_value(core_dtype: str, largest: bool):
    """The value that no element beats under min (or max), as the storage dtype holds it."""
    if core_dtype == "bfloat16":
        return _BF16_INF | (0x8000 if largest else 0)
    if core_dtype == "datetime64":  # NaT is int64's minimum, so the smallest real count is one above
        info = np.iinfo(np.int64)
        return info.min + 1 if largest else info.max
    dt = np.dtype(core_dtype)
    if dt.kind == "f":
        return -np.inf if largest else np.inf
    if dt.kind == "b":
        return not largest
    info = np.iinfo(dt)
    return info.min if largest else info.max


def filled(values: np.ndarray, present: np.ndarray, core_dtype: str, largest: bool) -> np.ndarray:
    """A native-order copy of ``values`` (storage dtype) with every absent element losing."""
    out = np.where(present, values, np.array(losing_value(core_dtype, largest), dtype=values.dtype))
    return out.astype(out.dtype.newbyteorder("="), copy=False)


def by_slice(a: np.ndarray, reduced: tuple[bool, ...]) -> np.ndarray:
    """``a`` with the kept dims first and the reduced dims flattened into one last axis."""
    kept, red = kept_axes(reduced), reduced_axes(reduced)
    moved = np.transpose(a, kept + red)
    return moved.reshape((*(a.shape[d] for d in kept), math.prod(a.shape[d] for d in red)))


def move_off_absent(index: np.ndarray, eligible: np.ndarray, reduced: tuple[bool, ...]) -> np.ndarray:
    """Results that landed on an ineligible element move to their slice's first eligible one.

    Returns the mask (index's shape) of slices with no eligible element at all; their index is
    left as it was.
    """
    per_slice = by_slice(eligible, reduced)
    ok = np.take_along_axis(per_slice, index[..., None], axis=-1)[..., 0]
    if ok.all():
        return np.zeros(index.shape, dtype=bool)
    has = per_slice.any(axis=-1)
    fix = ~ok & has
    index[fix] = per_slice.argmax(axis=-1)[fix]
    return ~has


#: The empty partial's key and index (partial.hpp): every real element beats it in a merge.
EMPTY = np.iinfo(np.int64).max


def native_mask(core_dtype: str) -> bool:
    """Whether the core takes the presence mask itself (keys packed one size wider, executor.cpp):
    every dtype but the 8-byte integers and datetime64, whose keys fill int64. Those are reduced
    from a losing-value copy instead (below)."""
    return core_dtype not in ("int64", "uint64", "datetime64")


def partial_of_present(view: StridedView, present: np.ndarray | None, reduced: tuple[bool, ...],
                       reduction: Reduction) -> Partial:
    """The partial (keys and indices along the reduced dims) of the PRESENT elements of ``view``; a
    slice with no eligible element gets the empty partial (EMPTY key and index), which any real
    element beats when merged with other blocks. Without ``present`` it is the plain partial."""
    if present is None or native_mask(view.dtype):
        return Partial.of_view(view, reduced, reduction, present=present)
    eligible = present
    if reduction.skip_nan:  # a NaN is no fallback for a slice whose numbers all lost to the filler
        eligible = present & ~nan_in_storage(storage_array(view), view.dtype)
    copy = filled(storage_array(view), present, view.dtype, reduction.largest)
    part = Partial.of_view(replace(view, owner=copy, address=copy.__array_interface__["data"][0],
                                   strides=copy.strides, swapped=False), reduced, reduction)
    empty = move_off_absent(part.index, eligible, reduced)
    part.keys[empty] = EMPTY
    part.index[empty] = EMPTY
    return part


def block_partial(values: np.ndarray, present: np.ndarray | None, reduced: tuple[bool, ...],
                  reduction: Reduction, core_dtype: str | None = None, with_values: bool = False) -> Partial:
    """The partial of one block of a larger array (indices local to the block), absent elements
    taking no part; a slice still empty after the last block is the caller's error to raise.

    ``core_dtype`` overrides the dtype the block's memory holds (bfloat16 read as uint16 words).
    Used by the command line's chunks and by Dask's blocks alike.
    """
    view = adapt(values, reduction.name).view
    if core_dtype:
        view = replace(view, dtype=core_dtype)
    part = partial_of_present(view, present, reduced, reduction)
    if with_values or reduction.values:  # an empty slice reads element 0: its key never wins
        local = np.where(part.index == EMPTY, 0, part.index)
        part.values = np.asarray(gather(values, values.shape, reduced, local))
    return part


def _empty_slice_error(reduction: Reduction, empty: np.ndarray, skipped_nan: bool) -> ValueError:
    if skipped_nan:
        return ValueError("All-NaN slice encountered")
    where = "" if empty.ndim == 0 else f" at output position {tuple(int(i) for i in np.argwhere(empty)[0])}"
    return ValueError(f"{reduction.name}(): the slice{where} has no element left to reduce "
                      "(where= is False or the data are missing at every element)")


def reduce_present(view: StridedView, reduced: tuple[bool, ...], reduction: Reduction,
                   present: np.ndarray | None) -> np.ndarray:
    """Indices of the best PRESENT element along the reduced dims, with NaN skipped when the
    reduction says so; a slice left with no element raises ValueError (NumPy's words when NaN was
    skipped). ``present`` is None (all present) or a bool array of the view's shape."""
    nan_capable = reduction.skip_nan and (view.dtype in ("bfloat16", "datetime64")
                                          or view.dtype.startswith("float"))
    if present is None:
        index = reduce_view(view, reduced, reduction)
    else:
        index = partial_of_present(view, present, reduced, reduction).index
        if (empty := index == EMPTY).any():
            has_present = by_slice(np.asarray(present), reduced).any(axis=-1)
            raise _empty_slice_error(reduction, empty, nan_capable and bool((has_present & empty).any()))
    if nan_capable and index.size:  # under NaN-skipped the winner is NaN only if its slice is all NaN
        store = storage_array(view)
        nan = nan_in_storage(store[winner_coordinates(view.shape, reduced, index)], view.dtype)
        if nan.any():
            raise _empty_slice_error(reduction, np.asarray(nan), True)
    return index
