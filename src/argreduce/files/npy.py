"""The .npy header (format versions 1.0, 2.0 and 3.0), read and validated before anything else.

NumPy's own parser reads the header's Python literal without evaluating code; everything it
accepts is then checked here, because it accepts what no array can be: negative dims (-2, -3),
``True`` as a dim, object dtypes (pickles, never read). Sizes are Python ints, so a claimed shape
such as (2**32, 2**32) cannot wrap around in int64 and slip past the comparison with the file.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np

from .errors import FileFormatError, truncated

#: The most dims an array may have (the core's limit, and NumPy's).
MAX_DIMS = 64


@dataclass(frozen=True)
class NpyHeader:
    shape: tuple[int, ...]
    dtype: np.dtype
    fortran_order: bool
    data_offset: int  # bytes from the start of the header (the magic string) to the data

    @property
    def nbytes(self) -> int:
        return math.prod(self.shape) * self.dtype.itemsize

    @property
    def data_end(self) -> int:
        return self.data_offset + self.nbytes

    def check_fits(self, name: str, size: int | None) -> None:
        """Raises unless a file (or zip member) of ``size`` bytes holds all the data; None: unknown
        (a pipe), checked as the data are read."""
        if size is not None and size < self.data_end:
            raise truncated(name, size, self.data_end)


class _Counted:
    """Counts the bytes read through it: a pipe or a zip member cannot tell() where the header ended."""

    def __init__(self, f: BinaryIO):
        self.f, self.count = f, 0

    def read(self, n: int = -1) -> bytes:
        data = self.f.read(n)
        self.count += len(data)
        return data


def read_npy_header(f: BinaryIO, name: str) -> NpyHeader:
    """The header at the current position of ``f``; the data follow it."""
    fmt = np.lib.format
    counted = _Counted(f)
    try:
        version = fmt.read_magic(counted)
        if version == (1, 0):
            shape, fortran, dtype = fmt.read_array_header_1_0(counted)
        elif version in ((2, 0), (3, 0)):  # 3.0 differs only in allowing UTF-8 in structured field names
            shape, fortran, dtype = fmt.read_array_header_2_0(counted)
        else:
            raise ValueError(f"unknown format version {version[0]}.{version[1]}")
    except Exception as e:  # NumPy's parser raises ValueError, SyntaxError, TokenError, RecursionError...
        raise FileFormatError(f"{name}: not a valid .npy file: {_one_line(e)}") from None
    return NpyHeader(_checked_shape(shape, name), _checked_dtype(dtype, name), _checked_order(fortran, name),
                     counted.count)


def _checked_shape(shape, name: str) -> tuple[int, ...]:
    if not isinstance(shape, tuple) or not all(type(n) is int and n >= 0 for n in shape):
        raise FileFormatError(f"{name}: not a valid .npy file: the shape {shape!r} is not a tuple of "
                              "non-negative integers")
    if len(shape) > MAX_DIMS:
        raise FileFormatError(f"{name}: has {len(shape)} dims; at most {MAX_DIMS} are supported")
    return shape


def _checked_dtype(dtype, name: str) -> np.dtype:
    if not isinstance(dtype, np.dtype):
        raise FileFormatError(f"{name}: not a valid .npy file: no dtype in the header")
    if dtype.hasobject:
        raise FileFormatError(f"{name}: holds Python objects (dtype object), which have no order to reduce")
    return dtype


def _checked_order(fortran, name: str) -> bool:
    if type(fortran) is not bool:
        raise FileFormatError(f"{name}: not a valid .npy file: fortran_order is {fortran!r}, not a bool")
    return fortran


def _one_line(e: BaseException) -> str:
    text = " ".join(str(e).split()) or type(e).__name__
    return text if len(text) <= 200 else text[:200] + "..."
