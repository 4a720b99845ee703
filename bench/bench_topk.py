"""Benchmark of ar.topk against its peers, interleaved in one process (not run in CI).

    .venv/bin/python bench/bench_topk.py [--scale 1.0] [--rounds 5]

Cases (issue "The k best"): 1-D float32 2**27 k=10 (with the read probe: one read of the same
bytes), (8192, 8192) float32 k=5 along dim 1 and dim 0, (2**20, 100) k=5 along dim 1, 1-D 2**24
k = half. Peers: torch.topk with 1 and 2 threads, np.argpartition + argsort of the k,
bottleneck.argpartition + argsort, polars top_k / bottom_k (1-D). `--scale` shrinks every size
(the machine is shared: say so in the results). Every round runs every contender once in a fresh
random order; medians are reported, with each peer's ratio to argreduce from the same run.
Results go to bench/results/topk.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import time
from pathlib import Path

import numpy as np

os.environ.pop("OPENBLAS_CORETYPE", None)
os.environ.pop("OPENBLAS_L2_SIZE", None)

import argreduce as ar
from argreduce import _core

ROOT = Path(__file__).resolve().parents[1]


def _torch(x, k, dim, threads):
    import torch

    t = torch.from_numpy(x)

    def run():
        before = torch.get_num_threads()
        torch.set_num_threads(threads)
        try:
            return torch.topk(t, k, dim)
        finally:
            torch.set_num_threads(before)
    return run


def _partition_then_sort(argpartition, x, k, dim):
    """The k largest by a peer's argpartition, then ordered by a stable sort of their values."""
    def run():
        part = argpartition(-x, k - 1, axis=dim)
        top = np.take(part, np.arange(k), axis=dim)
        vals = np.take_along_axis(x, top, dim)
        return np.take_along_axis(top, np.argsort(-vals, axis=dim, kind="stable"), dim)
    return run


def _numpy(x, k, dim):
    return _partition_then_sort(np.argpartition, x, k, dim)


def _bottleneck(x, k, dim):
    import bottleneck as bn

    return _partition_then_sort(bn.argpartition, x, k, dim)


def _polars(x, k):
    import polars as pl

    s = pl.Series(x)
    return lambda: s.top_k(k)


def _ours(x, k, dim, threads):
    def run():
        before = ar.get_num_threads()
        ar.set_num_threads(threads)
        try:
            return ar.topk(x, k, dim)
        finally:
            ar.set_num_threads(before)
    return run


def _probe(x, threads):
    return lambda: _core.read_probe(x.__array_interface__["data"][0], x.nbytes, threads)


def cases(scale: float):
    rng = np.random.default_rng(0)
    n1 = int(2**27 * scale)
    side = int(8192 * scale**0.5)
    rows = int(2**20 * scale)
    half = int(2**24 * scale)
    yield f"1-D float32 {n1}, k=10", rng.random(n1, dtype=np.float32), 10, 0
    big = rng.random((side, side), dtype=np.float32)
    yield f"({side}, {side}) float32, k=5, dim 1", big, 5, 1
    yield f"({side}, {side}) float32, k=5, dim 0", big, 5, 0
    yield f"({rows}, 100) float32, k=5, dim 1", rng.random((rows, 100), dtype=np.float32), 5, 1
    yield f"1-D float32 {half}, k=half", rng.random(half, dtype=np.float32), half // 2, 0


def contenders(x, k, dim):
    c = {"argreduce 1t": _ours(x, k, dim, 1), "argreduce 2t": _ours(x, k, dim, 2),
         "torch.topk 1t": _torch(x, k, dim, 1), "torch.topk 2t": _torch(x, k, dim, 2),
         "np.argpartition+argsort": _numpy(x, k, dim)}
    try:
        import bottleneck  # noqa: F401

        c["bottleneck.argpartition+argsort"] = _bottleneck(x, k, dim)
    except ImportError:
        pass
    if x.ndim == 1:
        try:
            import polars  # noqa: F401

            c["polars top_k"] = _polars(x, k)
        except ImportError:
            pass
    # every case: a peer's ratio to argreduce can be no higher than its ratio to one read of the bytes
    c["read probe 1t"] = _probe(x, 1)
    c["read probe 2t"] = _probe(x, 2)
    return c


def time_all(fns: dict, rounds: int) -> dict[str, float]:
    for f in fns.values():  # warm-up (page faults, thread pools)
        f()
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        order = list(fns)
        random.shuffle(order)
        for name in order:
            t0 = time.perf_counter()
            fns[name]()
            samples[name].append(time.perf_counter() - t0)
    return {name: statistics.median(s) for name, s in samples.items()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    lines = ["# topk benchmark", "",
             f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores (shared), "
             f"ISA {ar.isa()}; sizes scaled by {args.scale}; medians of {args.rounds} interleaved rounds; "
             "ratio = peer time / argreduce 1t time (higher: argreduce faster). polars top_k returns the "
             "values only, no indices: not the same job. The read probe reads the same bytes once.", ""]
    for name, x, k, dim in cases(args.scale):
        fns = contenders(x, k, dim)
        want = np.sort(ar.topk(x, k, dim).values, axis=dim)
        got = np.sort(np.take_along_axis(x, np.asarray(fns["np.argpartition+argsort"]()), dim), axis=dim)
        agree = "same values as NumPy" if np.array_equal(want, got) else "VALUES DIFFER from NumPy"
        med = time_all(fns, args.rounds)
        base = med["argreduce 1t"]
        lines += [f"## {name} ({agree})", "", "| contender | median ms | ratio |", "|---|---:|---:|"]
        for c, t in sorted(med.items(), key=lambda kv: kv[1]):
            lines.append(f"| {c} | {t * 1e3:.2f} | {t / base:.2f}x |")
        lines.append("")
        print("\n".join(lines[-(len(med) + 4):]), flush=True)
    out = ROOT / "bench" / "results" / "topk.md"
    out.write_text("\n".join(lines) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
