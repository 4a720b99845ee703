"""ar.topk on Dask arrays: lazy, and the same answer as the library in memory for every chunking
(uneven and empty chunks, ties and NaNs across block boundaries), where= included."""

from __future__ import annotations

import dask.array as da
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import argreduce as ar
from dask_strategies import chunked_arrays


@given(data=st.data(), largest=st.booleans())
def test_dask_topk_matches_the_library(data, largest):
    x, chunks = data.draw(chunked_arrays(max_ndim=3, max_side=9), label="x")
    dim = data.draw(st.one_of(st.none(), st.integers(-x.ndim, x.ndim - 1)), label="dim")
    size = x.size if dim is None else x.shape[dim]
    k = data.draw(st.integers(0, size), label="k")
    masked = data.draw(st.booleans(), label="where")
    where = np.random.default_rng(k).random(x.shape) < 0.8 if masked else None
    try:
        want = ar.topk(x, k, dim, largest, where=where)
    except ValueError:  # fewer than k present: the same error when computed
        values, indices = ar.topk(da.from_array(x, chunks=chunks), k, dim, largest, where=where)
        with pytest.raises(ValueError, match="fewer than k"):
            indices.compute()
        return
    values, indices = ar.topk(da.from_array(x, chunks=chunks), k, dim, largest, where=where)
    assert isinstance(indices, da.Array) and isinstance(values, da.Array)  # lazy
    assert np.array_equal(indices.compute(), want.indices)
    got = values.compute()
    assert got.dtype == x.dtype
    if x.dtype.kind == "f":  # bit for bit: the elements at the indices
        assert np.array_equal(got.view(f"u{x.itemsize}"), np.asarray(want.values).view(f"u{x.itemsize}"))
    else:
        assert np.array_equal(got, want.values)


def test_dask_topk_errors():
    d = da.zeros((4, 5), chunks=2)
    with pytest.raises(RuntimeError, match="selected index k out of range"):
        ar.topk(d, 6)
    with pytest.raises(IndexError, match="Dimension out of range"):
        ar.topk(d, 1, dim=2)


@pytest.mark.parametrize("dtype", [">f4", ">f8", ">i8", ">u2"])
def test_values_of_another_byte_order_survive_the_merges(dtype):
    """Merged k-best lists travel as bits: a big-endian array's values must come back as its values
    (NumPy's concatenations return native order, which once read back swapped)."""
    x = np.random.default_rng(4).permutation(60).reshape(12, 5).astype(dtype)
    for chunks in ((3, 1), (1, 5), (5, 2)):
        for dim, k in ((0, 4), (1, 3), (None, 7)):
            values, indices = ar.topk(da.from_array(x, chunks=chunks), k, dim, largest=False)
            want = ar.topk(x, k, dim, largest=False)
            assert np.array_equal(indices.compute(), want.indices)
            assert np.array_equal(values.compute(), want.values), (chunks, dim)
