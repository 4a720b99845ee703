"""argmin / argmax: torch's signature and errors, for any array.

This layer only parses arguments and raises the contract's errors (../shared/spec/SEMANTICS.md),
in torch's order: argument TypeErrors, then dtype errors, then dim range, then emptiness. The
adapters make the view; the core does the work.

The commonest call, a NumPy array with dim None or an int and no out=, first tries the core's
fast path (src/ext/fast_path.cpp), which skips the Python bookkeeping that would otherwise cost
more than a small argmin itself; it declines anything unusual, and the general path below runs.
"""

from __future__ import annotations

import math
import operator
from typing import Any

import numpy as np

from . import _core, adapters
from .engine import kept_shape, reduce_view
from .threads import get_num_threads

_UNSET: Any = object()
_MAX_DIMS = 64  # torch's TensorIterator limit, kept for identical errors


def _type_name(v: Any) -> str:
    t = type(v)
    return t.__name__ if t.__module__ in ("builtins", "torch") else f"{t.__module__}.{t.__name__}"


def _alias(op: str, name: str, value: Any, alias: str, alias_value: Any, default: Any) -> Any:
    if value is not _UNSET and alias_value is not _UNSET:
        raise TypeError(f"{op}(): got both '{name}' and its alias '{alias}'; give one of them")
    if value is not _UNSET:
        return value
    return default if alias_value is _UNSET else alias_value


def _as_dim(op: str, d: Any) -> int:
    """A Python int, a NumPy integer or a 0-d integer tensor; never bool, float or str."""
    if isinstance(d, (bool, np.bool_)):
        raise TypeError(f"{op}(): argument 'dim' must be int, not {_type_name(d)}")
    if adapters.is_torch_tensor(d):
        if d.ndim == 0 and not d.is_floating_point() and not d.is_complex() and str(d.dtype) != "torch.bool":
            return int(d.item())
        raise TypeError(f"{op}(): argument 'dim' must be int, not Tensor")
    if isinstance(d, (int, np.integer)):
        return operator.index(d)
    raise TypeError(f"{op}(): argument 'dim' must be int, not {_type_name(d)}")


def _parse_dims(op: str, dim: Any) -> tuple[int, ...] | None:
    if dim is None:
        return None
    if isinstance(dim, tuple):  # the contract's extension: several dims at once
        return tuple(_as_dim(op, d) for d in dim)
    if isinstance(dim, list):
        raise TypeError(f"{op}(): argument 'dim' must be int or a tuple of ints, not list")
    return (_as_dim(op, dim),)


def _wrap_dims(dims: tuple[int, ...], ndim: int) -> tuple[int, ...]:
    # As torch checks any dim list: every dim in range first, then no repeats.
    lo, hi = (-1, 0) if ndim == 0 else (-ndim, ndim - 1)
    for d in dims:
        if not lo <= d <= hi:
            raise IndexError(f"Dimension out of range (expected to be in range of [{lo}, {hi}], but got {d})")
    wrapped = []
    for d in dims:
        w = d % ndim if ndim else 0
        if w in wrapped:
            raise RuntimeError(f"dim {w} appears multiple times in the list of dims")
        wrapped.append(w)
    return tuple(wrapped)


def _reduced_mask(op: str, shape: tuple[int, ...], dims: tuple[int, ...] | None) -> tuple[bool, ...]:
    """Which dims are reduced, after the dim-range, dim-count and emptiness errors, in that order."""
    ndim = len(shape)
    wrapped = tuple(range(ndim)) if dims is None else _wrap_dims(dims, ndim)
    if dims is not None and ndim > _MAX_DIMS:  # after the range check, as in torch
        raise RuntimeError(f"only tensors with up to {_MAX_DIMS} dims are supported")
    if dims is None and math.prod(shape) == 0:
        raise IndexError(f"{op}(): Expected reduction dim to be specified for input.numel() == 0.")
    for d in wrapped:
        if ndim and shape[d] == 0:  # a 0-d input's dim 0 / -1 names no real dim
            raise IndexError(f"{op}(): Expected reduction dim {d} to have non-zero size.")
    return tuple(d in wrapped for d in range(ndim))


def _result_shape(shape: tuple[int, ...], reduced: tuple[bool, ...], keepdim: bool) -> tuple[int, ...]:
    if keepdim:
        return tuple(1 if r else n for n, r in zip(shape, reduced, strict=True))
    return kept_shape(shape, reduced)


def _check_out(op: str, out: Any, shape: tuple[int, ...]) -> None:
    dtype = getattr(out, "dtype", None)
    if str(dtype) not in ("int64", "torch.int64"):
        name = {"int32": "int", "torch.int32": "int"}.get(str(dtype), str(dtype).replace("torch.", ""))
        raise RuntimeError(f"Expected out tensor to have dtype long int, but got {name} instead")
    if tuple(out.shape) != shape:
        raise RuntimeError(
            f"{op}(): out has shape {tuple(out.shape)} but the result has shape {shape}; "
            "argreduce does not resize out (torch would, with a deprecation warning)"
        )


def _fill_out(out: Any, result: np.ndarray) -> Any:
    if adapters.is_torch_tensor(out):
        import torch

        out.copy_(torch.from_numpy(result))
    else:
        np.copyto(out, result)
    return out


def _arg_reduce(op: str, is_max: bool, input: Any, dim: Any, keepdim: Any, out: Any) -> Any:
    dims = _parse_dims(op, dim)
    if type(keepdim) is not bool:
        raise TypeError(f"{op}(): argument 'keepdim' must be bool, not {_type_name(keepdim)}")
    if adapters.is_dask_array(input):
        from .dask import dask_arg_reduce

        return dask_arg_reduce(op, is_max, input, dims, keepdim, out)
    if adapters.off_cpu(input):
        return _on_device(op, is_max, input, dims, keepdim)

    adapted = adapters.adapt(input, op)  # dtype errors
    view = adapted.view
    reduced = _reduced_mask(op, view.shape, dims)
    shape = _result_shape(view.shape, reduced, keepdim)
    if out is not None:
        _check_out(op, out, shape)
    result = reduce_view(view, reduced, is_max).reshape(shape)
    return _fill_out(out, result) if out is not None else adapted.wrap(result)


def _on_device(op: str, is_max: bool, x: Any, dims: tuple[int, ...] | None, keepdim: bool) -> Any:
    wrapped = tuple(range(x.ndim)) if dims is None else _wrap_dims(dims, x.ndim)
    if adapters.is_torch_tensor(x):
        from .adapters.torch_adapter import reduce_on_device
    else:
        from .adapters.dlpack_adapter import reduce_on_device
    return reduce_on_device(x, wrapped, keepdim, is_max)


def _entry(op: str, is_max: bool, input: Any, dim: Any, keepdim: Any, out: Any, axis: Any,
           keepdims: Any) -> Any:
    """argmin and argmax: the fast path when it applies, else aliases resolved and the general path."""
    if type(input) is np.ndarray and out is None and axis is _UNSET and keepdims is _UNSET:
        r = _core.reduce_numpy_fast(input, None if dim is _UNSET else dim,
                                    False if keepdim is _UNSET else keepdim, is_max, get_num_threads())
        if r is not None:
            return r
    dim = _alias(op, "dim", dim, "axis", axis, None)
    keepdim = _alias(op, "keepdim", keepdim, "keepdims", keepdims, False)
    return _arg_reduce(op, is_max, input, dim, keepdim, out)


def argmin(input: Any, dim: Any = _UNSET, keepdim: Any = _UNSET, *, out: Any = None, axis: Any = _UNSET,
           keepdims: Any = _UNSET) -> Any:
    """Index of the minimum of ``input``: torch.argmin's semantics for any array.

    ``dim=None`` gives the index into the row-major flattening (shape ``()``); an int reduces that
    dim; a tuple of ints reduces those dims together, indexing their row-major flattening.
    NaN wins (the first one), ties go to the smallest index, -0.0 equals +0.0. ``axis`` and
    ``keepdims`` are aliases of ``dim`` and ``keepdim``.

    >>> import argreduce as ar
    >>> x = [[8, 3, 5], [2, 7, 4]]
    >>> int(ar.argmin(x)), ar.argmin(x, dim=0).tolist(), ar.argmin(x, dim=1).tolist()
    (3, [1, 0, 1], [1, 0])
    """
    return _entry("argmin", False, input, dim, keepdim, out, axis, keepdims)


def argmax(input: Any, dim: Any = _UNSET, keepdim: Any = _UNSET, *, out: Any = None, axis: Any = _UNSET,
           keepdims: Any = _UNSET) -> Any:
    """Index of the maximum of ``input``: torch.argmax's semantics for any array.

    The same rules as :func:`argmin`, with max for min (NaN still wins).

    >>> import argreduce as ar
    >>> x = [[8, 3, 5], [2, 7, 4]]
    >>> int(ar.argmax(x)), ar.argmax(x, dim=0).tolist(), ar.argmax(x, dim=-1, keepdim=True).tolist()
    (0, [0, 1, 0], [[0], [1]])
    """
    return _entry("argmax", True, input, dim, keepdim, out, axis, keepdims)
