"""topk of a Dask array: one k-best list per block, merged in a tree; lazy and exact for any chunking.

Each block becomes a record of 3k int64 slots along the reduced dim: the keys, the global indices
and the values' bits (so the values travel with their indices and nothing is read twice). Blocks
are then merged `split_every` at a time along that dim (a rechunk joins neighbours, k_best.merge
folds them: the one (key, index) comparator), until one record is left per slice. Because indices
are global and the order is total, how Dask groups blocks cannot change the answer.
"""

from __future__ import annotations

import math

import numpy as np

from .._contract import wrap_dims
from ..adapters.numpy_adapter import dtype_name
from ..k_best import EMPTY, KBest, block_k_best, merge
from .blocks import mask_like

SPLIT_EVERY = 8


def _bits_dtype(dtype: np.dtype) -> np.dtype:
    return np.dtype(f"u{dtype.itemsize}")


def _record(part: KBest, dim: int, dtype: np.dtype) -> np.ndarray:
    # The values in the declared dtype first: NumPy's concatenations (merge, padding) return native
    # byte order, and _unrecord reads the bits back as ``dtype`` (a big-endian file's '>f4').
    bits = np.ascontiguousarray(part.values, dtype=dtype).view(_bits_dtype(dtype)).astype(np.int64)
    return np.moveaxis(np.concatenate([part.keys, part.index, bits], axis=-1), -1, dim)


def _unrecord(rec: np.ndarray, dim: int, k: int, dtype: np.dtype) -> list[KBest]:
    r = np.moveaxis(rec, dim, -1)
    r = r.reshape(*r.shape[:-1], r.shape[-1] // (3 * k), 3 * k)
    parts = []
    for i in range(r.shape[-2]):
        one = r[..., i, :]
        values = one[..., 2 * k:].astype(_bits_dtype(dtype)).view(dtype)
        parts.append(KBest(one[..., :k], one[..., k:2 * k], values))
    return parts


def _block(block, present=None, *, k, dim, largest, value_dtype, block_info=None):
    start = block_info[0]["array-location"][dim][0]
    return _record(block_k_best(np.asarray(block), None if present is None else np.asarray(present), dim, k,
                                largest, start), dim, value_dtype)


def _combine(rec, *, k, dim, value_dtype):
    return _record(merge(_unrecord(rec, dim, k, value_dtype)), dim, value_dtype)


def _field(rec, *, k, dim, value_dtype, field):
    (part,) = _unrecord(rec, dim, k, value_dtype)
    if (part.index == EMPTY).any():
        raise ValueError(f"topk(): a slice has fewer than k={k} present elements "
                         "(where= is False or the data are missing at the others)")
    out = part.index if field == "index" else part.values
    return np.moveaxis(out, -1, dim)


def dask_topk(x, k: int, dim: int | None, largest: bool, where=None):
    """(values, indices) of ``topk`` on the Dask array ``x``, both lazy Dask arrays."""
    import dask.array as da

    dtype_name(np.dtype(x.dtype), "topk")
    if any(math.isnan(n) for n in x.shape):
        raise ValueError(f"topk(): this Dask array has unknown chunk sizes (shape {x.shape}); call "
                         "x.compute_chunk_sizes() first: exact indices need every block's offset")
    mask = None if where is None else mask_like("topk", where, x)
    if dim is None or x.ndim == 0:
        # Empty chunks are dropped first: Dask's reshape fails on them.
        solid = tuple(tuple(n for n in c if n) or (0,) for c in x.chunks)
        x = x.rechunk(solid).reshape(-1)
        mask = None if mask is None else mask.rechunk(solid).reshape(-1).rechunk(x.chunks)
        d = 0
    else:
        (d,) = wrap_dims((dim,), x.ndim)
    if not 0 <= k <= x.shape[d]:
        raise RuntimeError("selected index k out of range")
    dtype = np.dtype(x.dtype)
    if k == 0 or math.prod(x.shape) == 0:
        shape = tuple(k if a == d else n for a, n in enumerate(x.shape))
        return da.zeros(shape, dtype=dtype), da.zeros(shape, dtype=np.int64)
    rec_chunks = tuple((3 * k,) * len(c) if a == d else c for a, c in enumerate(x.chunks))
    operands = [x] if mask is None else [x, mask]
    rec = da.map_blocks(_block, *operands, k=k, dim=d, largest=largest, value_dtype=dtype, chunks=rec_chunks,
                        dtype=np.int64,
                        meta=np.empty((0,) * x.ndim, np.int64), token="topk-block")
    while rec.numblocks[d] > 1:
        groups = rec.numblocks[d]
        joined = tuple(
            tuple(3 * k * min(SPLIT_EVERY, groups - g) for g in range(0, groups, SPLIT_EVERY))
            if a == d else c
            for a, c in enumerate(rec.chunks))
        merged_chunks = tuple((3 * k,) * len(c) if a == d else c for a, c in enumerate(joined))
        rec = rec.rechunk(joined).map_blocks(_combine, k=k, dim=d, value_dtype=dtype, dtype=np.int64,
                                             chunks=merged_chunks,
                                             token="topk-merge", meta=np.empty((0,) * x.ndim, np.int64))
    out_chunks = tuple((k,) if a == d else c for a, c in enumerate(rec.chunks))
    common = dict(k=k, dim=d, value_dtype=dtype, chunks=out_chunks)
    values = rec.map_blocks(_field, field="values", dtype=dtype, meta=np.empty((0,) * x.ndim, dtype),
                            **common,
                            token="topk-values")
    indices = rec.map_blocks(_field, field="index", dtype=np.int64, meta=np.empty((0,) * x.ndim, np.int64),
                             **common,
                             token="topk-indices")
    return values, indices
