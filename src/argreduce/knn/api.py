"""nearest(x, y, k=1, *, metric="sqeuclidean"): argument checks, the block loop, the results.

The work: a screen (screen.py) proposes, per query, the few points whose cost lies within its
rigorous error bound of the k-th best; those are re-checked to ~100 bits (metrics.py, dd.py) and,
where even that cannot separate two of them, exactly (exact.py); the k best are kept in kbest.py
and their distances rounded once in finish.py. Query blocks run on the pool's threads; the answer
does not depend on how many, nor on the block or tile sizes.
"""

from __future__ import annotations

import operator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NamedTuple

import numpy as np

from .. import adapters
from ..threads import get_num_threads
from . import exact, finish, inputs, screen
from .kbest import KBest
from .metrics import METRICS, Points


class NearestResult(NamedTuple):
    distances: Any
    indices: Any


def nearest(x: Any, y: Any, k: int = 1, *, metric: str = "sqeuclidean") -> NearestResult:
    """The ``k`` points of ``y`` (M, d) closest to each query of ``x`` (N, d), exactly.

    Returns ``(distances, indices)``, each (N, k), sorted by (distance, index): the indices of the
    exact real-number distances of the given values, equal distances going to the smaller index;
    each distance is the exact value rounded once to the result dtype (the inputs' float dtype,
    float64 for integers). ``metric``: "sqeuclidean" (default), "euclidean", "cosine" (1 - cos; a
    zero vector is at distance 1 from everything) or "dot" (largest inner product first; the
    distances are the inner products).

    >>> import argreduce as ar
    >>> d, i = ar.nearest([[0.0, 0.0], [3.0, 3.0]], [[1.0, 1.0], [2.0, 2.0], [-1.0, -1.0]], k=2)
    >>> i.tolist(), d.tolist()
    ([[0, 2], [1, 0]], [[2.0, 2.0], [2.0, 8.0]])
    """
    if not isinstance(metric, str) or metric not in METRICS:
        raise ValueError(f"nearest(): metric must be one of {', '.join(METRICS)}, not {metric!r}")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError(f"nearest(): argument 'k' must be int, not {type(k).__name__}")
    k = operator.index(k)
    if adapters.is_dask_array(x) or adapters.is_dask_array(y):
        from .dask_nearest import nearest_dask

        return NearestResult(*nearest_dask(x, y, k, metric))
    qx, qy = inputs.read(x, "x"), inputs.read(y, "y")
    (n, d), (m, dy) = qx.values.shape, qy.values.shape
    if d != dy:
        raise ValueError(f"nearest(): x has d={d} columns but y has d={dy}; they must match")
    if m == 0 or n == 0:
        raise ValueError(f"nearest(): x has {n} rows and y has {m}; both need at least one")
    if d == 0:
        raise ValueError("nearest(): x and y have 0 columns; there is no distance to rank")
    if not 1 <= k <= m:
        raise ValueError(f"nearest(): k={k} is out of range; it must satisfy 1 <= k <= {m} (rows of y)")
    kind = inputs.result_kind(qx.kind, qy.kind)
    in_range = "float64" not in (qx.kind, qy.kind)  # narrower floats and integers always are
    dist, idx = _run(qx.values, qy.values, k, metric, kind, _screen_dtype(qx, qy), in_range)
    return NearestResult(inputs.to_library(dist, kind, qx), inputs.to_library(idx, "int64", qx))


def run_exact(x: np.ndarray, y: np.ndarray, k: int, metric: str, kind: str):
    """(distances, indices) of checked float64 matrices (holding their values exactly) as NumPy."""
    return _run(x, y, k, metric, kind, np.dtype(np.float64), False)


def _screen_dtype(a: inputs.Input, b: inputs.Input) -> np.dtype:
    narrow = ("float16", "bfloat16", "float32")
    return np.dtype(np.float32 if a.kind in narrow and b.kind in narrow else np.float64)


def _run(x: np.ndarray, y: np.ndarray, k: int, metric: str, kind: str, sdt: np.dtype, in_range: bool):
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
        pool = screen.Pool(len(local), k)
        for t0, t1 in tiles:
            G = xs @ scr.ys[t0:t1].T
            r, c = screen.candidates(G, k, B, pool.threshold(B), sdt)
            pool.add(r, c + t0, G[r, c], B)
            del G
        best = KBest(rows, k, points)
        best.merge(pool.r, pool.c, *points.pair_keys(rows[pool.r], pool.c))
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
