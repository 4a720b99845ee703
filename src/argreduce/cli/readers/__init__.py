"""Readers: one module per file format, each turning a path into a ``Source`` of blocks.

The format comes from the suffix (or --format). Modules for optional formats import their library
only when such a file is opened, and say which extra to install when it is missing.
"""

from __future__ import annotations

import os

from ...files import FORMATS, guess_format, require_regular_file
from ..errors import InputError
from .base import Block, Restart, Source

__all__ = ["FORMATS", "Block", "Restart", "Source", "detect_format", "open_source"]

#: Formats a reader seeks in (zip directories, JSON headers with offsets, footers, B-trees): they must
#: be regular files, never a pipe or a device without an end.
_SEEKING = {"npz": ".npz archives", "safetensors": ".safetensors files", "parquet": "Parquet files",
            "arrow": "Arrow files", "hdf5": "HDF5 files"}


def detect_format(path: str, directory: bool = False) -> str | None:
    """The format from the name (a Zarr store also from its metadata files); None for an unknown
    directory, an error for an unknown file name."""
    fmt = guess_format(path)
    if fmt is not None or directory:
        return fmt
    raise InputError(f"{path}: cannot tell the format from the name; give --format "
                     f"(one of: {', '.join(FORMATS)})")


def open_source(path: str, fmt: str | None, key: str | None, chunk_bytes: int) -> Source:
    """Opens ``path`` (``-``: standard input) and reads its header; no data is read yet."""
    if path != "-" and not os.path.exists(path):
        raise InputError(f"{path}: no such file")
    if path != "-" and os.path.isdir(path) and (fmt or detect_format(path, directory=True)) != "zarr":
        raise InputError(f"{path}: is a directory (only a Zarr store may be one)")
    fmt = fmt or detect_format(path)
    if path == "-" and fmt not in ("npy", "csv", "tsv", "text"):
        raise InputError(f"standard input can hold numbers as text, a .csv, a .tsv or a .npy, not {fmt}")
    if key is not None and fmt not in ("npz", "parquet", "arrow", "zarr", "hdf5", "safetensors"):
        raise InputError(f"{path}: --key selects an array in a container (.npz, .safetensors, HDF5, Zarr) "
                         f"or columns of a Parquet/Arrow table; a {fmt} input holds just one")
    try:
        if fmt in _SEEKING:
            require_regular_file(path, _SEEKING[fmt])
        return _open(path, fmt, key, chunk_bytes)
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory") from None


def _open(path: str, fmt: str, key: str | None, chunk_bytes: int) -> Source:
    if fmt == "npy":
        from .npy import open_npy

        return open_npy(path, chunk_bytes)
    if fmt == "npz":
        from .npz import open_npz

        return open_npz(path, key, chunk_bytes)
    if fmt in ("csv", "tsv", "text"):
        from .text import open_text

        return open_text(path, {"csv": ",", "tsv": "\t", "text": None}[fmt], chunk_bytes)
    if fmt == "parquet":
        from .parquet import open_parquet

        return open_parquet(path, key, chunk_bytes)
    if fmt == "arrow":
        from .arrow import open_arrow

        return open_arrow(path, key, chunk_bytes)
    if fmt == "zarr":
        from .zarr import open_zarr

        return open_zarr(path, key, chunk_bytes)
    if fmt == "hdf5":
        from .hdf5 import open_hdf5

        return open_hdf5(path, key, chunk_bytes)
    if fmt == "safetensors":
        from .safetensors import open_safetensors

        return open_safetensors(path, key, chunk_bytes)
    raise InputError(f"unknown format {fmt!r} (one of: {', '.join(FORMATS)})")
