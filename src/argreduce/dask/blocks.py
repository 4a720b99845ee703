"""One Dask block in, its partial out: the native core's keys, with indices made global.

The core answers with an index into the flattening of the BLOCK's reduced dims. The block is a
box of the array, and row-major order within a box is the global row-major order restricted to
it, so the block's winner among ties is also its globally-first one. Its index only has to be
re-expressed in the flattening of the WHOLE array's reduced dims (partial.global_index, which the
command line's chunks use too).
"""

from __future__ import annotations

import numpy as np

from .. import absent
from ..partial import global_index
from ..reduction import Reduction
from .records import nothing, record_of


def block_partial(block, present=None, *, reduction: Reduction, reduced: tuple[bool, ...],
                  global_shape: tuple[int, ...], declared: np.dtype | None = None,
                  block_info=None) -> np.ndarray:
    """The RECORD array of one block: size 1 along the reduced dims, the block's size elsewhere.

    ``present`` is the block of the where= mask (or None). Called by ``dask.array.map_blocks``,
    which passes ``block_info`` (the block's place in the array). ``declared`` is the array's
    declared dtype: keys of different dtypes do not compare, so a block that holds another one (a
    map_blocks function that returns int64 here and float64 there) is converted to it where that
    is exact, and refused where it is not.
    """
    starts = tuple(start for start, _ in block_info[0]["array-location"])
    block = _as_declared(block, declared, reduction.name, starts)
    shape = tuple(1 if r else n for n, r in zip(block.shape, reduced, strict=True))
    if any(n == 0 for n, r in zip(block.shape, reduced, strict=True) if r):
        # Dask allows empty chunks: this block has no candidate
        return nothing(shape, block.dtype if reduction.values else None)
    p = absent.block_partial(np.asarray(block), None if present is None else np.asarray(present), reduced,
                             reduction)
    empty = p.index == absent.EMPTY  # no present element in this block's slice
    local = np.where(empty, 0, p.index)
    p.index = np.where(empty, absent.EMPTY, global_index(local, block.shape, starts, global_shape, reduced))
    return record_of(p, shape)


def _as_declared(block, dtype: np.dtype | None, op: str, starts: tuple[int, ...]):
    if dtype is None or not isinstance(block, np.ndarray) or block.dtype == dtype:
        return block
    held = block.dtype
    if np.can_cast(held, dtype, casting="safe"):
        return block.astype(dtype)
    raise TypeError(f"{op}(): the Dask block at {starts} holds {held}, but the array declares "
                    f"{dtype}, which cannot hold it exactly; give map_blocks the right dtype=")


def mask_like(op: str, where, x):
    """where= as a bool Dask array of x's shape and chunks (broadcast; NumPy, lists or Dask), checked
    with ``op``'s name in the messages: every Dask reduction's mask, block for block with x."""
    import dask.array as da

    w = where if isinstance(where, da.Array) else da.from_array(np.asarray(where))
    if w.dtype != np.bool_:
        raise TypeError(f"{op}(): argument 'where' must be a boolean array, not {w.dtype}")
    try:
        w = da.broadcast_to(w, x.shape)
    except ValueError:
        raise ValueError(f"{op}(): where= of shape {w.shape} does not broadcast to the input's shape "
                         f"{x.shape}") from None
    return w.rechunk(x.chunks)
