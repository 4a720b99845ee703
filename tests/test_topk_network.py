"""topk's insertion network (cpp/argreduce/kernels/topk_network.hpp) against the stable reference.

The network takes k up to 8 and serves two layouts: many contiguous slices at once (at least
lanes x threads of them: 16 with 4-byte keys on AVX-512) and topk along a kept contiguous dim
(dim 0 of a C array). The shapes here are drawn to land in both, with slice lengths around the
lane counts, column counts that are not multiples of them, k on both sides of the network's limit,
every dtype, ties (tiny pools of values), NaN and signed zeros, and 1 or 2 threads."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import argreduce as ar
from _arrays import cases
from test_topk import ALL_DTYPES, _check


@st.composite
def network_shapes(draw) -> tuple[int, ...]:
    """Many short slices: (outputs, length) or (a few, outputs, length), lengths around the lanes."""
    rows = draw(st.integers(1, 90))
    n = draw(st.one_of(st.integers(1, 40), st.integers(41, 600)))
    if draw(st.booleans()):
        return (rows, n)
    return (draw(st.integers(1, 3)), rows, n)


@pytest.mark.parametrize("threads", [1, 2])
@given(data=st.data(), largest=st.booleans())
def test_network_matches_the_stable_reference(threads, data, largest):
    case = data.draw(cases(dtypes=ALL_DTYPES, allow_negative=False, shape_strategy=network_shapes()),
                     label="case")
    ndim = len(case.shape)
    dim = data.draw(st.sampled_from([ndim - 1, ndim - 2, 0]), label="dim")
    size = case.shape[dim]
    k = min(size, data.draw(st.one_of(st.integers(1, 9), st.sampled_from([1, 5, 8, 9])), label="k"))
    before = ar.get_num_threads()
    ar.set_num_threads(threads)
    try:
        for x in case.inputs():
            _check(case, x, k, dim, largest)
            if x.flags.c_contiguous if isinstance(x, np.ndarray) else x.is_contiguous():
                continue
            _check(case, x.copy() if isinstance(x, np.ndarray) else x.contiguous(), k, dim, largest)
    finally:
        ar.set_num_threads(before)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int8, np.uint64, np.float16, np.bool_])
def test_network_ties_nan_and_zeros(dtype):
    rng = np.random.default_rng(7)
    shape = (67, 53)
    if dtype == np.bool_:
        x = rng.random(shape) < 0.5
    elif np.issubdtype(dtype, np.floating):
        pool = np.array([0.0, -0.0, 1.0, -1.0, np.nan, np.inf, -np.inf], dtype)
        x = rng.choice(pool, shape)
    else:
        info = np.iinfo(dtype)
        x = rng.choice(np.array([info.min, info.max, 0, 1], dtype), shape)
    from test_topk import reference_indices

    for dim in (0, 1):
        for largest in (True, False):
            for k in (1, 3, 8, 9):
                got = ar.topk(x, k, dim, largest).indices
                want = reference_indices(x.astype(np.float64) if dtype == np.float16 else x, k, dim, largest)
                assert np.array_equal(got, want), (dim, largest, k)


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("dtype", [np.float32, np.int16, np.float64, np.uint8])
def test_network_head_then_skip_scan_on_long_slices(threads, dtype):
    """Slices of 2048 elements or more leave the network after their first eighth and the skip-scan
    continues from its k pairs: ties across that boundary must still go to the smaller index."""
    from test_topk import reference_indices

    rng = np.random.default_rng(11)
    for shape in ((33, 2048), (20, 4099)):
        # 250 values: each slice's best value comes about 8 to 16 times, on both sides of the head
        x = rng.integers(0, 250, shape).astype(dtype)
        if dtype in (np.float32, np.float64):
            x[rng.random(shape) < 0.01] = np.nan
            x[:, -1] = -0.0
        before = ar.get_num_threads()
        ar.set_num_threads(threads)
        try:
            for largest in (True, False):
                for k in (1, 5, 8):
                    got = ar.topk(x, k, 1, largest)
                    want = reference_indices(x, k, 1, largest)
                    assert np.array_equal(got.indices, want), (shape, largest, k)
                    assert np.array_equal(got.values.view(f"u{x.itemsize}"),
                                          np.take_along_axis(x, want, 1).view(f"u{x.itemsize}"))
        finally:
            ar.set_num_threads(before)
