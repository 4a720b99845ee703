"""How an array stored in C order is cut into blocks, each one contiguous run of the file.

The command line streams these blocks through reused buffers (cli/readers/raw.py) and the Dask
path makes them its chunks (dask/sources.py), so both read a file the same way: the leading dims
one index at a time, the first dim whose inner rows fit in a block cut into runs, the rest whole.
A Fortran-order array is the C-order array of the reversed shape.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator

#: Bytes per block of the command line's stream. A block costs about 0.1 ms of Python work
#: (reading, adapting, merging), so 8 MiB keeps that under 2% at memory speed, while the
#: BUFFERS_IN_FLIGHT buffers of a prefetching reader still fit in 48 MiB.
DEFAULT_CHUNK_BYTES = 8 * 2**20
#: Bytes per Dask block: each one is a task, and a task costs about 1 ms of scheduling on a
#: cluster, ten times a stream's block, so blocks are 16 times larger (Dask's own default size).
DASK_BLOCK_BYTES = 16 * DEFAULT_CHUNK_BYTES
#: At most this many blocks per pass when a caller asks for tiny ones: 2**14 blocks cost ~2 s of
#: per-block work, where a 1 GiB file in 1-byte blocks would take half an hour.
MAX_BLOCKS = 2**14


def bounded_chunk_bytes(requested: int, total_bytes: int | None, default: int = DEFAULT_CHUNK_BYTES) -> int:
    """``requested``, raised where it would cut ``total_bytes`` into more than MAX_BLOCKS blocks
    (never above ``default``): small values stay small for small files."""
    if total_bytes is None or requested >= default:
        return requested
    return max(requested, min(default, -(-total_bytes // MAX_BLOCKS)))


def block_shape(shape: tuple[int, ...], itemsize: int, chunk_bytes: int,
                storage_chunks: tuple[int, ...] | None = None) -> tuple[int, ...]:
    """The shape of the blocks of a C-order array: at most ``chunk_bytes`` each (or one element),
    each contiguous in memory. ``storage_chunks`` (Zarr, HDF5) rounds the cut dim to whole storage
    chunks where a block holds more than one, so none is decoded twice."""
    ndim = len(shape)
    if ndim == 0 or math.prod(shape) == 0:
        return tuple(shape)
    k = 0  # the dim that is cut into runs: the first whose inner rows fit in a block
    while k < ndim - 1 and math.prod(shape[k + 1:]) * itemsize > chunk_bytes:
        k += 1
    step = min(shape[k], max(1, chunk_bytes // (math.prod(shape[k + 1:]) * itemsize)))
    if storage_chunks and step >= storage_chunks[k]:
        step -= step % storage_chunks[k]
    return (*([1] * k), step, *shape[k + 1:])


Box = tuple[tuple[int, ...], tuple[int, ...]]  # (starts, extents)


def plan_blocks(shape: tuple[int, ...], itemsize: int, chunk_bytes: int,
                storage_chunks: tuple[int, ...] | None = None) -> Iterator[Box]:
    """(starts, extents) of the blocks of :func:`block_shape`, in the file's (row-major) order."""
    if math.prod(shape) == 0:
        return
    block = block_shape(shape, itemsize, chunk_bytes, storage_chunks)
    counts = [-(-n // b) for n, b in zip(shape, block, strict=True)]
    for grid in itertools.product(*(range(c) for c in counts)):  # Python ints: no size limit
        starts = tuple(g * b for g, b in zip(grid, block, strict=True))
        yield starts, tuple(min(b, n - s) for b, n, s in zip(block, shape, starts, strict=True))
