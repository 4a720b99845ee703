"""The command line: argparse, plus the parsing of --dim and --chunk-bytes values."""

from __future__ import annotations

import argparse
import re

from ..files import DEFAULT_CHUNK_BYTES
from ..threads import MAX_THREADS, ThreadCountError, thread_count
from .readers import FORMATS

__all__ = ["DEFAULT_CHUNK_BYTES", "build_parser", "parse_args", "parse_dims", "parse_size"]

_UNITS = {
    "": 1, "b": 1, "k": 2**10, "kb": 10**3, "kib": 2**10, "m": 2**20, "mb": 10**6, "mib": 2**20,
    "g": 2**30, "gb": 10**9, "gib": 2**30,
}
_DIMS = re.compile(r"^\s*-?\d+\s*(,\s*-?\d+\s*)*$")

EXAMPLES = """\
examples:
  argreduce data.npy                        flat argmin: index into the row-major flattening
  argreduce data.npy --dim 0 --keepdim      argmin along dim 0
  argreduce --max scores.csv --dim 1        argmax of each row of a CSV (rows counted from 0)
  argreduce sensor.npy --skip-nan --values  the smallest reading and where, NaN gaps skipped
  argreduce scores.npy --top 5 --dim 1 --max   the 5 best of each row, best first
  argreduce sim.zarr --unravel              N-d coordinates of the minimum
  argreduce weights.safetensors --key layer.3.weight --json
  seq 10 | argreduce --max -                numbers on standard input
  argreduce data.zarr --scheduler tcp://HOST:8786   on a Dask cluster; the workers read the data

exit status: 0 done, 2 bad input (one line on standard error), 130 interrupted.
"""


def parse_dims(text: str) -> tuple[int, ...] | None:
    if text.strip().lower() == "none":
        return None
    if not _DIMS.match(text):
        raise argparse.ArgumentTypeError(f"expected an integer or a comma list of them, got {text!r}")
    return tuple(int(t) for t in text.split(","))


def parse_size(text: str) -> int:
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*", text)
    if not m or m.group(2).lower() not in _UNITS:
        raise argparse.ArgumentTypeError(f"expected a size such as 65536, 64K, 16M or 1G, got {text!r}")
    n = int(float(m.group(1)) * _UNITS[m.group(2).lower()])
    if n < 1:
        raise argparse.ArgumentTypeError(f"a size must be at least 1 byte, got {text!r}")
    return n


def _thread_count(text: str) -> int:
    try:
        return thread_count(text, "--threads", text=True)
    except ThreadCountError as e:
        raise argparse.ArgumentTypeError(f"expected an integer from 1 to {MAX_THREADS}, got {text!r}") from e


def _address(text: str) -> str:
    if not text.strip():  # an empty address would silently run without a cluster
        raise argparse.ArgumentTypeError("expected a scheduler address such as tcp://HOST:8786, got ''")
    return text.strip()


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got {text!r}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="argreduce",
        description="Index of the minimum (or maximum) of an array in a file, read in chunks: memory\n"
        "stays bounded whatever the file size. torch.argmin's rules: the first NaN wins, ties go\n"
        "to the smallest index, -0.0 == +0.0.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", metavar="FILE", help="the input; - reads standard input")
    p.add_argument("--max", action="store_true", help="argmax instead of argmin")
    p.add_argument("--skip-nan", action="store_true",
                   help="skip NaN (and NaT), as NumPy's nanargmin: a slice of only NaN is an error")
    p.add_argument("--values", action="store_true",
                   help="print the value beside each index (with --json: a 'values' field)")
    p.add_argument("--dim", type=parse_dims, default=None, metavar="D",
                   help="dim(s) to reduce: an integer or a comma list (--dim=-1,0); default: all, flattened")
    p.add_argument("--top", type=_count, default=None, metavar="K",
                   help="the K largest (with --max) or smallest values' indices along --dim, best first, "
                   "ties "
                   "in index order (torch.topk's values)")
    p.add_argument("--keepdim", action="store_true", help="keep reduced dims with size 1")
    p.add_argument("--unravel", action="store_true",
                   help="print coordinates within the reduced dims instead of a flat index")
    p.add_argument("--json", action="store_true", help="print a JSON object (shape, dtype, index, ...)")
    p.add_argument("--key", help="the array in a container (.npz, .safetensors, HDF5 path, Zarr group), "
                   "or comma-separated columns of a Parquet/Arrow table")
    p.add_argument("--format", choices=FORMATS, metavar="FMT",
                   help=f"the input's format, one of {', '.join(FORMATS)} (default: from the suffix)")
    p.add_argument("--threads", type=_thread_count, metavar="N",
                   help="threads for the reduction (default 1, or $ARGREDUCE_NUM_THREADS): reading is the "
                   "bottleneck")
    p.add_argument("--chunk-bytes", type=parse_size, default=None, metavar="SIZE",
                   help="bytes per chunk (default 8M, or 128M per Dask block); memory stays at a few chunks. "
                   "Values that would cut a file into more than 16384 chunks are raised")
    cluster = p.add_mutually_exclusive_group()
    cluster.add_argument("--scheduler", metavar="ADDR", type=_address,
                         help="reduce on the Dask cluster at ADDR (tcp://HOST:PORT); the workers read the "
                         "file, which must be a .npy or Zarr store they can reach")
    cluster.add_argument("--dask", action="store_true",
                         help="reduce on a Dask LocalCluster started for this run (.npy or Zarr)")
    bar = p.add_mutually_exclusive_group()
    bar.add_argument("--progress", action="store_true", default=None,
                     help="show the progress bar even when standard error is not a terminal")
    bar.add_argument("--no-progress", dest="progress", action="store_false", help="never show it")
    p.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    return p


def _version() -> str:
    from .. import __version__

    return __version__


def _join_negative_dims(argv: list[str]) -> list[str]:
    """``--dim -1,0`` reads to argparse as an option; keep it the --dim value, as the user meant."""
    out: list[str] = []
    it = iter(argv)
    for a in it:
        if a == "--dim":
            nxt = next(it, None)
            if nxt is not None and _DIMS.match(nxt):
                out.append(f"--dim={nxt}")
                continue
            out.append(a)
            if nxt is not None:
                out.append(nxt)
            continue
        out.append(a)
    return out


def parse_args(argv: list[str]) -> argparse.Namespace:
    return build_parser().parse_args(_join_negative_dims(argv))
