"""The ``argreduce`` command: argmin/argmax of an array in a file, streamed in bounded memory.

main() wires the layers: args -> readers (a Source of blocks) -> stream (Partial merges) -> output.
Input problems are ``InputError``s: one line on standard error and exit status 2, nothing on
standard output. Ctrl-C prints one line and exits with 130.
"""

from __future__ import annotations

import json
import math
import os
import sys

from ..reduction import ARGMAX, ARGMIN, NANARGMAX, NANARGMIN
from ..threads import NUM_THREADS_ENV, set_num_threads
from .args import DEFAULT_CHUNK_BYTES, parse_args
from .errors import EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_OK, InputError
from .output import as_json, as_text, printable_values, shaped, unravel
from .progress import Progress
from .readers import open_source
from .stream import reduce_source, reduced_dims
from .top import top_source

__all__ = ["main"]

OVERLAP_MIN_CHUNK = 2**20


def _run(args) -> str:
    if args.top is not None and (args.scheduler or args.dask):
        raise InputError("--top runs in this process only (no --scheduler or --dask yet)")
    if args.scheduler or args.dask:
        from .cluster import reduce_on_cluster

        index, source = reduce_on_cluster(args)
        return _format(args, index, source)
    if args.chunk_bytes is None:
        args.chunk_bytes = DEFAULT_CHUNK_BYTES
    if args.threads:
        set_num_threads(args.threads)
    elif NUM_THREADS_ENV not in os.environ:
        # One thread reduces 8 MiB blocks at several times the rate one thread can read them; more wait
        # on each other for every block, and lose out when other work shares the processors.
        set_num_threads(1)
    source = open_source(args.file, args.format, args.key, args.chunk_bytes)
    show = sys.stderr.isatty() if args.progress is None else args.progress
    progress = Progress(source.total_bytes, delay=0.0 if args.progress else 0.5) if show else None
    # A reader thread pays where reading decodes (zarr, Parquet, CSV...: 15-25% less wall time on zarr)
    # and for chunks big enough; for tiny chunks the hand-over between threads costs more than it saves.
    overlap = (source.decodes and args.chunk_bytes >= OVERLAP_MIN_CHUNK
               and (source.total_bytes or math.inf) > args.chunk_bytes)
    try:
        if args.top is not None:
            return _top(args, source, progress, overlap)
        index, values = reduce_source(source, args.dim, _reduction(args), progress, overlap, values=True)
    finally:
        if progress is not None:
            progress.close(completed=sys.exc_info()[0] is None)
    return _format(args, index, source, values if args.values else None)


def _top(args, source, progress, overlap) -> str:
    if args.keepdim or args.unravel or args.skip_nan:
        raise InputError("--top takes no --keepdim, --unravel or --skip-nan "
                         "(NaN counts as the largest value)")
    index, values = top_source(source, args.dim, args.top, args.max, progress, overlap)
    values = printable_values(values, source.reinterpret)
    if args.json:
        shown = values if args.values else None
        doc = json.loads(as_json(source, "topk", args.dim, False, index, None, shown))
        doc.update(k=args.top, largest=args.max)
        return json.dumps(doc) + "\n"
    text = as_text(index, False)
    return text + ("\n" + as_text(values, False) if args.values else "") + "\n"


def _reduction(args):
    if args.skip_nan:
        return NANARGMAX if args.max else NANARGMIN
    return ARGMAX if args.max else ARGMIN


def _format(args, index, source, values=None) -> str:
    shape = tuple(source.shape)
    reduced = reduced_dims(args.dim, len(shape))
    index = shaped(index, shape, reduced, args.keepdim)
    if values is not None:
        values = printable_values(shaped(values, shape, reduced, args.keepdim), source.reinterpret)
    coords = unravel(index, shape, reduced) if args.unravel else None
    if args.json:
        return as_json(source, _reduction(args).name, args.dim, args.keepdim, index, coords, values) + "\n"
    text = as_text(coords if coords is not None else index, coords is not None)
    if values is None:
        return text + "\n"
    return text + (" " if index.ndim == 0 else "\n") + as_text(values, False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Runs the command with ``argv`` (default: sys.argv[1:]) and returns its exit status."""
    try:
        args = parse_args(sys.argv[1:] if argv is None else list(argv))
    except SystemExit as e:  # argparse: --help, --version, or a bad command line (status 2)
        return e.code if isinstance(e.code, int) else EXIT_BAD_INPUT
    try:
        text = _run(args)
    except InputError as e:
        print(f"argreduce: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as e:  # a read that failed under us (EIO, a vanished file): still the input's fault
        print(f"argreduce: {e.filename or args.file}: {e.strerror or e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("argreduce: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # `argreduce x | head -c1`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    return EXIT_OK
