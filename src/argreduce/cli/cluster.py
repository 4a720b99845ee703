"""--scheduler / --dask: the file is reduced on a Dask cluster whose workers read it themselves.

Only the file's metadata is read here; the blocks are read on the workers (argreduce.dask.sources)
and only their (key, index) partials travel back, merged through the same Partial as the local path.
"""

from __future__ import annotations

import numpy as np

from ..reduction import ARGMAX, ARGMIN, NANARGMAX, NANARGMIN
from .errors import InputError
from .readers import Source

CLUSTER_FORMATS = ("npy", "zarr")


def reduce_on_cluster(args) -> tuple[np.ndarray, Source]:
    """The result (for dim/keepdim False, as the local path returns it) and a Source describing the file."""
    try:
        from ..dask.run import open_file, reduce_file
        from ..dask.sources import DEFAULT_CHUNK_BYTES
    except ImportError as e:
        raise InputError(
            f"--scheduler and --dask need the dask extra: pip install 'argreduce[dask,zarr]' ({e})"
        ) from None
    if args.format is not None and args.format not in CLUSTER_FORMATS:
        raise InputError(f"--scheduler/--dask read {' and '.join(CLUSTER_FORMATS)} files, not {args.format}")
    if args.file == "-":
        raise InputError("--scheduler/--dask need a path the workers can read, not standard input")
    chunk = args.chunk_bytes or DEFAULT_CHUNK_BYTES
    scheduler = args.scheduler or "local"
    try:
        x = open_file(args.file, args.format, args.key, chunk)
        if args.values:
            raise InputError("--values is not yet supported with --scheduler/--dask")
        reduction = (NANARGMAX if args.max else NANARGMIN) if args.skip_nan else \
            (ARGMAX if args.max else ARGMIN)
        index = reduce_file(args.file, args.format, args.dim, False, reduction, scheduler=scheduler,
                            key=args.key, chunk_bytes=chunk)
    except (ValueError, IndexError, RuntimeError, TypeError) as e:
        raise InputError(f"{args.file}: {e}") from None
    source = Source(name=args.file, shape=tuple(x.shape), dtype=np.dtype(x.dtype), total_bytes=int(x.nbytes),
                    make_blocks=lambda: iter(()))
    return index, source
