"""``argreduce nearest``: the same answer as the library for any chunk size; one-line errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

import argreduce as ar
from argreduce.cli import main


@pytest.fixture
def files(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.integers(-3, 4, (6, 3)).astype(np.float32)
    y = rng.integers(-3, 4, (400, 3)).astype(np.float32)  # exact ties across chunk boundaries
    np.save(tmp_path / "q.npy", x)
    np.save(tmp_path / "p.npy", y)
    np.savetxt(tmp_path / "p.csv", y, delimiter=",", fmt="%g")
    return tmp_path, x, y


@pytest.mark.parametrize("metric", ["sqeuclidean", "euclidean", "cosine", "dot"])
@pytest.mark.parametrize("chunk", ["64", "1K", "8M"])
def test_json_equals_the_library(files, capsys, metric, chunk):
    tmp, x, y = files
    rc = main(["nearest", str(tmp / "q.npy"), str(tmp / "p.npy"), "--k", "5", "--metric", metric,
               "--json", "--chunk-bytes", chunk])
    out = json.loads(capsys.readouterr().out)
    want = ar.nearest(x, y, 5, metric=metric)
    assert rc == 0 and out["points"] == 400 and out["metric"] == metric
    assert out["indices"] == want.indices.tolist()
    assert out["distances"] == want.distances.astype(np.float64).tolist()


def test_text_output_and_a_csv_of_points(files, capsys):
    tmp, x, y = files
    assert main(["nearest", str(tmp / "q.npy"), str(tmp / "p.csv"), "--k", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    want = ar.nearest(x, y.astype(np.float64), 2)
    assert len(lines) == 6
    for line, i, d in zip(lines, want.indices.tolist(), want.distances.tolist(), strict=True):
        idx, dist = line.split("\t")
        assert [int(v) for v in idx.split()] == i and [float(v) for v in dist.split()] == d


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--k", "0"], "expected a positive integer"),
        (["--k", "401"], "--k 401 is more than the 400 points"),
        (["--metric", "l1"], "invalid choice"),
    ],
)
def test_errors_are_one_line_and_status_2(files, capsys, argv, message):
    tmp, _, _ = files
    rc = main(["nearest", str(tmp / "q.npy"), str(tmp / "p.npy"), *argv])
    err = capsys.readouterr().err
    assert rc == 2 and message in err and err.count("\n") == 1


def test_bad_files(files, capsys, tmp_path):
    tmp, _, y = files
    np.save(tmp / "d2.npy", y[:, :2])
    bad = y.copy()
    bad[123, 1] = np.nan
    np.save(tmp / "nan.npy", bad)
    for points, message in ((tmp / "missing.npy", "no such file"), (tmp / "d2.npy", "have 2 values"),
                            (tmp / "nan.npy", "POINTS has a NaN or inf in row 123")):
        rc = main(["nearest", str(tmp / "q.npy"), str(points)])
        err = capsys.readouterr().err
        assert rc == 2 and message in err and err.count("\n") == 1, err


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_a_non_finite_point_in_a_later_block_of_the_direct_screen(tmp_path, capsys, bad):
    """Few queries and d of a whole vector or more: the direct screen reads each block as it is
    and notices the value itself; the error names the row in the whole file."""
    rng = np.random.default_rng(3)
    y = rng.standard_normal((5000, 24)).astype(np.float32)
    y[4321, 7] = bad
    np.save(tmp_path / "p.npy", y)
    np.save(tmp_path / "q.npy", rng.standard_normal((3, 24)).astype(np.float32))
    rc = main(["nearest", str(tmp_path / "q.npy"), str(tmp_path / "p.npy"), "--chunk-bytes", "64K"])
    err = capsys.readouterr().err
    assert rc == 2 and "POINTS has a NaN or inf in row 4321" in err and err.count("\n") == 1, err


@pytest.mark.parametrize("k", [1, 4])
def test_points_read_on_a_thread_in_many_blocks(tmp_path, capsys, k):
    """POINTS read ahead on a thread into rotating buffers, many blocks: every block's rows keep
    their own global indices (a buffer refilled too early would hand a block another's rows)."""
    rng = np.random.default_rng(k)
    y = rng.standard_normal((6000, 24)).astype(np.float32)
    x = rng.standard_normal((5, 24)).astype(np.float32)
    for q, row in enumerate((17, 2048, 4099, 5999, 3000)):
        y[row] = x[q] + np.float32(1e-3)  # each query's nearest in another block
    np.save(tmp_path / "p.npy", y)
    np.save(tmp_path / "q.npy", x)
    rc = main(["nearest", str(tmp_path / "q.npy"), str(tmp_path / "p.npy"), "--k", str(k), "--json",
               "--chunk-bytes", "16K"])
    got = json.loads(capsys.readouterr().out)
    want = ar.nearest(x, y, k)
    assert rc == 0 and got["indices"] == want.indices.tolist()
    assert [row[0] for row in got["indices"]] == [17, 2048, 4099, 5999, 3000]
    assert got["distances"] == want.distances.astype(np.float64).tolist()
