"""The family of section 9-11 against the oracles: nanargmin/nanargmax against NumPy's, min/max
against torch.min/torch.max (values bit for bit), where= and missing data against a reference that
reduces each slice's present elements alone, nulls against polars' arg_min."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import argreduce as ar
from _arrays import Case, cases, dims_for
from _dtypes import BY_NAME, TORCH_DTYPES
from _oracle import outcome

FLOATS = tuple(d for d in TORCH_DTYPES if d.kind == "float")


def _as_float64(case: Case) -> np.ndarray:
    """The case's values as float64: exact for every float and every int below 2**53 (NaN stays NaN)."""
    t = case.oracle_tensor()
    return t.to(torch.float64).numpy() if t.dtype != torch.bool else t.numpy().astype(np.float64)


def _numpy_nanarg(name: str, x: np.ndarray, dim):
    fn = np.nanargmin if name == "nanargmin" else np.nanargmax
    return outcome(lambda: fn(x) if dim is None else fn(x, axis=dim))


@given(data=st.data(), name=st.sampled_from(["nanargmin", "nanargmax"]))
def test_nanarg_matches_numpy(data, name):
    case = data.draw(cases(dtypes=(*FLOATS, BY_NAME["int16"], BY_NAME["uint8"])), label="case")
    dim = data.draw(dims_for(len(case.shape)), label="dim")
    reference = _as_float64(case)
    ours = getattr(ar, name)
    span = max(reference.ndim, 1)
    if reference.size == 0 or (dim is not None and not -span <= dim < span):
        # argument and emptiness errors are argmin's (section 10), not NumPy's ValueError
        expected = outcome(lambda: getattr(ar, name.replace("nan", ""))(case.raw_view, dim))
    else:
        expected = _numpy_nanarg(name, reference, dim if reference.ndim else None)
        if not isinstance(expected, Exception):
            # NumPy fills NaN with -inf (nanargmax) or +inf (nanargmin) and so answers a NaN's index
            # for [nan, -inf]; the contract skips NaN. Where NumPy names a NaN, the reference is each
            # slice's numbers alone (the same reduction as where= of the non-NaN elements).
            exact = _reference_present(reference.reshape(reference.shape or (1,)),
                                       ~np.isnan(reference.reshape(reference.shape or (1,))),
                                       dim if reference.ndim else None, name == "nanargmax", False)
            picked = np.take_along_axis(reference, np.expand_dims(expected, dim), dim).squeeze(dim) \
                if dim is not None and reference.ndim else reference.reshape(-1)[expected]
            assert np.array_equal(np.where(np.isnan(picked), exact, expected), exact)
            expected = exact
    for x in case.inputs():
        got = outcome(lambda x=x: ours(x, dim))
        context = f"{name} dim={dim} {type(x).__name__} {case.describe()}"
        if isinstance(expected, Exception):
            assert type(got) is type(expected), f"{got!r} vs {expected!r}\n{context}"
            if isinstance(expected, ValueError):
                assert str(got) == "All-NaN slice encountered", context
            continue
        assert not isinstance(got, Exception), f"{got!r}\n{context}"
        got = got.numpy() if isinstance(got, torch.Tensor) else np.asarray(got)
        assert got.tolist() == np.asarray(expected).tolist(), context


def _bits(v) -> np.ndarray:
    """A value's raw bits (a NaN's payload and a zero's sign included)."""
    if isinstance(v, torch.Tensor):
        t = v.detach()
        if t.dtype == torch.bool:
            return t.numpy().astype(np.int8)
        width = {1: torch.int8, 2: torch.int16, 4: torch.int32, 8: torch.int64}[t.element_size()]
        return t.contiguous().view(width).numpy()
    a = np.asarray(v)
    return a.view(f"i{a.dtype.itemsize}") if a.dtype != np.bool_ else a.astype(np.int8)


@given(data=st.data(), name=st.sampled_from(["min", "max"]), keepdim=st.booleans())
def test_min_max_match_torch_bit_for_bit(data, name, keepdim):
    case = data.draw(cases(dtypes=(*TORCH_DTYPES, BY_NAME["bool"])), label="case")
    dim = data.draw(dims_for(len(case.shape)), label="dim")
    t = case.oracle_tensor()
    fn = getattr(torch, name)
    expected = outcome(lambda: fn(t) if dim is None else fn(t, dim, keepdim))
    for x in case.inputs():
        got = outcome(lambda x=x: getattr(ar, name)(x) if dim is None else getattr(ar, name)(x, dim, keepdim))
        context = f"{name} dim={dim} keepdim={keepdim} {type(x).__name__} {case.describe()}"
        if isinstance(expected, Exception):
            assert type(got) is type(expected), f"{got!r} vs torch {expected!r}\n{context}"
            continue
        assert not isinstance(got, Exception), f"{got!r}\n{context}"
        want_values, want_indices = (expected, None) if dim is None else expected
        got_values, got_indices = (got, None) if dim is None else (got.values, got.indices)
        if isinstance(x, torch.Tensor):
            assert isinstance(got_values, torch.Tensor) and got_values.dtype == x.dtype, context
        else:
            assert np.asarray(got_values).dtype == x.dtype, context
        assert tuple(np.shape(got_values)) == tuple(want_values.shape), context
        if dim is None:
            # torch's full reduction computes its value (a NaN comes back canonical, a zero with
            # either sign); the contract's value is the element at the argmin/argmax index.
            flat = t.reshape(-1)
            at = int((torch.argmax if name == "max" else torch.argmin)(flat)) if flat.dtype != torch.bool \
                else int((torch.argmax if name == "max" else torch.argmin)(flat.to(torch.uint8)))
            assert want_values.to(torch.float64).isnan().item() == flat[at].to(torch.float64).isnan().item()
            want_values = flat[at]
        assert np.array_equal(_bits(got_values), _bits(want_values)), (
            f"values {got_values!r} vs torch {want_values!r}\n{context}")
        if want_indices is not None:
            gi = got_indices.numpy() if isinstance(got_indices, torch.Tensor) else np.asarray(got_indices)
            assert gi.tolist() == want_indices.numpy().tolist(), context


def _reference_present(x: np.ndarray, present: np.ndarray, dim, largest: bool, skip_nan: bool):
    """Each slice's present elements alone, reduced by torch (NaN wins) or NumPy (NaN skipped);
    the index mapped back to the slice. A slice with nothing left: ValueError."""
    axes = tuple(range(x.ndim)) if dim is None else (dim % x.ndim,)
    kept = [d for d in range(x.ndim) if d not in axes]
    xs = np.moveaxis(x, axes, tuple(range(x.ndim - len(axes), x.ndim)))
    ps = np.moveaxis(present, axes, tuple(range(x.ndim - len(axes), x.ndim)))
    out_shape = tuple(x.shape[d] for d in kept)
    xs = xs.reshape((*out_shape, -1))
    ps = ps.reshape((*out_shape, -1))
    out = np.empty(out_shape, dtype=np.int64)
    for pos in np.ndindex(out_shape):
        where = np.flatnonzero(ps[pos])
        vals = xs[pos][where]
        if skip_nan and vals.dtype.kind == "f":
            where, vals = where[~np.isnan(vals)], vals[~np.isnan(vals)]
        if where.size == 0:
            raise ValueError("empty")
        if vals.dtype == np.uint64:  # torch reduces none of bool, uint16/32/64: the same order in int64
            vals = vals.view(np.int64) ^ np.int64(np.iinfo(np.int64).min)
        elif vals.dtype.kind in "bu":
            vals = vals.astype(np.int64)
        t = torch.from_numpy(np.ascontiguousarray(vals))
        out[pos] = where[int((torch.argmax if largest else torch.argmin)(t))]
    return out


@given(data=st.data(), name=st.sampled_from(["argmin", "argmax", "nanargmin", "nanargmax", "min", "max"]))
def test_where_and_masks_match_the_present_elements_alone(data, name):
    # int8 and uint8 keys reach their type's extremes (the mask widens them); int64 and uint64 take
    # the losing-value copy (absent.native_mask)
    dtypes = (*TORCH_DTYPES, BY_NAME["bool"], BY_NAME["uint16"], BY_NAME["uint64"])
    case = data.draw(cases(dtypes=dtypes, max_ndim=3), label="case")
    shape = case.shape
    if math.prod(shape) == 0 or not shape:
        return
    dim = data.draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1)), label="dim")
    seed = data.draw(st.integers(0, 2**32 - 1))
    present = np.random.default_rng(seed).random(shape) < data.draw(st.sampled_from([0.2, 0.7, 1.0]))
    exact = _as_float64(case) if case.dt.kind == "float" else case.oracle_tensor().numpy()
    largest = name in ("argmax", "nanargmax", "max")
    skip = name.startswith("nan")
    expected = outcome(lambda: _reference_present(exact, present, dim, largest, skip))
    fn = getattr(ar, name)
    for x in case.inputs():
        got = outcome(lambda x=x: fn(x, dim, where=present))
        context = f"{name} dim={dim} mask seed={seed} {case.dt.name} shape={shape}"
        if isinstance(expected, Exception):
            assert isinstance(got, ValueError), f"{got!r}\n{context}"
            continue
        assert not isinstance(got, Exception), f"{got!r}\n{context}"
        if name in ("min", "max"):
            if dim is None:  # the value alone: the element at the reference's index
                got = np.asarray(got if not isinstance(got, torch.Tensor) else got.to(torch.float64).numpy())
                want = np.asarray(exact).reshape(-1)[int(expected)]
                assert got.astype(np.float64).tolist() == want.astype(np.float64).tolist() or \
                    (np.isnan(want) and np.isnan(got.astype(np.float64))), context
                continue
            got = got.indices
        got = got.numpy() if isinstance(got, torch.Tensor) else np.asarray(got)
        assert got.tolist() == expected.tolist(), context
        if isinstance(x, np.ndarray) and case.dt.name != "bfloat16" and name not in ("min", "max"):
            masked = np.ma.array(x, mask=~present)  # numpy.ma: the same absent elements
            assert np.asarray(fn(masked, dim)).tolist() == expected.tolist(), context


def test_where_errors():
    x = np.array([[1.0, 2.0], [3.0, 0.5]])
    with pytest.raises(TypeError, match="boolean"):
        ar.argmin(x, where=[[1, 0], [1, 1]])
    with pytest.raises(ValueError, match="broadcast"):
        ar.argmin(x, where=np.ones(3, bool))
    with pytest.raises(ValueError, match=r"argmin\(\): the slice at output position \(0,\)"):
        ar.argmin(x, 1, where=np.array([[False, False], [True, True]]))
    with pytest.raises(ValueError, match="All-NaN slice encountered"):
        ar.nanargmin([np.nan, 1.0], where=[True, False])
    assert int(ar.argmin([np.nan, 1.0], where=[False, True])) == 1  # NaN rules apply to present ones
    assert ar.argmin(x, 0, where=np.array([[True], [False]])).tolist() == [0, 0]  # broadcast
    w = torch.tensor([[True, False], [False, True]])
    assert ar.argmax(torch.from_numpy(x), 1, where=w).tolist() == [0, 1]


def _with_nulls(seed: int, n: int, kind: str):
    rng = np.random.default_rng(seed)
    values = rng.integers(-3, 4, n).astype(np.float64 if kind == "float" else np.int64)
    valid = rng.random(n) < 0.7
    return [v.item() if ok else None for v, ok in zip(values, valid, strict=True)]


@pytest.mark.parametrize("kind", ["int", "float"])
@pytest.mark.parametrize("seed", range(25))
def test_nulls_of_every_library_match_polars(kind, seed):
    pa = pytest.importorskip("pyarrow")
    pl = pytest.importorskip("polars")
    pd = pytest.importorskip("pandas")
    data = _with_nulls(seed, 1 + seed % 13, kind)
    s = pl.Series(data, dtype=pl.Float64 if kind == "float" else pl.Int64)
    expected = (s.arg_min(), s.arg_max())
    t = pa.float64() if kind == "float" else pa.int64()
    inputs = [pa.array(data, t), pa.chunked_array([data[:3], data[3:]], t), s,
              pd.Series(data, dtype="Float64" if kind == "float" else "Int64"),
              pd.array(data, dtype="Float64" if kind == "float" else "Int64"),
              np.ma.array([0 if v is None else v for v in data], mask=[v is None for v in data])]
    for x in inputs:
        got = (outcome(lambda x=x: int(ar.argmin(x))), outcome(lambda x=x: int(ar.argmax(x))))
        if expected[0] is None:  # every value null: polars answers None, argreduce refuses
            assert all(isinstance(g, ValueError) for g in got), (type(x), got)
        else:
            assert got == expected, (type(x), data, got, expected)
            assert ar.min(x) == s.min() and ar.max(x) == s.max(), (type(x), data)


def test_nat_behaves_as_nan():
    x = np.array(["2020-01-02", "NaT", "2019-05-01", "NaT", "2019-05-01"], dtype="datetime64[s]")
    assert int(ar.argmin(x)) == int(np.argmin(x)) == 1  # the first NaT wins, as NumPy's argmin
    assert int(ar.argmax(x)) == int(np.argmax(x)) == 1
    assert int(ar.nanargmin(x)) == 2 and int(ar.nanargmax(x)) == 0
    assert ar.min(x, 0).values == x[1].astype(x.dtype) or np.isnat(ar.min(x, 0).values)
    td = (x - np.datetime64("2019-01-01", "s")).astype("timedelta64[ms]")
    assert int(ar.nanargmin(td)) == 2 and int(ar.argmin(td)) == 1
    with pytest.raises(ValueError, match="All-NaN"):
        ar.nanargmin(np.array(["NaT", "NaT"], dtype="datetime64[D]"))
    extremes = np.array([np.iinfo(np.int64).max, -np.iinfo(np.int64).max, 0], dtype="int64").view("m8[ns]")
    assert int(ar.nanargmax(extremes)) == 0 and int(ar.nanargmin(extremes)) == 1
    assert int(ar.argmax(extremes)) == 0 and int(ar.argmin(extremes)) == 1


def test_min_max_contract_rows():
    assert ar.min(torch.tensor([True, False]), 0).values.item() is False
    assert ar.min(torch.tensor([True, False]), 0).indices.item() == 1
    r = ar.min(np.array([1.0, np.nan, 0.0, np.nan]), 0)
    assert np.isnan(r.values) and int(r.indices) == 1
    assert np.signbit(ar.min(np.array([-0.0, 0.0, -0.0]))) and not np.signbit(ar.min(np.array([0.0, -0.0])))
    assert ar.min(np.arange(6).reshape(2, 3), dim=None, keepdim=True).shape == (1, 1)
    assert ar.max(np.arange(6, dtype=np.uint64).reshape(2, 3), (0, 1)).indices == 5  # tuple dims
    with pytest.raises(RuntimeError, match=r"min\(\): Expected reduction dim to be specified"):
        ar.min(np.zeros((0, 3)))
    with pytest.raises(IndexError, match=r"max\(\): Expected reduction dim 0 to have non-zero size"):
        ar.max(np.zeros((0, 3)), 0)
    with pytest.raises(RuntimeError, match="complex"):
        ar.min(np.zeros(3, complex), 0)
    with pytest.raises(TypeError):
        ar.min(np.zeros(3), torch.zeros(3))  # torch's elementwise form is not a reduction


def test_where_answers_do_not_depend_on_threads_or_layout():
    rng = np.random.default_rng(3)
    x = rng.integers(-3, 3, (300, 1000)).astype(np.float32)
    x[rng.random(x.shape) < 0.01] = np.nan
    present = rng.random(x.shape) < 0.5
    present[7] = False  # a row with nothing present
    want = {}
    try:
        for threads in (1, 2, 3):
            ar.set_num_threads(threads)
            for name in ("argmin", "argmax", "nanargmin", "nanargmax"):
                for dim in (0, -1):
                    keep = np.ones(300, bool)
                    keep[7] = dim == 0
                    got = getattr(ar, name)(x[keep], dim, where=present[keep])
                    fortran = np.asfortranarray(x[keep]), np.asfortranarray(present[keep])
                    t = getattr(ar, name)(fortran[0], dim, where=fortran[1])
                    assert got.tolist() == t.tolist()
                    assert want.setdefault((name, dim), got.tolist()) == got.tolist(), (name, dim, threads)
    finally:
        ar.set_num_threads(ar.threads._default())
    with pytest.raises(ValueError, match=r"output position \(7,\)"):
        ar.argmin(x, 1, where=present)


def test_values_of_an_index_array_numpy_unravels_wrongly():
    """NumPy 2.4's unravel_index gets the last element of a (4097, 1, 2, 1) index array wrong; the
    values are gathered through _contract.unravel_index, which does not."""
    rng = np.random.default_rng(3)
    for _ in range(20):
        x = rng.integers(0, 2, size=(2, 4097, 1, 2, 1)).astype(np.uint8)
        want_values, want_indices = torch.min(torch.from_numpy(x), 0)
        got = ar.min(x, 0)
        assert np.array_equal(got.indices, want_indices.numpy())
        assert np.array_equal(got.values, want_values.numpy())
