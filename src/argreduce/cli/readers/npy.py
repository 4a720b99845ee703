""".npy files, streamed: the header is read by the file layer (argreduce.files) and the data through
reused buffers, so a file larger than memory needs neither np.load nor a memory map."""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Iterator
from typing import BinaryIO

import numpy as np

from ...files import read_npy_header as _read_header
from .base import Block, Source, core_dtype_of, stdin_reader
from .raw import raw_blocks


def read_npy_header(f: BinaryIO, name: str) -> tuple[tuple[int, ...], np.dtype, bool, int]:
    """(shape, dtype, fortran_order, header bytes) from the header at the current position of ``f``."""
    h = _read_header(f, name)
    return h.shape, h.dtype, h.fortran_order, h.data_offset


def regular_file_size(f: BinaryIO) -> int | None:
    """The size of a regular file; None for a pipe, a terminal or a member of an archive."""
    try:
        st = os.fstat(f.fileno())
    except (OSError, AttributeError, ValueError, io.UnsupportedOperation):
        return None
    return st.st_size if stat.S_ISREG(st.st_mode) else None


def open_npy(path: str, chunk_bytes: int) -> Source:
    name = "<stdin>" if path == "-" else path
    f = stdin_reader(binary=True) if path == "-" else open(path, "rb")
    try:
        header = _read_header(f, name)
        core_dtype_of(header.dtype, name)  # an unsupported dtype is an error before anything is read
        size = regular_file_size(f)
        header.check_fits(name, size)
    except BaseException:
        if path != "-":
            f.close()
        raise
    if size is not None and hasattr(os, "posix_fadvise"):
        os.posix_fadvise(f.fileno(), 0, 0, os.POSIX_FADV_SEQUENTIAL)  # doubles the kernel's read-ahead

    def blocks() -> Iterator[Block]:
        try:
            yield from raw_blocks(f, name, header.data_offset, header.shape, header.dtype,
                                  header.fortran_order, chunk_bytes, source.read_buffers)
        finally:
            if path != "-":
                f.close()

    source = Source(name, header.shape, header.dtype, header.nbytes, blocks, decodes=False)
    return source
