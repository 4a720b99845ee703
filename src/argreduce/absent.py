"""Absent elements (``where=`` False, nulls, masked entries) take no part in a reduction.

How, without a second kernel: the present elements are copied with each absent one replaced by
the value that loses to everything under the reduction (+inf for argmin, the dtype's minimum for
argmax ...), the copy is reduced as usual, and a result that still lands on an absent element is
moved to its slice's first eligible element. That move is exact: a result lands on a filler only
when every eligible element of its slice ties with the losing value (or none is left), and ties
go to the first. The command line streams Parquet and Arrow nulls by the same rule (cli/nulls.py).
"""

from __future__ import annotations

import math

import numpy as np

from ._contract import kept_axes, reduced_axes

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
