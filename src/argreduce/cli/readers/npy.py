""".npy files, streamed: the header is parsed here and the data read through reused buffers, so a
file larger than memory needs neither np.load nor a memory map."""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Iterator
from typing import BinaryIO

import numpy as np

from ..errors import InputError
from .base import Block, Source, core_dtype_of, stdin_reader
from .raw import raw_blocks, truncation_error


class _Counted:
    """Counts the bytes read through it: a pipe cannot tell() where the header ended."""

    def __init__(self, f: BinaryIO):
        self.f, self.count = f, 0

    def read(self, n: int = -1) -> bytes:
        data = self.f.read(n)
        self.count += len(data)
        return data


def read_npy_header(f: BinaryIO, name: str) -> tuple[tuple[int, ...], np.dtype, bool, int]:
    """(shape, dtype, fortran_order, header bytes) from the header at the current position of ``f``."""
    fmt = np.lib.format
    counted = _Counted(f)
    try:
        version = fmt.read_magic(counted)
        if version == (1, 0):
            shape, fortran, dtype = fmt.read_array_header_1_0(counted)
        elif version in ((2, 0), (3, 0)):
            shape, fortran, dtype = fmt.read_array_header_2_0(counted)
        else:
            raise ValueError(f"unknown format version {version[0]}.{version[1]}")
    except Exception as e:  # NumPy's parser of a bad header raises ValueError, SyntaxError, TokenError...
        raise InputError(f"{name}: not a valid .npy file: {e}") from None
    if dtype.hasobject:
        raise InputError(f"{name}: holds Python objects (dtype object), which have no order to reduce")
    return tuple(shape), dtype, fortran, counted.count


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
    shape, dtype, fortran, data_offset = read_npy_header(f, name)
    core_dtype_of(dtype, name)  # an unsupported dtype is an error before anything is read
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
            if path != "-":
                f.close()

    return Source(name, shape, dtype, data_end - data_offset, blocks, decodes=False)
