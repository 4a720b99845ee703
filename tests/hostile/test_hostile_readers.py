"""Hostile files for every reader: headers that lie about their shape, size or type, archives that
zipfile will not read, devices without an end. Each must be the answer or one clean line.
(The CSV/text reader has its own suite.)"""

from __future__ import annotations

import json
import struct
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hostile_support import answered, npy_bytes, refused, run_cli


def _header(shape: str) -> str:
    return f"{{'descr': '<f8', 'fortran_order': False, 'shape': {shape}, }}"


# ---- .npy: item 6 (negative dims), item 13 (claimed sizes checked before allocating) ----------------


@pytest.mark.parametrize("shape", ["(-2, -3)", "(2, -1)", "(True, 2)", "(2.5,)", "[2, 3]", "(2, 3, 'a')"])
def test_npy_header_with_an_impossible_shape_is_refused(tmp_path, shape):
    path = tmp_path / "x.npy"
    path.write_bytes(npy_bytes(_header(shape), b"\0" * 48))
    refused(run_cli(path), "not a valid .npy file")


def test_npy_claiming_more_elements_than_int64_counts_is_truncated_not_wrapped(tmp_path):
    """(2**32, 2**32) elements: 2**64, which wraps to 0 in int64 and passed the truncation check."""
    path = tmp_path / "x.npy"
    path.write_bytes(npy_bytes(_header("(4294967296, 4294967296)"), b"\0" * 64))
    refused(run_cli(path), "truncated")
    refused(run_cli(path, "--dim", "1"), "truncated")


def test_piped_npy_claiming_a_huge_shape_is_refused_before_the_result_is_allocated():
    data = npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1099511627776, 2), }", b"\0" * 64)
    refused(run_cli("-", "--format", "npy", "--dim", "1", stdin=data), "memory")


def test_npz_member_claiming_more_than_it_holds_is_refused(tmp_path):
    path = tmp_path / "x.npz"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("a.npy", npy_bytes(_header("(1, 1099511627776)"), b"\0" * 64))
    refused(run_cli(path, "--dim", "0"), "truncated")


def test_npy_version_3_header_is_read(tmp_path):
    x = np.array([[4.0, -1.0], [7.0, -3.0]])
    path = tmp_path / "x.npy"
    path.write_bytes(npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", x.tobytes(),
                               version=(3, 0)))
    assert answered(run_cli(path, "--json"))["index"] == int(np.argmin(x))


# ---- .npz: item 12 (zip members zipfile refuses) and item 2 (devices) -------------------------------


def _npz_with_patched_member(path, flags: int | None = None, method: int | None = None) -> None:
    with zipfile.ZipFile(path, "w") as z:
        buf = __import__("io").BytesIO()
        np.save(buf, np.arange(4.0))
        z.writestr("a.npy", buf.getvalue())
    data = bytearray(path.read_bytes())
    for signature, flag_at, method_at in ((b"PK\x03\x04", 6, 8), (b"PK\x01\x02", 8, 10)):
        at = data.index(signature)
        if flags is not None:
            data[at + flag_at:at + flag_at + 2] = struct.pack("<H", flags)
        if method is not None:
            data[at + method_at:at + method_at + 2] = struct.pack("<H", method)
    path.write_bytes(bytes(data))


def test_npz_member_marked_encrypted_is_refused(tmp_path):
    _npz_with_patched_member(tmp_path / "x.npz", flags=1)
    refused(run_cli(tmp_path / "x.npz"), "encrypted")


def test_npz_member_with_an_unknown_compression_method_is_refused(tmp_path):
    _npz_with_patched_member(tmp_path / "x.npz", method=99)
    refused(run_cli(tmp_path / "x.npz"), "compression")


@pytest.mark.parametrize(("found", "fragment"), [
    ("undecodable_member_name", "corrupt archive"),  # a name that is not the UTF-8 its flag says
    ("future_zip_version", "unsupported .npz archive"),  # "zip file version 7.2"
])
def test_npz_archives_found_by_the_fuzz_target_are_refused(tmp_path, found, fragment):
    corpus = Path(__file__).parents[1] / "fuzz" / "corpus" / "npz" / f"{found}.npz"
    (tmp_path / "x.npz").write_bytes(corpus.read_bytes())
    refused(run_cli(tmp_path / "x.npz"), fragment)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
@pytest.mark.parametrize("fmt", ["npz", "safetensors", "parquet", "arrow", "hdf5"])
def test_a_device_is_refused_where_a_reader_must_seek(device, fmt):
    refused(run_cli(device, "--format", fmt, timeout=30), "not a regular file")


def test_a_device_read_as_npy_ends_in_one_line():
    refused(run_cli("/dev/zero", "--format", "npy", timeout=30), "not a valid .npy file")


# ---- .safetensors: items 6 and 14 (the header's schema) -------------------------------------------


def _safetensors(path, header, data: bytes = b"\0" * 64) -> None:
    text = header if isinstance(header, bytes) else json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(text)) + text + data)


@pytest.mark.parametrize("entry", [
    {"dtype": "F32", "shape": [-1, -3], "data_offsets": [0, 12]},
    {"dtype": "F32", "shape": [3.7], "data_offsets": [0, 12]},
    {"dtype": "F32", "shape": [True, 3], "data_offsets": [0, 12]},
    {"dtype": "F32", "shape": [3], "data_offsets": ["0", "12"]},
    {"dtype": "F32", "shape": [3], "data_offsets": [0.0, 12.0]},
    {"dtype": "F32", "shape": [3], "data_offsets": [0]},
    {"dtype": "F32", "shape": [3], "data_offsets": [-12, 0]},
    {"dtype": ["F32"], "shape": [3], "data_offsets": [0, 12]},
    {"dtype": "F32", "shape": 3, "data_offsets": [0, 12]},
    ["F32", [3], [0, 12]],
])
def test_safetensors_entry_breaking_the_schema_is_refused(tmp_path, entry):
    _safetensors(tmp_path / "x.safetensors", {"t": entry})
    refused(run_cli(tmp_path / "x.safetensors"), "not a valid .safetensors")


def test_safetensors_header_nested_deeply_is_refused(tmp_path):
    _safetensors(tmp_path / "x.safetensors", b"[" * 100_000 + b"]" * 100_000)
    refused(run_cli(tmp_path / "x.safetensors"), "not a valid .safetensors")


def test_safetensors_within_the_schema_is_read(tmp_path):
    x = np.array([3.0, -2.0, 5.0], dtype="<f4")
    _safetensors(tmp_path / "x.safetensors", {"__metadata__": {"a": "b"},
                                              "t": {"dtype": "F32", "shape": [3], "data_offsets": [0, 12]}},
                 x.tobytes())
    assert answered(run_cli(tmp_path / "x.safetensors", "--json"))["index"] == int(np.argmin(x))


# ---- HDF5 (item 15), Zarr (items 13, 19) -----------------------------------------------------------


def test_hdf5_empty_dataset_is_refused(tmp_path):
    h5py = pytest.importorskip("h5py")
    with h5py.File(tmp_path / "e.h5", "w") as f:
        f.create_dataset("e", data=h5py.Empty("f8"))
    refused(run_cli(tmp_path / "e.h5"), "empty")


def test_zarr_array_too_big_for_its_result_is_refused_before_allocating(tmp_path):
    zarr = pytest.importorskip("zarr")
    zarr.open(str(tmp_path / "z.zarr"), mode="w", shape=(1, 2**40), chunks=(1, 2**20), dtype="f8")
    refused(run_cli(tmp_path / "z.zarr", "--dim", "0"), "memory")


def test_corrupt_zarr_chunk_is_one_line_every_time(tmp_path):
    zarr = pytest.importorskip("zarr")
    z = zarr.open(str(tmp_path / "z.zarr"), mode="w", shape=(64,), chunks=(4,), dtype="f8")
    z[:] = np.arange(64.0)
    chunks = sorted(p for p in (tmp_path / "z.zarr").rglob("*") if p.is_file() and "zarr" not in p.name
                    and not p.name.startswith("."))
    for chunk in chunks[::3]:
        chunk.write_bytes(b"not a compressed chunk")
    for _ in range(4):  # the asyncio noise came in about one run in four
        refused(run_cli(tmp_path / "z.zarr"), "cannot read the data")


# ---- Parquet / Arrow: item 7 (columns of types no single type holds exactly) -----------------------


def _mixed_table():
    pa = pytest.importorskip("pyarrow")
    return pa.table({"u": pa.array([2**63, 2**63 + 1], pa.uint64()), "i": pa.array([0, 0], pa.int64()),
                     "f": pa.array([2.0**53, 2.0**53], pa.float64())})


@pytest.mark.parametrize("fmt", ["parquet", "arrow"])
def test_columns_without_an_exact_common_type_are_each_reduced_in_their_own(tmp_path, fmt):
    table = _mixed_table()
    import pyarrow.feather
    import pyarrow.parquet

    path = tmp_path / f"t.{fmt}"
    (pyarrow.parquet.write_table if fmt == "parquet" else pyarrow.feather.write_feather)(table, path)
    for is_max in (False, True):
        reduce = np.argmax if is_max else np.argmin
        expected = [int(reduce(table[c].to_numpy())) for c in table.column_names]
        got = answered(run_cli(path, "--dim", "0", "--json", *(["--max"] if is_max else [])))
        assert got["index"] == expected
    refused(run_cli(path, "--dim", "1"), "cannot hold exactly")
    refused(run_cli(path), "cannot hold exactly")
    # Where the values do survive the common type, the answer is the same as the whole table's.
    small = table.slice(0, 1)
    (pyarrow.parquet.write_table if fmt == "parquet" else pyarrow.feather.write_feather)(small, path)
    x = np.stack([small[c].to_numpy().astype(np.float64) for c in small.column_names], axis=1)
    assert answered(run_cli(path, "--dim", "1", "--json"))["index"] == np.argmin(x, axis=1).tolist()


# ---- --chunk-bytes: item 20 -------------------------------------------------------------------------


def test_tiny_chunk_bytes_still_reads_a_file_quickly(tmp_path):
    x = np.random.default_rng(0).random(2**22, dtype=np.float32)  # 16 MiB: 4M one-element blocks before
    np.save(tmp_path / "x.npy", x)
    start = time.monotonic()
    got = answered(run_cli(tmp_path / "x.npy", "--chunk-bytes", "1", "--json", timeout=120))
    assert got["index"] == int(np.argmin(x))
    assert time.monotonic() - start < 30
