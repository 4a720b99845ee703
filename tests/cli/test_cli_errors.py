"""Bad input: one clear line on standard error, exit status 2, no traceback, nothing on standard
output. Each case names what the line must say."""

from __future__ import annotations

import json
import struct
import sys

import numpy as np
import pytest

from argreduce.cli.errors import EXIT_BAD_INPUT


def fails(run, *fragments):
    assert run.code == EXIT_BAD_INPUT, run
    assert run.out == ""
    assert run.err.startswith("argreduce: ") and run.err.endswith("\n") and run.err.count("\n") == 1, run.err
    assert "Traceback" not in run.err
    for f in fragments:
        assert f in run.err, (f, run.err)


def test_missing_file(cli, tmp_path):
    fails(cli(tmp_path / "nope.npy"), "nope.npy: no such file")


def test_unknown_format(cli, tmp_path):
    (tmp_path / "x.bin").write_bytes(b"\0" * 8)
    fails(cli(tmp_path / "x.bin"), "cannot tell the format", "--format")
    fails(cli(tmp_path), "is a directory")


def test_corrupt_npy_headers(cli, tmp_path):
    (tmp_path / "magic.npy").write_bytes(b"NOTNUMPY" + b"\0" * 100)
    fails(cli(tmp_path / "magic.npy"), "not a valid .npy file", "magic string")
    good = tmp_path / "good.npy"
    np.save(good, np.arange(1000.0))
    (tmp_path / "cut.npy").write_bytes(good.read_bytes()[:40])  # inside the header
    fails(cli(tmp_path / "cut.npy"), "not a valid .npy file")
    header = b"{'descr': '<f8', 'fortran_order': False, 'shape': (3,), "  # the dict never closes
    (tmp_path / "dict.npy").write_bytes(b"\x93NUMPY\x01\x00" + struct.pack("<H", 64) + header.ljust(64))
    fails(cli(tmp_path / "dict.npy"), "not a valid .npy file")
    (tmp_path / "empty.npy").write_bytes(b"")
    fails(cli(tmp_path / "empty.npy"), "not a valid .npy file")


def test_truncated_npy_names_the_byte_offset(cli, tmp_path):
    good = tmp_path / "good.npy"
    np.save(good, np.arange(1000.0))
    data = good.read_bytes()
    (tmp_path / "short.npy").write_bytes(data[:5000])
    fails(cli(tmp_path / "short.npy"), "truncated", "ends at byte 5000", f"runs to byte {len(data)}")
    # from a pipe the size is not known up front: the read itself finds where the data stops
    run = cli("-", "--format", "npy", "--chunk-bytes", "1K", stdin=data[:5000])
    fails(run, "<stdin>", "ends at byte 5000")


def test_truncated_safetensors(cli, tmp_path):
    from safetensors.numpy import save_file

    save_file({"w": np.arange(100, dtype=np.float32)}, str(tmp_path / "m.safetensors"))
    data = (tmp_path / "m.safetensors").read_bytes()
    (tmp_path / "cut.safetensors").write_bytes(data[:-10])
    fails(cli(tmp_path / "cut.safetensors"), "truncated", f"ends at byte {len(data) - 10}",
          f"runs to byte {len(data)}")
    (tmp_path / "bad.safetensors").write_bytes(struct.pack("<Q", 5) + b"{oops")
    fails(cli(tmp_path / "bad.safetensors"), "not a valid .safetensors file")


def test_truncated_npz(cli, tmp_path):
    np.savez_compressed(tmp_path / "z.npz", a=np.arange(10000.0))
    data = (tmp_path / "z.npz").read_bytes()
    (tmp_path / "cut.npz").write_bytes(data[: len(data) // 2])
    fails(cli(tmp_path / "cut.npz"), "not a valid .npz file")


@pytest.mark.parametrize(("text", "fragments"), [
    ("a,b\n1,2\n3,x\n", ["line 3, column 2 ('b')", "'x' is not a number"]),
    ("1,2\n3,\n", ["line 2, column 2", "'' is not a number"]),
    ("a,b\n1,2\n\n3,4,5\n", ["line 4 has 3 values", "2 columns"]),
    ("", ["no numbers"]),
])
def test_bad_csv(cli, tmp_path, text, fragments):
    (tmp_path / "t.csv").write_text(text)
    fails(cli(tmp_path / "t.csv", "--chunk-bytes", "4"), *fragments)


def test_non_numeric_cell_in_a_late_chunk(cli, tmp_path):
    (tmp_path / "t.csv").write_text("x\n" + "1\n" * 1000 + "oops\n")
    fails(cli(tmp_path / "t.csv", "--chunk-bytes", "64"), "line 1002, column 1 ('x'): 'oops' is not a number")


@pytest.mark.parametrize(("make", "fragments"), [
    (lambda p: np.savez(p / "x.npz", a=np.zeros(3), b=np.zeros(2)), ["several arrays (a, b)", "--key"]),
    (lambda p: np.savez(p / "x.npz", a=np.zeros(3)), ["no array named 'zz'", "a"]),
])
def test_npz_keys(cli, tmp_path, make, fragments):
    make(tmp_path)
    run = cli(tmp_path / "x.npz", "--key", "zz") if "zz" in fragments[0] else cli(tmp_path / "x.npz")
    fails(run, *fragments)


def test_missing_keys_in_other_containers(cli, tmp_path):
    from safetensors.numpy import save_file

    save_file({"w": np.zeros(3, np.float32)}, str(tmp_path / "m.safetensors"))
    fails(cli(tmp_path / "m.safetensors", "--key", "v"), "no array named 'v'", "w")
    h5py = pytest.importorskip("h5py")
    with h5py.File(tmp_path / "f.h5", "w") as f:
        f["a/b"] = np.zeros(3)
        f["c"] = np.zeros(3)
    fails(cli(tmp_path / "f.h5"), "several datasets (a/b, c)")
    fails(cli(tmp_path / "f.h5", "--key", "a/x"), "no array named 'a/x'")
    zarr = pytest.importorskip("zarr")
    g = zarr.open_group(str(tmp_path / "g.zarr"), mode="w")
    g.create_array("y", shape=(3,), dtype="f4")
    fails(cli(tmp_path / "g.zarr", "--key", "q"), "no array named 'q'")
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"a": [1, 2], "s": ["x", "y"]}), tmp_path / "t.parquet")
    fails(cli(tmp_path / "t.parquet", "--key", "b"), "no column named 'b'")
    fails(cli(tmp_path / "t.parquet"), "column 's' holds string", "--key")
    fails(cli(tmp_path / "t.parquet", "--key", "s"), "holds string")
    np.save(tmp_path / "x.npy", np.zeros(3))
    fails(cli(tmp_path / "x.npy", "--key", "a"), "--key selects")


def test_all_null_slices(cli, tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    table = pa.table({"a": pa.array([1.0, None, 3.0]), "b": pa.array([None, None, None], pa.float64())})
    pq.write_table(table, tmp_path / "t.parquet")
    fails(cli(tmp_path / "t.parquet", "--dim", "0"), "column 'b' holds only nulls")
    fails(cli(tmp_path / "t.parquet", "--key", "b"), "every value is null")
    assert cli(tmp_path / "t.parquet").out == "0\n"  # dim None: the nulls are skipped
    fails(cli(tmp_path / "t.parquet", "--dim", "1"), "output position (1,) holds only nulls")


@pytest.mark.parametrize(("args", "fragments"), [
    (["--dim", "2"], ["Dimension out of range (expected to be in range of [-2, 1], but got 2)"]),
    (["--dim=-3"], ["but got -3"]),
    (["--dim=0,-2"], ["dim 0 appears multiple times"]),
])
def test_dims(cli, tmp_path, args, fragments):
    np.save(tmp_path / "x.npy", np.zeros((2, 3)))
    fails(cli(tmp_path / "x.npy", *args), *fragments)


def test_empty_arrays(cli, tmp_path):
    np.save(tmp_path / "e.npy", np.zeros((0, 3)))
    fails(cli(tmp_path / "e.npy"), "the array is empty", "needs --dim")
    fails(cli(tmp_path / "e.npy", "--dim", "0"), "Expected reduction dim 0 to have non-zero size")
    run = cli(tmp_path / "e.npy", "--dim", "1", "--json")
    assert run.code == 0 and json.loads(run.out)["index"] == []
    (tmp_path / "h.csv").write_text("a,b\n")
    fails(cli(tmp_path / "h.csv"), "the array is empty")
    assert cli(tmp_path / "h.csv", "--dim", "1").out == "[]\n"


def test_unsupported_dtypes(cli, tmp_path):
    np.save(tmp_path / "c.npy", np.zeros(3, np.complex64))
    fails(cli(tmp_path / "c.npy"), "complex")
    np.save(tmp_path / "o.npy", np.array([1, "a"], dtype=object), allow_pickle=True)
    fails(cli(tmp_path / "o.npy"), "object")
    np.save(tmp_path / "s.npy", np.array(["a", "b"]))
    fails(cli(tmp_path / "s.npy"), "unsupported dtype")


@pytest.mark.parametrize("args", [["--dim", "x"], ["--chunk-bytes", "lots"], ["--threads", "0"], [],
                                  ["--format", "xls"]])
def test_bad_command_lines_exit_2(cli, tmp_path, args):
    np.save(tmp_path / "x.npy", np.zeros(3))
    run = cli(*([] if not args else [tmp_path / "x.npy"]), *args)
    assert run.code == 2 and run.out == "" and "Traceback" not in run.err


@pytest.mark.parametrize(("module", "suffix", "extra"), [
    ("pyarrow", "parquet", "parquet"), ("pyarrow", "feather", "parquet"), ("zarr", "zarr", "zarr"),
    ("h5py", "h5", "hdf5"),
])
def test_missing_optional_library_names_the_extra(cli, tmp_path, monkeypatch, module, suffix, extra):
    path = tmp_path / f"x.{suffix}"
    path.mkdir() if suffix == "zarr" else path.write_bytes(b"\0" * 16)
    for name in list(sys.modules):
        if name == module or name.startswith(module + "."):
            monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, module, None)  # the import fails as if it were not installed
    fails(cli(path), f"needs the '{module}' package", f"pip install 'argreduce[{extra}]'")
