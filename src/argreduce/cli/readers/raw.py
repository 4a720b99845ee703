"""Arrays stored as raw bytes (.npy, .npz members, .safetensors): read block by block with
``readinto`` into a few reused buffers, so memory stays at a few chunks whatever the file size.

A Fortran-order array is the C-order array of the reversed shape, transposed: it is cut into blocks
along its last dim, and each block handed over as a transposed view (the core reads any strides).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import BinaryIO

import numpy as np

from ...files import plan_blocks, truncated
from .base import Block

#: Bytes per read call: the size cat reads in (128-256 KiB), the pattern the kernel's read-ahead is
#: tuned for. A block of several MiB is filled by many such reads.
READ_PIECE = 256 * 2**10


def _read_full(f: BinaryIO, into: memoryview) -> int:
    """Fills ``into`` unless the data ends first (pipes and zip members return short reads)."""
    got = 0
    while got < len(into):
        n = f.readinto(into[got:got + READ_PIECE])
        if not n:
            break
        got += n
    return got


truncation_error = truncated  # the file layer's message, also raised when a header is checked


def raw_blocks(
    f: BinaryIO,
    name: str,
    data_offset: int,
    shape: tuple[int, ...],
    dtype: np.dtype,
    fortran: bool,
    chunk_bytes: int,
    buffers: int = 1,
) -> Iterator[Block]:
    """Blocks of the array whose bytes start at the current position of ``f`` (``data_offset``),
    read into ``buffers`` rotating buffers (BUFFERS_IN_FLIGHT when a prefetching thread reads)."""
    disk_shape = tuple(reversed(shape)) if fortran else shape
    data_end = data_offset + math.prod(shape) * dtype.itemsize
    pool: list[np.ndarray | None] = [None] * buffers
    done = 0  # data bytes read so far: the progress position
    for i, (starts, extents) in enumerate(plan_blocks(disk_shape, dtype.itemsize, chunk_bytes)):
        nbytes = math.prod(extents) * dtype.itemsize
        buf = pool[i % buffers]
        if buf is None or buf.size < nbytes:
            buf = pool[i % buffers] = np.empty(nbytes, dtype=np.uint8)
        got = _read_full(f, memoryview(buf)[:nbytes])
        if got < nbytes:
            raise truncation_error(name, data_offset + done + got, data_end)
        done += nbytes
        array = buf[:nbytes].view(dtype).reshape(extents)
        if fortran:
            array, starts = array.T, tuple(reversed(starts))
        yield Block(array, starts, done)
