"""One Dask block in, its partial out: the native core's keys, with indices made global.

The core answers with an index into the flattening of the BLOCK's reduced dims. The block is a
box of the array, and row-major order within a box is the global row-major order restricted to
it, so the block's winner among ties is also its globally-first one. Its index only has to be
re-expressed in the flattening of the WHOLE array's reduced dims (partial.global_index, which the
command line's chunks use too).
"""

from __future__ import annotations

import numpy as np

from ..adapters import adapt
from ..partial import Partial, global_index
from ..reduction import Reduction
from .records import nothing, record_of


def block_partial(block, *, reduction: Reduction, reduced: tuple[bool, ...],
                  global_shape: tuple[int, ...], block_info=None) -> np.ndarray:
    """The RECORD array of one block: size 1 along the reduced dims, the block's size elsewhere.

    Called by ``dask.array.map_blocks``, which passes ``block_info`` (the block's place in the array).
    """
    starts = tuple(start for start, _ in block_info[0]["array-location"])
    shape = tuple(1 if r else n for n, r in zip(block.shape, reduced, strict=True))
    if any(n == 0 for n, r in zip(block.shape, reduced, strict=True) if r):
        return nothing(shape)  # Dask allows empty chunks: this block has no candidate
    p = Partial.of_view(adapt(block, reduction.name).view, reduced, reduction)
    p.index = global_index(p.index, block.shape, starts, global_shape, reduced)
    return record_of(p, shape)
