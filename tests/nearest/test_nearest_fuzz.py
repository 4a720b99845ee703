"""Differential fuzzing of nearest() against the exact reference, on data built to tie.

Values come from small pools (so distances tie exactly and nearly), from large offsets with small
spreads, and from neighbouring floats one unit in the last place apart. The default run is short;
``-m slow`` runs many more cases (the exactness run reported in BENCHMARKS.md).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nearest_reference import is_correctly_rounded, reference

import argreduce as ar

METRICS = ["sqeuclidean", "euclidean", "cosine", "dot"]


@st.composite
def cases(draw):
    dtype = draw(st.sampled_from([np.float32, np.float64, np.int64]))
    n, m, d = draw(st.integers(1, 4)), draw(st.integers(1, 14)), draw(st.integers(1, 6))
    kind = draw(st.sampled_from(["pool", "offset", "ulp", "normal", "extreme"]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    if kind == "pool" or dtype == np.int64:
        pool = np.array([-3, -1, 0, 1, 2, 5]) if dtype == np.int64 else np.array([-1.5, -0.5, 0.0, 0.5, 1, 3])
        x, y = rng.choice(pool, (n, d)), rng.choice(pool, (m, d))
    elif kind == "offset":
        x = 1e6 + 1e-2 * rng.standard_normal((n, d))
        y = 1e6 + 1e-2 * rng.standard_normal((m, d))
    elif kind == "ulp":
        base = rng.standard_normal(d).astype(dtype)
        steps = rng.integers(-3, 4, (n + m, d))
        v = np.array([[_ulps(b, s, dtype) for b, s in zip(base, row, strict=True)] for row in steps])
        x, y = v[:n], v[n:]
    elif kind == "extreme":  # magnitudes whose squares leave the float range, mixed with ordinary ones
        top = 300 if dtype == np.float64 else 37
        x = rng.standard_normal((n, d)) * 10.0 ** rng.integers(-top, top + 1, (n, 1))
        y = rng.standard_normal((m, d)) * 10.0 ** rng.integers(-top, top + 1, (m, 1))
    else:
        x, y = rng.standard_normal((n, d)), rng.standard_normal((m, d))
    x, y = x.astype(dtype), y.astype(dtype)
    if m > 1 and draw(st.booleans()):
        y[-1] = y[0]  # a duplicate point
    k = draw(st.integers(1, m))
    return x, y, k, draw(st.sampled_from(METRICS))


def _ulps(b, steps: int, dtype):
    v = dtype(b)
    for _ in range(abs(int(steps))):
        v = np.nextafter(v, dtype(np.inf if steps > 0 else -np.inf))
    return v


def _check(case):
    x, y, k, metric = case
    d, i = ar.nearest(x, y, k, metric=metric)
    want_i, want_d = reference(x, y, k, metric)
    assert i.tolist() == want_i
    for got_row, exact_row in zip(d.tolist(), want_d, strict=True):
        for got, ex in zip(got_row, exact_row, strict=True):
            if np.isinf(got):  # rounded past the largest float of the result dtype
                fi = np.finfo(d.dtype)  # the overflow threshold: the largest float plus half its ulp
                edge = Fraction(float(fi.max)) + Fraction(2) ** (fi.maxexp - 1 - fi.nmant - 1)
                assert abs(ex) >= (edge * edge if metric == "euclidean" else edge)
            else:
                assert is_correctly_rounded(got, ex, metric, d.dtype.type), (got, ex)


@settings(max_examples=60)
@given(cases())
def test_against_the_exact_reference(case):
    _check(case)


@pytest.mark.slow
@settings(max_examples=3000)
@given(cases())
def test_against_the_exact_reference_long(case):
    _check(case)


def test_cosine_tie_with_a_product_below_the_float64_range():
    """1-D cosine: every positive point is at distance 0 from a positive query, so the smaller index
    wins; here x.y of the first (3e-336) lies below the smallest float64 and must not be read as 0."""
    x = np.array([[3.45584192e-281], [8.21618144e-215]])
    y = np.array([[-1.30315723e-146], [9.05355867e-056], [4.46374572e085], [-5.36953235e029]])
    _check((x, y, 1, "cosine"))
    _check((x, y, 4, "cosine"))
