"""--skip-nan and --values through the command line, against the library on the whole array in
memory, with chunk boundaries cutting through ties, NaN runs and nulls."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from cli_support import dim_args, tie_heavy

import argreduce as ar


def _values_at(x, dim, index):
    if dim is None:
        return np.asarray(x).reshape(-1)[index]
    return np.take_along_axis(x, np.expand_dims(index, dim), dim).squeeze(dim)


@pytest.mark.parametrize("skip_nan", [False, True])
def test_npy_skip_nan_and_values_match_the_library(cli, tmp_path, skip_nan):
    rng = np.random.default_rng(7)
    x = tie_heavy(rng, (37, 5), np.float32, nan_rate=0.3)
    x[:, 4] = rng.integers(-1, 2, 37)  # a column with no NaN: skip-nan must find its numbers
    np.save(tmp_path / "x.npy", x)
    for dim, chunk, is_max in itertools.product((None, 0, 1), ("1", "64", "16M"), (False, True)):
        args = [tmp_path / "x.npy", "--json", "--values", "--chunk-bytes", chunk, *dim_args(dim)]
        run = cli(*args, *(["--max"] if is_max else []), *(["--skip-nan"] if skip_nan else []))
        fn = (ar.nanargmax if is_max else ar.nanargmin) if skip_nan else (ar.argmax if is_max else ar.argmin)
        want = ar_outcome(fn, x, dim)
        if isinstance(want, ValueError):  # a column of only NaN
            assert run.code == 2 and "All-NaN slice encountered" in run.err and run.out == "", (dim, chunk)
            continue
        assert run.code == 0, run.err
        doc = json.loads(run.out)
        assert doc["index"] == np.asarray(want).tolist(), (dim, chunk, is_max)
        got_values = np.asarray(doc["values"], dtype=object)
        want_values = _values_at(x, dim, np.asarray(want))
        assert [str(v) if isinstance(v, str) else float(v) for v in np.ravel(got_values)] == \
            [str(v) if not np.isfinite(v) else float(v) for v in np.ravel(want_values)], (dim, chunk)


def ar_outcome(fn, x, dim):
    try:
        return fn(x, dim)
    except ValueError as e:
        return e


def test_text_values_beside_the_index(cli):
    run = cli("-", "--values", stdin=b"3\nnan\n1\n")
    assert run.code == 0 and run.out == "1 nan\n"
    run = cli("-", "--values", "--skip-nan", stdin=b"3\nnan\n1\n")
    assert run.out == "2 1.0\n"
    run = cli("-", "--skip-nan", stdin=b"nan\nnan\n")
    assert run.code == 2 and run.out == "" and run.err.count("\n") == 1 and "All-NaN" in run.err


def test_parquet_nulls_with_skip_nan(cli, tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    # nulls before NaN before the numbers: the fallback of a slice whose numbers tie the filler
    # must be a number, not the NaN
    a = [None, float("nan"), float("inf"), None, float("inf")]
    b = [None, float("nan"), 2.0, 1.0, None]
    pq.write_table(pa.table({"a": a, "b": b}), tmp_path / "t.parquet", row_group_size=2)
    for chunk in ("1", "16M"):
        run = cli(tmp_path / "t.parquet", "--dim", "0", "--skip-nan", "--json", "--values",
                  "--chunk-bytes", chunk)
        assert run.code == 0, run.err
        doc = json.loads(run.out)
        want = [int(ar.nanargmin(pa.array(col))) for col in (a, b)]
        assert doc["index"] == want == [2, 3]
        assert doc["values"] == ["inf", 1.0]
