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
from . import direct, exact, finish, fused, screen
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
        with_distances: bool = True, check_y=None, check_x=None):
    """The (N, k) distances and indices. ``check_y``, if given, raises the contract's error for a
    non-finite y: it is called before y is used, unless the direct screen, which notices such
    values itself, takes the search and finds none. ``check_x``, if given, does the same for x: it
    is called first, unless the core's L2 search (which notices such values itself) takes it."""
    n, m = x.shape[0], y.shape[0]
    fmt = exact.float_format(kind)
    if check_x is not None and not _native_l2(metric, kind, in_range, x, y, k, np.dtype(sdt)):
        check_x()
        check_x = None
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
    queries = x if len(active) == n else x[active]
    found = None
    if direct.applies(metric, len(active), y, np.dtype(sdt)):
        found = direct.candidates(queries, y, min(k, m), np.dtype(sdt), get_num_threads())
    if found is None and check_y is not None:
        check_y()
    if found is not None:  # few queries: the points were read once, nothing was made of them
        best = KBest(active, k, points)
        r, c = found
        best.merge(r, c, *points.pair_keys(active[r], c))
        return _finish({0: best}, range(0, 1), 1, dist, idx, metric, points, fmt, with_distances)
    parts = _point_parts(len(active), m, y.shape[1], k, np.dtype(sdt).itemsize)
    if _refines(metric, points.quick, x, y, parts):
        return _run_refined(x, y, k, metric, sdt, points, fmt, check_x)
    b = _block_rows(len(active), parts[0][1] - parts[0][0], y.shape[1] + 1, get_num_threads())
    starts = range(0, len(active), b)
    workers = min(get_num_threads(), len(starts))
    inner = get_num_threads() if workers == 1 else 1  # one block: the kernel splits it over the threads
    bests = {lo: KBest(active[lo : min(lo + b, len(active))], k, points) for lo in starts}

    def screen_part(p0: int, p1: int) -> None:  # each part of the points is a screen of its own
        scr = _make_screen(metric, queries, y[p0:p1], sdt)
        panels = fused.pack(scr.ys)

        def screen_block(lo: int) -> None:
            hi = min(lo + b, len(active))
            best = bests[lo]
            r, c = fused.candidates(scr.xs[lo:hi], panels, p1 - p0, scr.B[lo:hi], min(k, p1 - p0), inner)
            c = c + p0
            best.merge(r, c, *points.pair_keys(best.rows[r], c))

        _each(screen_block, starts, workers)

    for p0, p1 in parts:  # see _point_parts
        screen_part(p0, p1)

    return _finish(bests, starts, workers, dist, idx, metric, points, fmt, with_distances)


def _finish(bests, starts, workers, dist, idx, metric, points, fmt, with_distances):
    """Each block's k best into ``idx`` and, if wanted, their distances rounded into ``dist``."""

    def finish_block(lo: int) -> None:
        best = bests[lo]
        if with_distances:
            dist[best.rows] = finish.distances(metric, best.hi, best.lo, best.err, best.idx, best.rows,
                                               points, best.exact_cache, fmt)
        idx[best.rows] = best.idx

    _each(finish_block, starts, workers)
    return dist, idx


#: The metrics the core re-checks itself (refine.cpp), and their codes there.
_REFINE_METRICS = {"sqeuclidean": 0, "euclidean": 1, "dot": 2}


def _refines(metric: str, quick: bool, x: np.ndarray, y: np.ndarray, parts: list[tuple[int, int]]) -> bool:
    """Whether the core re-checks the candidates: float64 keys settle the common query when the
    inputs are float32 or narrower and the results too (``quick``: Points.quick), for one screen of
    all points (a search in parts merges them in Python) and inputs of one dtype (the core reads them)."""
    return (quick and metric in _REFINE_METRICS and len(parts) == 1
            and x.dtype == y.dtype and x.dtype in (np.float32, np.float64))


def _native_l2(metric: str, kind: str, in_range: bool, x: np.ndarray, y: np.ndarray, k: int,
               sdt: np.dtype) -> bool:
    """Whether run() takes the core's L2 search, the queries' factors made (and x's values checked)
    in the core: the refined path of an L2 metric that neither the direct screen nor a search in
    parts takes, decided before x is checked. ``in_range`` stands for Points.quick's range check
    (which would read x): with it, quick is kind != "float64" for the L2 metrics."""
    n, m = x.shape[0], y.shape[0]
    return (metric in ("sqeuclidean", "euclidean") and not direct.applies(metric, n, y, sdt)
            and _refines(metric, kind != "float64" and in_range, x, y,
                         _point_parts(n, m, y.shape[1], k, sdt.itemsize)))


#: With x unchecked, the scale is chosen for queries up to this many times the points' largest
#: element (shifted, scaled rows of norm at most 1). The float32 factors, scaled to about 2**-16
#: instead of 1, stay far above the subnormals (and the bound accounts for those anyway).
X_HEADROOM = 2.0**16
#: Larger queries are screened rightly too (the bound grows with their norm): only past this squared
#: norm, far below where a cost could overflow float32, or for a norm that is not finite, does the
#: search check x and screen again with the scale of x's own largest element.
MAX_QUERY_NORM2 = 2.0**64


def _run_refined(x: np.ndarray, y: np.ndarray, k: int, metric: str, sdt: np.dtype, points: Points, fmt,
                 check_x=None):
    """All queries screened and re-checked in one call of the core, on its threads; the queries it
    leaves (ties, near-ties, distances it cannot round: a few in a million on random data) go through
    the exact path below (kbest.py, finish.py), as every query of the general path does."""
    n, m = x.shape[0], y.shape[0]
    x, y = np.ascontiguousarray(x), np.ascontiguousarray(y)
    dist = np.empty((n, k))
    idx = np.empty((n, k), dtype=np.int64)
    code = _REFINE_METRICS[metric]
    if metric == "dot":  # x was checked (run(): _native_l2 is for the L2 metrics)
        scr = _make_screen(metric, x, y, sdt)
        r, c = fused.refined(scr.xs, fused.pack(scr.ys), m, scr.B, k, get_num_threads(), x, y, code, fmt,
                             dist, idx)
        del scr
    else:
        y_big = screen._largest_magnitude(y)  # x unchecked: a guess; else x's own largest
        guess = X_HEADROOM * y_big if check_x is not None else screen._largest_magnitude(x)
        pts = screen.l2_points(guess, y, sdt, y_big)
        r, c, norm2 = fused.refined_l2(x, pts, k, get_num_threads(), y, code, fmt, dist, idx)
        if not norm2 <= MAX_QUERY_NORM2:  # NaN: not finite
            if check_x is not None:
                check_x()  # the contract's error for a NaN or inf, naming the row
            pts = screen.l2_points(screen._largest_magnitude(x), y, sdt, y_big)
            r, c, _ = fused.refined_l2(x, pts, k, get_num_threads(), y, code, fmt, dist, idx)
    if r.size:
        rows = np.unique(r)
        best = KBest(rows, k, points)
        best.merge(np.searchsorted(rows, r), c, *points.pair_keys(r, c))
        dist[rows] = finish.distances(metric, best.hi, best.lo, best.err, best.idx, rows, points,
                                      best.exact_cache, fmt)
        idx[rows] = best.idx
    return dist, idx


def _each(fn, starts: range, workers: int) -> None:
    """fn(start) for every query block: on Python threads when there are several workers (the kernel
    and most of the re-check release the GIL)."""
    if workers == 1:
        for s in starts:
            fn(s)
    else:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(fn, starts))


#: With few queries the points' factors and the kernel's panels are built a part of the points at a
#: time, each part at most this many bytes of factors, into memory the allocator hands back at once:
#: building them for all of M at once (2.6 GB each for 10,000,000 points of d = 64) costs more in
#: first-touch page faults than the search itself. Below glibc's largest mmap threshold (32 MiB),
#: so that freed parts are reused rather than returned to the system.
PART_BYTES = 16 << 20
#: ... but only while every part's own candidates (at least k per query per part) stay few, and
#: the queries' factors, made again for every part, cost a small share of the part's.
PART_MAX_CANDIDATES = 1 << 16
PART_MAX_QUERY_SHARE = 16


def _point_parts(n: int, m: int, d: int, k: int, itemsize: int) -> list[tuple[int, int]]:
    """Ranges of points screened separately. Each part is a complete screen (its own shift, scale
    and bound), so its candidates hold its own k best; the union over the parts holds the k best
    of all, and the exact merge (kbest.py) decides: the answer does not depend on the parts."""
    rows = max(1, PART_BYTES // ((d + 1) * itemsize))
    if m <= 2 * rows or n * k > PART_MAX_CANDIDATES or n * PART_MAX_QUERY_SHARE > rows:
        return [(0, m)]
    return [(p, min(p + rows, m)) for p in range(0, m, rows)]


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
