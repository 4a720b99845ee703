"""The fused screen of the native core (cpp/argreduce/nearest/): the costs ``xs @ ys.T`` computed in
registers a few queries by a few points at a time and compared at once with each query's running
threshold, so that only the candidates (screen.py's rule: within twice the bound of the k-th best
cost) ever reach memory. The points are packed into the kernel's panels once per search.
"""

from __future__ import annotations

import numpy as np

from .. import _core
from .screen import on_threads, row_parts


def pack(ys: np.ndarray) -> np.ndarray:
    """The point factors (M, d') in the panels of the kernel in use (a flat array, zero-padded),
    a part of the panels per thread."""
    _, width = _core.nearest_geometry(ys.dtype == np.float64)
    m, dp = ys.shape
    out = np.empty(-(-m // width) * width * dp, dtype=ys.dtype)
    ys = np.ascontiguousarray(ys)

    def part(r0: int, r1: int) -> None:  # r0 a multiple of the width: whole panels
        _core.nearest_pack(ys[r0:r1], out[r0 * dp : -(-r1 // width) * width * dp])

    on_threads(part, row_parts(m, dp, width))
    return out


def candidates(xs: np.ndarray, panels: np.ndarray, m: int, B: np.ndarray, k: int,
               threads: int) -> tuple[np.ndarray, np.ndarray]:
    """(row, point) of every pair whose cost is within ``2 B[row]`` of the row's k-th smallest cost."""
    B = np.ascontiguousarray(B, dtype=np.float64)
    return _core.nearest_screen(np.ascontiguousarray(xs), panels, m, B, k, threads)


def refined(xs: np.ndarray, panels: np.ndarray, m: int, B: np.ndarray, k: int, threads: int, x: np.ndarray,
            y: np.ndarray, metric: int, fmt, dist: np.ndarray,
            idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The screen, then every query's candidates re-checked in float64 in the core (refine.cpp).

    ``x`` and ``y`` are the inputs (one dtype, C order), ``metric`` 0 (sqeuclidean), 1 (euclidean)
    or 2 (dot), ``fmt`` the result's exact.FloatFormat. The rows of ``dist`` and ``idx`` of the
    queries whose order and rounding the float64 bounds settle are written; the candidates
    (row, point) of the others are returned, for the exact path.
    """
    B = np.ascontiguousarray(B, dtype=np.float64)
    return _core.nearest_screen_refine(np.ascontiguousarray(xs), panels, m, B, k, threads, x, y, metric,
                                       fmt.bits, fmt.emin, fmt.emax, dist, idx)


#: The core's sweeps (spatial.hpp's SweepKind).
SWEEPS = {"auto": 0, "rows": 1, "lanes": 2, "pruned": 3}


def refined_l2(x: np.ndarray, pts, k: int, threads: int, y: np.ndarray, metric: int, fmt,
               dist: np.ndarray, idx: np.ndarray, sweep: str = "auto",
               tiles: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, float]:
    """:func:`refined` for the L2 metrics (0, 1), the queries' factors and bounds made in the core
    from the raw queries ``x`` a block at a time (``pts``: screen.L2Points), and the largest squared
    norm of the shifted, scaled queries (NaN if one is not finite, from a NaN or inf in ``x`` or a
    scale too small for it: then nothing else means anything). The core packs the points itself
    for its ``sweep``: "auto" picks by size; "rows", "lanes" (k = 1) or "pruned" (d <= 4: Z order,
    tiles too far away skipped) ask for one (cpp/argreduce/nearest/spatial.hpp's SweepKind); the
    candidates are the same whichever runs. ``tiles`` (one int64), if given, receives the number
    of tiles of costs the kernel computed."""
    p0, p1, p2 = pts.bound
    cs = np.ascontiguousarray(pts.cs, dtype=np.float64)
    largest = np.zeros(1)
    ys = np.ascontiguousarray(pts.ys)
    r, c = _core.nearest_l2_refine(x, ys, SWEEPS[sweep], k, threads, y, metric, fmt.bits, fmt.emin, fmt.emax,
                                   float(pts.s), cs, p0, p1, p2, dist, idx, largest, tiles)
    return r, c, float(largest[0])
