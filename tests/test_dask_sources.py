"""The worker-side sources, in this process: .npy blocks by byte range, Zarr blocks by chunk."""

from __future__ import annotations

import math

import numpy as np
import pytest
import zarr
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import argreduce as ar
from argreduce.dask import open_file, reduce_file, topk_file
from argreduce.dask.sources import npy_chunks, read_npy_header
from argreduce.reduction import ARGMAX, ARGMIN


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """One array with ties and NaNs, saved as C-order, Fortran-order and big-endian .npy, and Zarr."""
    d = tmp_path_factory.mktemp("sources")
    rng = np.random.default_rng(3)
    x = rng.integers(0, 3, (23, 7, 5)).astype(np.float32)
    x[rng.random(x.shape) < 0.02] = np.nan
    np.save(d / "c.npy", x)
    np.save(d / "f.npy", np.asfortranarray(x))
    np.save(d / "be.npy", x.astype(">f4"))
    z = zarr.open(str(d / "x.zarr"), mode="w", shape=x.shape, chunks=(4, 3, 2), dtype=x.dtype)
    z[...] = x
    return d, x


def _index(draw, n: int):
    if draw(st.booleans()):
        return draw(st.integers(-n, n - 1))
    bound = st.one_of(st.none(), st.integers(-n - 2, n + 2))
    return slice(draw(bound), draw(bound), draw(st.sampled_from([None, 1, 2, 3, -1, -2])))


@given(choice=st.data())
def test_npy_reader_slices_like_numpy(saved, choice):
    d, x = saved
    name = choice.draw(st.sampled_from(["c.npy", "f.npy", "be.npy"]))
    index = tuple(_index(choice.draw, n) for n in x.shape)
    got = read_npy_header(str(d / name))[index]
    assert np.array_equal(got, x[index], equal_nan=True)


@given(shape=hnp.array_shapes(min_dims=1, max_dims=4, max_side=9), itemsize=st.sampled_from([1, 2, 8]),
       fortran=st.booleans(), chunk_bytes=st.integers(1, 300))
def test_npy_blocks_are_contiguous_and_small(shape, itemsize, fortran, chunk_bytes):
    block = npy_chunks(shape, itemsize, fortran, chunk_bytes)
    dims = list(reversed(range(len(shape)))) if fortran else list(range(len(shape)))
    # Contiguous in file order: every dim before the last one that is cut short is taken one index at a time.
    cut = [k for k, d in enumerate(dims) if block[d] < shape[d]]
    assert all(block[d] == 1 for d in dims[: cut[-1]]) if cut else True
    assert math.prod(block) * itemsize <= max(chunk_bytes, itemsize)

@pytest.mark.parametrize("name", ["c.npy", "f.npy", "be.npy", "x.zarr"])
@pytest.mark.parametrize(("dims", "keepdim"), [(None, False), (0, True), (-1, False), ((0, 2), False)])
def test_files_reduce_to_the_in_memory_answer(saved, name, dims, keepdim):
    d, x = saved
    assert open_file(str(d / name), chunk_bytes=100).npartitions > 10  # many blocks, small ones
    for is_max, fn in ((False, ar.argmin), (True, ar.argmax)):
        got = reduce_file(str(d / name), None, dims, keepdim, ARGMAX if is_max else ARGMIN, chunk_bytes=100)
        expected = fn(x, dims, keepdim)
        assert got.dtype == np.int64 and got.shape == np.shape(expected)
        assert np.array_equal(got, expected)


@pytest.mark.parametrize("name", ["c.npy", "f.npy", "be.npy", "x.zarr"])
@pytest.mark.parametrize("dim", [None, 0, 1, -1])
def test_files_topk_to_the_in_memory_answer(saved, name, dim):
    """topk_file (the command line's --top on a cluster): blocks that cut rows, the flattening
    reshaped across them, ties and NaNs across blocks; values and indices both."""
    d, x = saved
    for largest in (False, True):
        k = 4 if dim is None or x.shape[dim] > 4 else x.shape[dim]
        values, indices = topk_file(str(d / name), None, k, dim, largest, chunk_bytes=100)
        want = ar.topk(x, k, dim, largest)
        assert indices.dtype == np.int64 and np.array_equal(indices, want.indices)
        assert np.array_equal(values, want.values, equal_nan=True)


def test_zarr_group_needs_a_key_when_it_holds_several_arrays(tmp_path):
    g = zarr.open_group(str(tmp_path / "g.zarr"), mode="w")
    for name, value in (("a", [3.0, 1.0, 1.0]), ("b", [0, 5, 5])):
        a = g.create_array(name, shape=(3,), dtype=np.asarray(value).dtype) if hasattr(g, "create_array") \
            else g.create_dataset(name, shape=(3,), dtype=np.asarray(value).dtype)
        a[...] = value
    with pytest.raises(ValueError, match="key="):
        open_file(str(tmp_path / "g.zarr"))
    assert int(reduce_file(str(tmp_path / "g.zarr"), "zarr", None, False, ARGMIN, key="a")) == 1
    assert int(reduce_file(str(tmp_path / "g.zarr"), "zarr", None, False, ARGMAX, key="b")) == 1
