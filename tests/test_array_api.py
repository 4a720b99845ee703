"""Any array of the array API standard: the result comes back in the caller's library, on the
caller's device (array-api-strict in, array-api-strict out), with torch's answer.

The oracle: torch on the same values (through NumPy); the result's type, dtype and device are the
input's namespace's own.
"""

from __future__ import annotations

import array_api_strict as xp
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import argreduce as ar
from argreduce.adapters.array_api_adapter import in_callers_namespace
from argreduce.adapters.numpy_adapter import adapt_via_numpy

DTYPES = [np.float64, np.float32, np.int64, np.int32, np.int8, np.uint8]


def torch_answer(x: np.ndarray, dim, keepdim: bool, is_max: bool) -> np.ndarray:
    fn = torch.argmax if is_max else torch.argmin
    t = torch.from_numpy(x)
    return (fn(t) if dim is None else fn(t, dim, keepdim)).numpy()


@settings(max_examples=60, deadline=None)
@given(data=st.data(), dtype=st.sampled_from(DTYPES), keepdim=st.booleans(), is_max=st.booleans())
def test_strict_in_strict_out_with_torchs_answer(data, dtype, keepdim, is_max):
    shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5)
    elements = {"allow_nan": True} if np.dtype(dtype).kind == "f" else None
    x = data.draw(hnp.arrays(dtype, shapes, elements=elements))
    dim = data.draw(st.none() | st.integers(-x.ndim, x.ndim - 1))
    fn = ar.argmax if is_max else ar.argmin
    got = fn(xp.asarray(x), dim, keepdim) if dim is not None else fn(xp.asarray(x))
    assert type(got) is type(xp.asarray(0))
    assert got.dtype == xp.int64 and got.device == xp.asarray(x).device
    assert np.array_equal(np.asarray(got), torch_answer(x, dim, keepdim, is_max))


def test_tuple_dims_and_keepdim_keep_the_namespace():
    x = np.arange(24.0).reshape(2, 3, 4)[:, ::-1]
    got = ar.argmin(xp.asarray(x), dim=(0, 2), keepdim=True)
    assert type(got) is type(xp.asarray(0)) and got.shape == (1, 3, 1)
    assert np.array_equal(np.asarray(got), ar.argmin(x, dim=(0, 2), keepdim=True))


def test_the_result_stays_on_the_inputs_device():
    device = xp.Device("device1")
    x = xp.asarray([[3.0, 1.0, 2.0], [0.0, 5.0, 0.0]], device=device)
    got = ar.argmax(x, 1)
    assert got.device == device
    assert np.array_equal(np.asarray(xp.asarray(got, device=xp.Device("CPU_DEVICE"))),
                          torch_answer(np.array([[3.0, 1.0, 2.0], [0.0, 5.0, 0.0]]), 1, False, True))


def test_a_namespace_whose_asarray_refuses_numpy_gets_the_result_through_dlpack():
    class Namespace:
        @staticmethod
        def asarray(obj, device=None):
            raise TypeError("only our own arrays")

        @staticmethod
        def from_dlpack(obj, device=None):
            return ("imported", np.from_dlpack(obj))

    class Array:
        device = None

        def __init__(self, values):
            self.values = np.asarray(values)

        def __array__(self, dtype=None, copy=None):
            return self.values

        def __array_namespace__(self, api_version=None):
            return Namespace

    x = Array([4.0, -1.0, 7.0])
    adapted = in_callers_namespace(x, adapt_via_numpy(x, "argmin"))
    tag, value = adapted.wrap(np.array(1))
    assert tag == "imported" and int(value) == 1
    tag, value = ar.argmin(x)
    assert tag == "imported" and int(value) == int(torch.argmin(torch.tensor(x.values)))


@pytest.mark.parametrize("make", [lambda v: np.asarray(v), lambda v: torch.tensor(v)])
def test_numpy_and_torch_keep_their_own_results(make):
    got = ar.argmin(make([3.0, 1.0]))
    assert type(got) in (np.int64, torch.Tensor)
