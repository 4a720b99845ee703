"""The pieces under the command: block planning, index globalisation, null skipping, prefetching
and argument parsing, checked against direct NumPy computations."""

from __future__ import annotations

import argparse
import itertools
import json
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import argreduce as ar
from argreduce.absent import filled, move_off_absent
from argreduce.cli.args import parse_args, parse_dims, parse_size
from argreduce.cli.prefetch import prefetched
from argreduce.cli.readers import Block, Source
from argreduce.cli.readers.base import BUFFERS_IN_FLIGHT, plan_blocks
from argreduce.cli.readers.npy import read_npy_header
from argreduce.cli.stream import reduce_source
from argreduce.reduction import ARGMAX, ARGMIN

shapes = st.lists(st.integers(0, 5), min_size=0, max_size=4).map(tuple)


@given(shape=shapes, itemsize=st.sampled_from([1, 2, 4, 8]), chunk=st.integers(1, 300))
def test_blocks_tile_the_array_once_in_row_major_order(shape, itemsize, chunk):
    order = np.arange(math.prod(shape)).reshape(shape)  # each element's place in C order
    seen = np.zeros(math.prod(shape), dtype=np.int64)
    next_place = 0
    for starts, extents in plan_blocks(shape, itemsize, chunk):
        places = order[tuple(slice(s, s + e) for s, e in zip(starts, extents, strict=True))].reshape(-1)
        # contiguous in C order and right after the previous block
        assert places.tolist() == list(range(next_place, next_place + places.size))
        next_place += places.size
        seen[places] += 1
        assert places.size * itemsize <= chunk or places.size == 1  # a chunk, or one element bigger than it
    assert (seen == 1).all()


def _source_of(x: np.ndarray, chunk: int, valid: np.ndarray | None = None) -> Source:
    def blocks():
        for starts, extents in plan_blocks(x.shape, x.itemsize, chunk):
            region = tuple(slice(s, s + e) for s, e in zip(starts, extents, strict=True))
            yield Block(x[region].copy(), starts, 0, None if valid is None else valid[region])

    return Source("test", x.shape, x.dtype, None, blocks)


@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=4).map(tuple), chunk=st.integers(1, 64),
       data=st.data())
def test_stream_matches_the_library_for_any_blocks(shape, chunk, data):
    ndim = len(shape)
    some_dims = st.lists(st.integers(0, ndim - 1), min_size=1, unique=True).map(tuple)
    dims = data.draw(st.one_of(st.none(), some_dims))
    is_max = data.draw(st.booleans())
    x = np.random.default_rng(data.draw(st.integers(0, 2**32))).integers(0, 3, shape).astype(np.float32)
    x[x == 2] = np.nan if data.draw(st.booleans()) else 2
    got = reduce_source(_source_of(x, chunk), dims, ARGMAX if is_max else ARGMIN, overlap=False)
    want = (ar.argmax if is_max else ar.argmin)(x, dim=dims)
    assert np.asarray(got).tolist() == np.asarray(want).tolist()


def test_nulls_are_filled_with_the_losing_value_and_fixed():
    x = np.array([[np.inf, 5.0, np.inf], [1.0, 0.0, 2.0]])
    valid = np.array([[False, False, True], [True, False, True]])
    for is_max in (False, True):
        y = filled(x, valid, "float64", is_max)
        assert (y[~valid] == (-np.inf if is_max else np.inf)).all()
    got = reduce_source(_source_of(x, 8, valid), (1,), ARGMIN, overlap=False)
    assert got.tolist() == [2, 0]  # row 0: only the +inf at 2 is valid; row 1: 1.0 at 0 (the 0.0 is null)
    index = np.array([0, 1])
    empty = move_off_absent(index, np.array([[False, False], [True, False]]), (False, True))
    assert empty.tolist() == [True, False] and index[1] == 0


def test_prefetch_keeps_order_and_passes_errors_on():
    assert list(prefetched(iter(range(100)))) == list(range(100))

    def failing():
        yield 1
        raise ValueError("boom")

    it = prefetched(failing())
    assert next(it) == 1
    with pytest.raises(ValueError, match="boom"):
        next(it)
    early = prefetched(itertools.count())
    assert next(early) == 0
    early.close()  # stops the reader thread


def test_prefetching_through_the_rotating_buffers(cli, tmp_path):
    """A compressed .npz member is inflated on the prefetching thread into rotating buffers."""
    rng = np.random.default_rng(0)
    x = rng.integers(0, 1000, (48, 2**16)).astype(np.float32)  # 12 MiB: 12 blocks of 1 MiB
    x[rng.random(x.shape) < 1e-6] = np.nan
    np.savez_compressed(tmp_path / "x.npz", x=x)
    for dim in ("none", "0", "1"):
        run = cli(tmp_path / "x.npz", "--dim", dim, "--chunk-bytes", "1M", "--json")
        assert json.loads(run.out)["index"] == np.asarray(ar.argmin(x, dim=parse_dims(dim))).tolist()


def test_argument_values():
    assert parse_dims("0") == (0,) and parse_dims("-1, 0") == (-1, 0) and parse_dims("None") is None
    assert parse_size("16M") == 16 * 2**20 and parse_size("1.5K") == 1536 and parse_size("10GB") == 10**10
    for bad in ("x", "1.5", "0,a"):
        with pytest.raises(argparse.ArgumentTypeError):
            parse_dims(bad)
    assert parse_args(["f.npy", "--dim", "-1,0"]).dim == (-1, 0)
    assert parse_args(["f.npy", "--dim", "-2"]).dim == (-2,)


def test_no_buffer_is_refilled_while_its_block_is_queued_or_reduced(tmp_path):
    """A slow consumer lets the reader thread run as far ahead as it may: every block must still
    hold its own data when it is consumed."""
    import time

    from argreduce.cli.readers.raw import raw_blocks

    x = np.arange(40 * 16, dtype=np.int64).reshape(40, 16)
    np.save(tmp_path / "x.npy", x)
    with open(tmp_path / "x.npy", "rb") as f:
        _, _, _, offset = read_npy_header(f, "x")
        blocks = raw_blocks(f, "x", offset, x.shape, x.dtype, False, 16 * 8, buffers=BUFFERS_IN_FLIGHT)
        for block in prefetched(blocks):
            time.sleep(0.005)  # the reader fills the queue meanwhile
            assert block.array.tolist() == x[block.starts[0]:block.starts[0] + 1].tolist()
