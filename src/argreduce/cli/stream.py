"""The chunked reduction: each block reduced by the core, its indices made global, and the blocks
merged through ``argreduce.Partial``, the one mergeable (key, index) type of the project.

Indices are into the row-major flattening of the reduced dims. A block's local index is unravelled
over the block's extents, shifted by the block's ``starts`` and ravelled over the full sizes.
Blocks come in row-major order, so the first block to touch an output element is the one whose
reduced dims all start at 0: its result is written; later blocks are merged into it. A block that
holds whole slices (all of every reduced dim) gives final results, and no keys are kept for them:
reducing a kept axis 0 (``--dim 1`` on a table) costs the output and nothing more.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from typing import TypeVar

import numpy as np

from .._contract import reduced_axes, wrap_dims
from ..absent import EMPTY, block_partial
from ..adapters.storage import nan_in_storage
from ..partial import Partial, global_index
from ..reduction import Reduction
from .errors import InputError
from .prefetch import prefetched
from .readers import Block, Restart, Source

T = TypeVar("T")


def reduced_dims(dims: tuple[int, ...] | None, ndim: int) -> tuple[bool, ...]:
    """Which dims are reduced, with the library's own range and repetition errors."""
    if dims is None:
        return (True,) * ndim
    try:
        wrapped = wrap_dims(dims, ndim)
    except (IndexError, RuntimeError) as e:
        raise InputError(f"--dim: {e}") from None
    return tuple(d in wrapped for d in range(ndim))


def check_not_empty(source: Source, reduced: tuple[bool, ...], explicit_dim: bool, op: str) -> None:
    shape = source.shape
    if not explicit_dim and math.prod(shape) == 0:
        raise InputError(f"{source.name}: the array is empty (shape {tuple(shape)}); {op}() of an empty "
                         "array needs --dim (Expected reduction dim to be specified for input.numel() == 0.)")
    for d, (n, r) in enumerate(zip(shape, reduced, strict=True)):
        if r and n == 0:
            raise InputError(f"{source.name}: {op}(): Expected reduction dim {d} to have non-zero size.")


def _memory_bytes() -> int | None:
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def check_result_fits(source: Source, reduced: tuple[bool, ...]) -> None:
    """Refuses a result bigger than this machine's memory before anything is allocated: a header
    may claim (2**40, 2) on a pipe, or a sparse Zarr store (1, 2**40), whose result could never be
    held. Python ints: a claimed size cannot wrap around. Keys are kept beside the indices."""
    kept = [n for n, r in zip(source.shape, reduced, strict=True) if not r and n is not None]
    need = math.prod(kept) * 2 * np.dtype(np.int64).itemsize
    memory = _memory_bytes()
    if memory is not None and need > memory:
        raise InputError(f"{source.name}: the result would hold {math.prod(kept)} indices ({need} bytes with "
                         f"their keys), more than this machine's memory ({memory} bytes)")


class _Results:
    """The output being assembled: written where a block is first, merged where it is not."""

    def __init__(self, shape: tuple[int | None, ...], reduced: tuple[bool, ...]):
        self.shape, self.reduced = shape, reduced
        self.kept = [a for a, r in enumerate(reduced) if not r]
        self.red = reduced_axes(reduced)
        self.growing = bool(shape) and shape[0] is None and not reduced[0]  # rows appended as they come
        self.pieces: list[np.ndarray] = []
        kept_shape = tuple(shape[a] for a in self.kept)
        self.index = None if self.growing else np.empty(kept_shape, dtype=np.int64)
        self.keys: np.ndarray | None = None
        self.saw_nulls = False  # a table block with nulls came: an all-null slice is then possible
        self.values: np.ndarray | None = None  # the winners' values, for reductions that carry them
        self.value_pieces: list[np.ndarray] = []

    def add(self, part: Partial, block: Block) -> None:
        self.saw_nulls = self.saw_nulls or block.valid is not None
        extents = block.array.shape
        first = all(block.starts[a] == 0 for a in self.red)
        whole = all(extents[a] == self.shape[a] for a in self.red)
        if self.growing:  # text and Arrow blocks are whole rows: each result is final
            self.pieces.append(part.index)
            if part.values is not None:
                self.value_pieces.append(part.values)
            return
        if part.values is not None and self.values is None:
            self.values = np.empty(self.index.shape, dtype=part.values.dtype)
        region = tuple(slice(block.starts[a], block.starts[a] + extents[a]) for a in self.kept)
        if first:
            self.index[region] = part.index
            if self.values is not None:
                self.values[region] = part.values
            if not whole:
                if self.keys is None:
                    self.keys = np.empty(self.index.shape, dtype=np.int64)
                self.keys[region] = part.keys
        elif all(r.start == 0 and r.stop == n for r, n in zip(region, self.index.shape, strict=True)):
            Partial(self.keys, self.index, self.values).merge(part)
        else:
            values = None if self.values is None else self.values[region].copy()
            acc = Partial(self.keys[region].copy(), self.index[region].copy(), values).merge(part)
            self.keys[region], self.index[region] = acc.keys, acc.index
            if values is not None:
                self.values[region] = acc.values

    def result(self) -> np.ndarray:
        if not self.growing:
            return self.index
        if self.pieces:
            return np.concatenate(self.pieces, axis=0)
        return np.empty((0, *(self.shape[a] for a in self.kept[1:])), dtype=np.int64)

    def values_result(self) -> np.ndarray | None:
        if not self.growing:
            return self.values
        return np.concatenate(self.value_pieces, axis=0) if self.value_pieces else None


def read_blocks(source: Source, progress, overlap: bool, start: Callable[[], T],
                add: Callable[[T, Block], None]) -> T:
    """Every block of ``source`` folded by ``add`` into the state ``start()`` makes, with progress.

    A reader may raise Restart (a text column first seen as integers turned out to hold floats):
    the fold then starts over from a fresh state. ``overlap`` reads the next block on a thread
    while this one is folded (prefetch.py).
    """
    while True:
        state = start()
        try:
            for block in prefetched(source.blocks()) if overlap else source.blocks():
                add(state, block)
                if progress is not None:
                    progress.update(block.position)
        except Restart:
            continue
        return state


def _partial_of(block: Block, source: Source, reduced: tuple[bool, ...], reduction: Reduction,
                with_values: bool) -> Partial:
    part = block_partial(block.array, block.valid, reduced, reduction, source.reinterpret, with_values)
    empty = part.index == EMPTY  # a slice of the block with only nulls: no candidate yet
    shifted = global_index(np.where(empty, 0, part.index), block.array.shape, block.starts, source.shape,
                           reduced)
    part.index = np.where(empty, EMPTY, shifted)
    return part


def _all_null_error(source: Source, index: np.ndarray, reduced: tuple[bool, ...]) -> InputError:
    where = np.argwhere(index == EMPTY)[0]
    columns = source.labels.get("columns")
    if len(source.shape) == 2 and reduced == (True, False) and columns:
        return InputError(f"{source.name}: column {columns[where[0]]!r} holds only nulls")
    if index.ndim == 0:
        return InputError(f"{source.name}: every value is null")
    position = tuple(int(i) for i in where)
    return InputError(f"{source.name}: the slice at output position {position} holds only nulls")


def _reduce_by_column(source: Source, reduction: Reduction, overlap: bool, values: bool):
    """Down each column of a table whose columns have no exact common type: each in its own type
    (the winners' values then as Python numbers, which hold every column's exactly)."""
    columns = source.by_column()
    results = [reduce_source(column, (0,), reduction, None, overlap, values) for column in columns]
    source.shape = (columns[0].shape[0], len(columns))  # the row count, known once a column is read
    if not values:
        return np.stack(results)
    found = np.empty(len(results), dtype=object)
    found[:] = [v.item() for _, v in results]
    return np.stack([i for i, _ in results]), found


def reduce_source(source: Source, dims: tuple[int, ...] | None, reduction: Reduction, progress=None,
                  overlap: bool = True, values: bool = False):
    """The int64 indices (the kept dims' shape) of the best element of ``source`` along ``dims``;
    with ``values``, the pair (indices, the winners' values in the blocks' dtype).

    ``overlap`` reads the next block on a thread while this one is reduced (prefetch.py). A
    NaN-skipping reduction carries the values anyway: an all-NaN slice is told by its value.
    """
    with_values = values or reduction.skip_nan
    op = reduction.name
    reduced = reduced_dims(dims, len(source.shape))
    if source.by_column is not None and reduced == (True, False):
        return _reduce_by_column(source, reduction, overlap, values)
    known = None not in source.shape
    if known:
        check_not_empty(source, reduced, dims is not None, op)
    check_result_fits(source, reduced)
    results = read_blocks(source, progress, overlap, lambda: _Results(source.shape, reduced),
                          lambda r, b: r.add(_partial_of(b, source, reduced, reduction, with_values), b))
    if not known:
        source.finish()
        check_not_empty(source, reduced, dims is not None, op)
    index = results.result()
    if results.saw_nulls and (index == EMPTY).any():
        raise _all_null_error(source, index, reduced)
    found = results.values_result()
    if reduction.skip_nan and found is not None and nan_in_storage(found, source.reinterpret or "").any():
        raise InputError(f"{source.name}: {reduction.name}(): All-NaN slice encountered")
    return (index, found) if values else index
