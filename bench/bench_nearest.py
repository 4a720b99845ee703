"""argreduce.nearest against the fast CPU nearest-neighbour tools, and an exactness check.

    .venv/bin/python bench/bench_nearest.py            # writes bench/results/nearest.md
    .venv/bin/python bench/bench_nearest.py --quick    # small sizes, a smoke run

Peers (each imported only if installed; `pip install -e ".[bench]"`): faiss IndexFlatL2,
scikit-learn pairwise_distances_argmin_min (k = 1) and NearestNeighbors(algorithm="brute"),
torch.cdist + topk in chunks, NumPy matmul in chunks (|x|^2 - 2 x.y + |y|^2), scipy cKDTree
(build + query, d = 3 only). All run interleaved in this one process, median of --rounds.

The exactness check plants near-ties (a point and a permutation of its offset from the query, both
rounded to float32, near a large common offset) and duplicate points (the smaller index must win),
and compares every tool's nearest index with an exact integer reference (float32 values scaled by
a power of two are integers; squared distances are exact in int64).
"""

from __future__ import annotations

import os
import sys

_UNFAIR_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
if any(v in os.environ for v in _UNFAIR_ENV):  # read when OpenBLAS loads: restart without them
    os.execve(sys.executable, [sys.executable, *sys.argv],
              {k: v for k, v in os.environ.items() if k not in _UNFAIR_ENV})

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

import argreduce as ar  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fma_probe import fma_peak_gflops, sgemm_gflops  # noqa: E402
from machine import describe, load_average  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
Fn = Callable[[np.ndarray, np.ndarray, int], np.ndarray]  # -> (N, k) indices


def _chunks(n: int, m: int, budget: int = 1 << 24) -> int:
    return max(1, budget // max(m, 1))


def numpy_matmul(x, y, k):
    ny = np.einsum("ij,ij->i", y, y)
    out = []
    for s in range(0, len(x), _chunks(len(x), len(y))):
        g = ny - 2 * (x[s:s + _chunks(len(x), len(y))] @ y.T)
        if k == 1:
            out.append(g.argmin(axis=1)[:, None])
        else:
            p = np.argpartition(g, k - 1, axis=1)[:, :k]
            out.append(np.take_along_axis(p, np.argsort(np.take_along_axis(g, p, 1), 1), 1))
    return np.vstack(out)


def peers(d: int) -> dict[str, Fn]:
    out: dict[str, Fn] = {"argreduce": lambda x, y, k: ar.nearest(x, y, k).indices}
    try:
        import faiss

        def flat_l2(x, y, k):
            index = faiss.IndexFlatL2(y.shape[1])
            index.add(y)
            return index.search(x, k)[1]

        out["faiss IndexFlatL2"] = flat_l2
    except ImportError:
        pass
    try:
        from sklearn.metrics import pairwise_distances_argmin_min
        from sklearn.neighbors import NearestNeighbors

        out["sklearn argmin_min"] = lambda x, y, k: (
            pairwise_distances_argmin_min(x, y)[0][:, None] if k == 1 else None)
        out["sklearn NN brute"] = lambda x, y, k: NearestNeighbors(
            n_neighbors=k, algorithm="brute").fit(y).kneighbors(x, return_distance=False)
    except ImportError:
        pass
    try:
        import torch

        def cdist_topk(x, y, k):
            tx, ty = torch.from_numpy(x), torch.from_numpy(y)
            step = _chunks(len(x), len(y))
            return torch.cat([torch.cdist(tx[s:s + step], ty).topk(k, largest=False).indices
                              for s in range(0, len(x), step)]).numpy()

        out["torch cdist+topk"] = cdist_topk
    except ImportError:
        pass
    out["numpy matmul"] = numpy_matmul
    if d == 3:
        try:
            from scipy.spatial import cKDTree

            def kdtree(x, y, k):  # on every core, as argreduce runs (its default is one)
                i = cKDTree(y).query(x, k, workers=-1)[1]
                return i.reshape(len(x), k)

            out["scipy cKDTree"] = kdtree
        except ImportError:
            pass
    return out


#: A peer this far behind argreduce in the first round (and slower than SLOW_SECONDS) is timed once.
SLOW_RATIO = 20
SLOW_SECONDS = 10.0


#: A pause before each timed call: the worker threads of the tool before (OpenBLAS's spin for about
#: a tenth of a second after a call, OpenMP's for its block time) would otherwise still be spinning
#: on the 2 cores while the next tool runs, and whichever tool follows numpy matmul would pay for it.
SETTLE_SECONDS = 0.3


def timed(fn: Fn, x, y, k) -> float | None:
    time.sleep(SETTLE_SECONDS)
    t = time.perf_counter()
    r = fn(x, y, k)
    return None if r is None else time.perf_counter() - t


def speed(workloads, rounds: int, threads: int) -> list[dict]:
    rows = []
    for name, n, m, d, ks in workloads:
        rng = np.random.default_rng(n + m + d)
        x = rng.standard_normal((n, d)).astype(np.float32)
        y = rng.standard_normal((m, d)).astype(np.float32)
        for k in ks:
            contenders = peers(d)
            times: dict[str, list[float]] = {p: [] for p in contenders}
            for r in range(rounds):  # interleaved: each round runs every contender once
                for p, fn in contenders.items():
                    if r and times[p] and times[p][0] > max(SLOW_SECONDS, SLOW_RATIO * times["argreduce"][0]):
                        continue  # far behind in the first round: once is enough (torch on 10^7 points)
                    t = timed(fn, x, y, k)
                    if t is not None:
                        times[p].append(t)
            med = {p: statistics.median(v) for p, v in times.items() if v}
            rows.append({"workload": name, "n": n, "m": m, "d": d, "k": k, "times": med,
                         "gflops": 2 * n * m * d / med["argreduce"] / 1e9})
            print(f"{name} d={d} k={k}: " + ", ".join(f"{p} {t:.3f}s" for p, t in med.items()), flush=True)
    return rows


def planted(n: int, m: int, d: int, offset: float, seed: int = 7):
    """Queries and points with planted near-ties and duplicates, float32."""
    rng = np.random.default_rng(seed)
    y = (offset + rng.standard_normal((m, d))).astype(np.float32)
    x = (offset + rng.standard_normal((n, d))).astype(np.float32)
    for q in range(n):
        delta = 1e-2 * rng.standard_normal(d)
        a, b, c = rng.choice(m, 3, replace=False)
        y[a] = (x[q] + delta).astype(np.float32)
        y[b] = (x[q] + rng.permutation(delta)).astype(np.float32)  # equal offset norm: near-tie
        y[max(a, c)], y[min(a, c)] = y[a], y[a]  # a duplicate: the smaller index must win
    return x, y


def exact_nearest(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Exact k=1 indices (ties to the smaller index) by integer arithmetic."""
    allv = np.concatenate([x.ravel(), y.ravel()]).astype(np.float64)
    nz = allv[allv != 0]
    scale = -int((np.frexp(nz)[1] - 24).min())
    xi = np.ldexp(x.astype(np.float64), scale)
    yi = np.ldexp(y.astype(np.float64), scale)
    big = max(float(abs(xi).max()), float(abs(yi).max()))
    assert np.all(xi == np.rint(xi)) and np.all(yi == np.rint(yi))
    assert x.shape[1] * (2 * big) ** 2 < 2.0**63, "int64 would overflow: use a smaller offset"
    xi, yi = xi.astype(np.int64), yi.astype(np.int64)
    out = np.empty(len(x), dtype=np.int64)
    for q in range(len(x)):
        dist = ((yi - xi[q]) ** 2).sum(axis=1)
        out[q] = int(np.argmin(dist))  # np.argmin returns the first of equal minima
    return out


def exactness(cases: tuple[tuple[int, int], ...], m: int, offset: float) -> list[dict]:
    """Every tool's wrong answers on planted data, for each (d, queries) case."""
    rows = []
    for d, n in cases:
        x, y = planted(n, m, d, offset)
        want = exact_nearest(x, y)
        for p, fn in peers(d).items():
            got = fn(x, y, 1)
            if got is None:
                continue
            wrong = int((np.asarray(got)[:, 0] != want).sum())
            rows.append({"d": d, "peer": p, "wrong": wrong, "n": n})
            print(f"exactness d={d} {p}: {wrong} wrong of {n}", flush=True)
    return rows


def blas_info() -> str:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "threadpoolctl not installed"
    return "; ".join(f"{i.get('internal_api')} {i.get('version')} {i.get('architecture')} "
                     f"({Path(i.get('filepath', '')).name}, {i.get('num_threads')} threads)"
                     for i in threadpool_info() if i.get("user_api") == "blas")


def report(rows, exact_rows, peak, sgemm, args, threads) -> str:
    peer_names = sorted({p for r in rows for p in r["times"]} - {"argreduce"})
    lines = [
        "# argreduce.nearest vs CPU nearest-neighbour tools",
        "",
        f"`python bench/bench_nearest.py{''.join(' ' + a for a in args.argv)}` — float32 data (standard "
        f"normal), median of {args.rounds} interleaved rounds (each call after a {SETTLE_SECONDS} s "
        f"pause, so no tool's idle threads still spin during the next), seconds; {threads} threads; "
        f"load average at the end {load_average()}.",
        "",
        f"Float32 FMA peak (bench/fma_probe.py, native loop, {threads} threads): {peak:.0f} GFLOP/s; "
        f"NumPy sgemm 2048^3: {sgemm:.0f} GFLOP/s. BLAS: {blas_info()}. OPENBLAS_CORETYPE and "
        "OPENBLAS_L2_SIZE unset.",
        "",
        "| workload | N | M | d | k | argreduce s | GFLOP/s (% of FMA peak) | "
        + " | ".join(peer_names) + " |",
        "|---|---|---|---|---|---|---|" + "---|" * len(peer_names),
    ]
    for r in rows:
        t = r["times"]
        ours = t["argreduce"]
        cells = [f"{t[p]:.3f} ({t[p] / ours:.2f}x)" if p in t else "—" for p in peer_names]
        lines.append(f"| {r['workload']} | {r['n']} | {r['m']} | {r['d']} | {r['k']} | {ours:.3f} | "
                     f"{r['gflops']:.1f} ({100 * r['gflops'] / peak:.0f}%) | " + " | ".join(cells) + " |")
    lines += ["", "Peer cells: seconds (peer time / argreduce time; above 1 means argreduce is faster). "
              f"A peer more than {SLOW_RATIO}x behind argreduce (and over {SLOW_SECONDS:.0f} s) in the first "
              "round is timed in that round only.", ""]
    lines += ["## Exactness on planted near-ties and duplicates (k = 1)", "",
              f"{EXACT_POINTS[args.quick]} points; offset {args.offset}, spread 1, planted offsets 1e-2; the "
              "reference is exact integer arithmetic. At d = 3 enough queries that argreduce takes its "
              "pruned screen (cpp/argreduce/nearest/spatial.hpp).", "",
              "| d | tool | wrong answers |", "|---|---|---|"]
    lines += [f"| {r['d']} | {r['peer']} | {r['wrong']} of {r['n']} |" for r in exact_rows]
    lines += ["", "## Machine", ""] + [f"- {k}: {v}" for k, v in describe()]
    return "\n".join(lines) + "\n"


#: Points in the exactness check (quick run or not).
EXACT_POINTS = {False: 20_000, True: 2000}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--n", type=int, default=2000, help="queries in the main workloads (issue: 10,000)")
    p.add_argument("--m", type=int, default=100_000)
    p.add_argument("--kmeans-n", type=int, default=200_000, help="issue: 1,000,000")
    p.add_argument("--batch-m", type=int, default=10_000_000,
                   help="points searched by one batch of 16 queries, d = 64 (issue: 10,000,000; 0: skip)")
    p.add_argument("--offset", type=float, default=100.0)
    p.add_argument("--out", default=str(ROOT / "bench" / "results" / "nearest.md"))
    args = p.parse_args(argv)
    args.argv = sys.argv[1:] if argv is None else list(argv)  # the command, for the report
    if args.quick:
        args.n, args.m, args.kmeans_n, args.batch_m, args.rounds = 200, 5000, 5000, 5000, 1
    threads = ar.get_num_threads()
    workloads = [("points", args.n, args.m, d, (1, 10)) for d in (3, 16, 64, 128)]
    workloads.append(("k-means assignment", args.kmeans_n, 256, 32, (1,)))
    if args.batch_m:
        workloads.append(("one batch of queries", 16, args.batch_m, 64, (1, 10)))
    peak, sgemm = fma_peak_gflops(threads), sgemm_gflops()
    print(f"FMA peak {peak:.1f} GFLOP/s, sgemm {sgemm:.1f} GFLOP/s", flush=True)
    cases = ((3, 2100), (16, 200), (64, 200)) if not args.quick else ((3, 50), (16, 50), (64, 50))
    exact_rows = exactness(cases, EXACT_POINTS[args.quick], args.offset)
    rows = speed(workloads, args.rounds, threads)
    Path(args.out).write_text(report(rows, exact_rows, peak, sgemm, args, threads))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
