"""The command line and Dask screen float32 (and narrower) points in float32, as ar.nearest does,
and stay exact: their answers equal the library's on data with planted ties and near-ties."""

from __future__ import annotations

import json

import dask
import dask.array as da
import numpy as np
import pytest
from nearest_reference import reference

import argreduce as ar
from argreduce.cli import main
from argreduce.knn import partial

METRICS = ["sqeuclidean", "euclidean", "cosine", "dot"]


def _planted(rng, n=12, m=900, d=16, offset=8.0):
    """float32 points around an offset, with exact duplicates, integer-valued exact ties and, per
    query, a pair mirrored about it and nudged by one ulp: the near-ties the float32 formula gets wrong."""
    y = (offset + rng.standard_normal((m, d))).astype(np.float32)
    x = (offset + rng.standard_normal((n, d))).astype(np.float32)
    y[m // 2] = y[3]  # a duplicate: an exact tie for every query
    y[100:140] = np.round(y[100:140])  # many exact ties among themselves
    x[-1] = np.round(x[-1])
    step = (m - 9) // n
    for q in range(n - 1):
        a, b = 7 + step * q, 8 + step * q  # pairs spread over the file, across chunk boundaries
        y[a] = x[q] + rng.standard_normal(d).astype(np.float32) * np.float32(0.25)
        y[b] = (2 * x[q].astype(np.float64) - y[a]).astype(np.float32)
        y[b, q % d] = np.nextafter(y[b, q % d], np.float32(100))
    return x, y


@pytest.fixture
def screens(monkeypatch):
    """The screen dtype of every partial search run (CLI chunks, Dask blocks)."""
    seen = []
    real = partial.run

    def spy(x, y, k, metric, kind, sdt, *args, **kwargs):
        seen.append(np.dtype(sdt))
        return real(x, y, k, metric, kind, sdt, *args, **kwargs)

    monkeypatch.setattr(partial, "run", spy)
    return seen


def _cli_json(capsys, q, p, k, metric, chunk):
    rc = main(["nearest", str(q), str(p), "--k", str(k), "--metric", metric, "--json",
               "--chunk-bytes", chunk])
    out, err = capsys.readouterr()
    assert rc == 0, err
    return json.loads(out)


@pytest.mark.parametrize("metric", METRICS)
def test_cli_float32_points_take_the_float32_screen_and_equal_the_library(tmp_path, capsys, screens, metric):
    x, y = _planted(np.random.default_rng(len(metric)))
    np.save(tmp_path / "q.npy", x)
    np.save(tmp_path / "p.npy", y)
    for k, chunk in ((1, "8K"), (4, "40K"), (3, "8M")):  # 8K: 32 rows a chunk, the pairs cut apart
        got = _cli_json(capsys, tmp_path / "q.npy", tmp_path / "p.npy", k, metric, chunk)
        want = ar.nearest(x, y, k, metric=metric)
        assert got["indices"] == want.indices.tolist(), (k, chunk)
        assert got["distances"] == want.distances.astype(np.float64).tolist(), (k, chunk)
    assert screens and set(screens) == {np.dtype(np.float32)}


def test_cli_float16_points_screen_in_float32_and_float64_in_float64(tmp_path, capsys, screens):
    x, y = _planted(np.random.default_rng(3), n=5, m=300, d=6, offset=2.0)
    for dtype, screen in ((np.float16, np.float32), (np.float64, np.float64)):
        np.save(tmp_path / "q.npy", x.astype(dtype))
        np.save(tmp_path / "p.npy", y.astype(dtype))
        screens.clear()
        got = _cli_json(capsys, tmp_path / "q.npy", tmp_path / "p.npy", 2, "sqeuclidean", "1K")
        want = ar.nearest(x.astype(dtype), y.astype(dtype), 2)
        assert got["indices"] == want.indices.tolist()
        assert got["distances"] == want.distances.astype(np.float64).tolist()
        assert screens and set(screens) == {np.dtype(screen)}, dtype


@pytest.mark.parametrize("metric", METRICS)
def test_dask_float32_blocks_take_the_float32_screen_and_equal_the_library(screens, metric):
    x, y = _planted(np.random.default_rng(10 + len(metric)))
    with dask.config.set(scheduler="synchronous"):
        for k, cx, cy in ((1, 12, 61), (5, 5, (450, 1, 449)), (2, 7, 900)):
            want = ar.nearest(x, y, k, metric=metric)
            yc = (cy, 16) if isinstance(cy, int) else (cy, (16,))
            dx, dy = da.from_array(x, chunks=(cx, 16)), da.from_array(y, chunks=yc)
            d, i = ar.nearest(dx, dy, k, metric=metric)
            d, i = dask.compute(d, i)
            assert i.tolist() == want.indices.tolist(), (k, cx, cy)
            assert d.dtype == np.float32 and d.tolist() == want.distances.tolist()
    assert screens and set(screens) == {np.dtype(np.float32)}


def test_the_float32_screen_is_exact_on_near_ties(tmp_path, capsys):
    """The library, the CLI and Dask against the Fraction reference, where the float32 formula fails."""
    x, y = _planted(np.random.default_rng(7), n=6, m=120, d=8)
    want_i, _ = reference(x, y, 2, "sqeuclidean")
    np.save(tmp_path / "q.npy", x)
    np.save(tmp_path / "p.npy", y)
    got = _cli_json(capsys, tmp_path / "q.npy", tmp_path / "p.npy", 2, "sqeuclidean", "1K")
    with dask.config.set(scheduler="synchronous"):
        _, dask_i = ar.nearest(x, da.from_array(y, chunks=(17, 8)), 2)
        dask_i = dask_i.compute()
    assert ar.nearest(x, y, 2).indices.tolist() == got["indices"] == dask_i.tolist() == want_i
    # and the rounded float32 formula, what BLAS-based tools rank by, does get some of them wrong
    formula = (x * x).sum(1)[:, None] - 2 * x @ y.T + (y * y).sum(1)[None, :]
    assert (np.argmin(formula, axis=1) != np.array(want_i)[:, 0]).any()
