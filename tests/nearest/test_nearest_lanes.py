"""The lane sweep (cpp/argreduce/nearest/lanes_kernel.hpp): k = 1 against few points, the queries
as the vector lanes and the points as the broadcast rows. Nothing of the answer may depend on it:
straight from the core, the lane and the row sweep settle the same queries with the same rows and
leave the same candidates, pair for pair (the same costs, the same thresholds); and nearest()
through it matches exact references on ties, duplicates, near-ties and large offsets.
tests/test_isa.py runs this file under every instruction set.
"""

from __future__ import annotations

import numpy as np
import pytest

import argreduce as ar
from argreduce import _core
from argreduce.knn import exact, fused, screen

#: The core takes the lane sweep for k = 1, at most this many points and at least this many
#: queries (spatial.hpp's worth_lanes).
MAX_POINTS, MIN_QUERIES = 2048, 1024


def data(kind: str, n: int, m: int, d: int, dtype, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    if kind == "normal":
        x, y = rng.standard_normal((n, d)), rng.standard_normal((m, d))
    elif kind == "grid":  # small integers: exact ties everywhere, duplicate points, queries on points
        x, y = rng.integers(0, 4, (n, d)), rng.integers(0, 4, (m, d))
        x[: n // 4] = y[rng.integers(0, m, n // 4)]
    elif kind == "near":  # planted near-ties: a point and a permutation of its offset from the query
        y = rng.standard_normal((m, d))
        x = rng.standard_normal((n, d))
        for q in range(0, n, 7) if m > 1 else ():
            delta = 1e-3 * rng.standard_normal(d)
            a, b = rng.choice(m, 2, replace=False)
            y[a], y[b] = x[q] + delta, x[q] + rng.permutation(delta)
    else:  # "offset": a spread of 1e-2 around 1e6, duplicates
        x = 1e6 + rng.uniform(0, 1e-2, (n, d))
        y = 1e6 + rng.uniform(0, 1e-2, (m, d))
        y[m // 2 :] = y[: m - m // 2]
    return x.astype(dtype), y.astype(dtype)


def run_core(x, y, sweep, threads=2):
    """refined_l2 at k = 1 as search.py calls it: (dist, idx, sorted candidate pairs, tiles)."""
    fmt = exact.float_format(x.dtype.name)
    pts = screen.l2_points(screen._largest_magnitude(x), y, np.dtype(x.dtype))
    dist, idx = np.full((len(x), 1), np.nan), np.full((len(x), 1), -1, dtype=np.int64)
    tiles = np.zeros(1, dtype=np.int64)
    r, c, norm2 = fused.refined_l2(x, pts, 1, threads, y, 0, fmt, dist, idx, sweep=sweep, tiles=tiles)
    assert np.isfinite(norm2)
    return dist, idx, sorted(zip(r.tolist(), c.tolist(), strict=True)), int(tiles[0])


def lane_tiles(n: int, m: int, dtype) -> int:
    """Tiles of the lane sweep: lane panels of queries times micro-panels of points."""
    mr, width = _core.nearest_geometry(np.dtype(dtype) == np.float64)
    return -(-n // width) * -(-m // mr)


def assert_same(a, b):
    np.testing.assert_array_equal(a[0], b[0])  # NaN where the query was left to Python: equal too
    np.testing.assert_array_equal(a[1], b[1])
    assert a[2] == b[2]


# Point counts around the micro-panel and the kept chunk (32 micro-panels), query counts around the
# lane panel and the block, d around the vector widths and the unrolled kernels.
SHAPES = [(1, 1, 1), (33, 5, 2), (100, 13, 3), (257, 12, 4), (511, 383, 7), (1000, 385, 16),
          (777, 1000, 17), (2049, 256, 32), (300, 4096, 65)]


#: Large offsets only in float64: in float32 a spread of 1e-2 around 1e6 is a few values (the grid
#: covers ties).
KINDS = [(kind, dtype) for kind in ("normal", "grid", "near", "offset") for dtype in (np.float32, np.float64)
         if (kind, dtype) != ("offset", np.float32)]


@pytest.mark.parametrize("kind,dtype", KINDS)
@pytest.mark.parametrize("n,m,d", SHAPES)
def test_the_lane_sweep_equals_the_row_sweep(n, m, d, kind, dtype):
    x, y = data(kind, n, m, d, dtype, seed=n + m + d)
    lanes, rows = run_core(x, y, "lanes"), run_core(x, y, "rows")
    assert_same(lanes, rows)
    assert lanes[3] == lane_tiles(n, m, dtype)  # the lane sweep ran


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_the_lane_sweep_does_not_depend_on_threads(threads):
    x, y = data("near", 3000, 300, 24, np.float32, seed=3)
    assert_same(run_core(x, y, "lanes", threads), run_core(x, y, "rows", 1))


def test_the_lane_sweep_is_picked_by_size():
    """k = 1, few points, queries enough: the lane sweep; more points than MAX_POINTS: the rows."""
    x, y = data("normal", MIN_QUERIES, 300, 8, np.float32, seed=4)
    assert run_core(x, y, "auto")[3] == lane_tiles(MIN_QUERIES, 300, np.float32)
    x, y = data("normal", MIN_QUERIES, MAX_POINTS + 1, 8, np.float32, seed=5)
    assert run_core(x, y, "auto")[3] != lane_tiles(MIN_QUERIES, MAX_POINTS + 1, np.float32)


def test_the_lane_sweep_takes_k_1_only():
    """Asked for at k > 1 the core takes the row sweep; the candidates are the same either way."""
    x, y = data("normal", 200, 50, 5, np.float32, seed=6)
    fmt = exact.float_format("float32")
    pts = screen.l2_points(screen._largest_magnitude(x), y, np.dtype(np.float32))
    out = []
    for sweep in ("lanes", "rows"):
        dist, idx = np.full((200, 3), np.nan), np.full((200, 3), -1, dtype=np.int64)
        fused.refined_l2(x, pts, 3, 2, y, 0, fmt, dist, idx, sweep=sweep)
        out.append((dist, idx))
    np.testing.assert_array_equal(out[0][1], out[1][1])


def test_nearest_through_the_lane_sweep_breaks_ties_by_index():
    """Integer grids: exact distances, ties everywhere; the smaller index first."""
    x, y = data("grid", 3000, 500, 6, np.float32, seed=8)
    dist, idx = ar.nearest(x, y)
    xi, yi = x.astype(np.int64), y.astype(np.int64)
    sq = (xi * xi).sum(1)[:, None] + (yi * yi).sum(1)[None, :] - 2 * (xi @ yi.T)
    want = np.argmin(sq, axis=1)  # the first of equal minima
    np.testing.assert_array_equal(idx[:, 0], want)
    np.testing.assert_array_equal(dist[:, 0], sq[np.arange(len(x)), want].astype(np.float32))


def test_nearest_through_the_lane_sweep_on_large_offsets():
    """A spread of 1e-2 around 1e6 in float64: the differences are exact (Sterbenz), so a float64
    brute force ranked with the index is the reference."""
    x, y = data("offset", 2000, 300, 5, np.float64, seed=9)
    dist, idx = ar.nearest(x, y)
    diff = x[:, None, :] - y[None, :, :]
    sq = np.einsum("ijk,ijk->ij", diff, diff)
    want = np.argmin(sq, axis=1)
    np.testing.assert_array_equal(idx[:, 0], want)
    np.testing.assert_allclose(dist[:, 0], sq[np.arange(len(x)), want], rtol=1e-14)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_a_non_finite_query_in_the_lane_sweep_gets_the_contracts_error(bad):
    x, y = data("normal", 2000, 300, 8, np.float32, seed=10)
    x[1234, 1] = bad
    with pytest.raises(ValueError, match="x has a NaN or inf in row 1234"):
        ar.nearest(x, y)
