"""nanargmin/nanargmax, min/max (values with indices) and where= on Dask arrays: the same answer as
the library in memory for every chunking, errors included (computed in this process)."""

from __future__ import annotations

import dask.array as da
import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import argreduce as ar
from dask_strategies import chunked_arrays, dims_for


def _outcome(fn):
    try:
        return fn()
    except (ValueError, IndexError, RuntimeError, TypeError) as e:
        return e


def _same(got, want) -> bool:
    if isinstance(want, Exception):
        return type(got) is type(want)
    if isinstance(got, Exception):
        return False
    if isinstance(want, tuple):
        return all(_same(g, w) for g, w in zip(got, want, strict=True))
    g, w = np.asarray(got), np.asarray(want)
    if g.dtype.kind == "f":  # values bit for bit: a NaN's sign and a zero's sign too
        return g.shape == w.shape and g.tobytes() == w.tobytes()
    return g.shape == w.shape and g.tolist() == w.tolist()


@given(data=chunked_arrays(max_ndim=3), choice=st.data(),
       name=st.sampled_from(["nanargmin", "nanargmax", "min", "max", "argmin", "argmax"]),
       keepdim=st.booleans(), masked=st.booleans())
def test_family_on_dask_matches_memory(data, choice, name, keepdim, masked):
    x, chunks = data
    dims = choice.draw(dims_for(x.ndim))
    fn = getattr(ar, name)
    where = None
    if masked:
        where = np.random.default_rng(choice.draw(st.integers(0, 2**32 - 1))).random(x.shape) < 0.6
    want = _outcome(lambda: fn(x, dims, keepdim, where=where))
    lazy = _outcome(lambda: fn(da.from_array(x, chunks=chunks), dims, keepdim, where=where))
    if isinstance(lazy, Exception):  # raised while building the graph (the argument and shape errors)
        assert _same(lazy, want), (lazy, want)
        return
    got = _outcome(lambda: da.compute(*lazy, scheduler="sync") if isinstance(lazy, tuple)
                   else lazy.compute(scheduler="sync"))
    if isinstance(want, tuple):
        want = tuple(want)
    assert _same(got, want), (name, dims, keepdim, x.dtype, got, want)
