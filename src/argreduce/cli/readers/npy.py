""".npy files, streamed: the header is parsed here and the data read through reused buffers, so a
file larger than memory needs neither np.load nor a memory map."""

from __future__ import annotations

import io
import os
import stat
import sys
from collections.abc import Iterator
from typing import BinaryIO

import numpy as np

from ..errors import InputError
from .base import Block, Source, core_dtype_of
from .raw import raw_blocks, truncation_error


def read_npy_header(f: BinaryIO, name: str) -> tuple[tuple[int, ...], np.dtype, bool]:
    """(shape, dtype, fortran_order) from the header at the current position of ``f``."""
    fmt = np.lib.format
    try:
        version = fmt.read_magic(f)
        if version == (1, 0):
            shape, fortran, dtype = fmt.read_array_header_1_0(f)
        elif version in ((2, 0), (3, 0)):
            shape, fortran, dtype = fmt.read_array_header_2_0(f)
        else:
            raise ValueError(f"unknown format version {version[0]}.{version[1]}")
    except (ValueError, OSError, SyntaxError, EOFError) as e:
        raise InputError(f"{name}: not a valid .npy file: {e}") from None
    if dtype.hasobject:
        raise InputError(f"{name}: holds Python objects (dtype object), which have no order to reduce")
    return tuple(shape), dtype, fortran


def regular_file_size(f: BinaryIO) -> int | None:
    """The size of a regular file; None for a pipe, a terminal or a member of an archive."""
    try:
        st = os.fstat(f.fileno())
    except (OSError, AttributeError, ValueError, io.UnsupportedOperation):
        return None
    return st.st_size if stat.S_ISREG(st.st_mode) else None


def open_npy(path: str, chunk_bytes: int) -> Source:
    name = "<stdin>" if path == "-" else path
    f = sys.stdin.buffer if path == "-" else open(path, "rb")
    shape, dtype, fortran = read_npy_header(f, name)
    core_dtype_of(dtype, name)  # an unsupported dtype is an error before anything is read
    data_offset = f.tell()
    data_end = data_offset + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    size = regular_file_size(f)
    if size is not None and size < data_end:
        f.close()
        raise truncation_error(name, size, data_end)
    if size is not None and hasattr(os, "posix_fadvise"):
        os.posix_fadvise(f.fileno(), 0, 0, os.POSIX_FADV_SEQUENTIAL)  # doubles the kernel's read-ahead

    def blocks() -> Iterator[Block]:
        try:
            yield from raw_blocks(f, name, data_offset, shape, dtype, fortran, chunk_bytes)
        finally:
            if f is not sys.stdin.buffer:
                f.close()

    return Source(name, shape, dtype, data_end - data_offset, blocks)
