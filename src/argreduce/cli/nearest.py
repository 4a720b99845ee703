"""``argreduce nearest QUERIES POINTS``: the k nearest points to each query, POINTS streamed.

QUERIES are read whole (they are few); POINTS are read block by block, in any format the tool
reads, and each block's k best per query (with global indices) is merged exactly into the running
result (argreduce.knn.partial): memory is one block plus N x k candidate rows, whatever the size
of the points file.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np

from ..knn import inputs, partial
from ..knn.metrics import METRICS
from .args import parse_size
from .errors import EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_OK, EXIT_OUTPUT_FAILED, InputError
from .prefetch import prefetched
from .readers import open_source
from .readers.base import BUFFERS_IN_FLIGHT

#: Bytes of POINTS per block, twice the other commands' default: each block's k best are merged
#: in Python (about 2 ms for 16 queries), which must stay small beside reading the block. With the
#: reading thread's rotating buffers (readers.base.BUFFERS_IN_FLIGHT) about 100 MB in all.
CHUNK_BYTES = 16 << 20


class _OneLineParser(argparse.ArgumentParser):
    """A bad command line is one line on standard error (no usage block), and exit status 2."""

    def error(self, message: str):
        print(f"argreduce nearest: {message}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


def _parser() -> argparse.ArgumentParser:
    p = _OneLineParser(
        prog="argreduce nearest",
        description="The k points of POINTS nearest to each row of QUERIES, exactly (ties to the\n"
        "smaller index), POINTS read in chunks. One line per query: the indices, a tab, the distances.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("queries", metavar="QUERIES", help="a 2-D array (one query per row) or a 1-D one")
    p.add_argument("points", metavar="POINTS", help="a 2-D array, one point per row (- for standard input)")
    p.add_argument("--k", type=_positive, default=1, help="neighbours per query (default 1)")
    p.add_argument("--metric", choices=METRICS, default="sqeuclidean")
    p.add_argument("--json", action="store_true", help="one JSON object instead of text")
    p.add_argument("--chunk-bytes", type=parse_size, default=CHUNK_BYTES,
                   help="bytes of POINTS read at a time (default 16M)")
    return p


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return int(text)


def main(argv: list[str]) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else EXIT_BAD_INPUT
    try:
        text = _run(args)
    except (InputError, ValueError, TypeError) as e:  # FileFormatError and ThreadCountError too
        print(f"argreduce: {str(e).removeprefix('nearest(): ')}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except MemoryError:
        print("argreduce: not enough memory for these queries and k", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as e:
        print(f"argreduce: {e.filename or args.points}: {e.strerror or e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("argreduce: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    if sys.stdout is None:  # started with standard output closed
        print("argreduce: cannot write the result: standard output is closed", file=sys.stderr)
        return EXIT_OUTPUT_FAILED
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader left: say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError) as e:  # a full disk, a closed file
        print(f"argreduce: cannot write the result: {e}", file=sys.stderr)
        return EXIT_OUTPUT_FAILED
    return EXIT_OK


def _blocks(path: str, chunk_bytes: int, name: str, overlap: bool = False):
    """(block, first row, kind) for each block of the file; ``overlap`` reads the next blocks on a
    thread while this one is searched (prefetch.py). Also for a plain file: a block's search takes
    long enough that the kernel's few hundred KiB of read-ahead leave the disk idle meanwhile."""
    source = open_source(path, None, None, chunk_bytes)
    if len(source.shape) not in (1, 2):
        raise InputError(f"{path}: {name} must be a 1-D or 2-D array, not {len(source.shape)}-D")
    row_bytes = (source.shape[-1] or 1) * source.dtype.itemsize if len(source.shape) == 2 else 0
    if row_bytes > chunk_bytes:  # blocks must hold whole rows
        source = open_source(path, None, None, row_bytes)
    kind = inputs.kind_of("bfloat16" if source.reinterpret == "bfloat16" else source.dtype.name, name)
    if overlap:
        source.read_buffers = BUFFERS_IN_FLIGHT
    for block in prefetched(source.make_blocks()) if overlap else source.make_blocks():
        if block.valid is not None and not np.all(block.valid):
            raise InputError(f"{path}: {name} has a missing value; every coordinate must be a number")
        a = block.array
        if source.reinterpret == "bfloat16":
            a = (np.asarray(a).view(np.uint16).astype(np.uint32) << 16).view(np.float32)
        a = np.asarray(a)
        yield a, block.starts[0], kind


def _queries(path: str) -> tuple[np.ndarray, str]:
    """All of QUERIES as an exact float64 (N, d) matrix: a 1-D array is one query."""
    pieces = list(_blocks(path, 1 << 30, "QUERIES"))
    if not pieces or sum(a.size for a, _, _ in pieces) == 0:
        raise InputError(f"{path}: QUERIES holds no query")
    kind = pieces[0][2]
    if pieces[0][0].ndim == 1:
        return inputs.widen(np.concatenate([a for a, _, _ in pieces])[None, :], kind, "QUERIES"), kind
    return np.concatenate([inputs.widen(a, kind, "QUERIES", s) for a, s, _ in pieces]), kind


def _run(args) -> str:
    x, kx = _queries(args.queries)
    acc, m, ky = None, 0, None
    for a, start, ky in _blocks(args.points, args.chunk_bytes, "POINTS", overlap=True):
        if a.ndim != 2:
            raise InputError(f"{args.points}: POINTS must be a 2-D array, one point per row")
        if a.shape[1] != x.shape[1]:
            raise InputError(f"{args.points}: POINTS rows have {a.shape[1]} values but QUERIES rows "
                             f"have {x.shape[1]}")
        if a.shape[0] == 0:
            continue
        y, check = inputs.deferred(a, ky, "POINTS", start)  # float32 stays float32: the float32 screen
        part = partial.of_block(x, y, start, args.k, args.metric, kx, ky, check_y=check)
        acc = part if acc is None else partial.merge(acc, part, x, args.k, args.metric)
        m = max(m, start + a.shape[0])
    if acc is None:
        raise InputError(f"{args.points}: POINTS holds no point")
    if args.k > m:
        raise InputError(f"--k {args.k} is more than the {m} points in {args.points}")
    kind = inputs.result_kind(kx, ky)
    dist, idx = partial.result(acc, x, args.metric, kind)
    if args.json:
        return json.dumps({"metric": args.metric, "k": args.k, "queries": int(x.shape[0]), "points": m,
                           "indices": idx.tolist(), "distances": dist.tolist()}) + "\n"
    as_kind = {"float64": np.float64, "float16": np.float16}.get(kind, np.float32)  # shortest repr
    return "".join(" ".join(map(str, i)) + "\t" + " ".join(str(as_kind(v)) for v in d) + "\n"
                   for i, d in zip(idx.tolist(), dist.tolist(), strict=True))
