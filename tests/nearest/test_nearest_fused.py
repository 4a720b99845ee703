"""The fused screen kernel (cpp/argreduce/nearest/): it is the path taken, its candidates always
hold the exact k best, and nearest() through it equals the Fraction reference on the hard cases,
for any thread count and block size. tests/test_isa.py runs this file under every instruction set.
"""

from __future__ import annotations

import numpy as np
import pytest
from nearest_reference import check_indices as check
from nearest_reference import reference

import argreduce as ar
from argreduce import _core, threads
from argreduce.knn import direct, fused, screen, search

METRICS = ["sqeuclidean", "euclidean", "cosine", "dot"]


@pytest.fixture(autouse=True)
def fused_only(monkeypatch):
    """Few queries go to the direct screen (test_nearest_direct.py): here every search is fused."""
    monkeypatch.setattr(direct, "MAX_QUERIES", 0)


@pytest.fixture
def screened_calls(monkeypatch):
    """Every call of the fused kernel, alone or with the core's re-check (test_nearest_refine.py):
    (rows in the block, the entry point)."""
    calls = []

    def spy_on(name):
        real = getattr(fused, name)

        def spy(*args):
            calls.append((args[0].shape[0], name))
            return real(*args)

        monkeypatch.setattr(fused, name, spy)

    for name in ("candidates", "refined", "refined_l2"):
        spy_on(name)
    return calls


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_fused_kernel_is_the_path_taken(screened_calls, dtype):
    rng = np.random.default_rng(0)
    n = direct.MAX_QUERIES + 7  # more queries than the direct screen takes, whatever the vector width
    x, y = rng.standard_normal((n, 5)).astype(dtype), rng.standard_normal((40, 5)).astype(dtype)
    check(x, y, 3)
    assert screened_calls and sum(c[0] for c in screened_calls) == n


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("k", [1, 4])
def test_candidates_hold_every_true_k_best(dtype, k):
    """Straight from the core: the candidate set contains each query's exact k best (ties included)."""
    rng = np.random.default_rng(k)
    y = rng.integers(-3, 4, size=(300, 6)).astype(dtype)  # many exact ties
    x = rng.integers(-3, 4, size=(50, 6)).astype(dtype)
    scr = screen.l2_screen(x, y, np.dtype(dtype))
    rows, cols = fused.candidates(scr.xs, fused.pack(scr.ys), len(y), scr.B, k, 1)
    d2 = ((x[:, None, :].astype(np.float64) - y[None, :, :]) ** 2).sum(axis=2)  # exact: small integers
    kth = np.sort(d2, axis=1)[:, k - 1]
    got = set(zip(rows.tolist(), cols.tolist(), strict=True))
    want = {(q, j) for q in range(len(x)) for j in range(len(y)) if d2[q, j] <= kth[q]}
    assert want <= got
    assert len(got) < len(x) * len(y) // 4  # and it screens: far from every pair


def test_core_rejects_mismatched_panels():
    ys = np.zeros((10, 3), dtype=np.float32)
    with pytest.raises(ValueError, match="panels"):
        _core.nearest_pack(ys, np.zeros(5, dtype=np.float32))
    panels = fused.pack(ys)
    xs = np.zeros((2, 3), dtype=np.float32)
    with pytest.raises(ValueError, match="packed points"):
        _core.nearest_screen(xs, panels[:-1].copy(), 10, np.zeros(2), 1, 1)
    with pytest.raises(ValueError, match="out of range"):
        _core.nearest_screen(xs, panels, 10, np.zeros(2), 11, 1)
    with pytest.raises(ValueError, match="one bound per query"):
        _core.nearest_screen(xs, panels, 10, np.zeros(3), 1, 1)


@pytest.mark.parametrize("metric", METRICS)
def test_same_answer_for_threads_and_blocks(metric, monkeypatch):
    """Query blocks on Python threads, one block split by the core over queries or over points."""
    rng = np.random.default_rng(5)
    y = rng.integers(-2, 3, size=(301, 5)).astype(np.float32)  # ties everywhere
    x = rng.integers(-2, 3, size=(70, 5)).astype(np.float32)
    monkeypatch.setattr(threads, "_override", 1)
    want = ar.nearest(x, y, 6, metric=metric)
    for n_threads, block_muladds, max_rows in ((2, 1 << 33, 1 << 16), (3, 1, 1), (2, 1, 7), (3, 1 << 40, 13)):
        monkeypatch.setattr(threads, "_override", n_threads)
        monkeypatch.setattr(search, "BLOCK_MULADDS", block_muladds)
        monkeypatch.setattr(search, "MAX_BLOCK_ROWS", max_rows)
        got = ar.nearest(x, y, 6, metric=metric)
        assert got.indices.tolist() == want.indices.tolist()
        assert got.distances.tolist() == want.distances.tolist()
    assert want.indices[:12].tolist() == reference(x[:12], y, 6, metric)[0]


@pytest.mark.parametrize("n_threads", [1, 2, 3])
def test_few_queries_split_over_points(n_threads, monkeypatch):
    """Fewer queries than a block per thread: the core splits the points and merges the k best."""
    rng = np.random.default_rng(n_threads)
    y = rng.standard_normal((5000, 8)).astype(np.float32)
    y[4000] = y[17]  # a duplicate: the smaller index first
    x = rng.standard_normal((3, 8)).astype(np.float32)
    x[0] = y[4000]
    monkeypatch.setattr(threads, "_override", n_threads)
    _, i = check(x, y, 5)
    assert i[0, :2].tolist() == [17, 4000]


def _points_closing_in(dtype, m=700, d=4):
    """Queries near the origin and points that come closer to them panel by panel (the last point
    nearest), with exact duplicates among the nearest: each query's threshold keeps falling inside
    every chunk of panels the kernel settles at once, and ties sit at the k-th place."""
    rng = np.random.default_rng(11)
    radius = np.linspace(40.0, 1.0, m)[:, None]
    direction = rng.standard_normal((m, d))
    y = (radius * direction / np.linalg.norm(direction, axis=1, keepdims=True)).round(1).astype(dtype)
    y[-4] = y[-1]
    y[-9] = y[-2]
    x = rng.integers(-1, 2, size=(29, d)).astype(dtype) * 0.5
    return x, y


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("k", [1, 3, 8])
def test_thresholds_falling_within_a_chunk(dtype, k):
    """Tiles that pass are settled at the end of their chunk: the candidates still hold every exact
    k best (ties included), are the same set for any thread count (blocks split over points or
    not), and nearest() equals the reference."""
    x, y = _points_closing_in(dtype)
    scr = screen.l2_screen(x, y, np.dtype(dtype))
    panels = fused.pack(scr.ys)
    got = []
    for n_threads in (1, 2, 3):
        rows, cols = fused.candidates(scr.xs, panels, len(y), scr.B, k, n_threads)
        got.append(set(zip(rows.tolist(), cols.tolist(), strict=True)))
    assert got[0] == got[1] == got[2]
    d2 = ((x[:, None, :].astype(np.float64) - y[None, :, :].astype(np.float64)) ** 2).sum(axis=2)
    kth = np.sort(d2, axis=1)[:, k - 1]
    want = {(q, j) for q in range(len(x)) for j in range(len(y)) if d2[q, j] <= kth[q]}
    assert want <= got[0]
    assert len(got[0]) < len(x) * len(y) // 10  # it screens: the falling thresholds still cut
    check(x, y, k)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("m", [1, 95, 97, 1000])
def test_points_prepared_in_parts_on_threads(dtype, m, monkeypatch):
    """The points' factors and panels made a part per thread equal those made in one piece."""
    rng = np.random.default_rng(m)
    y = (rng.standard_normal((m, 7)) * 3 + 100).astype(dtype)
    monkeypatch.setattr(threads, "_override", 3)
    monkeypatch.setattr(screen, "PARALLEL_VALUES", 1 << 60)
    assert len(screen.row_parts(m, 8, 32)) == 1
    whole = screen.l2_points(float(np.abs(y).max()), y, np.dtype(dtype))
    whole_panels = fused.pack(whole.ys)
    monkeypatch.setattr(screen, "PARALLEL_VALUES", 1)
    parts = screen.row_parts(m, 8, 32)
    assert (len(parts) > 1) == (m > 32) and all(a % 32 == 0 for a, _ in parts)
    assert [a for a, _ in parts[1:]] == [b for _, b in parts[:-1]] and parts[0][0] == 0 and parts[-1][1] == m
    split = screen.l2_points(float(np.abs(y).max()), y, np.dtype(dtype))
    assert np.array_equal(split.ys, whole.ys)
    assert np.array_equal(fused.pack(split.ys), whole_panels)


@pytest.mark.parametrize("d", [1, 2, 3, 7, 8, 9, 16, 31, 33, 64, 100, 300])
def test_every_width_against_the_reference(d):
    """d around the vector widths and the micro-panel edges (M not a multiple of the panel)."""
    rng = np.random.default_rng(d)
    y = rng.standard_normal((45, d)).astype(np.float32)
    y[30] = y[2]
    x = rng.standard_normal((13, d)).astype(np.float32)
    x[3] = y[30]
    for k in (1, 5):
        check(x, y, k)
    check(x, y, 3, "dot")


def test_near_ties_at_the_last_bit():
    """Two points whose distances to the query differ in the last bits of float32 and below."""
    rng = np.random.default_rng(11)
    d = 16
    q = rng.standard_normal(d).astype(np.float32)
    base = rng.standard_normal(d).astype(np.float32) * np.float32(0.01)
    y = np.stack([q + base, q + np.roll(base, 1), q + base[::-1], q - base]).astype(np.float32)
    y = np.concatenate([rng.standard_normal((60, d)).astype(np.float32), y])
    near = y[-1].copy()
    near[0] = np.nextafter(near[0], np.float32(np.inf))  # one ulp away from a planted point
    y = np.concatenate([y, near[None, :]])
    x = np.stack([q, np.nextafter(q, np.float32(1)), q + np.float32(1e-7)]).astype(np.float32)
    for k in (1, 3, 6):
        check(x, y, k)


def test_large_offset_small_spread():
    rng = np.random.default_rng(4)
    y = (1e6 + 1e-2 * rng.standard_normal((200, 3))).astype(np.float32)
    x = (1e6 + 1e-2 * rng.standard_normal((9, 3))).astype(np.float32)
    x[0] = y[7]
    check(x, y, 1)
    check(x, y, 4, "euclidean")
    yd = 1e6 + 1e-2 * rng.standard_normal((150, 2))
    check(1e6 + 1e-2 * rng.standard_normal((5, 2)), yd, 2)


@pytest.mark.parametrize("metric", METRICS)
def test_single_query_single_point_and_k_equal_to_m(metric):
    rng = np.random.default_rng(2)
    y = rng.standard_normal((1, 4)).astype(np.float32)
    x = rng.standard_normal((1, 4)).astype(np.float32)
    check(x, y, 1, metric)
    y = rng.integers(-1, 2, size=(37, 4)).astype(np.float32)
    check(x, y, 37, metric)
    check(rng.integers(-1, 2, size=(5, 4)).astype(np.float64), y.astype(np.float64), 37, metric)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_native_shift_equals_the_numpy_chunks(dtype):
    """The one-pass native factors (contiguous rows) equal the NumPy chunk loop (any other layout)."""
    rng = np.random.default_rng(8)
    a = (1e6 + rng.standard_normal((300, 7))).astype(dtype)
    cs = rng.standard_normal(7) * 1e-3
    native = screen._shifted_rows(a, 2.0**-22, cs, np.dtype(np.float32), -2.0)
    strided = np.asfortranarray(a)
    assert not strided.flags.c_contiguous
    chunks = screen._shifted_rows(strided, 2.0**-22, cs, np.dtype(np.float32), -2.0)
    assert np.array_equal(native[0][:, :7], chunks[0][:, :7])
    np.testing.assert_allclose(native[1], chunks[1], rtol=1e-14)


@pytest.mark.parametrize("k", [1, 3])
def test_one_block_split_over_threads_by_queries(k, monkeypatch):
    """A block with enough queries: the core gives each thread its own queries; same answer."""
    rng = np.random.default_rng(k)
    y = rng.integers(-2, 3, size=(700, 3)).astype(np.float32)
    x = rng.integers(-2, 3, size=(500, 3)).astype(np.float32)
    monkeypatch.setattr(threads, "_override", 1)
    want = ar.nearest(x, y, k)
    for n_threads in (2, 3):
        monkeypatch.setattr(threads, "_override", n_threads)
        got = ar.nearest(x, y, k)
        assert got.indices.tolist() == want.indices.tolist()
    assert want.indices[:6].tolist() == reference(x[:6], y, k, "sqeuclidean")[0]


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize("part_bytes", [1, 200, 1000])
def test_points_screened_in_parts(metric, part_bytes, monkeypatch):
    """Few queries: the points are screened a part at a time (each part its own shift, scale and
    bound). Ties and duplicates across part boundaries, an offset part: the same answer as one
    screen of all the points, and the exact reference's."""
    rng = np.random.default_rng(part_bytes)
    y = rng.integers(-2, 3, size=(400, 6)).astype(np.float32)  # exact ties everywhere
    y[300:] += 1000.0  # a far part: its own shift differs from the others'
    y[399] = y[3]  # a duplicate in another part: the smaller index first
    x = rng.integers(-2, 3, size=(5, 6)).astype(np.float32)
    x[0] = y[3]
    whole = ar.nearest(x, y, 4, metric=metric)
    monkeypatch.setattr(search, "PART_BYTES", part_bytes)
    monkeypatch.setattr(search, "PART_MAX_QUERY_SHARE", 0)  # parts of fewer points than queries too
    assert len(search._point_parts(5, 400, 6, 4, 4)) > 2
    got = ar.nearest(x, y, 4, metric=metric)
    assert got.indices.tolist() == whole.indices.tolist()
    assert got.distances.tolist() == whole.distances.tolist()
    assert got.indices.tolist() == reference(x, y, 4, metric)[0]
