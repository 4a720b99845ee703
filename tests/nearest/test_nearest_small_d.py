"""The fused screen at small d (1 to 8: the kernels whose factor loop is unrolled, kernel.hpp) and
its in-register threshold test: straight from the core, the candidates of every query hold its
exact k best (every point at most as far as the k-th), checked with exact integer arithmetic; and
nearest() through it equals the Fraction reference. tests/test_isa.py runs this file under every
instruction set.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from nearest_reference import reference

import argreduce as ar
from argreduce import threads
from argreduce.knn import direct, fused, screen

DTYPES = [np.float32, np.float64]


@pytest.fixture(autouse=True)
def fused_only(monkeypatch):
    """Few queries go to the direct screen (test_nearest_direct.py): here every search is fused."""
    monkeypatch.setattr(direct, "MAX_QUERIES", 0)


def exact_squared_distances(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """(N, M) squared distances as Python ints, all scaled by the same power of four: exact."""
    vals = np.concatenate([x.ravel(), y.ravel()]).astype(np.float64).tolist()
    e = max((v.as_integer_ratio()[1].bit_length() - 1 for v in vals), default=0)

    def ints(a):
        return np.array([[int(v * 2.0**e) for v in row] for row in a.astype(np.float64).tolist()],
                        dtype=object).reshape(a.shape)

    xi, yi = ints(x), ints(y)
    return ((xi[:, None, :] - yi[None, :, :]) ** 2).sum(axis=2)


def candidate_pairs(x, y, k, n_threads=1, blocks=1):
    """The core's candidates for the L2 screen of x against y: query blocks on Python threads, each
    screened by the core with n_threads (which splits one block over points when queries are few)."""
    scr = screen.l2_screen(x, y, np.dtype(x.dtype))
    panels = fused.pack(scr.ys)
    cuts = np.linspace(0, len(x), blocks + 1).astype(int)

    def one(i):
        lo, hi = cuts[i], cuts[i + 1]
        r, c = fused.candidates(scr.xs[lo:hi], panels, len(y), scr.B[lo:hi], k, n_threads)
        return set(zip((r + lo).tolist(), c.tolist(), strict=True))

    with ThreadPoolExecutor(blocks) as pool:
        return set().union(*pool.map(one, range(blocks)))


def assert_holds_the_k_best(x, y, k, got):
    d2 = exact_squared_distances(x, y)
    for q in range(len(x)):
        kth = sorted(d2[q])[k - 1]
        want = {(q, j) for j in range(len(y)) if d2[q, j] <= kth}
        assert want <= got, f"query {q}: {sorted(want - got)[:5]} missing"


def planted(rng, n, m, d, dtype, kind):
    """Queries and points with the hard cases of each kind planted in them."""
    if kind == "ties":  # small integers: exact ties and duplicates everywhere
        x = rng.integers(-2, 3, size=(n, d)).astype(dtype)
        y = rng.integers(-2, 3, size=(m, d)).astype(dtype)
    elif kind == "offset":  # 1e6 common offset, 1e-2 spread
        x = (1e6 + 1e-2 * rng.standard_normal((n, d))).astype(dtype)
        y = (1e6 + 1e-2 * rng.standard_normal((m, d))).astype(dtype)
    else:  # normal data with duplicates and points one ulp off a query
        x = rng.standard_normal((n, d)).astype(dtype)
        y = rng.standard_normal((m, d)).astype(dtype)
        if m > 2:
            y[m // 2] = y[1]
        for q in range(min(n, m // 4)):
            y[4 * q] = x[q]
            y[4 * q + 3] = x[q]
            y[4 * q + 3, q % d] = np.nextafter(x[q, q % d], dtype(np.inf))
            y[4 * q + 2] = 2 * x[q] - y[4 * q + 3]  # the mirror image: a near-tie at the last bit
    return x, y


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("d", range(1, 9))
@pytest.mark.parametrize("kind", ["ties", "offset", "normal"])
def test_candidates_hold_the_k_best_at_small_d(dtype, d, kind):
    """M spans several panels and a ragged last one; N several micro-panels and a ragged last."""
    rng = np.random.default_rng(100 * d + len(kind))
    x, y = planted(rng, 29, 203, d, dtype, kind)
    for k in (1, 2, 10, 12):
        got = candidate_pairs(x, y, k)
        assert_holds_the_k_best(x, y, k, got)
        if kind == "normal":  # and it screens: far from every pair
            assert len(got) < len(x) * len(y) // 4


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("d", [1, 3, 4, 8])
def test_candidates_do_not_depend_on_threads_or_blocks(dtype, d):
    """The final candidate set is a function of each query's costs alone: the same pairs for one
    thread, two threads splitting the points (few queries), and query blocks on two threads."""
    rng = np.random.default_rng(d)
    x, y = planted(rng, 40, 600, d, dtype, "normal")
    for k in (1, 10):
        one = candidate_pairs(x, y, k)
        assert candidate_pairs(x, y, k, n_threads=2) == one
        assert candidate_pairs(x, y, k, blocks=2) == one
        assert candidate_pairs(x[:3], y, k, n_threads=2) == {p for p in one if p[0] < 3}
        assert_holds_the_k_best(x, y, k, one)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("d", [1, 2, 5, 8])
def test_one_query_one_point_and_k_equal_to_m(dtype, d):
    rng = np.random.default_rng(d)
    x, y = planted(rng, 1, 1, d, dtype, "normal")
    assert candidate_pairs(x, y, 1) == {(0, 0)}
    x, y = planted(rng, 7, 11, d, dtype, "ties")
    assert candidate_pairs(x, y, 11, n_threads=2) == {(q, j) for q in range(7) for j in range(11)}
    x, y = planted(rng, 1, 300, d, dtype, "normal")
    for k in (1, 12, 32, 33, 300):  # 32: the last sorted k best (kernel.hpp), 33 the first heap
        assert_holds_the_k_best(x, y, k, candidate_pairs(x, y, k, n_threads=2))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("d", [1, 3, 6, 8])
@pytest.mark.parametrize("kind", ["ties", "offset", "normal"])
@pytest.mark.parametrize("n_threads", [1, 2])
def test_nearest_equals_the_reference_at_small_d(dtype, d, kind, n_threads, monkeypatch):
    rng = np.random.default_rng(7 * d + n_threads)
    x, y = planted(rng, 6, 70, d, dtype, kind)
    monkeypatch.setattr(threads, "_override", n_threads)
    for k in (1, 3, 12):
        got = ar.nearest(x, y, k)
        assert got.indices.tolist() == reference(x, y, k, "sqeuclidean")[0]


@pytest.mark.parametrize("dtype", DTYPES)
def test_core_with_no_factors(dtype):
    """The core called directly with d' = 0 (nearest() rejects d = 0 before): every cost is 0, so
    every pair is within the bound of the k-th; nothing is read past the empty panels."""
    ys = np.zeros((37, 0), dtype=dtype)
    rows, cols = fused.candidates(np.zeros((5, 0), dtype=dtype), fused.pack(ys), 37, np.zeros(5), 3, 2)
    got = sorted(zip(rows.tolist(), cols.tolist(), strict=True))
    assert got == [(q, j) for q in range(5) for j in range(37)]
