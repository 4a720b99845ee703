"""The direct screen for few queries (cpp/argreduce/nearest/direct_kernel.hpp, knn/direct.py): it is
the path taken when it should be, its candidates always hold the exact k best, nearest() through
it equals the Fraction reference on the hard cases for any thread count, and a non-finite or
overflowing input still gets the contract's error or answer. tests/test_isa.py runs this file
under every instruction set.
"""

from __future__ import annotations

import numpy as np
import pytest
from nearest_reference import check_indices as check

import argreduce as ar
from argreduce import _core, threads
from argreduce.knn import direct


def min_d(dtype) -> int:
    return _core.nearest_direct_min_d(np.dtype(dtype) == np.float64)


@pytest.fixture
def direct_calls(monkeypatch):
    """Every call of the direct screen: (queries, k)."""
    calls = []
    real = direct.candidates

    def spy(x, y, k, sdt, n_threads):
        calls.append((x.shape[0], k))
        return real(x, y, k, sdt, n_threads)

    monkeypatch.setattr(direct, "candidates", spy)
    return calls


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_direct_screen_is_the_path_taken(direct_calls, dtype):
    rng = np.random.default_rng(0)
    d = min_d(dtype) + 3
    x, y = rng.standard_normal((5, d)).astype(dtype), rng.standard_normal((60, d)).astype(dtype)
    check(x, y, 2)
    assert direct_calls == [(5, 2)]


def test_not_taken_where_it_does_not_serve(direct_calls):
    rng = np.random.default_rng(1)
    d = min_d(np.float32)
    y = rng.standard_normal((50, d)).astype(np.float32)
    ar.nearest(rng.standard_normal((direct.MAX_QUERIES + 1, d)).astype(np.float32), y)  # many queries
    ar.nearest(rng.standard_normal((3, d - 1)).astype(np.float32), y[:, : d - 1])  # d under one vector
    ar.nearest(rng.standard_normal((3, d)).astype(np.float32), y, metric="dot")
    ar.nearest(rng.standard_normal((3, d)).astype(np.float32), y, metric="cosine")
    ar.nearest(rng.standard_normal((3, d)), y)  # float64 queries: the float64 screen, y is float32
    assert direct_calls == []


def _exact_sq(x, y):
    """Squared distances of small-integer data: exact in float64."""
    return ((x[:, None, :].astype(np.float64) - y[None, :, :].astype(np.float64)) ** 2).sum(axis=2)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("m", [1, 7, 8, 15, 16, 17, 33, 1003])
@pytest.mark.parametrize("extra_d", [0, 1, 5, 16, 33])
def test_candidates_hold_every_true_k_best(dtype, m, extra_d):
    """Straight from the core: every pair at most the k-th smallest distance is a candidate (ties
    everywhere), for point counts around the lane groups and d around the vector widths."""
    rng = np.random.default_rng(m * 100 + extra_d)
    d = min_d(dtype) + extra_d
    y = rng.integers(-2, 3, size=(m, d)).astype(dtype)
    x = rng.integers(-2, 3, size=(6, d)).astype(dtype)
    d2 = _exact_sq(x, y)
    for k in sorted({1, min(m, 3), min(m, 12), m}):
        for n_threads in (1, 2, 3):
            rows, cols, finite = _core.nearest_direct(x, y, k, n_threads)
            assert finite
            kth = np.sort(d2, axis=1)[:, k - 1]
            got = set(zip(rows.tolist(), cols.tolist(), strict=True))
            want = {(q, j) for q in range(len(x)) for j in range(m) if d2[q, j] <= kth[q]}
            assert want <= got
            if m > 100 and k == 1:
                assert len(got) < len(x) * m // 4  # and it screens: far from every pair


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_candidates_of_rows_at_a_stride(dtype):
    """Rows with room between them (a column slice of a wider array): read where they lie."""
    rng = np.random.default_rng(3)
    d = min_d(dtype) + 2
    wide = rng.integers(-3, 4, size=(500, d + 9)).astype(dtype)
    y = wide[:, :d]
    assert not y.flags.c_contiguous and direct.applies("sqeuclidean", 4, y, np.dtype(dtype))
    x = rng.integers(-3, 4, size=(4, d)).astype(dtype)
    rows, cols, _ = _core.nearest_direct(x, y, 2, 2)
    d2 = _exact_sq(x, y)
    kth = np.sort(d2, axis=1)[:, 1]
    want = {(q, j) for q in range(4) for j in range(500) if d2[q, j] <= kth[q]}
    assert want <= set(zip(rows.tolist(), cols.tolist(), strict=True))
    check(x, y, 3)


def test_core_rejects_bad_shapes():
    x = np.zeros((2, 16), dtype=np.float32)
    with pytest.raises(ValueError, match="differ in d"):
        _core.nearest_direct(x, np.zeros((5, 17), dtype=np.float32), 1, 1)
    with pytest.raises(ValueError, match="out of range"):
        _core.nearest_direct(x, np.zeros((5, 16), dtype=np.float32), 6, 1)
    small = np.zeros((2, min_d(np.float32) - 1), dtype=np.float32)
    with pytest.raises(ValueError, match="one vector"):
        _core.nearest_direct(small, small, 1, 1)


@pytest.mark.parametrize("d_extra", [0, 1, 7, 16, 47, 284])
def test_every_width_against_the_reference(d_extra):
    rng = np.random.default_rng(d_extra)
    d = min_d(np.float32) + d_extra
    y = rng.standard_normal((45, d)).astype(np.float32)
    y[30] = y[2]  # a duplicate: the smaller index first
    x = rng.standard_normal((13, d)).astype(np.float32)
    x[3] = y[30]
    for k in (1, 5, 45):
        check(x, y, k)
    check(x, y, 2, "euclidean")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_near_ties_at_the_last_bit(dtype):
    """Points whose distances to the query differ in the last bits of the dtype and below."""
    rng = np.random.default_rng(11)
    d = min_d(dtype) + 3
    q = rng.standard_normal(d).astype(dtype)
    base = rng.standard_normal(d).astype(dtype) * dtype(0.01)
    planted = np.stack([q + base, q + np.roll(base, 1), q + base[::-1], q - base]).astype(dtype)
    near = planted[-1].copy()
    near[0] = np.nextafter(near[0], dtype(np.inf))  # one ulp away from a planted point
    y = np.concatenate([rng.standard_normal((60, d)).astype(dtype), planted, near[None, :]])
    x = np.stack([q, np.nextafter(q, dtype(1)), q + dtype(1e-7)]).astype(dtype)
    for k in (1, 3, 6):
        check(x, y, k)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_large_offset_small_spread(dtype):
    rng = np.random.default_rng(4)
    d = min_d(dtype)
    y = (1e6 + 1e-2 * rng.standard_normal((200, d))).astype(dtype)
    x = (1e6 + 1e-2 * rng.standard_normal((9, d))).astype(dtype)
    x[0] = y[7]
    check(x, y, 1)
    check(x, y, 4, "euclidean")


@pytest.mark.parametrize("n_threads", [1, 2, 3])
def test_same_answer_for_any_thread_count(n_threads, monkeypatch):
    """Enough points for several tasks, duplicates across them: the smaller index first."""
    rng = np.random.default_rng(6)
    d = max(16, min_d(np.float32))  # 5**16 rows possible: no duplicates but the planted ones
    y = rng.integers(-2, 3, size=(150_000, d)).astype(np.float32)
    y[140_000] = y[17]
    y[90_000] = y[17]
    x = rng.integers(-2, 3, size=(3, d)).astype(np.float32)
    x[0] = y[17]
    monkeypatch.setattr(threads, "_override", n_threads)
    got = ar.nearest(x, y, 4)
    assert got.indices[0, :3].tolist() == [17, 90_000, 140_000]
    d2 = _exact_sq(x, y)
    want = np.lexsort((np.broadcast_to(np.arange(len(y)), d2.shape), d2), axis=1)[:, :4]
    assert got.indices.tolist() == want.tolist()
    assert got.distances.tolist() == np.take_along_axis(d2, want, 1).tolist()


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_non_finite_points_get_the_contract_error(bad, dtype):
    rng = np.random.default_rng(7)
    d = min_d(dtype)
    y = rng.standard_normal((100, d)).astype(dtype)
    y[57, d - 1] = bad
    with pytest.raises(ValueError, match="y has a NaN or inf in row 57"):
        ar.nearest(rng.standard_normal((2, d)).astype(dtype), y)


def test_an_overflowing_cost_takes_the_general_screen(direct_calls):
    """Finite float32 values whose squared differences overflow float32: the general screen's
    scaling answers, exactly."""
    rng = np.random.default_rng(8)
    d = min_d(np.float32)
    y = (rng.integers(-4, 5, size=(40, d)) * 1e37).astype(np.float32)
    x = (rng.integers(-4, 5, size=(3, d)) * 1e37).astype(np.float32)
    check(x, y, 2)
    assert direct_calls  # the direct screen was tried first


def test_memory_mapped_points_read_in_place(tmp_path):
    rng = np.random.default_rng(9)
    d = min_d(np.float32) + 1
    y = rng.standard_normal((3000, d)).astype(np.float32)
    np.save(tmp_path / "y.npy", y)
    mapped = np.load(tmp_path / "y.npy", mmap_mode="r")
    x = rng.standard_normal((4, d)).astype(np.float32)
    got, want = ar.nearest(x, mapped, 3), ar.nearest(x, y, 3)
    assert got.indices.tolist() == want.indices.tolist()
    assert got.distances.tolist() == want.distances.tolist()
