"""Where argreduce goes beyond torch (SEMANTICS.md §5-§7): bool and unsigned dtypes, tuple dims,
the dtype errors, and ``out=``.

For bool and uint16/32/64 torch has no argmin, so the oracle is torch on int64 values in the same
order (exact for every one of them), cross-checked with NumPy wherever NumPy answers.
"""

from __future__ import annotations

import datetime

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import argreduce as ar
from _arrays import cases, dims_for, tuple_dims_for
from _dtypes import EXTENSION_DTYPES
from _oracle import OPS, assert_matches, ordered_int64, outcome, torch_argreduce, torch_argreduce_dims

ops = st.sampled_from(sorted(OPS))


@given(data=st.data(), op=ops, keepdim=st.booleans())
def test_bool_and_unsigned_match_their_int64_order(data, op, keepdim):
    case = data.draw(cases(dtypes=EXTENSION_DTYPES), label="case")
    dim = data.draw(dims_for(len(case.shape)), label="dim")
    raw = case.raw_view.copy()
    expected = torch_argreduce(op, ordered_int64(case.dt, raw), dim, keepdim)
    if not isinstance(expected, Exception):  # NumPy agrees (it is exact for these dtypes too)
        np_op = np.argmin if op == "argmin" else np.argmax
        ours = np_op(raw.view(case.dt.numpy), axis=dim, keepdims=keepdim)
        assert np.array_equal(ours, expected.numpy())
    for x in case.inputs():
        got = outcome(lambda x=x: OPS[op][0](x, dim, keepdim))
        assert_matches(got, expected, x, f"{op} dim={dim} keepdim={keepdim} {case.describe()}")


@given(data=st.data(), op=ops, keepdim=st.booleans())
def test_tuple_dims_on_extension_dtypes(data, op, keepdim):
    case = data.draw(cases(dtypes=EXTENSION_DTYPES, max_ndim=4), label="case")
    dims = data.draw(tuple_dims_for(len(case.shape)), label="dims")
    expected = torch_argreduce_dims(op, ordered_int64(case.dt, case.raw_view.copy()), dims, keepdim)
    for x in case.inputs():
        got = outcome(lambda x=x: OPS[op][0](x, dims, keepdim))
        assert_matches(got, expected, x, f"{op} dims={dims} keepdim={keepdim} {case.describe()}")


@pytest.mark.parametrize("op", sorted(OPS))
def test_bool_orders_false_before_true(op):
    x = np.array([True, False, True, False])
    assert ar.argmin(x) == np.argmin(x) and ar.argmax(x) == np.argmax(x)
    t = torch.tensor([[True, False], [False, True]])
    assert torch.equal(OPS[op][0](t, 1), torch.from_numpy(getattr(np, op)(t.numpy(), 1)))


def test_uint64_is_exact_beyond_float64_and_int64():
    x = np.array([2**64 - 1, 2**53 + 1, 2**53, 2**63, 2**53 + 1, 2**64 - 1], dtype=np.uint64)
    assert (ar.argmin(x), ar.argmax(x)) == (np.argmin(x), np.argmax(x))
    assert x[np.argmin(x)] == 2**53 and np.argmax(x) == 0  # what NumPy's answer means


@pytest.mark.parametrize("shape, dims", [((2, 3, 4), (0, 2)), ((2, 3, 4), (2, 0)), ((3, 4), (-1, 0))])
def test_tuple_dims_ignore_the_order_they_are_given_in(shape, dims):
    x = np.random.default_rng(0).integers(0, 3, size=shape)
    assert np.array_equal(ar.argmin(x, dims), ar.argmin(x, tuple(sorted(d % len(shape) for d in dims))))


def test_a_one_dim_tuple_is_that_dim():
    x = np.random.default_rng(1).integers(0, 3, size=(4, 5, 6))
    for d in range(-3, 3):
        assert np.array_equal(ar.argmin(x, (d,), True), ar.argmin(x, d, True))


def test_an_empty_tuple_reduces_nothing():
    """The row-major flattening of no dims has one element: every index is 0, the shape is kept."""
    x = np.arange(6.0).reshape(2, 3)
    got = ar.argmax(x, ())
    assert got.shape == (2, 3) and got.dtype == np.int64 and not got.any()


def test_a_list_of_dims_is_a_type_error():
    with pytest.raises(TypeError, match="tuple"):
        ar.argmin(np.zeros((2, 2)), [0, 1])


@pytest.mark.parametrize("make", [
    lambda: np.array([1 + 2j, 3j]),
    lambda: np.array([1, 2], dtype=np.complex64),
    lambda: torch.tensor([1 + 2j, 3j]),
    lambda: [1 + 2j, 3j],
])
@pytest.mark.parametrize("op", sorted(OPS))
def test_complex_is_a_runtime_error_saying_why(make, op):
    x = make()
    if isinstance(x, torch.Tensor):  # torch's own class for the same input
        assert isinstance(outcome(lambda: OPS[op][1](x)), RuntimeError)
    with pytest.raises(RuntimeError, match=rf"{op}\(\).*complex"):
        OPS[op][0](x)


@pytest.mark.parametrize("x, name", [
    (np.array(["a", "b"]), "<U1"),
    (np.array([b"a", b"b"]), "|S1"),
    (np.array([1, "a", None], dtype=object), "object"),
    # datetime64 / timedelta64 are reduced since the family's contract (section 10): test_family.py
    (np.array([1.0, 2.0], dtype=np.longdouble), "float128"),
    (torch.zeros(2, dtype=torch.float8_e4m3fn), "float8_e4m3fn"),
    ([datetime.date(2020, 1, 1), datetime.date(2021, 1, 1)], "object"),
    (["a", "b"], "<U1"),
])
@pytest.mark.parametrize("op", sorted(OPS))
def test_other_dtypes_are_type_errors_naming_the_dtype(x, name, op):
    with pytest.raises(TypeError) as e:
        OPS[op][0](x)
    assert name in str(e.value) and f"{op}()" in str(e.value)


# --- out= ---------------------------------------------------------------------------------------

def _torch_out_outcome(x: torch.Tensor, dim, out: torch.Tensor):
    return outcome(lambda: torch.argmin(x, dim, out=out) if dim is not None else torch.argmin(x, out=out))


@pytest.mark.parametrize("dim", [None, 0, 1, -1])
@pytest.mark.parametrize("library", ["numpy", "torch"])
def test_int64_out_is_filled_and_returned(dim, library):
    t = torch.tensor([[3.0, 1.0, 1.0], [0.0, float("nan"), 2.0]])
    expected = torch.argmin(t, dim) if dim is not None else torch.argmin(t)
    x = t if library == "torch" else t.numpy()
    out = torch.full(expected.shape, -7) if library == "torch" else np.full(tuple(expected.shape), -7)
    result = ar.argmin(x, dim, out=out)
    assert result is out
    assert np.array_equal(np.asarray(out), expected.numpy())


@pytest.mark.parametrize("out_dtype", [torch.int32, torch.float32, torch.int16])
def test_out_of_another_dtype_raises_torchs_runtime_error(out_dtype):
    t = torch.tensor([[3.0, 1.0], [0.0, 2.0]])
    theirs = _torch_out_outcome(t, 1, torch.empty(2, dtype=out_dtype))
    assert isinstance(theirs, RuntimeError)
    outs = torch.empty(2, dtype=out_dtype), torch.empty(2, dtype=out_dtype).numpy()
    for x, out in zip((t, t.numpy()), outs, strict=True):
        with pytest.raises(RuntimeError) as e:
            ar.argmin(x, 1, out=out)
        assert "Expected out tensor to have dtype long int" in str(e.value)
        if out_dtype == torch.int32:  # torch's whole message
            assert str(e.value) == str(theirs)


@pytest.mark.parametrize("shape", [(3,), (1, 2), (), (2, 2)])
def test_out_of_the_wrong_shape_is_a_clear_error(shape):
    x = np.array([[3.0, 1.0], [0.0, 2.0]])
    out = np.full(shape, -7, dtype=np.int64)
    with pytest.raises(RuntimeError, match=r"out has shape .* but the result has shape \(2,\)"):
        ar.argmin(x, 1, out=out)
    assert (out == -7).all(), "out must be left untouched"


def test_out_with_keepdim_has_the_kept_shape():
    x = np.array([[3.0, 1.0], [0.0, 2.0]])
    out = np.empty((2, 1), dtype=np.int64)
    assert ar.argmax(x, 1, True, out=out) is out
    assert np.array_equal(out, torch.argmax(torch.from_numpy(x), 1, True).numpy())
