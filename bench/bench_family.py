"""The argmin family's speed (nanargmin, min with values, where=, Arrow nulls) against its peers and
the read probe, interleaved in one process; writes bench/results/family.md.

    .venv/bin/python bench/bench_family.py            # the issue's sizes (2**27 / 8192**2 / 2**26)
    .venv/bin/python bench/bench_family.py --scale 8  # every size divided by 8 (a busy machine)

Peers: numpy.nanargmin (copies to replace NaN), bottleneck.nanargmin, torch.min(x, 0), np.ma.argmin,
polars arg_min on an Arrow-backed Series. The probe reads the same bytes (input, plus mask or
validity bitmap) with the same threads: the memory's limit for a one-pass reduction.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

import argreduce as ar
from argreduce import _core
from contenders import Bound
from machine import describe, load_average
from timing import measure

RESULTS = Path(__file__).parent / "results" / "family.md"


def _probe(*arrays: np.ndarray, threads: int) -> Bound:
    spans = [(a.__array_interface__["data"][0], a.nbytes) for a in arrays]
    return Bound(lambda: [_core.read_probe(addr, n, threads) for addr, n in spans])


def _ar(fn, threads: int) -> Bound:
    return Bound(fn, enter=lambda: ar.set_num_threads(threads))


def _nanargmin_case(rng, scale: int, threads: int):
    n = 2**27 // scale
    x = rng.random(n, dtype=np.float32)
    x[rng.integers(0, n, n // 1000)] = np.nan  # scattered NaN
    bound = {"read probe": _probe(x, threads=threads),
             f"argreduce {threads}T": _ar(lambda: ar.nanargmin(x), threads),
             "argreduce 1T": _ar(lambda: ar.nanargmin(x), 1),
             "numpy.nanargmin": Bound(lambda: np.nanargmin(x))}
    try:
        import bottleneck as bn

        bound["bottleneck.nanargmin"] = Bound(lambda: bn.nanargmin(x))
    except ImportError:
        pass
    return f"nanargmin, 1-D float32 ({n:,}), 0.1% NaN", x.nbytes, bound


def _min_case(rng, scale: int, threads: int):
    side = int(8192 / scale ** 0.5)
    m = rng.random((side, side), dtype=np.float32)
    bound = {"read probe": _probe(m, threads=threads),
             f"argmin(x, 0) {threads}T": _ar(lambda: ar.argmin(m, 0), threads),
             f"min(x, 0) {threads}T": _ar(lambda: ar.min(m, 0), threads)}
    try:
        import torch

        t = torch.from_numpy(m)
        bound["torch.min(x, 0) 2T"] = Bound(lambda: torch.min(t, 0), enter=lambda: torch.set_num_threads(2))
    except ImportError:
        pass
    return f"min(x, 0), float32 ({side}, {side})", m.nbytes, bound


def _where_case(rng, scale: int, threads: int):
    n = 2**27 // scale
    x = rng.random(n, dtype=np.float32)
    mask = rng.random(n) < 0.9
    masked = np.ma.array(x, mask=~mask)
    bound = {"read probe (x + mask)": _probe(x, mask, threads=threads),
             f"argreduce where= {threads}T": _ar(lambda: ar.argmin(x, where=mask), threads),
             f"argreduce numpy.ma {threads}T": _ar(lambda: ar.argmin(masked), threads),
             "np.ma.argmin": Bound(lambda: np.ma.argmin(masked))}
    return f"argmin(x, where=mask), 1-D float32 ({n:,})", x.nbytes + mask.nbytes, bound


def _arrow_case(rng, scale: int, threads: int):
    import pyarrow as pa
    import pyarrow.compute as pc

    n = 2**26 // scale
    values = rng.random(n)
    valid = rng.random(n) >= 0.01
    arr = pa.array(values, mask=~valid)
    data, bitmap = np.frombuffer(arr.buffers()[1], np.uint8), np.frombuffer(arr.buffers()[0], np.uint8)
    bound = {"read probe (values + bitmap)": _probe(data, bitmap, threads=threads),
             f"argreduce {threads}T": _ar(lambda: ar.argmin(arr), threads),
             "pyarrow min + index": Bound(lambda: pc.index(arr, pc.min(arr)))}
    try:
        import polars as pl

        s = pl.Series(arr)
        bound["polars arg_min"] = Bound(lambda: s.arg_min())
    except ImportError:
        pass
    return f"pyarrow float64 with 1% nulls ({n:,})", data.nbytes + bitmap.nbytes, bound


CASES = (_nanargmin_case, _min_case, _where_case, _arrow_case)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scale", type=int, default=1, help="divide every size by this")
    p.add_argument("--rounds", type=int, default=7)
    args = p.parse_args()
    lines = ["# The argmin family: speed", "",
             f"`{' '.join(['bench/bench_family.py', *sys.argv[1:]])}`; rounds interleaved in one process, "
             "medians; GB/s over the bytes each case must read (the probe's bytes).", ""]
    lines += [f"- {k}: {v}" for k, v in describe()]
    lines += [f"- OPENBLAS_CORETYPE: {os.environ.get('OPENBLAS_CORETYPE', 'unset')}", ""]
    rng, threads = np.random.default_rng(7), ar.get_num_threads()
    for case in CASES:
        title, nbytes, bound = case(rng, args.scale, threads)
        timed = measure(bound, args.rounds, per_call=False, min_sample_s=0.0, budget_s=20.0)
        probe = next(v.median for k, v in timed.measurements.items() if k.startswith("read probe"))
        lines += [f"## {title}", "", f"load average before: {load_average()}", "",
                  "| contender | median ms | GB/s | x probe |", "|---|---|---|---|"]
        for name, m in sorted(timed.measurements.items(), key=lambda kv: kv[1].median):
            lines.append(f"| {name} | {m.median * 1e3:.2f} | {nbytes / m.median / 1e9:.2f} | "
                         f"{probe / m.median:.2f} |")
        for name, e in timed.failures.items():
            lines.append(f"| {name} | failed: {type(e).__name__} | | |")
        lines.append("")
        print("\n".join(lines[-(len(timed.measurements) + 6):]), flush=True)
        del bound, timed  # one case's input alive at a time
    RESULTS.write_text("\n".join(lines) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
