"""Checked by mypy (``make typecheck``, part of ``make test``), never run: what a type checker infers
for each input library. An overload that gave another type would fail ``assert_type``."""

from typing import Any

import numpy as np
import torch
from numpy.typing import NDArray
from typing_extensions import assert_type

import argreduce as ar
import argreduce.dask

x = np.zeros((2, 3), dtype=np.float32)
t = torch.zeros(2, 3)

# NumPy in: a NumPy int64 scalar for the flat index, an int64 array with keepdim, either with a dim.
assert_type(ar.argmin(x), np.int64)
assert_type(ar.nanargmax(x), np.int64)
assert_type(ar.argmax(x, keepdim=True), NDArray[np.int64])
assert_type(ar.argmin(x, 1, keepdim=True), NDArray[np.int64])
assert_type(ar.argmin(x, 1), np.int64 | NDArray[np.int64])
assert_type(ar.argmax(x, dim=(0, 1), out=np.empty((), np.int64)), np.int64 | NDArray[np.int64])

# torch in: a Tensor, whatever the arguments.
assert_type(ar.argmin(t), torch.Tensor)
assert_type(ar.argmax(t, dim=(0, 1), keepdim=True), torch.Tensor)
assert_type(ar.nanargmin(t, 0, out=torch.empty(3, dtype=torch.int64)), torch.Tensor)
assert_type(ar.min(t), torch.Tensor)

# min/max with a dim: the (values, indices) pair.
assert_type(ar.max(x, 0), ar.ValuesIndices)
assert_type(ar.min(t, dim=1, keepdim=True), ar.ValuesIndices)

# Anything else (lists, DataArrays with dim names, Dask arrays ...): Any.
assert_type(ar.argmin([[1, 2], [3, 0]]), Any)
assert_type(ar.argmin([[1, 2], [3, 0]], dim="x"), Any)
assert_type(ar.min([1.0, 2.0]), Any)
assert_type(argreduce.dask.argmin(None, split_every=4), Any)

# Thread counts and the rest.
assert_type(ar.get_num_threads(), int)
assert_type(ar.isa(), str)
assert_type(ar.__version__, str)
