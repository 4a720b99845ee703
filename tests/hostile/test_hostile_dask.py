"""The Dask path given blocks and files that are not what they claim."""

from __future__ import annotations

import numpy as np
import pytest
from hostile_support import npy_bytes, refused, run_cli

import argreduce as ar
from argreduce.reduction import ARGMIN

da = pytest.importorskip("dask.array")
from argreduce.dask import open_file, reduce_file  # noqa: E402


def _file_format_error():
    from argreduce.files import FileFormatError

    return FileFormatError


def _mixed_blocks(declared):
    """Two blocks from map_blocks: the first returns int64, the second float64."""
    x = da.from_array(np.arange(6), chunks=3)
    values = {0: np.array([5, 4, 9]), 1: np.array([7.0, 0.5, 8.0])}
    return x.map_blocks(lambda b, block_info=None: values[block_info[0]["chunk-location"][0]], dtype=declared)


def test_a_block_of_another_dtype_is_converted_where_exact():
    x = _mixed_blocks(np.float64)
    expected = np.argmin(x.compute())  # NumPy: concatenated, compared as float64
    assert int(ar.argmin(x).compute()) == expected == 4
    assert int(ar.argmax(x).compute()) == np.argmax(x.compute())


def test_a_block_the_declared_dtype_cannot_hold_is_refused():
    with pytest.raises(TypeError, match="declares int64"):
        ar.argmin(_mixed_blocks(np.int64)).compute()


def test_version_3_npy_is_read(tmp_path):
    x = np.array([[4.0, -1.0, 2.0], [7.0, -3.0, 0.0]])
    path = tmp_path / "x.npy"
    path.write_bytes(npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", x.tobytes(),
                               version=(3, 0)))
    for dims in (None, 0, 1):
        got = reduce_file(str(path), None, dims, False, ARGMIN, chunk_bytes=16)
        assert np.array_equal(got, np.argmin(x, axis=dims))


def test_truncated_npy_is_refused_before_any_task_runs(tmp_path):
    path = tmp_path / "x.npy"
    np.save(path, np.arange(100.0))
    path.write_bytes(path.read_bytes()[:-8])
    with pytest.raises(_file_format_error(), match="truncated"):
        open_file(str(path))


def test_truncated_npy_on_the_command_line_is_one_line(tmp_path):
    pytest.importorskip("distributed")
    path = tmp_path / "x.npy"
    np.save(path, np.arange(100.0))
    path.write_bytes(path.read_bytes()[:-8])
    refused(run_cli(path, "--dask", timeout=120), "truncated")


@pytest.mark.parametrize("shape", ["(-2, -3)", "(4294967296, 4294967296)"])
def test_npy_with_a_lying_shape_is_refused(tmp_path, shape):
    path = tmp_path / "x.npy"
    path.write_bytes(npy_bytes(f"{{'descr': '<f8', 'fortran_order': False, 'shape': {shape}, }}", b"\0" * 64))
    with pytest.raises(_file_format_error()):
        open_file(str(path))


def test_tiny_blocks_are_bounded_in_number(tmp_path):
    from argreduce.files.blocks import MAX_BLOCKS

    np.save(tmp_path / "x.npy", np.arange(2**18, dtype=np.float32))
    assert open_file(str(tmp_path / "x.npy"), chunk_bytes=1).npartitions <= MAX_BLOCKS
