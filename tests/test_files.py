"""The file layer shared by the command line and Dask (argreduce.files): one planner, one format
guess, one .npy header reader, used by both."""

from __future__ import annotations

import io

import hypothesis.strategies as st
import numpy as np
import pytest
from hypothesis import given

from argreduce.files import (
    DEFAULT_CHUNK_BYTES,
    FileFormatError,
    block_shape,
    bounded_chunk_bytes,
    guess_format,
    plan_blocks,
    read_npy_header,
)
from argreduce.files.blocks import MAX_BLOCKS

shapes = st.lists(st.integers(0, 6), min_size=0, max_size=4).map(tuple)


@given(shape=shapes, itemsize=st.sampled_from([1, 2, 4, 8]), chunk=st.integers(1, 400))
def test_the_command_lines_blocks_are_the_dask_chunks(shape, itemsize, chunk):
    """Every block of the stream but the last along each dim has the Dask chunk's shape."""
    pytest.importorskip("dask")
    from argreduce.dask.sources import npy_chunks

    blocks = list(plan_blocks(shape, itemsize, chunk))
    expected = npy_chunks(shape, itemsize, False, chunk)
    if blocks:
        assert blocks[0][1] == expected
        assert all(e <= b for _, extents in blocks for e, b in zip(extents, expected, strict=True))
    assert block_shape(shape, itemsize, chunk) == expected


@pytest.mark.parametrize(("path", "fmt"), [
    ("a.npy", "npy"), ("a.NPZ", "npz"), ("w.safetensors", "safetensors"), ("t.pq", "parquet"),
    ("t.feather", "arrow"), ("s.zarr/", "zarr"), ("s3://bucket/x", "zarr"), ("-", "text"), ("x.h5", "hdf5"),
    ("notes.md", None),
])
def test_one_format_guess(path, fmt):
    assert guess_format(path) == fmt


def test_small_chunks_stay_small_for_small_files_and_grow_for_big_ones():
    assert bounded_chunk_bytes(1, 1000) == 1
    assert bounded_chunk_bytes(1, 2**30) == 2**30 // MAX_BLOCKS
    assert bounded_chunk_bytes(1, 2**50) == DEFAULT_CHUNK_BYTES  # never beyond the default
    assert bounded_chunk_bytes(2**25, 2**50) == 2**25  # what is asked, when it is not small
    assert bounded_chunk_bytes(1, None) == 1


@pytest.mark.parametrize("version", [(1, 0), (2, 0), (3, 0)])
def test_every_npy_version_is_read(version):
    x = np.arange(6, dtype=">i2").reshape(2, 3)
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.asfortranarray(x), version=version)
    buf.seek(0)
    h = read_npy_header(buf, "x")
    assert (h.shape, h.dtype, h.fortran_order, h.nbytes) == ((2, 3), np.dtype(">i2"), True, 12)
    assert h.data_offset == len(buf.getvalue()) - 12
    h.check_fits("x", len(buf.getvalue()))
    with pytest.raises(FileFormatError, match="truncated"):
        h.check_fits("x", len(buf.getvalue()) - 1)
