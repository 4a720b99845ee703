"""Zarr v2 and v3 stores through the zarr package (the 'zarr' extra): read in runs of whole storage
chunks along the first dim. A group needs --key (the array's path in the group) unless it holds one
array."""

from __future__ import annotations

import logging
import sys
import warnings
from collections.abc import Iterator

import numpy as np

from ..errors import InputError
from .base import Block, Source, core_dtype_of, import_optional, sliced_blocks
from .npz import choose_key


def _open_array(zarr, path: str, key: str | None):
    try:
        node = zarr.open(store=path, mode="r")
    except Exception as e:  # zarr raises many types for a store it cannot read
        raise InputError(f"{path}: not a readable Zarr store: {e}") from None
    if hasattr(node, "shape"):
        if key is not None:
            raise InputError(f"{path}: is a single Zarr array; --key {key!r} names nothing in it")
        return node, path
    if key is None:
        key = choose_key(path, None, sorted(node.array_keys()))
    try:
        node = node[key]
    except KeyError:
        raise InputError(f"{path}: no array named {key!r} (it holds: "
                         f"{', '.join(sorted(node.array_keys())) or 'none'})") from None
    if not hasattr(node, "shape"):
        raise InputError(f"{path}: {key!r} is a group, not an array")
    return node, f"{path}[{key}]"


def _quiet_abandoned_reads() -> None:
    """Zarr 3 reads chunks as asyncio tasks; when one fails the others are abandoned, and at exit
    asyncio logs "Task was destroyed but it is pending!" for each, and their coroutines warn that
    they were never awaited or fail as they are collected. The command is about to exit with its
    one line: those reads are of no interest to anyone."""
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    warnings.filterwarnings("ignore", message="coroutine .* was never awaited", category=RuntimeWarning)
    sys.unraisablehook = lambda unraisable: None


def open_zarr(path: str, key: str | None, chunk_bytes: int) -> Source:
    zarr = import_optional("zarr", "Zarr stores", "zarr")
    array, name = _open_array(zarr, path, key)
    dtype = np.dtype(array.dtype)
    core_dtype_of(dtype, name)
    shape = tuple(array.shape)

    def blocks() -> Iterator[Block]:
        try:
            yield from sliced_blocks(array, shape, dtype, chunk_bytes, tuple(array.chunks))
        except InputError:
            raise
        except Exception as e:
            _quiet_abandoned_reads()
            raise InputError(f"{name}: cannot read the data: {e}") from None

    return Source(name, shape, dtype, int(np.prod(shape, dtype=np.int64)) * dtype.itemsize, blocks)
