"""``argreduce FILE --top K``: the k best elements of a file, read in chunks, memory bounded.

Each chunk gives a k-best list (k_best.block_k_best: keys, global indices, values); chunks that
cover the same output slices are merged with k_best.merge, the exact (key, index) merge Dask's tree
uses too. Memory: the chunks in flight plus k entries per output.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..k_best import EMPTY, KBest, block_k_best, merge
from ..partial import global_index
from .errors import InputError
from .readers import Block, Source
from .stream import read_blocks, reduced_dims


def top_dim(dims: tuple[int, ...] | None, ndim: int) -> int | None:
    """The one dim --top works along (None: the flattened array), with --dim's own errors."""
    if dims is None:
        return None
    if len(dims) != 1:
        raise InputError("--top: give one --dim (or none, for the whole array)")
    reduced = reduced_dims(dims, ndim)
    return reduced.index(True) if ndim else None


def check_k(source: Source, d: int | None, k: int) -> None:
    n = math.prod(source.shape) if d is None else source.shape[d]
    if k > n:
        raise InputError(f"{source.name}: --top {k}: the slice has only {n} elements "
                         "(selected index k out of range)")


def _part(block, source: Source, d: int | None, k: int, largest: bool) -> KBest:
    if d is not None:
        return block_k_best(block.array, block.valid, d, k, largest, block.starts[d], source.reinterpret)
    part = block_k_best(block.array, block.valid, None, k, largest, 0, source.reinterpret)
    empty = part.index == EMPTY
    full = source.shape
    shifted = global_index(np.where(empty, 0, part.index), block.array.shape, block.starts, full,
                           (True,) * len(full))
    part.index = np.where(empty, EMPTY, shifted)
    return part


@dataclass
class _Top:
    """The k best so far: merged per output (acc), or, for text growing by whole rows, final per block."""

    acc: KBest | None = None
    pieces: list[KBest] = field(default_factory=list)


def top_source(source: Source, dims: tuple[int, ...] | None, k: int, largest: bool, progress=None,
               overlap: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """(indices, values) of the k best along the dim, shaped as the input with that dim's size k
    (dim None: shape (k,)), best first, ties in index order."""
    ndim = len(source.shape)
    d = top_dim(dims, ndim)
    known = None not in source.shape
    if known:
        check_k(source, d, k)
    # Text tables grow by whole rows: with a dim other than 0 each chunk's lists are final.
    growing = not known and d not in (None, 0)

    def add(state: _Top, block: Block) -> None:
        part = _part(block, source, d, k, largest)
        if growing:
            state.pieces.append(part)
            return
        if state.acc is None:
            outer = () if d is None else tuple(n for a, n in enumerate(source.shape) if a != d)
            state.acc = KBest(np.full((*outer, k), EMPTY, np.int64), np.full((*outer, k), EMPTY, np.int64),
                              np.zeros((*outer, k), part.values.dtype))
        acc = state.acc
        kept = [a for a in range(ndim) if a != d] if d is not None else []
        region = tuple(slice(block.starts[a], block.starts[a] + block.array.shape[a]) for a in kept)
        merged = merge([KBest(acc.keys[region], acc.index[region], acc.values[region]), part])
        acc.keys[region], acc.index[region] = merged.keys, merged.index
        acc.values[region] = merged.values

    state = read_blocks(source, progress, overlap, _Top, add)
    acc, pieces = state.acc, state.pieces
    if not known:
        source.finish()
        check_k(source, d, k)
    if growing:
        acc = KBest(*(np.concatenate([getattr(p, f) for p in pieces], axis=0)
                      for f in ("keys", "index", "values")))
    if acc is None:  # no block at all: an empty array, k == 0
        outer = () if d is None else tuple(n for a, n in enumerate(source.shape) if a != d)
        acc = KBest(np.empty((*outer, k), np.int64), np.empty((*outer, k), np.int64), np.empty((*outer, k)))
    if (acc.index == EMPTY).any():
        raise InputError(f"{source.name}: --top {k}: a slice has fewer than {k} values that are not null")
    if d is None:
        return acc.index, acc.values
    return np.moveaxis(acc.index, -1, d), np.moveaxis(acc.values, -1, d)
