"""argreduce vs dask.array.argmin on one LocalCluster and the same persisted data.

    .venv/bin/python bench/bench_dask.py            # 1e9 float32 (4 GB), writes bench/results/dask.md
    .venv/bin/python bench/bench_dask.py --quick    # 1e7, a smoke run

The data are a hash of the flat index (24-bit values, so each value, the minimum included, occurs
about n / 2**24 times, spread over the whole array): every chunking holds the same values, each
worker builds its own blocks (nothing travels from this process), and ties fall across block
boundaries. "exact" compares with argreduce's in-memory answer on the same NumPy array.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import dask
import dask.array as da
import distributed
import numpy as np
from distributed import Client, LocalCluster, wait

import argreduce as ar

_GOLDEN = np.uint32(2654435761)  # Knuth's multiplicative hash: a permutation of the 32-bit ints
# The shift moves the minimum away from index 0 (with no shift, element 0 is a minimum and every
# chunking finds it first); with this one the 1e9 run's first minimum is at flat index 43331977.
_SHIFT = np.uint32(2**31 + 7)


@dataclass(frozen=True)
class Hashed:
    """The benchmark array, sliced like an array: ((index * golden + shift) mod 2**32 >> 8) / 2**24."""

    shape: tuple[int, ...]
    dtype = np.dtype(np.float32)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __getitem__(self, index: tuple[slice, ...]) -> np.ndarray:
        strides = [int(np.prod(self.shape[d + 1:])) for d in range(self.ndim)]
        flat = np.zeros((1,) * self.ndim, dtype=np.uint32)
        for d, s in enumerate(index):
            r = np.arange(*s.indices(self.shape[d]), dtype=np.uint32) * np.uint32(strides[d])
            flat = flat + r.reshape([-1 if e == d else 1 for e in range(self.ndim)])
        flat *= _GOLDEN
        flat += _SHIFT
        flat >>= np.uint32(8)
        return flat.astype(np.float32) * np.float32(2.0**-24)


def numpy_copy(shape: tuple[int, ...], slab_rows: int) -> np.ndarray:
    """The whole array in this process, built in slabs to bound the temporaries."""
    x = np.empty(shape, np.float32)
    h = Hashed(shape)
    for r in range(0, shape[0], slab_rows):
        rows = slice(r, min(r + slab_rows, shape[0]))
        x[rows] = h[(rows, *(slice(None),) * (len(shape) - 1))]
    return x


def timed(client: Client, lazy, repeats: int) -> tuple[float, np.ndarray]:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        result = client.compute(lazy).result()
        times.append(time.perf_counter() - t)
    return statistics.median(times), np.asarray(result)


def warm_up(client: Client) -> None:
    """The workers' first call imports argreduce and Dask's reductions: keep it out of the timings."""
    small = da.from_array(np.arange(1000.0, dtype=np.float32), chunks=100)
    client.compute([ar.argmin(small), da.argmin(small)], sync=True)


def exactness(got: np.ndarray, expected: np.ndarray) -> str:
    wrong = int(np.count_nonzero(np.asarray(got) != np.asarray(expected)))
    return "exact" if wrong == 0 else f"WRONG ({wrong} of {np.size(expected)})"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="1e7 elements instead of 1e9 (--shrink 10)")
    p.add_argument("--shrink", type=int, default=1, help="divide both sides of the 2-D shape by this")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--out", default=str(Path(__file__).parent / "results" / "dask.md"))
    args = p.parse_args()

    shrink = 10 if args.quick else args.shrink  # per dim: --quick has 100 times fewer elements
    rows, cols = 40_000 // shrink, 25_000 // shrink
    cases = [
        ((rows * cols,), [(rows * cols // 10,)], [None]),
        ((rows, cols), [(rows // 10, cols), (rows, cols // 10), (rows // 4, cols // 5)], [None, 0, -1]),
    ]

    lines = []
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=":0") as cluster, Client(cluster) as client:
        warm_up(client)
        for shape, chunkings, dims_list in cases:
            x = numpy_copy(shape, slab_rows=max(1, 2**24 // int(np.prod(shape[1:]))))
            references = {d: ar.argmin(x, d) for d in dims_list}
            assert int(references[None]) == int(np.argmin(x)), "the in-memory reference disagrees with NumPy"
            for chunks in chunkings:
                xc = client.persist(da.from_array(Hashed(shape), chunks=chunks, asarray=False,
                                                  meta=np.empty((0,) * len(shape), np.float32)))
                wait(xc)
                for d in dims_list:
                    t_ar, r_ar = timed(client, ar.argmin(xc, d), args.repeats)
                    t_da, r_da = timed(client, da.argmin(xc, axis=d), args.repeats)
                    row = (f"| {shape} | {chunks} | {xc.npartitions} | {d} | {t_ar:.3f} | {t_da:.3f} | "
                           f"{t_da / t_ar:.2f}x | {exactness(r_ar, references[d])} | "
                           f"{exactness(r_da, references[d])} |")
                    print(row, flush=True)
                    lines.append(row)
                del xc
            del x, references

    header = [
        "# argreduce vs dask.array.argmin on a LocalCluster",
        "",
        f"`python bench/bench_dask.py{' --quick' if args.quick else ''}"
        f"{f' --shrink {args.shrink}' if args.shrink != 1 else ''}` — "
        f"{time.strftime('%Y-%m-%d')}, {platform.processor() or platform.machine()}, "
        f"LocalCluster of 2 worker processes x 1 thread on 127.0.0.1, float32 data persisted on the "
        f"workers; argmin, median of {args.repeats} runs, seconds. "
        f"dask {dask.__version__}, distributed {distributed.__version__}, NumPy {np.__version__}, "
        f"argreduce ISA {ar.isa()}.",
        "",
        "| shape | chunks | blocks | dim | argreduce s | dask s | dask / argreduce | argreduce | dask |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(header + lines) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
