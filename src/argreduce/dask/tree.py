"""Dask's tree reduction over the block partials, merging through argreduce.partial.Partial.

``dask.array.reduction`` concatenates a few neighbouring partials along the reduced axes and
hands them to ``combine`` (inner nodes) or ``aggregate`` (the root). Both fold the stacked
partials with ``merge_all``: the native comparator, the same one the thread pool uses, so the
order in which Dask groups the blocks cannot change the answer.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from ..absent import EMPTY
from ..partial import Partial, merge_all
from .records import partial_of, record_of


def _fold(records: np.ndarray, axis: tuple[int, ...]) -> tuple[Partial, tuple[int, ...]]:
    """Merges the partials stacked along ``axis``; also returns the shape with those axes at size 1."""
    kept = [d for d in range(records.ndim) if d not in axis]
    front = np.moveaxis(records, axis, tuple(range(len(axis))))
    count = math.prod(records.shape[d] for d in axis)  # not -1: a kept dim may be empty
    stacked = front.reshape(count, *(records.shape[d] for d in kept))
    # stacked[i, ...] stays an array when the output is 0-d (stacked[i] would be a NumPy scalar).
    merged = merge_all(partial_of(stacked[i, ...]) for i in range(stacked.shape[0]))
    ones = tuple(1 if d in axis else n for d, n in enumerate(records.shape))
    return merged, ones


def as_is(records: np.ndarray, axis: tuple[int, ...], keepdims: bool) -> np.ndarray:
    """The per-block step: map_blocks has already made each block's partial."""
    return records


def combine(records: np.ndarray, axis: tuple[int, ...], keepdims: bool) -> np.ndarray:
    merged, ones = _fold(records, axis)
    return record_of(merged, ones)


def aggregate(records: np.ndarray, axis: tuple[int, ...], keepdims: bool, all_nan_key=None, name="",
              field="index") -> np.ndarray:
    """The root: the merged indices (or, with field="values", the winners' values)."""
    merged, ones = _fold(records, axis)
    if all_nan_key is not None and (merged.keys == all_nan_key).any():
        raise ValueError("All-NaN slice encountered")
    if (merged.index == EMPTY).any():
        if all_nan_key is not None:
            raise ValueError("All-NaN slice encountered")
        raise ValueError(f"{name}(): a slice has no element left to reduce "
                         "(where= is False or the data are missing at every element)")
    shape = ones if keepdims else tuple(n for d, n in enumerate(records.shape) if d not in axis)
    return getattr(merged, field).reshape(shape)


def tree_reduce(partials, reduced: tuple[bool, ...], keepdim: bool, name: str, split_every=None,
                all_nan_key: int | None = None, values_dtype=None):
    """The int64 Dask array of global indices, from the RECORD array of block partials; with
    ``values_dtype``, the Dask array of the winners' values instead."""
    import dask.array as da

    axis = tuple(d for d, r in enumerate(reduced) if r)
    return da.reduction(
        partials, as_is,
        functools.partial(aggregate, all_nan_key=all_nan_key, name=name,
                          field="index" if values_dtype is None else "values"),
        combine=combine, axis=axis, keepdims=keepdim, dtype=values_dtype or np.int64, split_every=split_every,
        concatenate=True, name=name if values_dtype is None else f"{name}-values",
        meta=np.empty((0,) * (partials.ndim if keepdim else partials.ndim - len(axis)),
                      dtype=values_dtype or np.int64),
    )

