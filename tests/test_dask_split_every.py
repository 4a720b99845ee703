"""``argreduce.dask.argmin(x, ..., split_every=)``: Dask's fan-in of the merge tree, passed through.

The answer must not depend on it (the oracle: the in-memory call on the same data); the tree must
have the shape ``dask.array`` gives the same fan-in (compared with ``dask.array.sum``'s own tree).
"""

from __future__ import annotations

import dask.array as da
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import argreduce as ar
import argreduce.dask as ard


def tie_heavy(seed: int, shape) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 3, shape).astype(np.float64)
    x[rng.random(shape) < 0.05] = np.nan
    return x


def tree_levels(lazy, name: str) -> int:
    return sum(1 for layer in lazy.dask.layers if layer.startswith(f"{name}-partial"))


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**16), split_every=st.sampled_from([2, 3, 5, 16, {0: 2, 1: 3}, {-1: 2}]),
       dim=st.sampled_from([None, 0, 1, (0, 1), -1]), keepdim=st.booleans(), is_max=st.booleans())
def test_any_split_every_gives_the_in_memory_answer(seed, split_every, dim, keepdim, is_max):
    x = tie_heavy(seed, (9, 7))
    fn, dask_fn = (ar.argmax, ard.argmax) if is_max else (ar.argmin, ard.argmin)
    lazy = dask_fn(da.from_array(x, chunks=(2, 3)), dim, keepdim, split_every=split_every)
    assert np.array_equal(lazy.compute(scheduler="sync"), fn(x, dim, keepdim))


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**16), split_every=st.sampled_from([2, 3, {0: 2}]),
       dim=st.sampled_from([None, 0, 1]), name=st.sampled_from(["nanargmin", "nanargmax"]))
def test_nan_skipping_ones_too(seed, split_every, dim, name):
    x = tie_heavy(seed, (9, 7))
    x[0] = np.nan_to_num(x[0], nan=5.0)  # a number in every column and every row: no all-NaN slice
    x[:, 0] = np.nan_to_num(x[:, 0], nan=5.0)
    lazy = getattr(ard, name)(da.from_array(x, chunks=(2, 3)), dim, split_every=split_every)
    assert np.array_equal(lazy.compute(scheduler="sync"), getattr(ar, name)(x, dim))
    assert np.array_equal(lazy.compute(scheduler="sync"), getattr(np, name)(x, axis=dim))


@pytest.mark.parametrize("split_every", [2, 4, 32])
def test_the_tree_is_the_one_dask_builds_for_that_split_every(split_every):
    x = da.from_array(np.arange(64.0)[::-1].copy(), chunks=1)  # 64 blocks
    ours = ard.argmin(x, split_every=split_every)
    theirs = da.sum(x, split_every=split_every)
    assert tree_levels(ours, "argmin") == tree_levels(theirs, "sum")
    assert int(ours.compute(scheduler="sync")) == 63


def test_split_every_changes_the_graph_and_is_reset_afterwards():
    x = da.from_array(np.arange(64.0), chunks=1)
    deep = tree_levels(ard.argmin(x, split_every=2), "argmin")
    default = tree_levels(ar.argmin(x), "argmin")  # the next call builds Dask's default tree again
    assert deep > default
    with pytest.raises(ValueError):
        ard.argmin(x, split_every=1)
    assert tree_levels(ar.argmin(x), "argmin") == default


@pytest.mark.parametrize(("x", "kwargs", "error", "fragment"), [
    (np.arange(3.0), {}, TypeError, "expected a dask.array.Array"),
    (da.arange(4, chunks=2), {"split_every": 1}, ValueError, "at least 2"),
    (da.arange(4, chunks=2), {"split_every": True}, TypeError, "not bool"),
    (da.arange(4, chunks=2), {"split_every": 2.5}, TypeError, "not float"),
    (da.arange(4, chunks=2), {"split_every": {3: 2}}, IndexError, "names dim 3"),
    (da.arange(4, chunks=2), {"dim": 2}, IndexError, "Dimension out of range"),  # the library's own check
])
def test_errors(x, kwargs, error, fragment):
    with pytest.raises(error, match=fragment):
        ard.argmin(x, **kwargs)
