"""Text tables, Parquet, Arrow, Zarr and HDF5 through the command line, against the in-memory
library result (for tables with nulls: the library on each slice's valid values)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from cli_support import dim_args, expected, json_index, tie_heavy


def write_csv(path, x, header=None, delimiter=",", fmt=repr):
    lines = [delimiter.join(header)] if header else []
    rows = x.reshape(len(x), -1)
    lines += [delimiter.join(fmt(v.item()) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n")


# --- text -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("header", [None, ["a", "b", "c", "loss"]])
@pytest.mark.parametrize("kind", ["float", "int"])
def test_csv_against_library(cli, tmp_path, header, kind):
    rng = np.random.default_rng(1)
    x = tie_heavy(rng, (23, 4), np.float64) if kind == "float" else rng.integers(-2, 3, (23, 4))
    write_csv(tmp_path / "t.csv", x, header)
    cases = itertools.product((None, 0, 1, (0, 1), (1, 0)), ("1", "30", "16M"), (False, True))
    for dim, chunk, is_max in cases:
        run = cli(tmp_path / "t.csv", "--json", "--chunk-bytes", chunk, *dim_args(dim),
                  *(["--max"] if is_max else []))
        assert json_index(run).tolist() == expected(x, dim, is_max).tolist(), (dim, chunk)
        assert ('"columns"' in run.out) == (header is not None)
        assert f'"dtype": "{"float64" if kind == "float" else "int64"}"' in run.out


def test_csv_reports_data_rows_and_reads_one_column_as_1d(cli, tmp_path):
    (tmp_path / "loss.csv").write_text("loss\n0.5\n\n0.25\n0.75\n0.25\n")
    assert cli(tmp_path / "loss.csv").out == "1\n"  # rows from 0, header and blank line not counted
    assert cli(tmp_path / "loss.csv", "--max").out == "2\n"
    assert cli(tmp_path / "loss.csv", "--json").out.count('"shape": [4]') == 1


def test_tsv_and_quoted_csv(cli, tmp_path):
    x = np.array([[3.5, -1, 2], [0, -1, 7]])
    write_csv(tmp_path / "t.tsv", x, ["x", "y", "z"], delimiter="\t")
    assert cli(tmp_path / "t.tsv", "--dim", "1").out == "[1 1]\n"
    (tmp_path / "q.csv").write_text('"a","b"\n"3","1"\n"0","2"\n')
    assert cli(tmp_path / "q.csv", "--dim", "0").out == "[1 0]\n"


def test_integers_stay_exact_and_a_late_float_restarts_as_float64(cli, tmp_path):
    big = [2**53 + 1, 2**53, 2**53 + 1]  # as float64 all three tie: index 0; as int64: 1
    (tmp_path / "i.csv").write_text("\n".join(map(str, big)) + "\n")
    assert cli(tmp_path / "i.csv").out == f"{expected(np.array(big), None)}\n" == "1\n"
    # The float shows up after the first chunk: the whole table is read again as float64.
    rows = [str(v) for v in [5, 3, 4, 3, 9, 3, 2.5, 8]]
    (tmp_path / "f.csv").write_text("\n".join(rows) + "\n")
    run = cli(tmp_path / "f.csv", "--json", "--chunk-bytes", "4")
    assert json_index(run) == 6 and '"dtype": "float64"' in run.out


def test_numbers_on_standard_input(cli):
    assert cli("-", stdin=b"3 1 2\n0.5, 9, -1\n").out == "5\n"
    assert cli("-", "--dim", "1", stdin=b"3 1 2\n0.5 9 -1\n").out == "[1 2]\n"
    assert cli("-", "--max", stdin=b"".join(b"%d\n" % i for i in range(10))).out == "9\n"
    # a float after the first chunk of standard input: replayed from the spool, read as float64
    data = b"7\n" * 50 + b"2\n" + b"5\n" * 50 + b"1.5\n2\n"
    run = cli("-", "--json", "--chunk-bytes", "10", stdin=data)
    assert json_index(run) == 101 and '"dtype": "float64"' in run.out


# --- tables with nulls ----------------------------------------------------------------------------

def skipping_nulls(x: np.ndarray, valid: np.ndarray, dim, is_max: bool) -> np.ndarray:
    """The library on each slice's valid values, indices mapped back: an independent oracle."""
    def one(values, ok):
        where = np.flatnonzero(ok)
        return where[int(expected(values[where], None, is_max))]

    if dim is None:
        return np.array(one(x.reshape(-1), valid.reshape(-1)))
    if x.ndim == 1:
        return np.array(one(x, valid))
    xs, vs = (x.T, valid.T) if dim == 0 else (x, valid)
    return np.array([one(a, b) for a, b in zip(xs, vs, strict=True)])


def table_with_nulls(rng, rows=40):
    pa = pytest.importorskip("pyarrow")
    ints = rng.integers(-1, 2, rows)
    floats = tie_heavy(rng, (rows,), np.float64, nan_rate=0.05)
    floats[rng.random(rows) < 0.1] = np.inf  # a real +inf ties the value nulls are filled with
    mask_i, mask_f = rng.random(rows) < 0.3, rng.random(rows) < 0.3
    mask_i[:5] = True  # a leading run of nulls: the first chunks of column i hold nothing
    mask_f &= ~mask_i  # no all-null row (that is an error, tested with the other bad inputs)
    table = pa.table({"i": pa.array(ints, mask=mask_i), "f": pa.array(floats, mask=mask_f),
                      "name": pa.array([f"r{i}" for i in range(rows)])})
    x = np.stack([ints.astype(np.float64), floats], axis=1)
    valid = np.stack([~mask_i, ~mask_f], axis=1)
    return table, x, valid


@pytest.mark.parametrize("fmt", ["parquet", "arrow-file", "arrow-stream", "feather"])
def test_parquet_and_arrow_skip_nulls(cli, tmp_path, fmt):
    pa = pytest.importorskip("pyarrow")
    table, x, valid = table_with_nulls(np.random.default_rng(3))
    path = tmp_path / ("t.parquet" if fmt == "parquet" else "t.feather" if fmt == "feather" else "t.arrow")
    if fmt == "parquet":
        import pyarrow.parquet as pq

        pq.write_table(table, path, row_group_size=16)
    elif fmt == "feather":
        import pyarrow.feather as feather

        feather.write_feather(table, path, chunksize=13)  # lz4-compressed batches of 13 rows
    else:
        writer_of = pa.ipc.new_file if fmt == "arrow-file" else pa.ipc.new_stream
        with writer_of(path, table.schema) as w:
            for batch in table.to_batches(max_chunksize=11):
                w.write_batch(batch)
    for dim, chunk, is_max in itertools.product((None, 0, 1), ("1", "48", "16M"), (False, True)):
        run = cli(path, "--key", "i,f", "--json", "--chunk-bytes", chunk, *dim_args(dim),
                  *(["--max"] if is_max else []))
        want = skipping_nulls(x, valid, dim, is_max)
        assert json_index(run).tolist() == want.tolist(), (dim, chunk, is_max)
    one = cli(path, "--key", "f", "--json", "--chunk-bytes", "40")
    assert json_index(one).tolist() == skipping_nulls(x[:, 1], valid[:, 1], None, False).tolist()


def test_parquet_without_nulls_matches_library(cli, tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    rng = np.random.default_rng(4)
    cols = {"a": rng.integers(-3, 3, 50).astype(np.int32), "b": rng.integers(0, 2, 50).astype(np.uint8),
            "h": tie_heavy(rng, (50,), np.float16)}
    pq.write_table(pa.table(cols), tmp_path / "t.parquet", row_group_size=7)
    common = np.result_type(*cols.values())  # one type for the table, as np.column_stack makes it
    x = np.stack([cols[c].astype(common) for c in "abh"], axis=1)
    for dim in (None, 0, 1):
        run = cli(tmp_path / "t.parquet", "--json", "--chunk-bytes", "20", *dim_args(dim))
        assert json_index(run).tolist() == expected(x, dim).tolist()


# --- Zarr and HDF5 ----------------------------------------------------------------------------------

@pytest.mark.parametrize("zarr_format", [2, 3])
def test_zarr(cli, tmp_path, zarr_format):
    zarr = pytest.importorskip("zarr")
    x = tie_heavy(np.random.default_rng(5), (9, 7, 4))
    z = zarr.open_array(str(tmp_path / "a.zarr"), mode="w", shape=x.shape, chunks=(2, 3, 4), dtype=x.dtype,
                        zarr_format=zarr_format)
    z[...] = x
    g = zarr.open_group(str(tmp_path / "g.zarr"), mode="w", zarr_format=zarr_format)
    g.create_array("sub/y", shape=(5, 3), chunks=(5, 1), dtype="int16")[...] = np.arange(15).reshape(5, 3) % 4
    y = np.arange(15).reshape(5, 3) % 4
    for dim, chunk in itertools.product((None, 0, 2, (0, 1), (1, 2)), ("40", "100", "16M")):
        run = cli(tmp_path / "a.zarr", "--json", "--chunk-bytes", chunk, *dim_args(dim))
        assert json_index(run).tolist() == expected(x, dim).tolist(), (dim, chunk)
    for dim in (None, 0, 1):
        run = cli(tmp_path / "g.zarr", "--key", "sub/y", "--json", "--chunk-bytes", "8", *dim_args(dim))
        assert json_index(run).tolist() == expected(y, dim).tolist()


def test_hdf5(cli, tmp_path):
    h5py = pytest.importorskip("h5py")
    rng = np.random.default_rng(6)
    x, y = tie_heavy(rng, (11, 6)), rng.integers(0, 3, (4, 5, 3)).astype(np.uint16)
    with h5py.File(tmp_path / "f.h5", "w") as f:
        f.create_dataset("grp/data", data=x, chunks=(3, 2))
        f.create_dataset("flat", data=y)
    for dim, chunk in itertools.product((None, 0, 1), ("1", "50", "16M")):
        run = cli(tmp_path / "f.h5", "--key", "grp/data", "--json", "--chunk-bytes", chunk, *dim_args(dim))
        assert json_index(run).tolist() == expected(x, dim).tolist()
    for dim in (None, 1, (0, 2)):
        run = cli(tmp_path / "f.h5", "--key", "/flat", "--json", "--chunk-bytes", "7", *dim_args(dim))
        assert json_index(run).tolist() == expected(y, dim).tolist()
    with h5py.File(tmp_path / "one.hdf5", "w") as f:
        f.create_dataset("only", data=y)
    assert cli(tmp_path / "one.hdf5").out == f"{expected(y, None)}\n"


def test_late_float_beyond_the_standard_input_spool_is_an_error(cli, monkeypatch):
    from argreduce.cli.readers.text import _Lines

    monkeypatch.setattr(_Lines, "SPOOL_LIMIT", 100)
    run = cli("-", "--chunk-bytes", "10", stdin=b"7\n" * 200 + b"1.5\n")
    assert run.code == 2 and "save it to a file first" in run.err and run.out == ""
    assert cli("-", "--chunk-bytes", "10", stdin=b"7\n" * 40 + b"1.5\n").out == "40\n"  # within the spool
