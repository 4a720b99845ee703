"""One call for the command line: reduce a Zarr store or a .npy file on a Dask cluster (argmin's
family with reduce_file, the k best with topk_file).

The file is opened as a Dask array whose blocks the workers read themselves (sources.py); only the
block partials and the answer travel back to this process.
"""

from __future__ import annotations

import contextlib
import logging
import os

import numpy as np

from .. import files
from ..reduction import ARGMIN, Reduction
from .arg_reduce import dask_arg_reduce
from .sources import DEFAULT_CHUNK_BYTES, from_npy, from_zarr
from .top_k import dask_topk

FORMATS = ("zarr", "npy")


def guess_format(path: str) -> str:
    """The file layer's guess; a directory it cannot place is taken for a Zarr store, which says
    itself what it lacks."""
    fmt = files.guess_format(path) or ("zarr" if os.path.isdir(path) else None)
    if fmt is None:
        raise ValueError(f"cannot tell the format of {path!r}: name one of {FORMATS}")
    return fmt


def open_file(path: str, fmt: str | None = None, key: str | None = None,
              chunk_bytes: int = DEFAULT_CHUNK_BYTES):
    """The lazy Dask array of a file; nothing is read but its metadata."""
    fmt = fmt or guess_format(path)
    if fmt == "npy":
        if key is not None:
            raise ValueError("a .npy file holds one array: key= does not apply")
        return from_npy(path, chunk_bytes)
    if fmt == "zarr":
        return from_zarr(path, key, chunk_bytes)
    raise ValueError(f"the Dask path reads {FORMATS}, not {fmt!r}")


@contextlib.contextmanager
def client_for(scheduler: str | None):
    """A distributed Client for ``scheduler``: None -> no client (Dask's default scheduler in this
    process), "local" -> a LocalCluster on this machine, shut down afterwards, else the address of
    a running scheduler ("tcp://HOST:PORT"), left running."""
    if scheduler is None:
        yield None
        return
    from distributed import Client, LocalCluster

    if scheduler == "local":
        # Its processes' own logs stay quiet: a worker that loses the scheduler while the cluster
        # shuts down logs a traceback, and an error of the run reaches the caller anyway.
        with LocalCluster(processes=True, dashboard_address=":0", silence_logs=logging.CRITICAL) as cluster, \
                Client(cluster) as client:
            yield client
    else:
        with Client(scheduler) as client:
            yield client


def reduce_file(path: str, fmt: str | None, dims, keepdim: bool, reduction: Reduction = ARGMIN, *,
                scheduler: str | None = None, key: str | None = None,
                chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> np.ndarray:
    """``reduction`` (argreduce.reduction.ARGMIN, ARGMAX ...) of an array stored at ``path``, by Dask.

    ``fmt`` is "zarr", "npy" or None (from the path); ``dims`` None, an int or a tuple of ints;
    ``scheduler`` as for :func:`client_for`. Returns a NumPy int64 array of the result's shape
    (0-d for ``dims=None`` without keepdim), the same answer as an in-memory argreduce call.
    """
    x = open_file(path, fmt, key, chunk_bytes)
    if isinstance(dims, int):
        dims = (dims,)
    lazy = dask_arg_reduce(reduction, x, tuple(dims) if dims is not None else None, keepdim, None)
    with client_for(scheduler) as client:
        result = lazy.compute() if client is None else client.compute(lazy).result()
    return np.asarray(result, dtype=np.int64)


def topk_file(path: str, fmt: str | None, k: int, dim: int | None, largest: bool, *,
              scheduler: str | None = None, key: str | None = None,
              chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> tuple[np.ndarray, np.ndarray]:
    """``topk`` of an array stored at ``path``, by Dask: NumPy ``(values, indices)``.

    The workers read their blocks and send back k-best partials (argreduce.dask.top_k), merged in
    a tree; ``dim`` is an int or None (the flattened array). Both results have the input's shape
    with ``dim``'s size replaced by k (shape ``(k,)`` for None), best first, ties in index order:
    the in-memory ``ar.topk(x, k, dim, largest)``. ``fmt``, ``scheduler``, ``key`` and
    ``chunk_bytes`` as for :func:`reduce_file`.
    """
    x = open_file(path, fmt, key, chunk_bytes)
    values, indices = dask_topk(x, k, dim, largest)
    with client_for(scheduler) as client:
        if client is None:
            import dask

            values, indices = dask.compute(values, indices)
        else:
            values, indices = client.gather(client.compute([values, indices]))
    return np.asarray(values), np.asarray(indices, dtype=np.int64)
