"""The screen's factors and bounds: every (query, point) cost as a dot product, with a rigorous bound.

The factors ``xs`` (N, d') and ``ys`` (M, d') give a cost ``G = xs_i . ys_j`` per pair such that
``|G + K_i - S_i * key| <= B_i`` (the key of metrics.py; ``K_i`` and ``S_i`` a per-query offset and
scale; ``B_i`` the bound), whatever the order of the sum and whether its multiply-adds are fused.
A point can only belong to the k best of query ``i`` if ``G`` is within twice the bound of the k-th
smallest cost: k points have costs at most that k-th, so their keys lie below it plus the bound,
and a point whose cost exceeds the k-th by more than twice the bound has a larger key than all k of
them. The fused kernel (fused.py) applies that rule while it computes the costs, so only those few
candidates are stored and re-checked exactly. Memory: the inputs, the packed points, the k best:
never N x M.

Before the product the data are moved to a common point (the points' mean: squared distances do
not change, but large common offsets stop costing precision) and scaled by a power of two (exact)
so that nothing overflows.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from .. import _core
from ..threads import get_num_threads

#: Rows prepared by the core (their factors, the points' panels) a part per thread once there are
#: this many values: below it a thread's start costs more than it saves.
PARALLEL_VALUES = 1 << 20


def row_parts(n: int, values_per_row: int, multiple: int = 1) -> list[tuple[int, int]]:
    """[start, stop) row ranges, one per thread, each start a multiple of ``multiple``; one range
    for few values or one thread."""
    threads = get_num_threads()
    if threads < 2 or n * values_per_row < PARALLEL_VALUES:
        return [(0, n)]
    per_thread = -(-n // threads)
    step = -(-per_thread // multiple) * multiple
    return [(a, min(n, a + step)) for a in range(0, n, step)]


def on_threads(fn, parts: list[tuple[int, int]]) -> None:
    """fn(start, stop) for every part, on threads when there are several (the core releases the GIL)."""
    if len(parts) == 1:
        fn(*parts[0])
        return
    with ThreadPoolExecutor(len(parts)) as pool:
        for f in [pool.submit(fn, *p) for p in parts]:
            f.result()


def _gamma(n: int, u: float) -> float:
    return n * u / (1 - n * u)


@dataclass
class Screen:
    """Query factors ``xs`` (N, d'), point factors ``ys`` (M, d'): cost = xs @ ys.T."""

    xs: np.ndarray
    ys: np.ndarray
    K: np.ndarray  # per-query offset
    S: np.ndarray  # per-query scale from keys to costs
    B: np.ndarray  # per-query bound


def _pow2_scale(norm_max: float) -> float:
    """A power of two that brings norm_max to about 1 (1 for a zero input)."""
    if not norm_max > 0:
        return 1.0
    return math.ldexp(1.0, -math.frexp(norm_max)[1])


def _unit(dtype: np.dtype) -> tuple[float, float]:
    """Unit roundoff and the smallest subnormal of the screening dtype."""
    fi = np.finfo(dtype)
    return float(fi.eps) / 2, float(fi.smallest_subnormal)


def l2_screen(x: np.ndarray, y: np.ndarray, dtype: np.dtype) -> Screen:
    """Cost ``|y_j|^2 - 2 x_i.y_j`` on shifted, scaled data; key = squared distance.

    The factors are built in row chunks (one pass over each input, cache-sized float64 scratch):
    each row is scaled first and shifted second, ``a*s - c*s``, so nothing overflows even for
    values near the float64 limit.
    """
    d = x.shape[1]
    pts = l2_points(_largest_magnitude(x), y, dtype)
    xa, nx = _shifted_rows(x, pts.s, pts.cs, dtype, -2.0)  # times -2: exact
    xa[:, d] = 1
    p0, p1, p2 = pts.bound
    A = np.sqrt(nx) * (1 + 1e-10)
    return Screen(xa, pts.ys, nx, np.full(x.shape[0], pts.s * pts.s), p0 + A * (p1 + A * p2))


@dataclass
class L2Points:
    """The point side of the L2 screen, and what the queries' side needs (the core makes it per
    block of queries: cpp/argreduce/nearest/screen.hpp, QueryFactors)."""

    ys: np.ndarray  # (M, d + 1): fl(y*s - cs) and the squared norms
    s: float  # the scale (a power of two)
    cs: np.ndarray  # the common point, scaled
    bound: tuple[float, float, float]  # a query's bound is p0 + A (p1 + A p2), A = its norm (1 + 1e-10)


def l2_points(x_big: float, y: np.ndarray, dtype: np.dtype, y_big: float | None = None) -> L2Points:
    """The points' factors and the scale, shift and bound polynomial of the queries, whose largest
    |element| is at most ``x_big`` (``y_big``: the points', when known)."""
    d = y.shape[1]
    y_big = _largest_magnitude(y) if y_big is None else y_big
    c = _mean_rows(y, y_big)
    s = _shift_scale(d, max(x_big, y_big), c)
    cs = c * s  # the common point, scaled: the same for queries and points
    ya, ny = _shifted_rows(y, s, cs, dtype, 1.0)
    ya[:, d] = ny.astype(dtype)
    Bm = math.sqrt(float(ny.max())) * (1 + 1e-10) if ny.size else 0.0
    return L2Points(ya, s, cs, _l2_bound(d, dtype, Bm))


def _l2_bound(d: int, dtype: np.dtype, Bm: float) -> tuple[float, float, float]:
    """The bound of a query as a polynomial p0 + p1 A + p2 A^2 of its shifted norm A (Bm: the
    points' largest), every coefficient >= 0, times 1 + 1e-6 (which covers the rounding of the
    coefficients and of the polynomial's evaluation, each a few units in 2**-53):

    gamma(d+1, u) (2 A Bm + Bm^2)       the product's rounding, any summation order
    + (u + gamma(d, U)) Bm^2            |y|^2 computed in float64, then rounded
    + gamma(d, U) A^2                   |x|^2 in float64
    + eta (2R + eta)                    the factors' rounding (below)
    + 4 (d + 2) tiny                    underflow in the product

    Scaling, shifting in float64 and rounding to the screening dtype perturbs each element by v
    relatively (plus half a subnormal): the perturbed distance differs by at most eta (2R + eta),
    with R = (A + Bm) / (1 - v) + sub and eta = v R + sub, both linear in A.
    """
    u, tiny = _unit(dtype)
    U = 2.0**-53
    v = u + 2 * U + 2 * u * U
    sub = 2 * math.sqrt(d) * tiny
    g1, g2 = _gamma(d + 1, u), _gamma(d, U)
    r1, r0 = 1 / (1 - v), Bm / (1 - v) + sub  # R = r1 A + r0
    e1, e0 = v * r1, v * r0 + sub  # eta = e1 A + e0
    f1, f0 = 2 * r1 + e1, 2 * r0 + e0  # 2R + eta = f1 A + f0
    p0 = g1 * Bm * Bm + (u + g2) * Bm * Bm + e0 * f0 + 4 * (d + 2) * tiny
    p1 = 2 * g1 * Bm + e1 * f0 + e0 * f1
    p2 = g2 + e1 * f1
    grow = 1 + 1e-6
    return p0 * grow, p1 * grow, p2 * grow


_ROWS_CHUNK_ELEMENTS = 1 << 16
#: The shift is the mean of at most this many rows spread over the points: any common point near
#: the data serves (the bound is computed from the shifted norms themselves), and a sample keeps
#: the shift from costing a pass over millions of points.
_MEAN_SAMPLE_ROWS = 1 << 14


def _largest_magnitude(a: np.ndarray) -> float:
    return float(max(abs(float(a.max())), abs(float(a.min())))) if a.size else 0.0


def _mean_rows(y: np.ndarray, big: float) -> np.ndarray:
    """A common point near the data: the mean of a sample of rows (``big``: the largest |element|,
    by which the rows are scaled first so that the sum cannot overflow)."""
    if not big > 0:
        return np.zeros(y.shape[1])
    y = y[:: max(1, y.shape[0] // _MEAN_SAMPLE_ROWS)]
    f = math.ldexp(1.0, -math.frexp(big)[1])
    total = np.zeros(y.shape[1])
    step = max(1, _ROWS_CHUNK_ELEMENTS // max(1, y.shape[1]))
    for r in range(0, y.shape[0], step):
        total += (y[r : r + step] * f).sum(axis=0)
    return total / y.shape[0] / f


def _shift_scale(d: int, big: float, c: np.ndarray) -> float:
    """A power of two that brings every |row - c| to at most about 1 (``big``: the largest |element|
    of the queries and points)."""
    big = max(big, float(np.abs(c).max()) if c.size else 0.0)
    if not big > 0:
        return 1.0
    e = math.frexp(big)[1] + 1 + math.ceil(math.log2(math.sqrt(d)))  # |row - c| <= 2 big sqrt(d)
    return math.ldexp(1.0, -e)


def _shifted_rows(a: np.ndarray, s: float, cs: np.ndarray, dtype,
                  factor: float) -> tuple[np.ndarray, np.ndarray]:
    """(rows, d + 1) factors holding fl(a*s - cs) * factor in the first d columns, and the squared
    norms of the rows fl(a*s - cs). One native pass for contiguous float rows, else NumPy chunks."""
    n, d = a.shape
    out = np.empty((n, d + 1), dtype=dtype)
    n2 = np.empty(n)
    if a.dtype in (np.float32, np.float64) and a.flags.c_contiguous:
        cs64 = np.ascontiguousarray(cs, dtype=np.float64)

        def part(r0: int, r1: int) -> None:
            _core.nearest_shift_rows(a[r0:r1], float(s), cs64, factor, out[r0:r1], n2[r0:r1])

        on_threads(part, row_parts(n, d + 1))
        return out, n2
    step = max(1, _ROWS_CHUNK_ELEMENTS // max(1, d))
    for r in range(0, n, step):
        t = np.multiply(a[r : r + step], s, dtype=np.float64)
        t -= cs
        out[r : r + step, :d] = t
        rr = out[r : r + step, :d].astype(np.float64)
        n2[r : r + step] = np.einsum("ij,ij->i", rr, rr)
        out[r : r + step, :d] *= factor
    return out, n2


def dot_screen(x: np.ndarray, y: np.ndarray, dtype: np.dtype) -> Screen:
    """Cost ``-x_i.y_j`` on scaled data; key = minus the inner product."""
    d = x.shape[1]
    u, tiny = _unit(dtype)
    sx, sy = _pow2_scale(_max_norm(x)), _pow2_scale(_max_norm(y))
    xs, ys = (x * -sx).astype(dtype), (y * sy).astype(dtype)
    A = np.sqrt(_norm2(xs)) * (1 + 1e-10)
    Bm = _max_norm(ys) * (1 + 1e-10)
    v = u
    rel = (2 * v + v * v) / (1 - v) ** 2
    sub = 2 * math.sqrt(d) * tiny
    bound = (
        _gamma(d, u) * A * Bm + rel * A * Bm + sub * (A + Bm + sub) * 2 + 4 * (d + 2) * tiny
    ) * (1 + 1e-6)
    n = x.shape[0]
    return Screen(xs, ys, np.zeros(n), np.full(n, sx * sy), bound)


def cosine_screen(x: np.ndarray, y: np.ndarray, dtype: np.dtype) -> Screen:
    """Cost ``-cos(x_i, y_j)``; key = -x.y / |y|, so S_i = 1 / |x_i|. Zero queries are the caller's."""
    d = x.shape[1]
    u, tiny = _unit(dtype)
    U = 2.0**-53
    nx, ny = _row_norms(x), _row_norms(y)
    xs = (x / np.where(nx > 0, nx, 1.0)[:, None] * -1).astype(dtype)
    ys = (y / np.where(ny > 0, ny, 1.0)[:, None]).astype(dtype)
    e = _gamma(d + 8, U) + u + 1e-12  # relative error of each normalised vector
    bound = (_gamma(d, u) * (1 + e) ** 2 + 2 * e + e * e + 4 * (d + 2) * tiny) * (1 + 1e-6)
    n = x.shape[0]
    return Screen(xs, ys, np.zeros(n), np.ones(n), np.full(n, bound))  # K and S: unused by the search


def _row_norms(a: np.ndarray) -> np.ndarray:
    """|row| for each row, without overflow or underflow: each row scaled by a power of two first."""
    m = np.abs(a).max(axis=1).astype(np.float64) if a.size else np.zeros(a.shape[0])
    e = np.frexp(np.where(m > 0, m, 1.0))[1]
    scaled = np.ldexp(a.astype(np.float64), -e[:, None])  # exact, up to far smaller elements' underflow
    return np.ldexp(np.sqrt(np.einsum("ij,ij->i", scaled, scaled)), e) * (m > 0)


def _norm2(a: np.ndarray) -> np.ndarray:
    a64 = a.astype(np.float64, copy=False)
    return np.einsum("ij,ij->i", a64, a64)


def _max_norm(a: np.ndarray) -> float:
    if a.size == 0:
        return 0.0
    with np.errstate(over="ignore", under="ignore"):
        n2 = float(_norm2(a).max())
    if np.isfinite(n2) and n2 > 2.0**-900:  # no overflow nor underflow: the plain norm will do
        return math.sqrt(n2)
    m = float(np.abs(a).max())
    if m == 0:
        return 0.0
    return math.sqrt(float(_norm2(a / m).max())) * m  # scaled first: no overflow
