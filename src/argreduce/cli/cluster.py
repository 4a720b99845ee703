"""--scheduler / --dask: the file is reduced on a Dask cluster whose workers read it themselves.

Only the file's metadata is read here; the blocks are read on the workers (argreduce.dask.sources)
and only their partials travel back: (key, index) pairs for argmin's family, merged through the
same Partial as the local path, and k-best lists for --top, merged in a tree by the same exact
(key, index) merge as the local chunks (argreduce.k_best.merge).
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np

from ..reduction import ARGMAX, ARGMIN, NANARGMAX, NANARGMIN
from .errors import InputError
from .readers import Source
from .top import check_k, top_dim

CLUSTER_FORMATS = ("npy", "zarr")


def _dask_run():
    try:
        import dask.array  # noqa: F401  (argreduce.dask imports them only when it runs)
        import distributed  # noqa: F401

        from ..dask import run
    except ImportError as e:
        raise InputError(
            f"--scheduler and --dask need the dask extra: pip install 'argreduce[dask,zarr]' ({e})"
        ) from None
    return run


def _check_where(args) -> None:
    if args.format is not None and args.format not in CLUSTER_FORMATS:
        raise InputError(f"--scheduler/--dask read {' and '.join(CLUSTER_FORMATS)} files, not {args.format}")
    if args.file == "-":
        raise InputError("--scheduler/--dask need a path the workers can read, not standard input")


@contextmanager
def _library_errors(path: str):
    """The library's errors about the file or the arguments, as the command's one-line input errors."""
    try:
        yield
    except (ValueError, IndexError, RuntimeError, TypeError) as e:
        raise InputError(f"{path}: {e}") from None


def _source(path: str, key: str | None, x) -> Source:
    """What the output layer needs to know of the file: its name (as the local readers give it),
    shape and dtype."""
    return Source(name=path if key is None else f"{path}[{key}]", shape=tuple(x.shape),
                  dtype=np.dtype(x.dtype), total_bytes=int(x.nbytes), make_blocks=lambda: iter(()))


def reduce_on_cluster(args) -> tuple[np.ndarray, Source]:
    """The result (for dim/keepdim False, as the local path returns it) and a Source describing the file."""
    run = _dask_run()
    _check_where(args)
    chunk = args.chunk_bytes or run.DEFAULT_CHUNK_BYTES
    with _library_errors(args.file):
        x = run.open_file(args.file, args.format, args.key, chunk)
        if args.values:
            raise InputError("--values is not yet supported with --scheduler/--dask")
        reduction = (NANARGMAX if args.max else NANARGMIN) if args.skip_nan else \
            (ARGMAX if args.max else ARGMIN)
        index = run.reduce_file(args.file, args.format, args.dim, False, reduction,
                                scheduler=args.scheduler or "local", key=args.key, chunk_bytes=chunk)
    return index, _source(args.file, args.key, x)


def top_on_cluster(args) -> tuple[np.ndarray, np.ndarray, Source]:
    """--top K on the cluster: (indices, values) as the local top_source returns them, and the Source.

    The file's shape is checked here first (--dim, k against the slice), with the local path's
    messages, so a bad request never starts a cluster.
    """
    run = _dask_run()
    _check_where(args)
    chunk = args.chunk_bytes or run.DEFAULT_CHUNK_BYTES
    with _library_errors(args.file):
        source = _source(args.file, args.key, run.open_file(args.file, args.format, args.key, chunk))
        d = top_dim(args.dim, len(source.shape))
        check_k(source, d, args.top)
        values, index = run.topk_file(args.file, args.format, args.top, d, args.max,
                                      scheduler=args.scheduler or "local", key=args.key, chunk_bytes=chunk)
    return index, values, source
