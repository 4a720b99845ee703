"""Every row of SEMANTICS.md §2 (arguments), §3 (empty inputs) and §4 (values), run side by side
with torch 2.13: same value, or same exception class and the same message (torch's "(position N)"
aside, and the few documented wordings of this project's own).

The tables' own numbers are checked against torch too, so the document cannot drift from torch.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch

import argreduce as ar
from _dtypes import BY_NAME
from _oracle import outcome

X = [[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]]


def _same_message(ours: str, theirs: str) -> bool:
    return ours == re.sub(r" \(position \d+\)", "", theirs)


def _assert_same(ours: Any, theirs: Any, message: str | None = "same") -> None:
    """``message``: "same" (torch's, exactly), a regex the message must contain, or None."""
    if isinstance(theirs, Exception):
        assert isinstance(ours, type(theirs)), f"torch: {theirs!r}; argreduce: {ours!r}"
        if message == "same":
            assert _same_message(str(ours), str(theirs)), f"torch: {theirs}; argreduce: {ours}"
        elif message is not None:
            assert re.search(message, str(ours)), f"{ours} lacks {message!r}"
        return
    assert not isinstance(ours, Exception), f"torch: {theirs}; argreduce raised {ours!r}"
    got = ours.numpy() if isinstance(ours, torch.Tensor) else np.asarray(ours)
    assert got.dtype == np.int64 and got.shape == tuple(theirs.shape) and np.array_equal(got, theirs.numpy())


def side_by_side(call: Callable[[Any, Any], Any], t: torch.Tensor, message: str | None = "same",
                 numpy_too: bool = True) -> Any:
    """call(library, input) with torch on ``t``, argreduce on ``t`` and on its NumPy twin."""
    theirs = outcome(lambda: call(torch, t))
    _assert_same(outcome(lambda: call(ar, t)), theirs, message)
    if numpy_too:
        _assert_same(outcome(lambda: call(ar, t.numpy())), theirs, message)
    return theirs


# --- §2 arguments -------------------------------------------------------------------------------

ACCEPTED_CALLS = {
    "argmin(x)": lambda m, x: m.argmin(x),
    "argmax(x)": lambda m, x: m.argmax(x),
    "argmin(x, None, True)": lambda m, x: m.argmin(x, None, True),
    "argmin(input=x, dim=1)": lambda m, x: m.argmin(input=x, dim=1),
    "argmax(x, dim=-1, keepdim=True)": lambda m, x: m.argmax(x, dim=-1, keepdim=True),
    "axis= alias": lambda m, x: m.argmin(x, axis=1),
    "keepdims= alias": lambda m, x: m.argmax(x, 0, keepdims=True),
    "dim: NumPy int64": lambda m, x: m.argmin(x, np.int64(1)),
    "dim: NumPy int32 by keyword": lambda m, x: m.argmin(x, dim=np.int32(-1)),
    "dim: 0-d integer tensor": lambda m, x: m.argmin(x, torch.tensor(1)),
    "dim: 0-d int32 tensor by keyword": lambda m, x: m.argmax(x, dim=torch.tensor(0, dtype=torch.int32)),
}


@pytest.mark.parametrize("call", ACCEPTED_CALLS.values(), ids=ACCEPTED_CALLS.keys())
def test_accepted_calls_agree_with_torch(call):
    theirs = side_by_side(call, torch.tensor(X))
    assert not isinstance(theirs, Exception)


def test_giving_a_name_and_its_alias_is_a_type_error():
    x = np.array(X)
    with pytest.raises(TypeError, match="'dim' and its alias 'axis'"):
        ar.argmin(x, dim=1, axis=1)
    with pytest.raises(TypeError, match="'keepdim' and its alias 'keepdims'"):
        ar.argmax(x, 1, keepdim=True, keepdims=True)
    with pytest.raises(TypeError, match="'dim' and its alias 'axis'"):
        ar.argmax(x, 1, axis=0)  # positional dim counts as given


BAD_ARGUMENTS = {
    "dim: bool": lambda m, x: m.argmin(x, True),
    "dim: bool by keyword": lambda m, x: m.argmax(x, dim=False),
    "dim: NumPy bool": lambda m, x: m.argmin(x, dim=np.bool_(True)),
    "dim: float": lambda m, x: m.argmin(x, 1.0),
    "dim: NumPy float": lambda m, x: m.argmin(x, dim=np.float64(1)),
    "dim: str": lambda m, x: m.argmin(x, dim="1"),
    "dim: 1-element tensor": lambda m, x: m.argmin(x, dim=torch.tensor([1])),
    "dim: float tensor": lambda m, x: m.argmin(x, dim=torch.tensor(1.0)),
    "dim: bool tensor": lambda m, x: m.argmin(x, dim=torch.tensor(True)),
    "keepdim: 1": lambda m, x: m.argmin(x, 1, 1),
    "keepdim: None": lambda m, x: m.argmax(x, 1, keepdim=None),
    "keepdim: NumPy bool": lambda m, x: m.argmin(x, 1, keepdim=np.bool_(True)),
    "keepdim: 0-d bool tensor": lambda m, x: m.argmin(x, 1, keepdim=torch.tensor(True)),
    "4 positional arguments": lambda m, x: m.argmin(x, 1, True, None),
    "unknown keyword": lambda m, x: m.argmin(x, 1, foo=1),
    "dim out of range: 2": lambda m, x: m.argmin(x, 2),
    "dim out of range: -3": lambda m, x: m.argmax(x, -3),
}


@pytest.mark.parametrize("call", BAD_ARGUMENTS.values(), ids=BAD_ARGUMENTS.keys())
def test_bad_arguments_raise_torchs_error_and_message(call):
    theirs = side_by_side(call, torch.tensor(X))
    assert isinstance(theirs, (TypeError, IndexError))


@pytest.mark.parametrize("dim", [None, 0, -1, 1, -2])
@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("op", ["argmin", "argmax"])
def test_zero_dim_input(dim, keepdim, op):
    """dim None, 0 or -1: index 0, shape (); dim 1 or -2: IndexError, range [-1, 0]."""
    theirs = side_by_side(lambda m, x: getattr(m, op)(x, dim, keepdim), torch.tensor(7.5))
    assert isinstance(theirs, IndexError) == (dim in (1, -2))


@pytest.mark.parametrize("dim", [0, -1, 64, -65, 70])
def test_more_than_64_dims_with_a_dim(dim):
    """torch's TensorIterator limit (NumPy cannot make such an array); an out-of-range dim is still
    an IndexError first."""
    theirs = side_by_side(lambda m, x: m.argmin(x, dim), torch.zeros([1] * 65), numpy_too=False)
    assert isinstance(theirs, IndexError if dim == 70 else RuntimeError)


def test_more_than_64_dims_without_a_dim_is_fine():
    theirs = side_by_side(lambda m, x: m.argmax(x), torch.zeros([1] * 64 + [2]), numpy_too=False)
    assert not isinstance(theirs, Exception)


# --- §3 empty inputs ----------------------------------------------------------------------------

EMPTY_CASES = {
    "numel 0, dim=None": ((0, 3), None, False),
    "numel 0, dim=None, keepdim": ((3, 0), None, True),
    "numel 0 1-D, dim=None": ((0,), None, False),
    "(0,3) dim=0": ((0, 3), 0, False),
    "(0,3) dim=-2": ((0, 3), -2, True),
    "(3,0) dim=-1": ((3, 0), -1, False),
    "(2,0,4) dim=1": ((2, 0, 4), 1, False),
    "(0,3) dim=1": ((0, 3), 1, False),
    "(0,3) dim=1 keepdim": ((0, 3), 1, True),
    "(3,0,2) dim=2": ((3, 0, 2), 2, False),
}


@pytest.mark.parametrize("op", ["argmin", "argmax"])
@pytest.mark.parametrize("shape, dim, keepdim", EMPTY_CASES.values(), ids=EMPTY_CASES.keys())
def test_empty_inputs(shape, dim, keepdim, op):
    side_by_side(lambda m, x: getattr(m, op)(x, dim, keepdim), torch.zeros(shape))


COMPLEX_MESSAGE = r"^argm(in|ax)\(\): does not support complex input"
ORDER_OF_CHECKS = {
    # argument TypeErrors before dtype errors
    "bad keepdim, complex input": (lambda m, x: m.argmin(x, 1, keepdim=1), (2, 3), torch.complex64, "same"),
    "bad dim, complex input": (lambda m, x: m.argmax(x, dim=1.0), (2, 3), torch.complex64, "same"),
    # dtype errors before dim range and emptiness
    "complex, dim out of range": (lambda m, x: m.argmin(x, 5), (2, 3), torch.complex64, COMPLEX_MESSAGE),
    "complex, empty dim": (lambda m, x: m.argmax(x, 0), (0, 3), torch.complex64, COMPLEX_MESSAGE),
    "complex, empty, dim=None": (lambda m, x: m.argmin(x), (0, 3), torch.complex128, COMPLEX_MESSAGE),
    # argument TypeErrors before dim range and emptiness
    "bad keepdim, empty": (lambda m, x: m.argmin(x, 0, keepdim=None), (0, 3), torch.float32, "same"),
    "bad dim, empty": (lambda m, x: m.argmin(x, dim="0"), (0, 3), torch.float32, "same"),
    # dim range before emptiness
    "dim out of range, empty": (lambda m, x: m.argmin(x, 5), (0, 3), torch.float32, "same"),
    "dim out of range, empty, keepdim": (lambda m, x: m.argmax(x, -3, True), (3, 0), torch.int64, "same"),
}


@pytest.mark.parametrize("call, shape, dtype, message", ORDER_OF_CHECKS.values(), ids=ORDER_OF_CHECKS.keys())
def test_order_of_checks(call, shape, dtype, message):
    theirs = side_by_side(call, torch.zeros(shape, dtype=dtype), message)
    assert isinstance(theirs, Exception)


# --- §4 values ----------------------------------------------------------------------------------

inf, nan = float("inf"), float("nan")
FLOATS = ["float16", "bfloat16", "float32", "float64"]
VALUE_ROWS = [  # (values, dtypes, the table's argmin, the table's argmax)
    ([2, 1, 1, 3, 1], FLOATS, 1, 3),
    ([4, 4, 4], FLOATS, 0, 0),
    ([1, nan, 0, nan], FLOATS, 1, 1),
    ([-inf, nan], FLOATS, 1, 1),
    ([0, -inf, -inf], FLOATS, 1, 0),
    ([0.0, -0.0], FLOATS, 0, 0),
    ([-0.0, 0.0], FLOATS, 0, 0),
    ([1, -0.0, 0.0, -0.0], FLOATS, 1, 0),
    ([65504, inf, 65504], ["float16"], 0, 1),
    ([0, 127, -128, 127, -128, 0], ["int8"], 2, 1),
    ([2**53 + 1, 2**53, 2**53 + 1], ["int64"], 1, 0),
    ([2**63 - 1, 2**63 - 2, -(2**63), -(2**63) + 1], ["int64"], 2, 0),
]
VALUE_CASES = [
    pytest.param(values, name, lo, hi, id=f"{name}{values}")
    for values, names, lo, hi in VALUE_ROWS for name in names
]


@pytest.mark.parametrize("values, name, table_min, table_max", VALUE_CASES)
def test_value_rows(values, name, table_min, table_max):
    dt = BY_NAME[name]
    t = torch.tensor(values, dtype=dt.torch)
    # NumPy twin through the raw bits (bfloat16 through ml_dtypes), so nothing is converted.
    twin = t.view(getattr(torch, f"int{dt.bits}")).numpy()
    for op, table in (("argmin", table_min), ("argmax", table_max)):
        theirs = getattr(torch, op)(t)
        assert int(theirs) == table, "SEMANTICS.md §4 disagrees with torch"
        assert getattr(ar, op)(t).equal(theirs)
        if dt.numpy is not None:
            assert getattr(ar, op)(twin.view(dt.numpy)) == theirs.item()


def test_transposed_dim_none_indexes_the_transposed_shape():
    t = torch.tensor([[3, 1], [0, 2], [4, -1]]).T
    theirs = side_by_side(lambda m, x: m.argmin(x), t)
    assert int(theirs) == 5, "SEMANTICS.md §4 disagrees with torch"


def test_expanded_rows_have_index_zero():
    t = torch.tensor([[3, 1, 2]]).expand(4, 3)
    assert t.stride() == (0, 1)
    theirs = side_by_side(lambda m, x: m.argmin(x, 0), t, numpy_too=False)
    assert theirs.tolist() == [0, 0, 0], "SEMANTICS.md §4 disagrees with torch"
    x = np.broadcast_to(np.array([[3, 1, 2]]), (4, 3))
    assert x.strides[0] == 0 and np.array_equal(ar.argmin(x, 0), theirs.numpy())
