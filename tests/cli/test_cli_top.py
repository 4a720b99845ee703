"""--top K through the command line against ar.topk on the whole array in memory: chunk boundaries
cutting through ties and NaN runs, every dim, both directions, .npy (3-D) and CSV (rows of unknown
count), and the errors (k too large, several dims)."""

from __future__ import annotations

import itertools
import json

import numpy as np
from cli_support import dim_args, tie_heavy
from test_cli_tables import write_csv

import argreduce as ar


def _check(run, x, k, dim, is_max):
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    assert doc["op"] == "topk" and doc["k"] == k and doc["largest"] == is_max
    want = ar.topk(x, k, dim, largest=is_max)
    assert doc["index"] == want.indices.tolist(), (dim, k, is_max)
    got = np.array([float(v) for v in np.asarray(doc["values"], dtype=object).reshape(-1)])
    assert np.array_equal(got, np.asarray(want.values, np.float64).reshape(-1), equal_nan=True)


def test_npy_top_matches_the_library(cli, tmp_path):
    x = tie_heavy(np.random.default_rng(5), (13, 6, 5), np.float32, nan_rate=0.2)
    np.save(tmp_path / "x.npy", x)
    count = 0
    for dim, chunk, is_max, k in itertools.product((None, 0, 1, 2, -1), ("1", "100", "16M"), (False, True),
                                                   (1, 3, 5)):
        run = cli(tmp_path / "x.npy", "--json", "--values", "--top", k, "--chunk-bytes", chunk,
                  *dim_args(dim), *(["--max"] if is_max else []))
        _check(run, x, k, dim, is_max)
        count += 1
    assert count == 90


def test_csv_top_matches_the_library(cli, tmp_path):
    x = tie_heavy(np.random.default_rng(6), (29, 4), np.float64)
    write_csv(tmp_path / "t.csv", x)
    for dim, chunk, is_max in itertools.product((None, 0, 1), ("1", "40", "16M"), (False, True)):
        run = cli(tmp_path / "t.csv", "--json", "--values", "--top", 3, "--chunk-bytes", chunk,
                  *dim_args(dim), *(["--max"] if is_max else []))
        _check(run, x, 3, dim, is_max)


def test_top_errors(cli, tmp_path):
    np.save(tmp_path / "x.npy", np.zeros((4, 3), np.float32))
    for args, words in ((("--top", 4, "--dim", 1), "selected index k out of range"),
                        (("--top", 2, "--dim=0,1"), "give one --dim"),
                        (("--top", 2, "--keepdim"), "--top takes no")):
        run = cli(tmp_path / "x.npy", *args)
        assert run.code == 2 and words in run.err and run.out == "" and len(run.err.splitlines()) == 1
    run = cli(tmp_path / "x.npy", "--top", "-1")
    assert run.code == 2 and run.out == ""
