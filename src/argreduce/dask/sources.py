"""Dask arrays whose blocks are read by the workers: from a Zarr store, and from a .npy file.

The client reads metadata only (the .npy header, the Zarr array's JSON); the task graph carries a
small reader object, and each worker reads its own blocks from the path. A path therefore has to
name the same file on every worker (a shared file system, or a URL Zarr can open everywhere).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import numpy as np

from ..files import DASK_BLOCK_BYTES, FileFormatError, block_shape, bounded_chunk_bytes
from ..files import read_npy_header as _read_header

DEFAULT_CHUNK_BYTES = DASK_BLOCK_BYTES


@dataclass(frozen=True)
class NpyFile:
    """The data of a .npy file, sliced like an array: each slice is read with positioned reads.

    Dask's ``from_array`` calls ``x[slices]`` on a worker for each block. The chunking chosen by
    ``npy_chunks`` makes every block one contiguous byte range; any other box is read as the span
    from its first to its last element and then sliced.
    """

    path: str
    offset: int  # where the data start, after the header
    shape: tuple[int, ...]
    dtype: np.dtype
    fortran_order: bool

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __getitem__(self, index) -> np.ndarray:
        index = index if isinstance(index, tuple) else (index,)
        if len(index) != self.ndim:
            raise IndexError(f"NpyFile takes one int or slice per dim, got {index!r}")
        covering = [_covering(i, n) for i, n in zip(index, self.shape, strict=True)]
        data = self._read_box(tuple(box for box, _ in covering))
        return data[tuple(rest for _, rest in covering)] if covering else data

    def _read_box(self, box: tuple[tuple[int, int], ...]) -> np.ndarray:
        shape = tuple(hi - lo for lo, hi in box)
        if math.prod(shape) == 0:
            return np.empty(shape, self.dtype)
        strides = _contiguous_strides(self.shape, self.dtype.itemsize, "F" if self.fortran_order else "C")
        first = sum(lo * s for (lo, _), s in zip(box, strides, strict=True))
        last = sum((hi - 1) * s for (_, hi), s in zip(box, strides, strict=True))
        span = np.empty(last - first + self.dtype.itemsize, dtype=np.uint8)
        _pread_into(self.path, self.offset + first, span)
        return np.lib.stride_tricks.as_strided(span.view(self.dtype), shape, strides, writeable=False)


def _contiguous_strides(shape: tuple[int, ...], itemsize: int, order: str) -> tuple[int, ...]:
    dims = range(len(shape)) if order == "F" else reversed(range(len(shape)))
    strides, step = [0] * len(shape), itemsize
    for d in dims:
        strides[d] = step
        step *= shape[d]
    return tuple(strides)


def _covering(i, n: int) -> tuple[tuple[int, int], int | slice]:
    """The step-1 range that covers index ``i`` of a dim of size ``n``, and ``i`` relative to it."""
    if isinstance(i, slice):
        r = range(*i.indices(n))
        if not r:
            return (0, 0), slice(0, 0)
        lo, hi = min(r[0], r[-1]), max(r[0], r[-1]) + 1
        stop = r.stop - lo
        return (lo, hi), slice(r.start - lo, stop if stop >= 0 else None, r.step)
    k = int(i)  # ints, NumPy ints
    if not -n <= k < n:
        raise IndexError(f"index {k} is out of bounds for a dim of size {n}")
    k %= n
    return (k, k + 1), 0


def _pread_into(path: str, offset: int, buf: np.ndarray) -> None:
    view, done = memoryview(buf).cast("B"), 0
    fd = os.open(path, os.O_RDONLY)
    try:
        while done < len(view):  # one read returns at most ~2 GiB on Linux
            n = os.preadv(fd, [view[done:]], offset + done)
            if n == 0:
                raise FileFormatError(f"{path}: truncated: the data ends at byte {offset + done}, "
                                      f"but a block needs bytes up to {offset + len(view)}")
            done += n
    finally:
        os.close(fd)


def read_npy_header(path: str) -> NpyFile:
    """The layout of a .npy file, from its header alone, checked against the file's size."""
    with open(path, "rb") as f:
        header = _read_header(f, path)
        header.check_fits(path, os.fstat(f.fileno()).st_size)
    h = header
    return NpyFile(os.path.abspath(path), h.data_offset, h.shape, h.dtype, h.fortran_order)


def npy_chunks(shape: tuple[int, ...], itemsize: int, fortran_order: bool,
               chunk_bytes: int) -> tuple[int, ...]:
    """Block shape whose blocks are contiguous in the file and hold at most ~chunk_bytes: the file
    layer's plan, on the reversed shape for Fortran order."""
    if not fortran_order:
        return block_shape(tuple(shape), itemsize, chunk_bytes)
    return tuple(reversed(block_shape(tuple(reversed(shape)), itemsize, chunk_bytes)))


def from_npy(path: str, chunk_bytes: int = DEFAULT_CHUNK_BYTES):
    """A Dask array over a .npy file; the workers read its blocks by byte range."""
    import dask.array as da

    f = read_npy_header(path)
    nbytes = math.prod(f.shape) * f.dtype.itemsize
    chunk_bytes = bounded_chunk_bytes(chunk_bytes, nbytes, DASK_BLOCK_BYTES)
    chunks = npy_chunks(f.shape, f.dtype.itemsize, f.fortran_order, chunk_bytes)
    return da.from_array(f, chunks=chunks, lock=False, asarray=False, fancy=False,
                         meta=np.empty((0,) * f.ndim, f.dtype), name=f"npy-{_token(f)}")


def from_zarr(path: str, key: str | None = None, chunk_bytes: int = DEFAULT_CHUNK_BYTES):
    """A Dask array over a Zarr array (``key`` names it inside a group); blocks are whole Zarr
    chunks (shards, where the store has them), grown to about ``chunk_bytes``."""
    import dask.array as da
    import zarr

    z = zarr.open(path, mode="r") if key is None else zarr.open(path, mode="r", path=key)
    if not hasattr(z, "shape"):  # a group
        names = sorted(name for name, _ in z.arrays())
        if len(names) != 1:
            raise ValueError(f"{path} is a Zarr group with arrays {names}: name one with key=")
        z = z[names[0]]
    stored = getattr(z, "shards", None) or z.chunks
    chunks = da.core.normalize_chunks("auto", z.shape, limit=chunk_bytes, dtype=z.dtype,
                                      previous_chunks=stored)
    return da.from_zarr(z, chunks=chunks)


def _token(f: NpyFile) -> str:
    from dask.base import tokenize

    st = os.stat(f.path)
    return tokenize(f.path, st.st_size, st.st_mtime_ns, f.offset, f.shape, str(f.dtype), f.fortran_order)
