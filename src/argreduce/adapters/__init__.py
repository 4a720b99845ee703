"""Adapters: any input in, a strided view out; and the NumPy result back in the caller's library.

Library checks go through ``sys.modules`` (as array-api-compat does): if torch or dask was never
imported, the input cannot be one of theirs, so nothing is imported to find out.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from .dlpack_adapter import adapt_dlpack
from .nullable import adapt_nullable, is_nullable
from .numpy_adapter import adapt_numpy, adapt_via_numpy
from .sequence_adapter import adapt_sequence
from .view import CORE_DTYPES, Adapted, StridedView, UnsupportedDType

__all__ = [
    "CORE_DTYPES", "Adapted", "StridedView", "UnsupportedDType", "adapt", "is_dask_array",
    "is_torch_tensor", "off_cpu",
]


def _is_instance(x: Any, module: str, cls: str) -> bool:
    mod = sys.modules.get(module)
    return mod is not None and isinstance(x, getattr(mod, cls))


def is_torch_tensor(x: Any) -> bool:
    return _is_instance(x, "torch", "Tensor")


def is_dask_array(x: Any) -> bool:
    return _is_instance(x, "dask.array", "Array")


def off_cpu(x: Any) -> bool:
    """True for arrays that live on a GPU or another device the processor cannot read."""
    if is_torch_tensor(x):
        from .torch_adapter import device_type

        return device_type(x) != "cpu"
    if hasattr(x, "__dlpack_device__") and not isinstance(x, np.ndarray):
        from .dlpack_adapter import on_cpu

        return not on_cpu(x)
    return False


def adapt(x: Any, op: str) -> Adapted:
    """A strided view of ``x`` for the core, read in place wherever ``x`` has array memory."""
    if type(x) is np.ndarray:
        return adapt_numpy(x, op)
    if is_nullable(x):  # before the ndarray and __dlpack__ checks: numpy.ma and Arrow would pass them
        return adapt_nullable(x, op)
    if isinstance(x, np.ndarray):
        return adapt_numpy(x, op)
    if is_torch_tensor(x):
        from .torch_adapter import adapt_torch

        return adapt_torch(x, op)
    if isinstance(x, (list, tuple, int, float, bool, np.generic)):
        return adapt_sequence(x, op)
    if hasattr(x, "__dlpack__"):
        return adapt_dlpack(x, op)
    if isinstance(x, (bytes, bytearray)):  # NumPy would read bytes as one string: view them as uint8
        return adapt_via_numpy(memoryview(x), op)
    if isinstance(x, memoryview) or hasattr(x, "__array_interface__") or hasattr(x, "__array__"):
        return adapt_via_numpy(x, op)
    try:
        memoryview(x)
    except TypeError:
        raise TypeError(
            f"{op}(): argument 'input' must be an array (NumPy, torch, DLPack, buffer protocol) or a "
            f"sequence of numbers, not {type(x).__name__}"
        ) from None
    return adapt_via_numpy(x, op)
