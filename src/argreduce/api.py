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
from dataclasses import replace
from typing import Any, NamedTuple

import numpy as np

from . import _core, adapters
from ._contract import MAX_DIMS, reduced_mask, result_shape, wrap_dims
from .absent import reduce_present
from .adapters.values import gather
from .docstrings import shared
from .reduction import ARGMAX, ARGMIN, MAX, MIN, NANARGMAX, NANARGMIN, Reduction
from .signatures import ValuesIndices, index_reduction, value_reduction
from .threads import get_num_threads


class _Unset:
    """The default of an argument that has an alias (dim/axis, keepdim/keepdims): it shows as the value
    it stands for, so help() and the docs read ``dim=None, keepdim=False``, yet it can be told from that
    value given explicitly (``argmin(x, dim=None, axis=1)`` is an error, as giving both names is)."""

    __slots__ = ("value",)

    def __init__(self, value: Any):
        self.value = value

    def __repr__(self) -> str:
        return repr(self.value)


_NO_DIM: Any = _Unset(None)
_NO_KEEPDIM: Any = _Unset(False)


def _type_name(v: Any) -> str:
    t = type(v)
    return t.__name__ if t.__module__ in ("builtins", "torch") else f"{t.__module__}.{t.__name__}"


def _alias(op: str, name: str, value: Any, alias: str, alias_value: Any) -> Any:
    """The argument given under either name (not both), or its default."""
    if isinstance(alias_value, _Unset):
        return value.value if isinstance(value, _Unset) else value
    if not isinstance(value, _Unset):
        raise TypeError(f"{op}(): got both '{name}' and its alias '{alias}'; give one of them")
    return alias_value


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


def _where_mask(op: str, where: Any) -> np.ndarray | None:
    """``where=`` as a NumPy bool array (any input library), checked as an argument."""
    if where is None:
        return None
    if adapters.is_torch_tensor(where):
        where = where.detach().cpu().numpy()
    w = np.asarray(where)
    if w.dtype != np.bool_:
        raise TypeError(f"{op}(): argument 'where' must be a boolean array, not {w.dtype}")
    return w


def _present(op: str, present: np.ndarray | None, where: np.ndarray | None,
             shape: tuple[int, ...]) -> np.ndarray | None:
    if where is None:
        return present
    try:
        w = np.broadcast_to(where, shape)
    except ValueError:
        raise ValueError(f"{op}(): where= of shape {where.shape} does not broadcast to the input's shape "
                         f"{shape}") from None
    return w if present is None else w & present


def _values(adapted: adapters.Adapted, reduced: tuple[bool, ...], index: np.ndarray,
            shape: tuple[int, ...]) -> Any:
    view = adapted.view
    values = gather(view.owner, view.shape, reduced, index)
    if adapters.is_torch_tensor(values):
        return values.reshape(shape)
    return adapted.wrap(np.asarray(values).reshape(shape))


def _reduce(reduction: Reduction, input: Any, dim: Any, keepdim: Any, out: Any, where: Any) -> Any:
    """Every reduction of the family, after its aliases: the contract's checks in torch's order, then
    the core (engine.reduce_present), then the result in the caller's library."""
    op = reduction.name
    if adapters.is_xarray(input):  # dims by name, a DataArray back (adapters/xarray_adapter.py)
        from .adapters.xarray_adapter import xarray_reduce

        def on_data(data: Any, dims: Any, kd: Any) -> Any:
            return _reduce(reduction, data, dims, kd, None, where)

        return xarray_reduce(op, on_data, input, dim, keepdim, out)
    dims = _parse_dims(op, dim)
    if type(keepdim) is not bool:
        raise TypeError(f"{op}(): argument 'keepdim' must be bool, not {_type_name(keepdim)}")
    if adapters.is_dask_array(input):
        from .dask.arg_reduce import dask_arg_reduce

        result = dask_arg_reduce(reduction, input, dims, keepdim, out, where)
        if not reduction.values:
            return result
        return result[0] if dims is None else ValuesIndices(*result)
    mask = _where_mask(op, where)
    if adapters.off_cpu(input):
        if mask is not None or reduction.skip_nan or reduction.values:
            raise TypeError(f"{op}(): arrays on another device are reduced there by argmin/argmax only; "
                            "move the array to the CPU")
        return _on_device(reduction, input, dims, keepdim)

    adapted = adapters.adapt(input, op)  # dtype errors
    view = adapted.view
    reduced = reduced_mask(op, view.shape, dims, numel_error=RuntimeError if reduction.values else IndexError)
    shape = result_shape(view.shape, reduced, keepdim)
    if out is not None:
        _check_out(op, out, shape)
    index = reduce_present(view, reduced, reduction, _present(op, adapted.present, mask, view.shape))
    result = index.reshape(shape)
    indices = _fill_out(out, result) if out is not None else adapted.wrap(result)
    if not reduction.values:
        return indices
    values = _values(adapted, reduced, index, shape)
    return values if dims is None else ValuesIndices(values, indices)


def _on_device(reduction: Reduction, x: Any, dims: tuple[int, ...] | None, keepdim: bool) -> Any:
    wrapped = tuple(range(x.ndim)) if dims is None else wrap_dims(dims, x.ndim)
    if adapters.is_torch_tensor(x):
        from .adapters import torch_adapter

        return torch_adapter.reduce_on_device(x, wrapped, keepdim, reduction.largest)
    from .adapters import dlpack_adapter

    return dlpack_adapter.reduce_on_device(x, wrapped, keepdim, reduction.largest)


def _entry(reduction: Reduction, input: Any, dim: Any, keepdim: Any, out: Any, axis: Any,
           keepdims: Any, where: Any = None) -> Any:
    """Every public function: the fast path when it applies, else aliases resolved and the general path."""
    if (type(input) is np.ndarray and out is None and axis is _NO_DIM and keepdims is _NO_KEEPDIM
            and where is None and not reduction.skip_nan and not reduction.values):
        fast_dim = None if dim is _NO_DIM else dim
        fast_keepdim = False if keepdim is _NO_KEEPDIM else keepdim
        r = _core.reduce_numpy_fast(input, fast_dim, fast_keepdim, reduction.rule, get_num_threads())
        if r is not None:
            return r
    op = reduction.name
    dim = _alias(op, "dim", dim, "axis", axis)
    keepdim = _alias(op, "keepdim", keepdim, "keepdims", keepdims)
    return _reduce(reduction, input, dim, keepdim, out, where)


# The public functions. Their types, per input library, are in signatures.py (the defs carry no
# annotations, so that help() reads as the call is written); the docstrings' shared parts (%(name)s)
# are in docstrings.py.

@index_reduction
@shared
def argmin(input, dim=_NO_DIM, keepdim=_NO_KEEPDIM, *, out=None, axis=_NO_DIM, keepdims=_NO_KEEPDIM,
           where=None):
    """Index of the minimum: torch.argmin's answer, for any array.

    Per slice: the index of the first NaN if there is one; otherwise of the smallest value, ties
    going to the smallest index; -0.0 equals +0.0; integers are compared exactly (int64 beyond
    2**53 too). The answer does not depend on the layout, the thread count or the machine.

    Parameters
    ----------
    %(input)s
    %(dim)s
    %(out)s
    %(aliases)s
    %(where)s

    Returns
    -------
    %(indices)s

    Raises
    ------
    %(errors)s
    %(absent)s

    See Also
    --------
    argmax, nanargmin, min

    Examples
    --------
    >>> import argreduce as ar
    >>> x = [[8, 3, 5], [2, 7, 4]]
    >>> int(ar.argmin(x)), ar.argmin(x, dim=0).tolist(), ar.argmin(x, dim=1).tolist()
    (3, [1, 0, 1], [1, 0])
    >>> ar.argmin(x, dim=(0, 1), keepdim=True).tolist()  # both dims together, kept with size 1
    [[3]]
    >>> int(ar.argmin([2.0, float("nan"), 1.0, float("nan")]))  # the first NaN wins
    1
    """
    return _entry(ARGMIN, input, dim, keepdim, out, axis, keepdims, where)


@index_reduction
@shared
def argmax(input, dim=_NO_DIM, keepdim=_NO_KEEPDIM, *, out=None, axis=_NO_DIM, keepdims=_NO_KEEPDIM,
           where=None):
    """Index of the maximum: torch.argmax's answer, for any array.

    The rules of :func:`argmin` with max for min: the first NaN still wins, ties go to the smallest
    index.

    Parameters
    ----------
    %(input)s
    %(dim)s
    %(out)s
    %(aliases)s
    %(where)s

    Returns
    -------
    %(indices)s

    Raises
    ------
    %(errors)s
    %(absent)s

    See Also
    --------
    argmin, nanargmax, max

    Examples
    --------
    >>> import argreduce as ar
    >>> x = [[8, 3, 5], [2, 7, 4]]
    >>> int(ar.argmax(x)), ar.argmax(x, dim=0).tolist(), ar.argmax(x, dim=-1, keepdim=True).tolist()
    (0, [0, 1, 0], [[0], [1]])
    >>> ar.argmax([[1, 9], [9, 0]], axis=1).tolist()  # NumPy's name for dim
    [1, 0]
    """
    return _entry(ARGMAX, input, dim, keepdim, out, axis, keepdims, where)


@index_reduction
@shared
def nanargmin(input, dim=_NO_DIM, keepdim=_NO_KEEPDIM, *, out=None, axis=_NO_DIM, keepdims=_NO_KEEPDIM,
              where=None):
    """Index of the minimum with NaN (and NaT) skipped: NumPy's nanargmin, with argmin's arguments.

    Ties go to the smallest index and -0.0 equals +0.0, as in :func:`argmin`; integers and bools
    have nothing to skip and give argmin's answer.

    Parameters
    ----------
    %(input)s
    %(dim)s
    %(out)s
    %(aliases)s
    %(where)s

    Returns
    -------
    %(indices)s

    Raises
    ------
    %(errors)s
    ValueError
        ``All-NaN slice encountered``: a slice with nothing but NaN (and absent elements).

    See Also
    --------
    argmin, nanargmax

    Examples
    --------
    >>> import argreduce as ar
    >>> int(ar.nanargmin([1.0, float("nan"), 0.0, float("nan")]))
    2
    >>> ar.nanargmin([[float("nan"), 4.0], [3.0, 5.0]], dim=0).tolist()
    [1, 0]
    """
    return _entry(NANARGMIN, input, dim, keepdim, out, axis, keepdims, where)


@index_reduction
@shared
def nanargmax(input, dim=_NO_DIM, keepdim=_NO_KEEPDIM, *, out=None, axis=_NO_DIM, keepdims=_NO_KEEPDIM,
              where=None):
    """Index of the maximum with NaN (and NaT) skipped: NumPy's nanargmax, with argmax's arguments.

    Parameters
    ----------
    %(input)s
    %(dim)s
    %(out)s
    %(aliases)s
    %(where)s

    Returns
    -------
    %(indices)s

    Raises
    ------
    %(errors)s
    ValueError
        ``All-NaN slice encountered``: a slice with nothing but NaN (and absent elements).

    See Also
    --------
    argmax, nanargmin

    Examples
    --------
    >>> import argreduce as ar
    >>> int(ar.nanargmax([1.0, float("nan"), 0.0, float("nan")]))
    0
    """
    return _entry(NANARGMAX, input, dim, keepdim, out, axis, keepdims, where)


@value_reduction
@shared
def min(input, dim=_NO_DIM, keepdim=_NO_KEEPDIM, *, axis=_NO_DIM, keepdims=_NO_KEEPDIM, where=None):
    """The smallest value, as torch.min: alone without a dim, with its indices with one.

    The values are the elements at :func:`argmin`'s indices, bit for bit (the first NaN's payload,
    the sign of the first zero), in the input's dtype and library.

    Parameters
    ----------
    %(input)s
    %(dim)s
    %(aliases)s
    %(where)s

    Returns
    -------
    value or ValuesIndices
        Without ``dim``: the smallest element, a 0-d array (a NumPy scalar for NumPy input) of the
        input's dtype and library. With ``dim``: the namedtuple ``(values, indices)``, ``indices``
        as :func:`argmin` gives them.

    Raises
    ------
    %(errors)s
    RuntimeError
        An empty input without ``dim`` (torch's class for min; argmin raises IndexError).
    %(absent)s

    See Also
    --------
    argmin, max

    Examples
    --------
    >>> import argreduce as ar
    >>> r = ar.min([[8, 3, 5], [2, 7, 4]], dim=1)
    >>> r.values.tolist(), r.indices.tolist()
    ([3, 2], [1, 0])
    >>> int(ar.min([[8, 3, 5], [2, 7, 4]]))
    2
    """
    return _entry(MIN, input, dim, keepdim, None, axis, keepdims, where)


@value_reduction
@shared
def max(input, dim=_NO_DIM, keepdim=_NO_KEEPDIM, *, axis=_NO_DIM, keepdims=_NO_KEEPDIM, where=None):
    """The largest value, as torch.max: the rules of :func:`min`, with max for min.

    Parameters
    ----------
    %(input)s
    %(dim)s
    %(aliases)s
    %(where)s

    Returns
    -------
    value or ValuesIndices
        Without ``dim``: the largest element, of the input's dtype and library. With ``dim``: the
        namedtuple ``(values, indices)``, ``indices`` as :func:`argmax` gives them.

    Raises
    ------
    %(errors)s
    RuntimeError
        An empty input without ``dim``.
    %(absent)s

    See Also
    --------
    argmax, min

    Examples
    --------
    >>> import argreduce as ar
    >>> int(ar.max([[8, 3, 5], [2, 7, 4]]))
    8
    >>> ar.max([[8, 3, 5], [2, 7, 4]], dim=0, keepdim=True).indices.tolist()
    [[0, 1, 0]]
    """
    return _entry(MAX, input, dim, keepdim, None, axis, keepdims, where)


class TopK(NamedTuple):
    """What :func:`topk` returns, as torch.topk does: the k values and their indices.

    Parameters
    ----------
    values : array
        The k best elements of each slice, best first, in the input's dtype and library.
    indices : int64 array
        Where they are along ``dim`` (into the flattened input for ``dim=None``).

    Examples
    --------
    >>> import argreduce as ar
    >>> values, indices = ar.topk([4, 9, 1, 9], 2)
    >>> values.tolist(), indices.tolist()
    ([9, 9], [1, 3])
    """

    values: Any
    indices: Any


def _as_k(k: Any) -> int:
    if isinstance(k, (bool, np.bool_)) or not isinstance(k, (int, np.integer)):
        raise TypeError(f"topk(): argument 'k' (position 2) must be int, not {_type_name(k)}")
    return operator.index(k)


def _as_flag(name: str, v: Any) -> bool:
    if not isinstance(v, (bool, np.bool_)):
        raise TypeError(f"topk(): argument '{name}' must be bool, not {_type_name(v)}")
    return bool(v)


def _last_to(a, dim: int):
    """The k axis (last) of a NumPy array or torch tensor moved to ``dim``, C-contiguous."""
    if isinstance(a, np.ndarray):
        return np.ascontiguousarray(np.moveaxis(a, -1, dim))
    return a.movedim(-1, dim).contiguous()


@shared
def topk(input: Any, k: Any, dim: Any = -1, largest: Any = True, sorted: Any = True, *,
         where: Any = None) -> TopK:
    """The k largest (or smallest) elements along ``dim`` and their indices: torch.topk's signature.

    Unlike torch, the order is defined: NaN is larger than every number (first for ``largest``, last
    otherwise), and equal values (-0.0 == +0.0) come in index order, smallest first, in both
    directions, so the answer is the same for any threads or machine.

    Parameters
    ----------
    %(input)s
    k : int
        How many elements per slice, from 0 to the slice's size.
    dim : int or None, optional
        The dim to take them along (default -1, the last). None: the k best of the flattened input
        (an extension; torch raises TypeError).
    largest : bool, optional
        The largest (default) or the smallest.
    sorted : bool, optional
        Accepted for torch's signature; the k elements always come sorted, best first.
    %(where)s

    Returns
    -------
    TopK
        The namedtuple ``(values, indices)``, each with ``dim`` of size k: the elements themselves
        in the input's dtype and library, and their int64 indices.

    Raises
    ------
    TypeError
        ``k`` not an int, ``largest`` or ``sorted`` not a bool, a dtype without an order.
    IndexError
        ``dim`` out of range.
    RuntimeError
        ``k`` below 0 or above the slice's size (``selected index k out of range``).
    ValueError
        A slice with fewer than k present elements (``where=`` or nulls).

    See Also
    --------
    argmin, argmax

    Examples
    --------
    >>> import argreduce as ar
    >>> r = ar.topk([3.0, float("nan"), 1.0, 1.0, float("nan"), -1.0, 1.0], 3)
    >>> r.values.tolist(), r.indices.tolist()
    ([nan, nan, 3.0], [1, 4, 0])
    >>> ar.topk([3, 1, 1, -1, 1], 3, largest=False).indices.tolist()
    [3, 1, 2]
    """
    from .k_best import EMPTY, gather_values, k_best

    k = _as_k(k)
    dims = None if dim is None else (_as_dim("topk", dim),)
    largest = _as_flag("largest", largest)
    _as_flag("sorted", sorted)
    if adapters.is_dask_array(input):
        from .dask.top_k import dask_topk

        return TopK(*dask_topk(input, k, None if dims is None else dims[0], largest, where))
    mask = _where_mask("topk", where)
    if adapters.off_cpu(input):
        raise TypeError("topk(): arrays on another device are not read by argreduce's topk; move the array "
                        "to the CPU")
    adapted = adapters.adapt(input, "topk")
    view = adapted.view
    ndim = len(view.shape)
    if dims is not None:
        (d,) = wrap_dims(dims, ndim)
        if ndim > MAX_DIMS:
            raise RuntimeError(f"only tensors with up to {MAX_DIMS} dims are supported")
    size = math.prod(view.shape) if dims is None else (view.shape[d] if ndim else 1)
    if not 0 <= k <= size:
        raise RuntimeError("selected index k out of range")
    present = _present("topk", adapted.present, mask, view.shape)
    if ndim == 0:
        present = None if present is None else present.reshape(1)
        view = replace(view, shape=(1,), strides=(1,))
        core_dim = None
    else:
        core_dim = None if dims is None else d
    owner = view.owner if ndim else adapted.view.owner
    best = k_best(view, core_dim, k, largest, present, values_like=owner if ndim else None)
    index = best.index
    if present is not None and k and (index == EMPTY).any():
        at = tuple(int(i) for i in np.argwhere((index == EMPTY).any(axis=-1))[0])
        where_at = f" at output position {at}" if at else ""
        raise ValueError(f"topk(): the slice{where_at} has fewer than k={k} present elements "
                         "(where= is False or the data are missing at the others)")
    values = best.values
    if ndim == 0:  # torch: a 0-d input gives the input and index 0, for k 0 and 1 alike
        index = np.zeros((), np.int64)
        values = gather_values(owner, None, np.zeros(1, np.int64)).reshape(())
    elif values is None:
        values = gather_values(owner, core_dim, index)
    elif core_dim is not None:
        values = _last_to(values, core_dim)
    if ndim and core_dim is not None:
        index = np.moveaxis(index, -1, core_dim)
    indices = adapted.wrap(index if index.flags.c_contiguous else index.copy(order="C"))
    if not adapters.is_torch_tensor(values):
        values = adapted.wrap(np.asarray(values))
    return TopK(values, indices)
