"""The core's float64 re-check (cpp/argreduce/nearest/refine.cpp): the queries it settles get the
contract's answer (the exact reference's indices, each distance the exact value rounded once), and
the queries it must not settle (exact ties, keys closer than the float64 bound, distances at a
rounding midpoint) are handed back to the exact path. tests/test_isa.py runs this file under
every instruction set.
"""

from __future__ import annotations

import numpy as np
import pytest
from nearest_reference import is_correctly_rounded, reference

import argreduce as ar
from argreduce import _core, threads
from argreduce.knn import exact, fused, screen, search

REFINED = ["sqeuclidean", "euclidean", "dot"]
CODES = {"sqeuclidean": 0, "euclidean": 1, "dot": 2}


def core_refine(x, y, k, metric, kind="float32", n_threads=1, l2_factors=True):
    """The core called directly: (dist, idx, the queries it handed back). ``l2_factors``: for the
    L2 metrics, the queries' factors made in the core (else given, as for dot)."""
    sdt = search.screen_dtype(kind, kind)
    fmt = exact.float_format(kind)
    dist = np.full((len(x), k), np.nan)
    idx = np.full((len(x), k), -1, dtype=np.int64)
    if metric != "dot" and l2_factors:
        pts = screen.l2_points(screen._largest_magnitude(x), y, sdt)
        rows, cols, norm2 = fused.refined_l2(x, pts, k, n_threads, y, CODES[metric], fmt, dist, idx)
        assert 0 < norm2 <= 1  # the scale of x's own largest element: shifted rows of norm at most 1
    else:
        scr = search._make_screen(metric, x, y, sdt)
        rows, cols = fused.refined(scr.xs, fused.pack(scr.ys), len(y), scr.B, k, n_threads, x, y,
                                   CODES[metric], fmt, dist, idx)
    return dist, idx, set(rows.tolist()), rows, cols


def assert_settled_rows_exact(x, y, k, metric, kind="float32", n_threads=1, l2_factors=True):
    """Every query the core settled equals the Fraction reference, distances correctly rounded."""
    dist, idx, left, _, _ = core_refine(x, y, k, metric, kind, n_threads, l2_factors)
    want_i, want_d = reference(x, y, k, metric)
    rounding = np.float32 if kind == "float32" else np.float16
    for q in range(len(x)):
        if q in left:
            continue
        assert idx[q].tolist() == want_i[q], (q, idx[q], want_i[q])
        for got, ex in zip(dist[q].tolist(), want_d[q], strict=True):
            assert is_correctly_rounded(got, ex, metric, rounding), (q, got, ex)
    return left


@pytest.fixture
def refined_calls(monkeypatch):
    """Every call of the core's re-check: (queries, queries handed back)."""
    calls = []

    def spy_on(real):
        def spy(*args):
            out = real(*args)  # (rows, cols) or, from refined_l2, (rows, cols, largest)
            calls.append((args[0].shape[0], len(np.unique(out[0]))))
            return out

        return spy

    monkeypatch.setattr(fused, "refined", spy_on(fused.refined))  # dot: factors from Python
    monkeypatch.setattr(fused, "refined_l2", spy_on(fused.refined_l2))  # L2: factors made in the core
    return calls


@pytest.mark.parametrize("metric", REFINED)
def test_random_float32_is_settled_in_the_core(refined_calls, metric):
    """The k-means case: every query settled natively, answer equal to the reference."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((300, 12)).astype(np.float32)
    y = rng.standard_normal((40, 12)).astype(np.float32)
    for k in (1, 4):
        d, i = ar.nearest(x, y, k, metric=metric)
        want_i, want_d = reference(x, y, k, metric)
        assert i.tolist() == want_i
        assert all(is_correctly_rounded(g, e, metric, np.float32)
                   for row, ex in zip(d.tolist(), want_d, strict=True) for g, e in zip(row, ex, strict=True))
    assert [c[0] for c in refined_calls] == [300, 300]
    assert all(left <= 3 for _, left in refined_calls)  # a near-tie may be left, not the bulk


def test_float64_inputs_take_the_general_path(refined_calls):
    rng = np.random.default_rng(2)
    x, y = rng.standard_normal((20, 5)), rng.standard_normal((30, 5))
    assert ar.nearest(x, y, 2).indices.tolist() == reference(x, y, 2, "sqeuclidean")[0]
    assert refined_calls == []


def test_a_midpoint_distance_is_handed_back():
    """|x - y|^2 = 2**24 + 2**23 + 1 + 2**-40: float64 computes the float32 midpoint 2**24 + 2**23 + 1
    (to even: 2**24 + 2**23), the exact value rounds up to 2**24 + 2**23 + 2. The core must not
    round it."""
    x = np.array([[4096.0, 2048.0, 2048.0, 1.0, 2.0**-20]], dtype=np.float32)
    y = np.zeros((2, 5), dtype=np.float32)
    y[1, 0] = 9000.0
    _, _, left, _, _ = core_refine(x, y, 1, "sqeuclidean")
    assert left == {0}
    d, i = ar.nearest(x, y)
    assert i.tolist() == [[0]] and d.tolist() == [[2.0**24 + 2.0**23 + 2]]


def test_keys_closer_than_the_bound_are_handed_back():
    """Point 0 at 2**24 + 1/4 + 2**-40, point 1 at 2**24 + 1/4: float64 keys equal (and far from a
    float32 rounding midpoint), point 1 is nearer."""
    x = np.array([[4096.0, 0.5, 2.0**-20]], dtype=np.float32)
    y = np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 2.0**-20]], dtype=np.float32)
    for k in (1, 2):
        _, _, left, _, _ = core_refine(x, y, k, "sqeuclidean")
        assert left == {0}
        assert ar.nearest(x, y, k).indices.tolist() == [[1, 0][:k]]


@pytest.mark.parametrize("l2_factors", [True, False])
@pytest.mark.parametrize("metric", REFINED)
@pytest.mark.parametrize("k", [1, 3])
def test_planted_ties_and_duplicates(metric, k, l2_factors):
    """Integer data: exact ties everywhere; a tie within the first k + 1 is never settled."""
    rng = np.random.default_rng(k)
    y = rng.integers(-2, 3, size=(60, 4)).astype(np.float32)
    y[50] = y[5]  # a duplicate point
    x = rng.integers(-2, 3, size=(40, 4)).astype(np.float32)
    x[0] = y[50]
    left = assert_settled_rows_exact(x, y, k, metric, l2_factors=l2_factors)
    assert metric == "dot" or 0 in left  # the query on the duplicate: a tie at distance 0
    want_i, _ = reference(x, y, k, metric)
    ties = {q for q in range(len(x)) if _tied(x[q], y, metric, k)}
    assert ties and ties <= left
    assert len(left) < len(x)  # and the rest were settled
    assert ar.nearest(x, y, k, metric=metric).indices.tolist() == want_i


def _keys(q, y, metric):
    q64, y64 = q.astype(np.float64), y.astype(np.float64)
    return -(y64 @ q64) if metric == "dot" else ((y64 - q64) ** 2).sum(axis=1)  # exact: small integers


def _tied(q, y, metric, k) -> bool:
    """Two of the first k + 1 points in (key, index) order have the same exact key."""
    head = np.sort(_keys(q, y, metric))[: k + 1]
    return bool(np.any(head[1:] == head[:-1]))


@pytest.mark.parametrize("n_threads", [1, 2])
@pytest.mark.parametrize("metric", REFINED)
def test_near_ties_at_the_last_bit(metric, n_threads):
    """Points one float32 ulp apart around a query: settled rows exact, the rest handed back."""
    rng = np.random.default_rng(7)
    d = 8
    base = rng.standard_normal((20, d)).astype(np.float32)
    step = np.float32(1e-7)
    y = [base, np.nextafter(base, np.float32(np.inf)), base + 2 * step, base + 3 * step]
    y = np.concatenate(y).astype(np.float32)
    x = (base[:12] + np.float32(1e-7)).astype(np.float32)
    for k in (1, 2, 5):
        assert_settled_rows_exact(x, y, k, metric, n_threads=n_threads)


@pytest.mark.parametrize("metric", ["sqeuclidean", "euclidean"])
def test_large_offsets(metric):
    rng = np.random.default_rng(4)
    y = (1e6 + 1e-2 * rng.standard_normal((100, 3))).astype(np.float32)
    x = (1e6 + 1e-2 * rng.standard_normal((30, 3))).astype(np.float32)
    x[0] = y[7]
    for k in (1, 4):
        assert_settled_rows_exact(x, y, k, metric)
        assert ar.nearest(x, y, k, metric=metric).indices.tolist() == reference(x, y, k, metric)[0]


def test_float16_inputs_are_read_as_float64_rows():
    """float16 inputs reach the core as float64 arrays (exact) with float16 results."""
    rng = np.random.default_rng(9)
    x = rng.standard_normal((50, 6)).astype(np.float16).astype(np.float64)
    y = rng.standard_normal((30, 6)).astype(np.float16).astype(np.float64)
    for metric in REFINED:
        assert_settled_rows_exact(x, y, 2, metric, kind="float16")
    xh, yh = x.astype(np.float16), y.astype(np.float16)
    d, i = ar.nearest(xh, yh, 3)
    want_i, want_d = reference(x, y, 3, "sqeuclidean")
    assert d.dtype == np.float16 and i.tolist() == want_i
    assert all(is_correctly_rounded(g, e, "sqeuclidean", np.float16)
               for row, ex in zip(d.tolist(), want_d, strict=True) for g, e in zip(row, ex, strict=True))


@pytest.mark.parametrize("k", [1, 10])
def test_same_answer_for_any_thread_count(k, monkeypatch):
    rng = np.random.default_rng(k)
    x = rng.standard_normal((5000, 16)).astype(np.float32)
    y = rng.standard_normal((100, 16)).astype(np.float32)
    y[60] = y[3]
    x[:50] = y[3]  # ties handed back
    monkeypatch.setattr(threads, "_override", 1)
    want = ar.nearest(x, y, k)
    for n in (2, 3):
        monkeypatch.setattr(threads, "_override", n)
        got = ar.nearest(x, y, k)
        assert got.indices.tolist() == want.indices.tolist()
        assert got.distances.tolist() == want.distances.tolist()
    assert want.indices[:60].tolist() == reference(x[:60], y, k, "sqeuclidean")[0]


def test_core_checks_shapes():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 3)).astype(np.float32)
    y = rng.standard_normal((5, 3)).astype(np.float32)
    scr = screen.l2_screen(x, y, np.dtype(np.float32))
    panels = fused.pack(scr.ys)
    fmt = exact.float_format("float32")
    dist, idx = np.empty((4, 1)), np.empty((4, 1), dtype=np.int64)
    with pytest.raises(ValueError, match="shapes"):
        fused.refined(scr.xs, panels, 5, scr.B, 1, 1, x[:3], y, 0, fmt, dist, idx)
    with pytest.raises(ValueError, match="shapes"):
        fused.refined(scr.xs, panels, 5, scr.B, 1, 1, x, y, 0, fmt, dist[:, :0].copy(), idx)
    with pytest.raises(ValueError, match="metric"):
        fused.refined(scr.xs, panels, 5, scr.B, 1, 1, x, y, 7, fmt, dist, idx)
    with pytest.raises(TypeError):  # x and y of different dtypes: no overload
        _core.nearest_screen_refine(scr.xs, panels, 5, scr.B, 1, 1, x, y.astype(np.float64), 0, 24, -126, 127,
                                    dist, idx)


@pytest.mark.parametrize("scale", [1.0, 2.0**-70, 2.0**-76, 2.0**60])
def test_rounding_at_powers_of_two_subnormals_and_the_top(scale):
    """Distances at powers of two (the cell below is half as wide), in float32's subnormal range
    and near its largest number: settled rows exact (the float32 rounding of refine.cpp)."""
    rng = np.random.default_rng(3)
    y = (rng.integers(-4, 5, size=(50, 3)) * scale).astype(np.float32)
    x = rng.integers(-4, 5, size=(30, 3)) * scale + rng.standard_normal((30, 3)) * scale / 3
    x = x.astype(np.float32)
    x[:5] = (np.array([[2, 0, 0], [4, 0, 0], [0, 8, 0], [1, 1, 0], [16, 0, 0]]) * scale).astype(np.float32)
    for metric in ("sqeuclidean", "euclidean"):
        for k in (1, 2):
            assert_settled_rows_exact(x, y, k, metric)
    d, i = ar.nearest(x, y, 2)
    want_i, want_d = reference(x, y, 2, "sqeuclidean")
    assert i.tolist() == want_i
    assert all(is_correctly_rounded(g, e, "sqeuclidean", np.float32)
               for row, ex in zip(d.tolist(), want_d, strict=True) for g, e in zip(row, ex, strict=True))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_a_non_finite_query_is_noticed_by_the_core(refined_calls, bad):
    """x is checked on the core's way (its factors): the contract's error names the row, and rows
    of inf cost no more candidates than any other (never N x M pairs)."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((300, 8)).astype(np.float32)
    y = rng.standard_normal((50, 8)).astype(np.float32)
    x[123, 4] = bad
    with pytest.raises(ValueError, match="x has a NaN or inf in row 123"):
        ar.nearest(x, y)
    assert refined_calls  # the core saw it first
    x[:] = bad
    dist, idx = np.empty((300, 1)), np.empty((300, 1), dtype=np.int64)
    pts = screen.l2_points(1.0, y, np.dtype(np.float32))
    rows, _, norm2 = fused.refined_l2(x, pts, 1, 2, y, 0, exact.float_format("float32"), dist, idx)
    assert np.isnan(norm2) and len(rows) <= 2 * 300
    with pytest.raises(ValueError, match="row 0"):
        ar.nearest(x, y, 3, metric="euclidean")


@pytest.mark.parametrize(("y_scale", "screens"), [(1e-6, 1), (0.0, 1), (1e-20, 2), (1e-30, 2)])
def test_queries_beyond_the_scales_guess(refined_calls, y_scale, screens):
    """Points far smaller than the queries (or all zero): the scale guessed from the points is too
    small for x. Norms up to MAX_QUERY_NORM2 are screened rightly as they are; past it the core
    says so, and the search runs again with x's own scale. Exact either way."""
    rng = np.random.default_rng(6)
    y = (rng.standard_normal((40, 5)) * y_scale).astype(np.float32)
    y[7] = 0.0
    x = rng.standard_normal((100, 5)).astype(np.float32)
    for k in (1, 3):
        refined_calls.clear()
        d, i = ar.nearest(x, y, k)
        want_i, want_d = reference(x, y, k, "sqeuclidean")
        assert i.tolist() == want_i
        assert all(is_correctly_rounded(g, e, "sqeuclidean", np.float32)
                   for row, ex in zip(d.tolist(), want_d, strict=True) for g, e in zip(row, ex, strict=True))
        assert len(refined_calls) == screens
