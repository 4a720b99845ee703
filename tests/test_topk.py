"""topk (SEMANTICS section 12) against two oracles: a stable reference that sorts each slice by
(value rank, index) in NumPy, which fixes the project's tie rule, and torch.topk's values (its index
order for ties is undefined, so only the values are compared with it). Every dtype and layout of
tests/_arrays.py, both directions, k from 0 to the slice's size, threads, where= and the errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import argreduce as ar
from _arrays import Case, big_shapes, cases
from _dtypes import BY_NAME, EXTENSION_DTYPES, TORCH_DTYPES

ALL_DTYPES = TORCH_DTYPES + EXTENSION_DTYPES


def _values(case: Case) -> np.ndarray:
    """The case's logical values in a NumPy dtype that orders them exactly (bfloat16 as float32)."""
    t = case.oracle_tensor()
    if t.dtype == torch.bfloat16:
        return t.to(torch.float32).numpy()
    return case.raw_view.copy().view(case.dt.numpy)


def _ranks(v: np.ndarray, largest: bool) -> np.ndarray:
    """Each element's place in topk's order of values: NaN largest, -0.0 == +0.0."""
    _, inverse = np.unique(v.reshape(-1), return_inverse=True, equal_nan=True)
    inverse = inverse.reshape(v.shape).astype(np.int64)
    return inverse.max(initial=0) - inverse if largest else inverse


def reference_indices(v: np.ndarray, k: int, dim: int | None, largest: bool,
                      present: np.ndarray | None = None) -> np.ndarray:
    """The k best per slice, by (rank, index): the contract's order, with absent elements last."""
    r = _ranks(v, largest)
    if present is not None:
        r = np.where(present, r, np.iinfo(np.int64).max)
    r = r.reshape(-1) if dim is None or v.ndim == 0 else np.moveaxis(r, dim, -1)
    idx = np.broadcast_to(np.arange(r.shape[-1]), r.shape)
    order = np.lexsort((idx, r), axis=-1)[..., :k]
    return order if dim is None or v.ndim == 0 else np.moveaxis(order, -1, dim)


def _raw(x) -> np.ndarray:
    """Raw bits of a result's values, whatever its library."""
    if isinstance(x, torch.Tensor):
        x = x.contiguous()
        bits = {1: torch.uint8, 2: torch.int16, 4: torch.int32, 8: torch.int64}[x.element_size()]
        return x.view(bits).numpy().view(f"u{x.element_size()}")
    x = np.array(x)  # a C-contiguous copy that keeps 0-d as 0-d
    return x.view(f"u{x.itemsize}")


def _take(a: np.ndarray, idx: np.ndarray, dim: int | None) -> np.ndarray:
    if a.ndim == 0 or dim is None:
        return a.reshape(-1)[idx]
    return np.take_along_axis(a, idx, dim)


def _check(case: Case, x, k: int, dim: int | None, largest: bool, present=None) -> None:
    v = _values(case)
    expected = reference_indices(v, k, dim, largest, present)
    if case.shape == ():  # torch: (x, 0) for k 0 and 1 alike
        expected = np.zeros((), np.int64)
    got = ar.topk(x, k, dim, largest, where=present)
    indices = got.indices.numpy() if isinstance(got.indices, torch.Tensor) else np.asarray(got.indices)
    assert indices.dtype == np.int64
    assert np.array_equal(indices, expected), case.describe()
    want_bits = _take(case.raw_view.copy(), expected, dim).reshape(expected.shape)
    assert np.array_equal(_raw(got.values), want_bits.view(f"u{want_bits.itemsize}")), case.describe()
    if isinstance(x, torch.Tensor):
        assert isinstance(got.values, torch.Tensor) and got.values.dtype == x.dtype
    else:  # NumPy in, NumPy out (a NumPy scalar for a 0-d result, as argmin gives)
        assert isinstance(got.values, (np.ndarray, np.generic)) and got.values.dtype == x.dtype


def _draw_dim_k(data, shape):
    ndim = len(shape)
    dim = data.draw(st.one_of(st.none(), st.integers(-max(ndim, 1), max(ndim, 1) - 1)), label="dim")
    size = math.prod(shape) if dim is None else (shape[dim] if ndim else 1)
    k = data.draw(st.one_of(st.integers(0, size), st.sampled_from([0, min(1, size), size])), label="k")
    return (None if dim is None else dim % max(ndim, 1)), k


@given(data=st.data(), largest=st.booleans())
def test_topk_matches_the_stable_reference(data, largest):
    case = data.draw(cases(dtypes=ALL_DTYPES), label="case")
    dim, k = _draw_dim_k(data, case.shape)
    for x in case.inputs():
        _check(case, x, k, dim, largest)


@given(data=st.data(), largest=st.booleans())
def test_topk_values_match_torch(data, largest):
    case = data.draw(cases(dtypes=TORCH_DTYPES), label="case")
    dim, k = _draw_dim_k(data, case.shape)
    t = case.oracle_tensor()
    want = torch.topk(t, k, largest=largest) if dim is None and t.ndim <= 1 else (
        torch.topk(t.reshape(-1), k, largest=largest) if dim is None else torch.topk(t, k, dim, largest))
    got = ar.topk(t, k, dim, largest)
    a, b = got.values, want.values
    if a.is_floating_point():
        assert torch.equal(a.isnan(), b.isnan()), case.describe()
        assert torch.equal(torch.nan_to_num(a.double(), nan=0.0), torch.nan_to_num(b.double(), nan=0.0))
    else:
        assert torch.equal(a, b), case.describe()
    assert got.indices.shape == want.indices.shape
    # torch's indices point at the same values, whatever order it gave ties
    flat = t.reshape(-1) if dim is None or t.ndim == 0 else t
    flat_dim = dim is None or t.ndim == 0
    back = flat.reshape(-1)[want.indices] if flat_dim else torch.gather(flat, dim, want.indices)
    assert torch.equal(back.isnan(), b.isnan()) if b.is_floating_point() else torch.equal(back, b)


@pytest.mark.parametrize("threads", [1, 2])
@given(data=st.data(), largest=st.booleans())
def test_topk_threads_on_big_arrays(threads, data, largest):
    dtypes = tuple(BY_NAME[n] for n in ("float32", "int16", "float64", "uint8"))
    case = data.draw(cases(dtypes=dtypes, max_ndim=3, allow_negative=False,
                           shape_strategy=big_shapes(max_ndim=3)), label="case")
    dim, _ = _draw_dim_k(data, case.shape)
    k = data.draw(st.sampled_from([1, 5, 64, 100]), label="k")
    size = math.prod(case.shape) if dim is None else case.shape[dim]
    before = ar.get_num_threads()
    ar.set_num_threads(threads)
    try:
        _check(case, case.numpy_input(), min(k, size), dim, largest)
    finally:
        ar.set_num_threads(before)


def test_the_contract_example_both_directions():
    x = [3.0, float("nan"), 1.0, 1.0, float("nan"), -1.0, 1.0]
    hi, lo = ar.topk(x, 3), ar.topk(x, 3, largest=False)
    assert hi.indices.tolist() == [1, 4, 0] and np.isnan(hi.values[:2]).all() and hi.values[2] == 3.0
    assert lo.indices.tolist() == [5, 2, 3] and lo.values.tolist() == [-1.0, 1.0, 1.0]
    # NaN last when smallest, in index order
    assert ar.topk(x, 7, largest=False).indices.tolist()[-2:] == [1, 4]


def test_ties_go_to_the_smaller_index_both_ways():
    z = np.array([0.0, -0.0, 0.0, -0.0, 1.0, -1.0], np.float32)
    assert ar.topk(z, 5).indices.tolist() == [4, 0, 1, 2, 3]
    assert ar.topk(z, 5, largest=False).indices.tolist() == [5, 0, 1, 2, 3]
    same = np.full((3, 1000), 7, np.int32)
    for largest in (True, False):
        assert (ar.topk(same, 10, 1, largest).indices == np.arange(10)).all()
        assert (ar.topk(same, 2, 0, largest).indices == np.arange(2)[:, None]).all()


def test_k_edges_and_errors():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    assert ar.topk(x, 0).values.shape == (2, 0) and ar.topk(x, 0).indices.dtype == np.int64
    assert ar.topk(x, 3).indices.tolist() == [[2, 1, 0], [2, 1, 0]]
    for bad in (4, -1):
        with pytest.raises(RuntimeError, match="selected index k out of range"):
            ar.topk(x, bad)
        with pytest.raises(RuntimeError, match="selected index k out of range"):
            torch.topk(torch.from_numpy(x), bad)
    with pytest.raises(TypeError, match=r"topk\(\): argument 'k' \(position 2\) must be int, not float"):
        ar.topk(x, 1.0)
    with pytest.raises(TypeError, match="must be int, not bool"):
        ar.topk(x, True)
    with pytest.raises(TypeError, match="topk\\(\\): argument 'largest' must be bool, not int"):
        ar.topk(x, 1, largest=1)
    with pytest.raises(IndexError, match="Dimension out of range"):
        ar.topk(x, 1, dim=2)
    assert ar.topk(x, 6, dim=None).indices.tolist() == [5, 4, 3, 2, 1, 0]


def test_zero_d_input():
    t = torch.tensor(2.5)
    for k in (0, 1):
        got, want = ar.topk(t, k), torch.topk(t, k)
        assert got.values.shape == want.values.shape and got.indices.shape == want.indices.shape
        assert got.values.item() == want.values.item() and got.indices.item() == want.indices.item()
    assert ar.topk(t, 1).values.item() == 2.5 and ar.topk(t, 1).indices.item() == 0
    with pytest.raises(RuntimeError, match="selected index k out of range"):
        ar.topk(t, 2)


def test_sorted_false_gives_the_same_elements():
    x = np.random.default_rng(1).integers(0, 9, (4, 50))
    a, b = ar.topk(x, 7, sorted=False), ar.topk(x, 7)
    assert (np.sort(a.indices, -1) == np.sort(b.indices, -1)).all()


def test_byte_swapped_and_strided_inputs():
    rng = np.random.default_rng(3)
    base = rng.integers(-5, 5, (40, 300)).astype(">f8")
    for x in (base, base[:, ::3], base.T, base[::-2, 7:]):
        for dim in (0, 1, None):
            for largest in (True, False):
                native = x.astype("=f8")
                want = reference_indices(native, 4, dim, largest)
                assert np.array_equal(ar.topk(x, 4, dim, largest).indices, want)


@given(data=st.data(), largest=st.booleans())
def test_where_leaves_elements_out(data, largest):
    case = data.draw(cases(dtypes=(BY_NAME["float32"], BY_NAME["int8"], BY_NAME["bool"], BY_NAME["bfloat16"]),
                           max_ndim=3), label="case")
    ndim = len(case.shape)
    if not ndim or not math.prod(case.shape):
        return
    dim = data.draw(st.integers(0, ndim - 1), label="dim")
    rng = np.random.default_rng(data.draw(st.integers(0, 2**31), label="seed"))
    present = rng.random(case.shape) < 0.7
    fewest = int(np.moveaxis(present, dim, -1).sum(-1).min(initial=case.shape[dim]))
    k = data.draw(st.integers(0, case.shape[dim]), label="k")
    x = case.inputs()[0]
    if k > fewest:
        with pytest.raises(ValueError, match="fewer than k"):
            ar.topk(x, k, dim, largest, where=present)
    else:
        _check(case, x, k, dim, largest, present)


def test_values_keep_the_library_and_dtype():
    t = torch.tensor([[1.5, -2.0, 3.0]], dtype=torch.bfloat16)
    r = ar.topk(t, 2, 1)
    assert r.values.dtype == torch.bfloat16 and r.values.tolist() == [[3.0, 1.5]]
    assert r.indices.tolist() == [[2, 0]]
    b = ar.topk(np.array([True, False, True]), 2, largest=False)
    assert b.values.tolist() == [False, True] and b.indices.tolist() == [1, 0]
    u = ar.topk(np.array([2**64 - 1, 0, 2**63], np.uint64), 2)
    assert u.values.tolist() == [2**64 - 1, 2**63] and u.values.dtype == np.uint64
