"""The k-means assignment workload of bench_nearest (1,000,000 float32 queries, 256 points, d = 32,
2 threads): ar.nearest against faiss IndexFlatL2 in one process, interleaved rounds, medians.

    OPENBLAS_CORETYPE= python bench/kmeans_assign_probe.py [--rounds 5] [--k 1 10]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import argreduce as ar
from argreduce.knn import search


def general_path(x, y, k):
    """ar.nearest with the core's re-check turned off: the screen's candidates re-checked in Python
    (the path every query took before refine.cpp)."""
    real = search._refines
    search._refines = lambda *args: False
    try:
        return ar.nearest(x, y, k)
    finally:
        search._refines = real


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--k", type=int, nargs="+", default=[1, 10])
    p.add_argument("--n", type=int, default=1_000_000)
    a = p.parse_args()
    rng = np.random.default_rng(0)
    x = rng.standard_normal((a.n, 32), dtype=np.float32)
    y = rng.standard_normal((256, 32), dtype=np.float32)
    ar.set_num_threads(2)
    import faiss

    faiss.omp_set_num_threads(2)
    index = faiss.IndexFlatL2(32)
    index.add(y)
    for k in a.k:
        runs = {
            "argreduce": lambda k=k: ar.nearest(x, y, k),
            "argreduce (Python re-check)": lambda k=k: general_path(x, y, k),
            "faiss": lambda k=k: index.search(x, k),
        }
        native, general = ar.nearest(x, y, k), general_path(x, y, k)
        assert np.array_equal(native.indices, general.indices), "the core's re-check differs"
        assert np.array_equal(native.distances, general.distances), "the core's distances differ"
        times: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(a.rounds):
            for name, fn in runs.items():
                t = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - t)
        med = {name: statistics.median(v) for name, v in times.items()}
        print(f"k={k} (same answer both paths): "
              + ", ".join(f"{n} {t:.3f} s (min {min(times[n]):.3f})" for n, t in med.items())
              + f"; faiss / argreduce = {med['faiss'] / med['argreduce']:.2f}")


if __name__ == "__main__":
    main()
