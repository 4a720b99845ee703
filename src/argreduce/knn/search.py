"""The search itself: query blocks on the pool's threads, point tiles screened, candidates re-checked.

A screen (screen.py) proposes, per query, the few points whose cost lies within its rigorous error
bound of the k-th best; those are re-checked (metrics.py, dd.py, exact.py), the k best kept in
kbest.py and their distances rounded once in finish.py. The answer does not depend on the number
of threads nor on the block and tile sizes.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..threads import get_num_threads
from . import exact, finish, screen
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
    b, width = _block_shape(len(active), m, k)
    tiles = screen.tiles(m, k, width)

    def run_block(lo: int) -> None:
        local = np.arange(lo, min(lo + b, len(active)))
        rows = active[local]
        B = scr.B[local]
        xs = scr.xs[local]
        if len(tiles) == 1:  # every point in one tile: its candidates are final
            r, c = screen.candidates(xs @ scr.ys.T, k, B, np.full(len(local), np.inf), sdt)
        else:
            pool = screen.Pool(len(local), k)
            for t0, t1 in tiles:
                G = xs @ scr.ys[t0:t1].T
                r, c = screen.candidates(G, k, B, pool.threshold(B), sdt)
                pool.add(r, c + t0, G[r, c], B)
                del G
            r, c = pool.r, pool.c
        best = KBest(rows, k, points)
        best.merge(r, c, *points.pair_keys(rows[r], c))
        if with_distances:
            dist[rows] = finish.distances(metric, best.hi, best.lo, best.err, best.idx, rows, points,
                                          best.exact_cache, fmt)
        idx[rows] = best.idx

    starts = range(0, len(active), b)
    workers = min(get_num_threads(), len(starts))
    limits = _one_blas_thread() if workers > 1 else None
    if limits is None:  # one block at a time; BLAS threads each product itself
        for s in starts:
            run_block(s)
    else:  # blocks on our threads, each product on one BLAS thread: the screening runs in parallel too
        with limits, ThreadPoolExecutor(workers) as pool:
            list(pool.map(run_block, starts))
    return dist, idx


def _one_blas_thread():
    """threadpoolctl's limit of BLAS to one thread, if it is installed (it is optional)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return None
    return threadpool_limits(limits=1, user_api="blas")


def _make_screen(metric: str, x: np.ndarray, y: np.ndarray, sdt: np.dtype) -> screen.Screen:
    if metric in ("sqeuclidean", "euclidean"):
        return screen.l2_screen(x, y, sdt)
    if metric == "dot":
        return screen.dot_screen(x, y, sdt)
    return screen.cosine_screen(x, y, sdt)


def _block_shape(n: int, m: int, k: int) -> tuple[int, int]:
    """Queries per block and points per tile: one tile of about TILE_ELEMENTS costs."""
    width = min(m, max(k, screen.TILE_ELEMENTS // min(n, 256)))
    return max(1, min(n, screen.TILE_ELEMENTS // width)), width
