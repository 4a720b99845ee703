"""The pruned screen for few dimensions (cpp/argreduce/nearest/spatial.hpp, pruned_kernel.hpp): the
points in Z order, the queries in k-d order, tiles too far away never computed. Nothing of the
answer may depend on it: straight from the core, the pruned and the full screen settle the same
queries with the same rows and leave the same candidates, while the pruned one computes a small
share of the tiles; and nearest() through it matches exact references on ties, duplicates, large
offsets and clusters. tests/test_isa.py runs this file under every instruction set.
"""

from __future__ import annotations

import numpy as np
import pytest

import argreduce as ar
from argreduce.knn import exact, fused, screen

#: The core prunes from this many points, d <= 4 and n (d + 1) >= 8192 query factors (spatial.hpp).
M = 16384 + 100


def queries_pruned(d: int) -> int:
    return -(-8192 // (d + 1))
DTYPES = [np.float32, np.float64]


def data(kind: str, n: int, d: int, dtype, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    if kind == "normal":
        x, y = rng.standard_normal((n, d)), rng.standard_normal((M, d))
    elif kind == "clusters":  # a few tight blobs far apart: most boxes far from most queries
        centres = rng.uniform(-100, 100, (6, d))
        x = centres[rng.integers(0, 6, n)] + rng.standard_normal((n, d)) * 0.5
        y = centres[rng.integers(0, 6, M)] + rng.standard_normal((M, d)) * 0.5
    elif kind == "grid":  # small integers: exact ties everywhere, duplicate points, queries on points
        x, y = rng.integers(0, 12, (n, d)), rng.integers(0, 12, (M, d))
        x[: n // 4] = y[rng.integers(0, M, n // 4)]
    elif kind == "far":  # every query far from every point: no box is far enough to skip
        x = rng.standard_normal((n, d)) + 50
        y = rng.standard_normal((M, d))
    else:  # "offset": GPS-like, a spread of 1e-2 around 1e6
        x = 1e6 + rng.uniform(0, 1e-2, (n, d))
        y = 1e6 + rng.uniform(0, 1e-2, (M, d))
        y[100:200] = y[:100]  # duplicates
    return x.astype(dtype), y.astype(dtype)


def run_core(x, y, k, sweep, threads=2):
    """refined_l2 as search.py calls it: (dist, idx, sorted candidate pairs, tiles computed)."""
    fmt = exact.float_format(x.dtype.name)
    pts = screen.l2_points(screen._largest_magnitude(x), y, np.dtype(x.dtype))
    dist, idx = np.full((len(x), k), np.nan), np.full((len(x), k), -1, dtype=np.int64)
    tiles = np.zeros(1, dtype=np.int64)
    r, c, norm2 = fused.refined_l2(x, pts, k, threads, y, 0, fmt, dist, idx, sweep=sweep, tiles=tiles)
    assert np.isfinite(norm2)
    pairs = sorted(zip(r.tolist(), c.tolist(), strict=True))
    return dist, idx, pairs, int(tiles[0])


#: Large offsets only in float64: in float32 a spread of 1e-2 around 1e6 is a few values (ulp 1/16).
KINDS = [(kind, dtype) for kind in ("normal", "clusters", "grid", "offset") for dtype in DTYPES
         if (kind, dtype) != ("offset", np.float32)]


@pytest.mark.parametrize(("kind", "dtype"), KINDS)
@pytest.mark.parametrize(("d", "k"), [(1, 1), (2, 5), (3, 10), (4, 3)])
def test_pruned_screen_equals_the_full_screen(kind, dtype, d, k):
    n = queries_pruned(d)
    x, y = data(kind, n, d, dtype, seed=d * 10 + k)
    dist, idx, pairs, tiles = run_core(x, y, k, sweep="pruned")
    full_dist, full_idx, full_pairs, full_tiles = run_core(x, y, k, sweep="rows")
    np.testing.assert_array_equal(idx, full_idx)
    np.testing.assert_array_equal(dist, full_dist)
    assert pairs == full_pairs
    assert tiles <= full_tiles
    if kind in ("clusters", "normal") and d <= 3:  # the boxes separate: most tiles never computed
        assert tiles < full_tiles / 3, (tiles, full_tiles)


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_the_pruned_screen_does_not_depend_on_threads(threads):
    x, y = data("clusters", queries_pruned(3), 3, np.float32, seed=3)
    want = run_core(x, y, 4, sweep="rows", threads=1)[:3]
    got = run_core(x, y, 4, sweep="pruned", threads=threads)[:3]
    np.testing.assert_array_equal(got[1], want[1])
    np.testing.assert_array_equal(got[0], want[0])
    assert got[2] == want[2]


@pytest.mark.parametrize("k", [1, 4, 40])
def test_boxes_that_do_not_separate_go_back_to_the_full_sweep(k):
    """Queries far from every point: no box is far enough to skip, and after a few micro-panels each
    task sweeps the rest in full, from the thresholds of each micro-panel's seeds (k <= 32)."""
    x, y = data("far", queries_pruned(4), 4, np.float32, seed=8)
    dist, idx, pairs, tiles = run_core(x, y, k, sweep="pruned")
    full = run_core(x, y, k, sweep="rows")
    np.testing.assert_array_equal(idx, full[1])
    np.testing.assert_array_equal(dist, full[0])
    assert pairs == full[2]
    assert full[3] * 0.9 < tiles <= full[3] * 1.1  # every tile, and the seeds


def squared_distances(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """|x - y|^2 of integer-valued inputs in int64: exact."""
    xi, yi = x.astype(np.int64), y.astype(np.int64)
    return (xi * xi).sum(1)[:, None] + (yi * yi).sum(1)[None, :] - 2 * (xi @ yi.T)


def direct_squared_distances(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Summed differences in float64, a few rows at a time (no (N, M, d) array)."""
    out = np.empty((len(x), len(y)))
    for r in range(0, len(x), 64):
        diff = x[r : r + 64, None, :] - y[None, :, :]
        out[r : r + 64] = np.einsum("ijk,ijk->ij", diff, diff)
    return out


@pytest.mark.parametrize("d", [2, 3])
@pytest.mark.parametrize("k", [1, 6])
def test_nearest_through_the_pruned_screen_breaks_ties_by_index(d, k):
    """Integer grids: exact float64 distances, ties everywhere; the smaller index first."""
    x, y = data("grid", queries_pruned(d), d, np.float32, seed=20 + d)
    dist, idx = ar.nearest(x, y, k=k)
    sq = squared_distances(x, y)
    want = np.argsort(sq, axis=1, kind="stable")[:, :k]
    np.testing.assert_array_equal(idx, want)
    np.testing.assert_array_equal(dist, np.take_along_axis(sq, want, axis=1).astype(np.float32))


def test_nearest_through_the_pruned_screen_on_large_offsets():
    """A spread of 1e-2 around 1e6 in float64: the float64 differences from the inputs are exact
    (Sterbenz), so a float64 brute force ranked with the index is the reference."""
    x, y = data("offset", queries_pruned(3), 3, np.float64, seed=7)
    dist, idx = ar.nearest(x, y, k=3)
    sq = direct_squared_distances(x, y)
    want = np.argsort(sq, axis=1, kind="stable")[:, :3]
    np.testing.assert_array_equal(idx, want)
    np.testing.assert_allclose(dist, np.take_along_axis(sq, want, axis=1), rtol=1e-14)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_a_non_finite_query_under_pruning_gets_the_contracts_error(bad):
    x, y = data("normal", queries_pruned(3), 3, np.float32, seed=9)
    x[1234, 1] = bad
    with pytest.raises(ValueError, match="x has a NaN or inf in row 1234"):
        ar.nearest(x, y)
