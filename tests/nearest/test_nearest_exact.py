"""nearest() against the exact Fraction reference: every metric, dtype, and hard case."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from nearest_reference import is_correctly_rounded, reference

import argreduce as ar

METRICS = ["sqeuclidean", "euclidean", "cosine", "dot"]


def check(x, y, k, metric, dtype=None):
    """nearest() equals the reference: the same indices, each distance the exact value rounded once."""
    d, i = ar.nearest(x, y, k, metric=metric)
    want_i, want_d = reference(np.asarray(x), np.asarray(y), k, metric)
    assert i.tolist() == want_i
    dt = d.dtype.type if dtype is None else dtype
    for got_row, exact_row in zip(d.tolist(), want_d, strict=True):
        for got, ex in zip(got_row, exact_row, strict=True):
            assert is_correctly_rounded(got, ex, metric, dt), (got, ex)
    return d, i


def _planted(rng, n, m, d, dtype, offset=0.0, spread=1.0):
    """Random points with duplicates, exact ties and queries on top of points."""
    y = (offset + spread * rng.standard_normal((m, d))).astype(dtype)
    y[m // 2] = y[0]  # a duplicate point: an exact tie for every query
    x = (offset + spread * rng.standard_normal((n, d))).astype(dtype)
    x[0] = y[1]  # a query on a point: distance 0
    if n > 1:
        x[1] = ((y[2].astype(np.float64) + y[3]) / 2).astype(dtype)  # about equidistant
    return x, y


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("d", [1, 2, 5, 17])
def test_random_with_planted_ties(metric, dtype, d):
    rng = np.random.default_rng(d * 7 + len(metric))
    x, y = _planted(rng, 6, 25, d, dtype)
    for k in (1, 3, 25):
        check(x, y, k, metric)


@pytest.mark.parametrize("metric", METRICS)
def test_integers_with_many_ties(metric):
    rng = np.random.default_rng(3)
    x = rng.integers(-3, 4, size=(8, 3))
    y = rng.integers(-3, 4, size=(40, 3))
    d, _ = check(x, y, 5, metric)
    assert d.dtype == np.float64


@pytest.mark.parametrize("metric", ["sqeuclidean", "euclidean"])
def test_large_offset_small_spread(metric):
    """GPS-like data: an offset of 1e6 and a spread of 1e-2, where |x|^2 - 2x.y + |y|^2 fails."""
    rng = np.random.default_rng(5)
    for dtype in (np.float32, np.float64):
        x, y = _planted(rng, 6, 40, 3, dtype, offset=1e6, spread=1e-2)
        check(x, y, 3, metric)


def test_near_ties_at_the_last_bit():
    """Points whose distances to the query differ by one unit in the last place."""
    base = np.float32(1.5)
    steps = [np.nextafter(base, np.float32(2), dtype=np.float32)]
    for _ in range(4):
        steps.append(np.nextafter(steps[-1], np.float32(2), dtype=np.float32))
    y = np.array([[s, 0.25] for s in reversed(steps)] + [[-steps[0], 0.25]], dtype=np.float32)
    x = np.zeros((2, 2), dtype=np.float32)
    x[1] = [0.0, 0.5]
    for metric in METRICS:
        check(x, y, len(y), metric)


@pytest.mark.parametrize("metric", METRICS)
def test_formula_near_ties_float32(metric):
    """Planted near-ties where the rounded float32 formula picks a farther point."""
    rng = np.random.default_rng(11)
    d = 24
    y = rng.standard_normal((30, d)).astype(np.float32) + np.float32(8)
    x = rng.standard_normal((5, d)).astype(np.float32) + np.float32(8)
    for q in range(5):
        # a point nudged a few ulps from a mirror of another, around the query
        y[2 * q + 1] = (2 * x[q].astype(np.float64) - y[2 * q]).astype(np.float32)
        y[2 * q + 1, q] = np.nextafter(y[2 * q + 1, q], np.float32(100))
    check(x, y, 2, metric)


@pytest.mark.parametrize("d", [1, 8, 64, 300])
def test_dimensions(d):
    rng = np.random.default_rng(d)
    x, y = _planted(rng, 3, 12, d, np.float32)
    check(x, y, 4, "sqeuclidean")
    check(x, y, 2, "euclidean")


@pytest.mark.parametrize("metric", METRICS)
def test_single_query_single_point_and_k_equals_m(metric):
    rng = np.random.default_rng(2)
    y = rng.standard_normal((1, 4))
    x = rng.standard_normal((1, 4))
    check(x, y, 1, metric)
    y = rng.standard_normal((9, 4))
    check(x, y, 9, metric)


def test_cosine_zero_vectors():
    x = np.array([[0.0, 0.0], [1.0, 0.0]])
    y = np.array([[0.0, 0.0], [-1.0, 0.0], [2.0, 0.0], [0.0, 3.0]])
    d, i = check(x, y, 4, "cosine")
    assert i[0].tolist() == [0, 1, 2, 3] and d[0].tolist() == [1.0] * 4
    assert i[1].tolist() == [2, 0, 3, 1]


@pytest.mark.parametrize("dtype", [np.float16])
def test_float16_rounded_once_to_float16(dtype):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((4, 5)).astype(dtype)
    y = rng.standard_normal((20, 5)).astype(dtype)
    d, _ = check(x, y, 3, "sqeuclidean")
    assert d.dtype == np.float16


def _extreme_cases():
    rng = np.random.default_rng(0)
    for scale in (1e300, 1e-300, 1e150, 1e-160):
        x, y = rng.standard_normal((3, 4)) * scale, rng.standard_normal((12, 4)) * scale
        y[5], x[1] = y[2], y[7]
        yield x, y
    yield np.array([[1e300, -1e300], [0.0, 5e-324]]), np.array([[-1e300, 1e300], [1e300, -1e300],
                                                                  [5e-324, 0.0], [0.0, 0.0]])
    y = rng.standard_normal((12, 4))
    y[3] *= 1e-300
    y[4] *= 1e300
    x = rng.standard_normal((3, 4))
    x[0] = y[4] * 3
    yield x, y


@pytest.mark.parametrize("metric", METRICS)
def test_values_near_the_float64_limits(metric):
    """Squares and products beyond float64's range: exact order, distances rounded (inf on overflow)."""
    for x, y in _extreme_cases():
        d, i = ar.nearest(x, y, 3, metric=metric)
        want_i, want_d = reference(x, y, 3, metric)
        assert i.tolist() == want_i
        for got_row, exact_row in zip(d.tolist(), want_d, strict=True):
            for got, ex in zip(got_row, exact_row, strict=True):
                if np.isinf(got):  # only where the exact value rounds past the largest float64
                    edge = Fraction(2**1024 - 2**970)
                    assert abs(ex) >= (edge * edge if metric == "euclidean" else edge)
                    assert (got > 0) == (ex > 0)
                else:
                    assert is_correctly_rounded(got, ex, metric, np.float64), (got, ex)
