"""argreduce on Dask arrays, computed in this process: exact for every chunking.

The oracle is argreduce's own in-memory answer on the same NumPy data (itself checked against
torch elsewhere), and NumPy where NumPy's signature applies (dim None or one int).
"""

from __future__ import annotations

import subprocess
import sys

import dask
import dask.array as da
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import argreduce as ar
from dask_strategies import chunked_arrays, dims_for


def compute(lazy):
    return lazy.compute(scheduler="sync")


def the_issue_example() -> np.ndarray:
    """4x4, value 0 at flat indices 2 ([0, 2]) and 4 ([1, 0]), 1 elsewhere."""
    x = np.ones((4, 4))
    x[0, 2] = x[1, 0] = 0
    return x


def test_issue_counterexample_dask_breaks_the_tie_by_block_order_argreduce_by_index():
    x = the_issue_example()
    dx = da.from_array(x, chunks=(2, 2))
    assert int(np.argmin(x)) == 2
    assert int(compute(ar.argmin(dx))) == 2
    dask_answer = int(compute(da.argmin(dx)))
    if dask_answer != 2:  # Dask still orders the two blocks' winners by block: block (0, 0) holds 4
        assert dask_answer == 4


@given(data=chunked_arrays(), choice=st.data(), keepdim=st.booleans(), is_max=st.booleans())
def test_any_chunking_gives_the_in_memory_answer(data, choice, keepdim, is_max):
    x, chunks = data
    dims = choice.draw(dims_for(x.ndim))
    fn = ar.argmax if is_max else ar.argmin
    lazy = fn(da.from_array(x, chunks=chunks), dims, keepdim)
    got = compute(lazy)
    expected = fn(x, dims, keepdim)
    assert isinstance(lazy, da.Array) and lazy.dtype == np.int64
    assert lazy.shape == np.shape(expected) == np.shape(got)
    assert np.array_equal(got, expected)
    if dims is None or isinstance(dims, int):
        numpy_fn = np.argmax if is_max else np.argmin
        assert np.array_equal(got, numpy_fn(x, axis=dims, keepdims=keepdim))


@pytest.mark.parametrize("dims", [None, 1, -2, (0, 2), (2, 0)])
def test_blocks_of_one_element_and_split_every_two(dims):
    # The deepest tree Dask builds: every element its own block, pairs merged level by level.
    rng = np.random.default_rng(5)
    x = rng.integers(0, 2, (5, 3, 4)).astype(np.float32)
    x[rng.random(x.shape) < 0.1] = np.nan
    dx = da.from_array(x, chunks=1)
    with dask.config.set(split_every=2):
        got = compute(ar.argmin(dx, dims))
    assert np.array_equal(got, ar.argmin(x, dims))


def test_zero_dim_and_empty_kept_dims():
    assert compute(ar.argmin(da.from_array(np.array(7.0)))) == 0
    assert np.shape(compute(ar.argmax(da.from_array(np.array(7.0)), -1, True))) == ()
    empty = da.zeros((0, 3), chunks=2)
    assert compute(ar.argmin(empty, 1)).shape == (0,)
    assert compute(ar.argmin(empty, 1, keepdim=True)).shape == (0, 1)


def _error_of(call):
    try:
        call()
    except Exception as e:
        return type(e), str(e)
    raise AssertionError("no error raised")


@pytest.mark.parametrize(
    ("x", "dim"),
    [
        (np.zeros((2, 3)), 2),
        (np.zeros((2, 3)), (0, -3)),
        (np.zeros((2, 3)), (1, -1)),
        (np.zeros((0, 3)), None),
        (np.zeros((0, 3)), 0),
        (np.zeros((3, 0)), -1),
        (np.zeros((2, 2), dtype=np.complex64), None),
        (np.zeros((2, 2)), 1.0),
        (np.zeros((2, 2)), [0]),
    ],
)
def test_errors_are_the_in_memory_errors(x, dim):
    dx = da.from_array(x, chunks=1)
    assert _error_of(lambda: ar.argmin(dx, dim)) == _error_of(lambda: ar.argmin(x, dim))


def test_keepdim_must_be_bool_and_out_is_refused():
    dx = da.from_array(np.arange(4.0), chunks=2)
    assert _error_of(lambda: ar.argmax(dx, 0, 1)) == _error_of(lambda: ar.argmax(np.arange(4.0), 0, 1))
    err_type, message = _error_of(lambda: ar.argmin(dx, out=np.empty((), np.int64)))
    assert err_type is TypeError and "lazy" in message


def test_unknown_chunk_sizes_ask_for_compute_chunk_sizes():
    dx = da.from_array(np.arange(10.0), chunks=3)
    masked = dx[dx > 4]
    err_type, message = _error_of(lambda: ar.argmin(masked))
    assert err_type is ValueError and "compute_chunk_sizes" in message
    assert int(compute(ar.argmin(masked.compute_chunk_sizes()))) == 0


def test_dask_is_imported_only_when_a_dask_array_arrives():
    code = "import sys, argreduce as ar; ar.argmin([[3, 1]], 1); print(sorted(m for m in ('dask', 'distributed', 'zarr') if m in sys.modules))"  # noqa: E501
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
