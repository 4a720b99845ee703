"""The fused L2 screen on its two tuning workloads, float32, in one process:

- k-means assignment (1,000,000 x 32 queries, 256 points, k = 1): ar.nearest against faiss
  IndexFlatL2 (add y, search x), interleaved rounds, medians and their ratio;
- many points (5,000 x 64 queries, 100,000 points; k = 1 and 10; d = 128, k = 1): GFLOP/s
  (2 N M d flops per search) and its share of the float32 FMA peak (fma_probe.py).

    OPENBLAS_CORETYPE= python bench/nearest_screen_probe.py [--rounds 7] [--threads 2] [--peak GFLOPS]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

import argreduce as ar


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def kmeans(rounds: int, threads: int) -> None:
    import faiss

    rng = np.random.default_rng(0)
    x = rng.standard_normal((1_000_000, 32), dtype=np.float32)
    y = rng.standard_normal((256, 32), dtype=np.float32)
    faiss.omp_set_num_threads(threads)
    index = faiss.IndexFlatL2(32)
    index.add(y)
    got, (_, want) = ar.nearest(x, y), index.search(x, 1)
    agree = float(np.mean(got.indices[:, 0] == want[:, 0]))
    times: dict[str, list[float]] = {"argreduce": [], "faiss": []}
    for _ in range(rounds):
        times["argreduce"].append(timed(lambda: ar.nearest(x, y)))
        times["faiss"].append(timed(lambda: index.search(x, 1)))
    med = {name: statistics.median(v) for name, v in times.items()}
    print(f"k-means assignment: argreduce {med['argreduce']:.4f} s (min {min(times['argreduce']):.4f}), "
          f"faiss {med['faiss']:.4f} s (min {min(times['faiss']):.4f}); argreduce / faiss = "
          f"{med['argreduce'] / med['faiss']:.2f}; same nearest index for {100 * agree:.4f}% of queries")


def many_points(rounds: int, peak: float) -> None:
    rng = np.random.default_rng(1)
    for n, m, d, k in ((5000, 100_000, 64, 1), (5000, 100_000, 64, 10), (5000, 100_000, 128, 1)):
        x = rng.standard_normal((n, d), dtype=np.float32)
        y = rng.standard_normal((m, d), dtype=np.float32)
        ar.nearest(x, y, k)
        med = statistics.median(timed(lambda x=x, y=y, k=k: ar.nearest(x, y, k)) for _ in range(rounds))
        gflops = 2 * n * m * d / med / 1e9
        print(f"d={d} k={k}: {med:.4f} s, {gflops:.0f} GFLOP/s ({100 * gflops / peak:.0f}% of {peak:.0f})")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--peak", type=float, default=0.0, help="FMA peak in GFLOP/s (default: measure it)")
    a = p.parse_args()
    ar.set_num_threads(a.threads)
    print(f"load average {os.getloadavg()[0]:.2f}, ISA {ar.isa()}, {a.threads} threads", flush=True)
    if not a.peak:
        from fma_probe import fma_peak_gflops

        a.peak = fma_peak_gflops(a.threads)
        print(f"FMA peak (fma_probe.py, now): {a.peak:.0f} GFLOP/s", flush=True)
    kmeans(a.rounds, a.threads)
    many_points(a.rounds, a.peak)


if __name__ == "__main__":
    main()
