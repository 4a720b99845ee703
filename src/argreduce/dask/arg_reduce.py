"""argmin / argmax of a Dask array: the api's checks, then one partial per block and a tree merge.

The result is a lazy int64 Dask array. Nothing here computes: the blocks are reduced where they
live (on the workers, for a distributed cluster), and only the partials travel.
"""

from __future__ import annotations

import math

import numpy as np

from ..adapters.numpy_adapter import dtype_name
from ..api import _reduced_mask, _result_shape
from .blocks import block_partial
from .tree import tree_reduce


def _check_known_shape(op: str, x) -> None:
    if any(math.isnan(n) for n in x.shape):
        raise ValueError(
            f"{op}(): this Dask array has unknown chunk sizes (shape {x.shape}); call "
            "x.compute_chunk_sizes() first: exact indices need every block's offset"
        )


def dask_arg_reduce(op: str, is_max: bool, x, dims: tuple[int, ...] | None, keepdim: bool, out):
    """The contract's argmin / argmax of the Dask array ``x``, as a lazy int64 Dask array.

    ``dims`` is None or a tuple of ints as the api parsed them (not yet wrapped); the errors are
    the api's, in its order: dtype, then dim range, then emptiness.
    """
    import dask.array as da

    dtype_name(np.dtype(x.dtype), op)  # the contract's dtype errors
    _check_known_shape(op, x)
    shape = tuple(int(n) for n in x.shape)
    reduced = _reduced_mask(op, shape, dims)
    result_shape = _result_shape(shape, reduced, keepdim)
    if out is not None:
        raise TypeError(
            f"{op}(): out= is not supported for Dask arrays: the result is lazy; "
            "compute it, then copy it into your array"
        )
    if math.prod(result_shape) == 0:  # a kept dim is empty: nothing to reduce
        return da.zeros(result_shape, dtype=np.int64)

    partial_chunks = tuple((1,) * len(c) if r else c for c, r in zip(x.chunks, reduced, strict=True))
    # The blocks of `partials` are RECORD arrays, but the array is declared int64: dask's reduction
    # casts the intermediate metadata to the result's dtype, which a structured dtype refuses. Dask's
    # own arg-reductions declare their structured intermediates the same way; no block is cast.
    partials = x.map_blocks(
        block_partial, op=op, is_max=is_max, reduced=reduced, global_shape=shape, declared=np.dtype(x.dtype),
        chunks=partial_chunks, dtype=np.int64, meta=np.empty((0,) * x.ndim, dtype=np.int64),
        token=f"{op}-block",  # the tree adds "{op}-partial" (inner merges) and "{op}-aggregate"
    )
    return tree_reduce(partials, reduced, keepdim, name=op)
