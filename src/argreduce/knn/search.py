"""The search itself: query blocks on threads, each screened by the fused kernel, candidates re-checked.

A screen (screen.py's factors and bounds, fused.py's kernel) proposes, per query, the few points
whose cost lies within its rigorous error bound of the k-th best; those are re-checked (metrics.py,
dd.py, exact.py), the k best kept in kbest.py and their distances rounded once in finish.py. The
answer does not depend on the number of threads nor on the block sizes.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..threads import get_num_threads
from . import exact, finish, fused, screen
from .kbest import KBest
from .metrics import Points


def run_exact(x: np.ndarray, y: np.ndarray, k: int, metric: str) -> np.ndarray:
    """The (N, k) indices alone (no distances) for checked float64 matrices: the partials' search."""
    return run(x, y, k, metric, "float64", np.dtype(np.float64), False, with_distances=False)[1]


def screen_dtype(kind_x: str, kind_y: str) -> np.dtype:
    """float32 products when both inputs are float32 or narrower, else float64."""
    narrow = ("float16", "bfloat16", "float32")
    return np.dtype(np.float32 if kind_x in narrow and kind_y in narrow else np.float64)


def run(x: np.ndarray, y: np.ndarray, k: int, metric: str, kind: str, sdt: np.dtype, in_range: bool,
        with_distances: bool = True):
    n, m = x.shape[0], y.shape[0]
    fmt = exact.float_format(kind)
    points = Points(metric, x, y, in_range=in_range, quick=kind != "float64")
    dist = np.empty((n, k))
    idx = np.empty((n, k), dtype=np.int64)
    active = np.arange(n)
    if metric == "cosine":  # a zero query is at distance 1 from every point: the first k
        zero = ~x.any(axis=1)
        dist[zero], idx[zero] = 1.0, np.arange(k)
        active = np.flatnonzero(~zero)
    if active.size == 0:
        return dist, idx
    scr = _make_screen(metric, x[active], y, sdt)
    panels = fused.pack(scr.ys)
    b = _block_rows(len(active), m, scr.ys.shape[1], get_num_threads())
    starts = range(0, len(active), b)
    workers = min(get_num_threads(), len(starts))
    inner = get_num_threads() if workers == 1 else 1  # one block: the kernel splits it over the threads

    def run_block(lo: int) -> None:
        hi = min(lo + b, len(active))
        rows = active[lo:hi]
        r, c = fused.candidates(scr.xs[lo:hi], panels, m, scr.B[lo:hi], k, inner)
        best = KBest(rows, k, points)
        best.merge(r, c, *points.pair_keys(rows[r], c))
        if with_distances:
            dist[rows] = finish.distances(metric, best.hi, best.lo, best.err, best.idx, rows, points,
                                          best.exact_cache, fmt)
        idx[rows] = best.idx

    if workers == 1:
        for s in starts:
            run_block(s)
    else:  # blocks on Python threads (the kernel and most of the re-check release the GIL)
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(run_block, starts))
    return dist, idx


def _make_screen(metric: str, x: np.ndarray, y: np.ndarray, sdt: np.dtype) -> screen.Screen:
    if metric in ("sqeuclidean", "euclidean"):
        return screen.l2_screen(x, y, sdt)
    if metric == "dot":
        return screen.dot_screen(x, y, sdt)
    return screen.cosine_screen(x, y, sdt)


#: Multiply-adds per query block: about a tenth of a second of screening, so that Ctrl-C is
#: noticed between blocks and the candidates of a block stay few.
BLOCK_MULADDS = 1 << 33
MAX_BLOCK_ROWS = 1 << 16  # more blocks for many cheap queries: the Python re-check runs in parallel


def _block_rows(n: int, m: int, dp: int, threads: int) -> int:
    """Queries per block: BLOCK_MULADDS of work, from 256 (so the points are read few times) to
    MAX_BLOCK_ROWS, at least one block per thread when there are enough queries, and as many
    blocks as a multiple of the thread count."""
    b = min(max(256, BLOCK_MULADDS // max(1, m * dp)), MAX_BLOCK_ROWS)
    if n >= 2048 * threads:
        b = min(b, -(-n // threads))
    b = max(1, min(b, n))
    blocks = -(-n // b)
    if blocks > 1:  # a multiple of the thread count, in equal blocks: no thread idles at the end
        blocks = -(-blocks // threads) * threads
        b = -(-n // blocks)
    return b
