"""Nulls in Parquet/Arrow tables are skipped, with the core reducing the block as it is.

Before the reduction each null cell gets the value that loses to everything (+inf for argmin, the
dtype's minimum for argmax, ...). If a result still lands on a null, every valid value of its slice
ties with that losing value, so the right answer is the slice's first valid element; a slice with
no valid element gets the core's empty partial {KMAX, KMAX}, which any real element beats when
later blocks are merged. A slice still empty at the end is an error (an all-null slice).
"""

from __future__ import annotations

import numpy as np

from .._contract import kept_axes, reduced_axes
from ..partial import Partial

EMPTY = np.iinfo(np.int64).max  # the core's empty partial: key and index both KMAX (partial.hpp)


def _losing_value(dtype: np.dtype, largest: bool):
    if dtype.kind == "f":
        return -np.inf if largest else np.inf
    if dtype.kind == "b":
        return not largest
    info = np.iinfo(dtype)
    return info.min if largest else info.max


def fill_nulls(values: np.ndarray, valid: np.ndarray, largest: bool) -> None:
    np.putmask(values, ~valid, _losing_value(values.dtype, largest))


def fix_nulls(part: Partial, valid: np.ndarray, reduced: tuple[bool, ...]) -> None:
    """Moves results that landed on a null to the slice's first valid element (or to EMPTY)."""
    by_slice = np.transpose(valid, kept_axes(reduced) + reduced_axes(reduced))
    by_slice = by_slice.reshape((*part.index.shape, -1))
    chosen_is_valid = np.take_along_axis(by_slice, part.index[..., None], axis=-1)[..., 0]
    wrong = ~chosen_is_valid
    if not wrong.any():
        return
    has_valid = by_slice.any(axis=-1)
    part.index[wrong] = np.where(has_valid, by_slice.argmax(axis=-1), EMPTY)[wrong]
    part.keys[wrong & ~has_valid] = EMPTY
