"""The contract's shape rules, in one place: dim wrapping, the reduced mask, result shapes, emptiness.

Public to the package (api, cli, dask and the engine use it; the C++ fast path declines whatever
these rules would raise for, and tests/test_fast_path.py checks that both agree). The messages are
torch 2.13's (../shared/spec/SEMANTICS.md sections 2-3). Imports nothing of the package but the
core, so any layer may import it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import _core

#: torch's TensorIterator limit on dims when a dim is given (the core's kMaxDims).
MAX_DIMS: int = _core.MAX_DIMS


def wrap_dims(dims: tuple[int, ...], ndim: int) -> tuple[int, ...]:
    """Non-negative dims, checked as torch checks any dim list: every dim in range first, then no repeats."""
    lo, hi = (-1, 0) if ndim == 0 else (-ndim, ndim - 1)
    for d in dims:
        if not lo <= d <= hi:
            raise IndexError(f"Dimension out of range (expected to be in range of [{lo}, {hi}], but got {d})")
    wrapped: list[int] = []
    for d in dims:
        w = d % ndim if ndim else 0
        if w in wrapped:
            raise RuntimeError(f"dim {w} appears multiple times in the list of dims")
        wrapped.append(w)
    return tuple(wrapped)


def reduced_mask(name: str, shape: tuple[int, ...], dims: tuple[int, ...] | None, *,
                 numel_error: type[Exception] = IndexError) -> tuple[bool, ...]:
    """Which dims are reduced, after the dim-range, dim-count and emptiness errors, in torch's order.

    ``name`` is the reduction's name for messages; ``numel_error`` is the class torch raises for an
    empty input with no dim (IndexError for argmin, RuntimeError for min).
    """
    ndim = len(shape)
    wrapped = tuple(range(ndim)) if dims is None else wrap_dims(dims, ndim)
    if dims is not None and ndim > MAX_DIMS:  # after the range check, as in torch
        raise RuntimeError(f"only tensors with up to {MAX_DIMS} dims are supported")
    if dims is None and math.prod(shape) == 0:
        raise numel_error(f"{name}(): Expected reduction dim to be specified for input.numel() == 0."
                          + (" Specify the reduction dim with the 'dim' argument."
                             if numel_error is RuntimeError else ""))
    for d in wrapped:
        if ndim and shape[d] == 0:  # a 0-d input's dim 0 / -1 names no real dim
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    return tuple(d in wrapped for d in range(ndim))


def kept_shape(shape: tuple[int, ...], reduced: tuple[bool, ...]) -> tuple[int, ...]:
    """The shape of the kept dims: the result's shape without keepdim."""
    return tuple(n for n, r in zip(shape, reduced, strict=True) if not r)


def result_shape(shape: tuple[int, ...], reduced: tuple[bool, ...], keepdim: bool) -> tuple[int, ...]:
    """The result's shape: the kept dims, and with ``keepdim`` a size-1 dim where each reduced one was."""
    if keepdim:
        return tuple(1 if r else n for n, r in zip(shape, reduced, strict=True))
    return kept_shape(shape, reduced)


def kept_axes(reduced: tuple[bool, ...]) -> tuple[int, ...]:
    return tuple(d for d, r in enumerate(reduced) if not r)


def reduced_axes(reduced: tuple[bool, ...]) -> tuple[int, ...]:
    return tuple(d for d, r in enumerate(reduced) if r)


def unravel_index(index: Any, sizes: tuple[int, ...]) -> tuple[np.ndarray, ...]:
    """``np.unravel_index(index, sizes)``, computed on a flat copy of ``index`` and reshaped back.

    Why not NumPy's directly: NumPy 2.4's ``unravel_index`` returns wrong coordinates for some
    multi-dim index arrays (for shape (4097, 1, 2, 1), the last element's); 0-d and flat ones are right.
    """
    shape = np.shape(index)
    if len(shape) <= 1:
        return tuple(np.unravel_index(index, sizes))
    return tuple(c.reshape(shape) for c in np.unravel_index(np.ravel(index), sizes))
