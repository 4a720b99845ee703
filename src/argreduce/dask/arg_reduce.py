"""argmin / argmax of a Dask array: the api's checks, then one partial per block and a tree merge.

The result is a lazy int64 Dask array. Nothing here computes: the blocks are reduced where they
live (on the workers, for a distributed cluster), and only the partials travel.
"""

from __future__ import annotations

import math

import numpy as np

from .._contract import reduced_mask, result_shape
from ..adapters.numpy_adapter import dtype_name
from ..reduction import Reduction
from .blocks import block_partial, mask_like
from .fan_in import current_split_every
from .tree import tree_reduce


def _check_known_shape(op: str, x) -> None:
    if any(math.isnan(n) for n in x.shape):
        raise ValueError(
            f"{op}(): this Dask array has unknown chunk sizes (shape {x.shape}); call "
            "x.compute_chunk_sizes() first: exact indices need every block's offset"
        )


def _all_nan_key(reduction: Reduction, dtype) -> int | None:
    """The key a NaN-skipping partial ends with when its slice held only NaN (keys.hpp: KMAX of the
    dtype's width), or None when the reduction cannot end so."""
    dt = np.dtype(dtype)
    if not reduction.skip_nan or (dt.kind not in "fMm" and dt.name != "bfloat16"):
        return None
    return 2 ** (8 * dt.itemsize - 1) - 1


def dask_arg_reduce(reduction: Reduction, x, dims: tuple[int, ...] | None, keepdim: bool, out, where=None):
    """The contract's ``reduction`` of the Dask array ``x``, as a lazy int64 Dask array.

    ``dims`` is None or a tuple of ints as the api parsed them (not yet wrapped); the errors are
    the api's, in its order: dtype, then dim range, then emptiness.
    """
    import dask.array as da

    op = reduction.name
    dtype_name(np.dtype(x.dtype), op)  # the contract's dtype errors
    _check_known_shape(op, x)
    shape = tuple(int(n) for n in x.shape)
    reduced = reduced_mask(op, shape, dims)
    out_shape = result_shape(shape, reduced, keepdim)
    if out is not None:
        raise TypeError(
            f"{op}(): out= is not supported for Dask arrays: the result is lazy; "
            "compute it, then copy it into your array"
        )
    if math.prod(out_shape) == 0:  # a kept dim is empty: nothing to reduce
        return da.zeros(out_shape, dtype=np.int64)

    partial_chunks = tuple((1,) * len(c) if r else c for c, r in zip(x.chunks, reduced, strict=True))
    # The blocks of `partials` are RECORD arrays, but the array is declared int64: dask's reduction
    # casts the intermediate metadata to the result's dtype, which a structured dtype refuses. Dask's
    # own arg-reductions declare their structured intermediates the same way; no block is cast.
    operands = [x] if where is None else [x, mask_like(op, where, x)]
    partials = da.map_blocks(
        block_partial, *operands, reduction=reduction, reduced=reduced, global_shape=shape,
        declared=np.dtype(x.dtype),
        chunks=partial_chunks, dtype=np.int64, meta=np.empty((0,) * x.ndim, dtype=np.int64),
        token=f"{op}-block",  # the tree adds "{op}-partial" (inner merges) and "{op}-aggregate"
    )
    nan_key = _all_nan_key(reduction, x.dtype)
    split_every = current_split_every.get()
    indices = tree_reduce(partials, reduced, keepdim, name=op, all_nan_key=nan_key, split_every=split_every)
    if not reduction.values:
        return indices
    values = tree_reduce(partials, reduced, keepdim, name=op, all_nan_key=nan_key, values_dtype=x.dtype,
                         split_every=split_every)
    return values, indices
