"""nearest() on Dask arrays equals the in-memory answer for every chunking (exact merges)."""

from __future__ import annotations

import dask
import dask.array as da
import numpy as np
import pytest

import argreduce as ar

METRICS = ["sqeuclidean", "euclidean", "cosine", "dot"]


@pytest.fixture(autouse=True)
def _synchronous():
    with dask.config.set(scheduler="synchronous"):
        yield


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize(("cx", "cy"), [(40, 300), (13, 37), (7, (1, 2, 297))])
def test_every_chunking_gives_the_in_memory_answer(metric, cx, cy):
    rng = np.random.default_rng(len(metric))
    x = rng.integers(-3, 4, (40, 3)).astype(np.float32)  # small integers: many exact ties
    y = rng.integers(-3, 4, (300, 3)).astype(np.float32)
    for k in (1, 6):
        want = ar.nearest(x, y, k, metric=metric)
        yc = cy if isinstance(cy, int) else (cy, 3)
        d, i = ar.nearest(da.from_array(x, chunks=(cx, 3)), da.from_array(y, chunks=yc), k, metric=metric)
        assert isinstance(d, da.Array) and isinstance(i, da.Array)
        d, i = dask.compute(d, i)
        assert i.tolist() == want.indices.tolist()
        assert d.dtype == want.distances.dtype and d.tolist() == want.distances.tolist()


def test_numpy_queries_against_dask_points_and_column_chunks():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((9, 5))
    y = rng.standard_normal((120, 5))
    want = ar.nearest(x, y, 4)
    d, i = ar.nearest(x, da.from_array(y, chunks=(25, 2)), 4)
    assert i.compute().tolist() == want.indices.tolist()
    assert d.compute().tolist() == want.distances.tolist()


def test_errors_name_the_global_row():
    y = np.zeros((50, 2))
    y[33, 1] = np.nan
    d, _ = ar.nearest(np.zeros((2, 2)), da.from_array(y, chunks=(10, 2)))
    with pytest.raises(ValueError, match="y has a NaN or inf in row 33"):
        d.compute()
    with pytest.raises(ValueError, match="1 <= k <= 50"):
        ar.nearest(np.zeros((2, 2)), da.from_array(y, chunks=(10, 2)), 51)
