"""What every reader hands the stream: a ``Source`` that yields ``Block``s.

A block is a hyper-rectangle of the source array, with the source's full number of dims, and
``starts``, its position in the source. Blocks come in the source's row-major order and never
overlap, so the stream can tell from ``starts`` alone whether a block is the first to touch an
output element (see stream.py). Raw readers reuse their buffers: a block's memory is valid until
the next block is read, or, for a source read on a prefetching thread, ``BUFFERS_IN_FLIGHT`` - 1
blocks later.
"""

from __future__ import annotations

import importlib
import io
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np

from ...files import plan_blocks
from ..errors import InputError, missing_extra

#: Blocks a reader thread may run ahead of the reduction (prefetch.py): enough to ride out the
#: reducing thread being descheduled for a few time slices on a busy machine.
READ_AHEAD_BLOCKS = 4
#: Buffers a reader that reuses them rotates through when it runs on that thread: the blocks
#: queued, one being filled, one being reduced.
BUFFERS_IN_FLIGHT = READ_AHEAD_BLOCKS + 2


@dataclass
class Block:
    array: np.ndarray
    starts: tuple[int, ...]
    position: int  # bytes of the source consumed once this block is read (for the progress bar)
    valid: np.ndarray | None = None  # tables only: False where the source holds a null


@dataclass
class Source:
    """An array on disk (or on standard input), read block by block.

    ``shape[0]`` is None for text tables and Arrow files, whose row count is known only at the end;
    ``finish`` then fills it in. ``reinterpret`` names the core dtype when the blocks hold raw words
    rather than NumPy's own type (bfloat16 as uint16). ``labels`` holds names worth showing
    (``columns``: a table's column names). ``make_blocks`` starts a pass over the data;
    ``total_bytes`` is what the passes' ``Block.position`` counts up to (None if unknown).
    ``decodes``: the reader does real work per block (decompressing, parsing), worth overlapping with
    the reduction on a second thread. Plain reads of a file are not: the kernel's read-ahead already
    overlaps the disk with the reduction, and a hand-over between threads per block costs CPU.
    ``read_buffers``: how many buffers a reader that reuses them rotates through; a caller that
    reads a plain file on a prefetching thread anyway (a reduction heavy enough that the kernel's
    read-ahead falls behind) sets BUFFERS_IN_FLIGHT before ``make_blocks``.
    """

    name: str
    shape: tuple[int | None, ...]
    dtype: np.dtype
    total_bytes: int | None
    make_blocks: Callable[[], Iterator[Block]]
    reinterpret: str | None = None
    decodes: bool = True
    labels: dict[str, list[str]] = field(default_factory=dict)
    rows_seen: int = 0
    read_buffers: int = 1
    #: Tables whose columns have no common type that holds them all exactly: one 1-D source per
    #: column, each in its own type, for a reduction that compares values within columns only.
    by_column: Callable[[], list[Source]] | None = None

    def blocks(self) -> Iterator[Block]:
        self.rows_seen = 0
        for block in self.make_blocks():
            if block.starts:
                self.rows_seen = max(self.rows_seen, block.starts[0] + block.array.shape[0])
            yield block

    def finish(self) -> None:
        """After the last block: the row count of a source that did not know it."""
        if self.shape and self.shape[0] is None:
            self.shape = (self.rows_seen, *self.shape[1:])


class Restart(Exception):
    """Raised by a source whose element type changed mid-read (a text table of integers that turns
    out to hold a float): the stream discards what it has and calls ``blocks()`` again."""


def import_optional(module: str, what: str, extra: str):
    """Imports an optional format library, or raises the message that names its extra."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise missing_extra(what, module.split(".")[0], extra) from None


def core_dtype_of(dtype: np.dtype, name: str) -> str:
    """The core's name for a stored element type, or the contract's dtype error as an input error."""
    from ...adapters.numpy_adapter import dtype_name

    try:
        return dtype_name(dtype, "argreduce")
    except (TypeError, RuntimeError) as e:
        raise InputError(f"{name}: {str(e).removeprefix('argreduce(): ')}") from None


def sliced_blocks(array, shape: tuple[int, ...], dtype: np.dtype, chunk_bytes: int, storage_chunks=None):
    """Blocks of an array that reads itself on slicing (Zarr, HDF5); the position counts its bytes."""
    done = 0
    for starts, extents in plan_blocks(shape, dtype.itemsize, chunk_bytes, storage_chunks):
        block = np.asarray(array[tuple(slice(s, s + e) for s, e in zip(starts, extents, strict=True))])
        done += block.nbytes
        yield Block(block.reshape(extents), starts, done)


def stdin_reader(binary: bool):
    """Standard input through a reader of our own on its file descriptor, so the reader thread that
    may be blocked in it at Ctrl-C never holds sys.stdin's lock when the interpreter shuts down.
    A replaced sys.stdin without a descriptor (tests, embedding) is used as it is."""
    try:
        fd = sys.stdin.fileno()
    except (AttributeError, ValueError, io.UnsupportedOperation):
        return sys.stdin.buffer if binary else sys.stdin
    if binary:
        return open(fd, "rb", closefd=False)
    return open(fd, encoding="utf-8", newline="", closefd=False)
