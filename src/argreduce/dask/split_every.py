"""``argreduce.dask.argmin`` / ``argmax`` / ``nanargmin`` / ``nanargmax``: the library's functions with
Dask's ``split_every``.

``split_every`` is how many partials one node of the merge tree takes (``dask.array.argmin`` has the
same argument): an int for all the reduced dims together, or a dict from dim to fan-in. The answer
never depends on it (the merge is the same exact comparator at every level); the graph's depth and
the size of each merge task do.

The value travels to the tree through a context variable (fan_in.py) rather than through
``argreduce.argmin``'s signature, so that every argument check and error stays the library's own, in
its order, and a graph built on another thread at the same time is unaffected.
"""

from __future__ import annotations

import operator
from typing import Any

from .. import api
from ..docstrings import filled_with
from .fan_in import current_split_every

# The four functions take the same arguments and raise the same errors: written once here.
_PARTS = {
    "args": """\
x : dask.array.Array
        The array; its chunk sizes must be known.
    dim : int, tuple of int or None, optional
        The dims to reduce, as for the in-memory function. None (the default) reduces all of them:
        the index is into the row-major flattening.
    keepdim : bool, optional
        Keep the reduced dims with size 1.
    split_every : int or dict of int to int, optional
        How many partials each node of the merge tree takes (at least 2): one int for the reduced
        dims together, or a fan-in per dim, as ``dask.array.argmin`` takes it. None (the default)
        uses Dask's configured ``split_every`` (16). The answer does not depend on it.""",
    "returns": """\
dask.array.Array
        A lazy int64 array: the same indices as the in-memory function's.""",
    "raises": """\
TypeError
        ``x`` is not a Dask array, or an argument has the wrong type.
    ValueError
        ``split_every`` is less than 2; ``x`` has unknown chunk sizes.
    IndexError
        A dim is out of range, or a reduced dim is empty (as the in-memory function).""",
}
_documented = filled_with(_PARTS)


def _checked(op: str, split_every: Any, ndim: int) -> int | dict[int, int] | None:
    """None, an int >= 2, or a dict {dim: int >= 2} with dims in range (wrapped to 0..ndim-1)."""
    if split_every is None:
        return None
    if isinstance(split_every, dict):
        out = {}
        for d, n in split_every.items():
            d = _as_int(op, "a split_every key", d)
            if not -max(ndim, 1) <= d < max(ndim, 1):
                raise IndexError(f"{op}(): split_every names dim {d}, but the input has {ndim} dims")
            out[d % max(ndim, 1)] = _fan_in(op, n)
        return out
    return _fan_in(op, split_every)


def _as_int(op: str, what: str, v: Any) -> int:
    if isinstance(v, bool):
        raise TypeError(f"{op}(): {what} must be an int, not bool")
    try:
        return operator.index(v)
    except TypeError:
        raise TypeError(f"{op}(): {what} must be an int, not {type(v).__name__}") from None


def _fan_in(op: str, n: Any) -> int:
    n = _as_int(op, "split_every", n)
    if n < 2:
        raise ValueError(f"{op}(): split_every must be at least 2 (partials merged per tree node), not {n}")
    return n


def _reduce(op: str, x: Any, dim: Any, keepdim: Any, split_every: Any) -> Any:
    from ..adapters import is_dask_array

    if not is_dask_array(x):
        raise TypeError(f"argreduce.dask.{op}(): expected a dask.array.Array, not {type(x).__name__}; "
                        f"for other arrays call argreduce.{op}")
    token = current_split_every.set(_checked(op, split_every, x.ndim))
    try:
        return getattr(api, op)(x, dim, keepdim)
    finally:
        current_split_every.reset(token)


@_documented
def argmin(x: Any, dim: Any = None, keepdim: bool = False, *, split_every: Any = None) -> Any:
    """``argreduce.argmin`` of the Dask array ``x``, merging ``split_every`` partials per tree node.

    Parameters
    ----------
    %(args)s

    Returns
    -------
    %(returns)s

    Raises
    ------
    %(raises)s

    Examples
    --------
    >>> import dask.array as da, numpy as np
    >>> import argreduce.dask
    >>> x = da.from_array(np.array([[4, 1, 1], [0, 9, 0]]), chunks=1)
    >>> argreduce.dask.argmin(x, dim=1, split_every=2).compute().tolist()
    [1, 0]
    """
    return _reduce("argmin", x, dim, keepdim, split_every)


@_documented
def argmax(x: Any, dim: Any = None, keepdim: bool = False, *, split_every: Any = None) -> Any:
    """``argreduce.argmax`` of the Dask array ``x``, merging ``split_every`` partials per tree node.

    Parameters
    ----------
    %(args)s

    Returns
    -------
    %(returns)s

    Raises
    ------
    %(raises)s

    Examples
    --------
    >>> import dask.array as da, numpy as np
    >>> import argreduce.dask
    >>> x = da.from_array(np.array([3, 7, 7, 2]), chunks=1)
    >>> int(argreduce.dask.argmax(x, split_every=3).compute())
    1
    """
    return _reduce("argmax", x, dim, keepdim, split_every)


@_documented
def nanargmin(x: Any, dim: Any = None, keepdim: bool = False, *, split_every: Any = None) -> Any:
    """``argreduce.nanargmin`` (NaN skipped) of the Dask array ``x``, with ``split_every``.

    Parameters
    ----------
    %(args)s

    Returns
    -------
    %(returns)s

    Raises
    ------
    %(raises)s
    ValueError
        A slice is all NaN (when computed), as :func:`argreduce.nanargmin`.

    Examples
    --------
    >>> import dask.array as da, numpy as np
    >>> import argreduce.dask
    >>> x = da.from_array(np.array([np.nan, 3.0, 1.0, np.nan]), chunks=1)
    >>> int(argreduce.dask.nanargmin(x, split_every=2).compute())
    2
    """
    return _reduce("nanargmin", x, dim, keepdim, split_every)


@_documented
def nanargmax(x: Any, dim: Any = None, keepdim: bool = False, *, split_every: Any = None) -> Any:
    """``argreduce.nanargmax`` (NaN skipped) of the Dask array ``x``, with ``split_every``.

    Parameters
    ----------
    %(args)s

    Returns
    -------
    %(returns)s

    Raises
    ------
    %(raises)s
    ValueError
        A slice is all NaN (when computed), as :func:`argreduce.nanargmax`.

    Examples
    --------
    >>> import dask.array as da, numpy as np
    >>> import argreduce.dask
    >>> x = da.from_array(np.array([np.nan, 3.0, 1.0, np.nan]), chunks=1)
    >>> int(argreduce.dask.nanargmax(x, split_every=2).compute())
    1
    """
    return _reduce("nanargmax", x, dim, keepdim, split_every)
