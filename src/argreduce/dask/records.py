"""A Partial as one NumPy array, so Dask can concatenate, move and pickle it like any block.

Each element holds the best key seen so far and its GLOBAL index. Dask's tree reduction stacks
these arrays along the reduced axes; ``partial_of`` and ``record_of`` convert at the edges, and
the merging itself always goes through argreduce.partial.Partial.
"""

from __future__ import annotations

import numpy as np

from ..absent import EMPTY
from ..partial import Partial

RECORD = np.dtype([("key", np.int64), ("index", np.int64)])


def record_dtype(value_dtype: np.dtype | None) -> np.dtype:
    """RECORD, plus the winner's value for reductions that return values (min, max)."""
    return RECORD if value_dtype is None else np.dtype([*RECORD.descr, ("value", value_dtype)])



def record_of(p: Partial, shape: tuple[int, ...]) -> np.ndarray:
    out = np.empty(shape, dtype=record_dtype(None if p.values is None else p.values.dtype))
    out["key"] = p.keys.reshape(shape)
    out["index"] = p.index.reshape(shape)
    if p.values is not None:
        out["value"] = p.values.reshape(shape)
    return out


def nothing(shape: tuple[int, ...], value_dtype: np.dtype | None = None) -> np.ndarray:
    out = np.zeros(shape, dtype=record_dtype(value_dtype))
    # A block that is empty along a reduced dim has no candidate: the empty partial loses every merge
    # (no key is larger, and on an equal key every real index is smaller).
    out["key"] = EMPTY
    out["index"] = EMPTY
    return out


def partial_of(records: np.ndarray) -> Partial:
    """A Partial viewing the records (strided field views: merge_all copies before writing)."""
    values = records["value"] if "value" in records.dtype.names else None
    return Partial(records["key"], records["index"], values)
