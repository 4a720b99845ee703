"""The row sweep against the lane sweep at k = 1 (cpp/argreduce/nearest/lanes_kernel.hpp), straight
from the core, interleaved in one process: where spatial.hpp's worth_lanes draws its line.

    .venv/bin/python bench/nearest_sweep_probe.py [--rounds 5]

Prints, per (points, d), the median seconds of each sweep and rows / lanes (above 1: lanes faster).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from argreduce import get_num_threads
from argreduce.knn import exact, fused, screen


def run(x, y, pts, fmt, sweep):
    dist, idx = np.full((len(x), 1), np.nan), np.full((len(x), 1), -1, dtype=np.int64)
    t = time.perf_counter()
    fused.refined_l2(x, pts, 1, get_num_threads(), y, 0, fmt, dist, idx, sweep=sweep)
    return time.perf_counter() - t


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--flops", type=float, default=4e9, help="multiply-adds per case (sets the query count)")
    args = p.parse_args(argv)
    print("| points | d | queries | rows s | lanes s | rows / lanes |\n|---|---|---|---|---|---|")
    for m in (64, 256, 1024, 4096, 16384):
        for d in (8, 32, 128):
            n = max(1024, int(args.flops / (m * (d + 1))))
            rng = np.random.default_rng(m + d)
            x = rng.standard_normal((n, d)).astype(np.float32)
            y = rng.standard_normal((m, d)).astype(np.float32)
            fmt = exact.float_format("float32")
            pts = screen.l2_points(screen._largest_magnitude(x), y, np.dtype(np.float32))
            times = {"rows": [], "lanes": []}
            for _ in range(args.rounds):
                for sweep in times:
                    times[sweep].append(run(x, y, pts, fmt, sweep))
            r, l_ = statistics.median(times["rows"]), statistics.median(times["lanes"])
            print(f"| {m} | {d} | {n} | {r:.4f} | {l_:.4f} | {r / l_:.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
