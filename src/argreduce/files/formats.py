"""Which format a path holds, from its name (a Zarr store also from its metadata files), and the
check that a file a reader must seek in is one."""

from __future__ import annotations

import os
import stat

from .errors import FileFormatError

_SUFFIXES = {
    ".npy": "npy", ".npz": "npz", ".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".txt": "text", ".dat": "text",
    ".parquet": "parquet", ".pq": "parquet", ".arrow": "arrow", ".arrows": "arrow", ".feather": "arrow",
    ".ipc": "arrow", ".zarr": "zarr", ".h5": "hdf5", ".hdf5": "hdf5", ".hdf": "hdf5", ".he5": "hdf5",
    ".safetensors": "safetensors",
}
FORMATS = ("npy", "npz", "csv", "tsv", "text", "parquet", "arrow", "zarr", "hdf5", "safetensors")
_ZARR_MARKERS = (".zarray", ".zgroup", "zarr.json")


def guess_format(path: str) -> str | None:
    """The format of ``path`` ("-": text on standard input; a URL: a Zarr store), or None when
    neither its name nor, for a directory, its contents tell."""
    if path == "-":
        return "text"
    if "://" in path:
        return "zarr"  # only Zarr opens URLs
    if os.path.isdir(path) and any(os.path.exists(os.path.join(path, m)) for m in _ZARR_MARKERS):
        return "zarr"
    return _SUFFIXES.get(os.path.splitext(path.rstrip("/\\"))[1].lower())


def require_regular_file(path: str, what: str) -> None:
    """Refuses a path that is not a regular file. Archives and indexed formats seek, and a device
    such as /dev/zero has no end: zipfile would read it until memory runs out."""
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise FileFormatError(f"{path}: not a regular file (a device, pipe or socket); "
                              f"reading {what} needs a file it can seek in")
