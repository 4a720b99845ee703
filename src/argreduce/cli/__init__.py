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

from ..files import FileFormatError, bounded_chunk_bytes
from ..reduction import ARGMAX, ARGMIN, NANARGMAX, NANARGMIN
from ..threads import NUM_THREADS_ENV, ThreadCountError, get_num_threads, set_num_threads
from .args import DEFAULT_CHUNK_BYTES, parse_args
from .errors import EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_OK, EXIT_OUTPUT_FAILED, InputError
from .output import as_json, as_text, printable_values, shaped, unravel
from .progress import Progress
from .readers import open_source
from .stream import reduce_source, reduced_dims
from .top import top_source

__all__ = ["main"]

OVERLAP_MIN_CHUNK = 2**20


def _run(args) -> str:
    if args.top is not None:
        _refuse_top_flags(args)
    if args.top is not None and (args.scheduler or args.dask):
        from .cluster import top_on_cluster

        index, values, source = top_on_cluster(args)
        return _format_top(args, source, index, values)
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
    else:
        get_num_threads()  # a bad $ARGREDUCE_NUM_THREADS is reported before anything is read
    # Tiny chunks are raised to keep a file's number of blocks bounded (each costs ~0.1 ms of Python
    # work); for a small file they stay as asked.
    args.chunk_bytes = bounded_chunk_bytes(args.chunk_bytes, _file_size(args.file))
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


def _refuse_top_flags(args) -> None:
    if args.keepdim or args.unravel or args.skip_nan:
        raise InputError("--top takes no --keepdim, --unravel or --skip-nan "
                         "(NaN counts as the largest value)")


def _top(args, source, progress, overlap) -> str:
    index, values = top_source(source, args.dim, args.top, args.max, progress, overlap)
    return _format_top(args, source, index, values)


def _format_top(args, source, index, values) -> str:
    """The same text or JSON for the local and the cluster --top."""
    values = printable_values(values, source.reinterpret)
    if args.json:
        shown = values if args.values else None
        doc = json.loads(as_json(source, "topk", args.dim, False, index, None, shown))
        doc.update(k=args.top, largest=args.max)
        return json.dumps(doc) + "\n"
    text = as_text(index, False)
    return text + ("\n" + as_text(values, False) if args.values else "") + "\n"


def _file_size(path: str) -> int | None:
    try:
        return os.stat(path).st_size if path != "-" and os.path.isfile(path) else None
    except OSError:
        return None


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
        return _main(sys.argv[1:] if argv is None else list(argv))
    except KeyboardInterrupt:  # anywhere: parsing, a lazy import, reading, writing
        _say("interrupted")
        return EXIT_INTERRUPTED


def _main(argv: list[str]) -> int:
    if argv[:1] == ["nearest"]:  # the nearest-neighbour subcommand has its own arguments
        from .nearest import main as nearest_main

        return nearest_main(argv[1:])
    try:
        args = parse_args(argv)
    except SystemExit as e:  # argparse: --help, --version, or a bad command line (status 2)
        return e.code if isinstance(e.code, int) else EXIT_BAD_INPUT
    try:
        text = _run(args)
    except (InputError, FileFormatError, ThreadCountError) as e:
        _say(str(e))
        return EXIT_BAD_INPUT
    except MemoryError:  # a shape that fits the file but not this machine's memory
        _say(f"{args.file}: not enough memory for the result of this reduction")
        return EXIT_BAD_INPUT
    except OSError as e:  # a read that failed under us (EIO, a vanished file): still the input's fault
        _say(f"{e.filename or args.file}: {e.strerror or e}")
        return EXIT_BAD_INPUT
    return _write(text)


def _write(text: str) -> int:
    """Prints the result; a closed, full or vanished standard output is one line, not a traceback."""
    if sys.stdout is None:  # started with standard output closed (`argreduce f >&-`)
        _say("cannot write the result: standard output is closed")
        return EXIT_OUTPUT_FAILED
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # `argreduce x | head -c1`: the reader left; say nothing more
        _silence_stdout()
        return EXIT_OK
    except (OSError, ValueError) as e:  # ENOSPC (/dev/full), EIO, EBADF; ValueError: closed file object
        _silence_stdout()
        _say(f"cannot write the result: {getattr(e, 'strerror', None) or e}")
        return EXIT_OUTPUT_FAILED
    return EXIT_OK


def _silence_stdout() -> None:
    """Points standard output at /dev/null, so the interpreter's flush at exit fails no more."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        sys.stdout = None


def _say(message: str) -> None:
    """One line on standard error, whatever the message holds (a library's text may span lines)."""
    if sys.stderr is not None:
        try:
            print(f"argreduce: {' '.join(message.splitlines())}", file=sys.stderr, flush=True)
        except (OSError, ValueError):
            pass
