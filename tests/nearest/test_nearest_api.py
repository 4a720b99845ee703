"""nearest(): arguments, errors, input libraries, threads, blocking and memory."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
import torch
from nearest_reference import reference

import argreduce as ar
from argreduce import threads
from argreduce.knn import search

METRICS = ["sqeuclidean", "euclidean", "cosine", "dot"]


@pytest.fixture
def xy():
    rng = np.random.default_rng(0)
    return rng.standard_normal((5, 3)), rng.standard_normal((8, 3))


def test_result_is_a_namedtuple_of_n_by_k(xy):
    x, y = xy
    r = ar.nearest(x, y, 3)
    assert r.distances.shape == r.indices.shape == (5, 3)
    assert r.indices.dtype == np.int64 and r.distances.dtype == np.float64
    d, i = r
    assert d is r.distances and i is r.indices


@pytest.mark.parametrize(
    ("bad", "where"),
    [
        (("x", 2, 1, np.nan), "x has a NaN or inf in row 2"),
        (("y", 7, 0, np.inf), "y has a NaN or inf in row 7"),
        (("y", 0, 2, -np.inf), "y has a NaN or inf in row 0"),
    ],
)
def test_nan_and_inf_name_the_array_and_row(xy, bad, where):
    x, y = (a.copy() for a in xy)
    name, row, col, value = bad
    (x if name == "x" else y)[row, col] = value
    with pytest.raises(ValueError, match=where):
        ar.nearest(x, y)


def test_shape_and_k_errors(xy):
    x, y = xy
    with pytest.raises(ValueError, match="d=3 columns but y has d=2"):
        ar.nearest(x, y[:, :2])
    for k in (0, -1, 9):
        with pytest.raises(ValueError, match=r"1 <= k <= 8"):
            ar.nearest(x, y, k)
    for k in (1.0, True, "2", None):
        with pytest.raises(TypeError, match="'k' must be int"):
            ar.nearest(x, y, k)
    with pytest.raises(ValueError, match="both need at least one"):
        ar.nearest(x[:0], y)
    with pytest.raises(ValueError, match="both need at least one"):
        ar.nearest(x, y[:0])
    with pytest.raises(ValueError, match="2-D"):
        ar.nearest(x[0], y)
    with pytest.raises(ValueError, match="metric must be one of"):
        ar.nearest(x, y, metric="manhattan")
    with pytest.raises(ValueError, match="0 columns"):
        ar.nearest(x[:, :0], y[:, :0])


def test_integers_beyond_2_53_are_a_type_error():
    y = np.array([[0, 1], [2**53 + 1, 0]], dtype=np.int64)
    with pytest.raises(TypeError, match=r"y row 1 .*2\*\*53"):
        ar.nearest([[0, 0]], y)
    ok = np.array([[2**53, -(2**53)]], dtype=np.int64)
    assert ar.nearest(ok, ok).indices.tolist() == [[0]]


@pytest.mark.parametrize("bad", [np.array([[1 + 2j]]), np.array([[True]]), np.array([["a"]])])
def test_unsupported_dtypes(bad):
    with pytest.raises((TypeError, RuntimeError)):
        ar.nearest(bad, bad)


def test_libraries_in_and_out(xy):
    x, y = xy
    want = ar.nearest(x, y, 2)
    t = ar.nearest(torch.from_numpy(x), torch.from_numpy(y), 2)
    assert isinstance(t.indices, torch.Tensor) and t.indices.dtype == torch.int64
    assert t.distances.dtype == torch.float64
    assert t.indices.tolist() == want.indices.tolist() and t.distances.tolist() == want.distances.tolist()
    lst = ar.nearest(x.tolist(), y.tolist(), 2)
    assert isinstance(lst.indices, np.ndarray) and lst.indices.tolist() == want.indices.tolist()
    grad = torch.from_numpy(x).requires_grad_(True)
    assert ar.nearest(grad, y, 2).indices.tolist() == want.indices.tolist()
    strided = np.asfortranarray(y)[::1]
    assert ar.nearest(x, strided, 2).indices.tolist() == want.indices.tolist()


def test_bfloat16_and_float16_results_keep_their_dtype(xy):
    x, y = xy
    tb = ar.nearest(torch.tensor(x, dtype=torch.bfloat16), torch.tensor(y, dtype=torch.bfloat16), 2)
    assert tb.distances.dtype == torch.bfloat16
    xb = torch.tensor(x, dtype=torch.bfloat16).float().numpy()
    yb = torch.tensor(y, dtype=torch.bfloat16).float().numpy()
    assert tb.indices.tolist() == reference(xb, yb, 2, "sqeuclidean")[0]
    assert ar.nearest(x.astype(np.float16), y.astype(np.float32)).distances.dtype == np.float32


@pytest.mark.parametrize("metric", METRICS)
def test_same_answer_for_any_threads_and_blocks(metric, monkeypatch):
    rng = np.random.default_rng(9)
    y = rng.integers(-2, 3, size=(200, 4)).astype(np.float32)  # many exact ties
    x = rng.integers(-2, 3, size=(40, 4)).astype(np.float32)
    monkeypatch.setattr(threads, "_override", 1)
    want = ar.nearest(x, y, 7, metric=metric)
    for n_threads, rows in ((2, 1 << 16), (2, 3), (1, 8), (3, 13)):
        monkeypatch.setattr(threads, "_override", n_threads)
        monkeypatch.setattr(search, "BLOCK_MULADDS", 1)
        monkeypatch.setattr(search, "MAX_BLOCK_ROWS", rows)
        got = ar.nearest(x, y, 7, metric=metric)
        assert got.indices.tolist() == want.indices.tolist()
        assert got.distances.tolist() == want.distances.tolist()
    assert want.indices.tolist() == reference(x[:10], y, 7, metric)[0] + want.indices[10:].tolist()


def test_memory_is_never_n_by_m():
    """N x M x 4 bytes is 400 MB here; the call may allocate a small fraction of that."""
    rng = np.random.default_rng(1)
    n, m, d = 4000, 25000, 4
    x = rng.standard_normal((n, d)).astype(np.float32)
    y = rng.standard_normal((m, d)).astype(np.float32)
    tracemalloc.start()
    try:
        ar.nearest(x, y, 3)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert n * m * 4 == 400_000_000
    assert peak < 120 << 20, f"peak {peak} bytes"
