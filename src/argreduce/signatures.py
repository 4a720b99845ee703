"""The public reductions' types: what each input library gets back, for type checkers, and the pair
that min and max return.

One overloaded signature per family, written once rather than over each of the six functions:
``IndexReduction`` (argmin, argmax, nanargmin, nanargmax) and ``ValueReduction`` (min, max). The
functions in api.py are declared of these types by ``index_reduction`` / ``value_reduction``, which
return the function itself at run time (``help()`` shows its own signature), so a type checker knows
that NumPy in gives NumPy out and torch in gives a Tensor, and anything else gives ``Any``.

torch is imported only by type checkers: argreduce never needs it at run time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, Protocol, TypeAlias, cast, overload

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    import torch

#: A dim: an int, a tuple of ints (reduced together), or None for all of them.
Dims: TypeAlias = "int | tuple[int, ...] | None"
#: The indices of a NumPy input: a NumPy int64 scalar for a 0-d result, else an int64 array.
NumpyIndex: TypeAlias = "np.int64 | NDArray[np.int64]"


class ValuesIndices(NamedTuple):
    """What ``min(x, dim)`` and ``max(x, dim)`` return, as torch.min does: the values and their indices.

    Parameters
    ----------
    values : array
        The smallest (largest) elements, in the input's dtype and library.
    indices : int64 array
        Where they are: :func:`argmin`'s (:func:`argmax`'s) answer.

    Examples
    --------
    >>> import argreduce as ar
    >>> values, indices = ar.max([[8, 3, 5], [2, 7, 4]], dim=1)
    >>> values.tolist(), indices.tolist()
    ([8, 7], [0, 1])
    """

    values: Any
    indices: Any


class IndexReduction(Protocol):
    """argmin, argmax, nanargmin, nanargmax."""

    @overload
    def __call__(self, input: torch.Tensor, dim: Dims = None, keepdim: bool = False, *,
                 out: torch.Tensor | None = None, axis: Dims = None, keepdims: bool = False,
                 where: Any = None) -> torch.Tensor: ...

    @overload
    def __call__(self, input: NDArray[Any], dim: None = None, keepdim: Literal[False] = False, *,
                 out: None = None, axis: None = None, keepdims: Literal[False] = False,
                 where: Any = None) -> np.int64: ...

    @overload
    def __call__(self, input: NDArray[Any], dim: Dims = None, *, keepdim: Literal[True],
                 out: NDArray[np.int64] | None = None, axis: Dims = None, keepdims: bool = False,
                 where: Any = None) -> NDArray[np.int64]: ...

    @overload
    def __call__(self, input: NDArray[Any], dim: Dims = None, keepdim: bool = False, *,
                 out: NDArray[np.int64] | None = None, axis: Dims = None, keepdims: bool = False,
                 where: Any = None) -> NumpyIndex: ...

    @overload
    def __call__(self, input: Any, dim: Any = None, keepdim: bool = False, *, out: Any = None,
                 axis: Any = None, keepdims: bool = False, where: Any = None) -> Any: ...


class ValueReduction(Protocol):
    """min and max: the value alone without a dim, ``(values, indices)`` with one."""

    @overload
    def __call__(self, input: torch.Tensor, dim: None = None, keepdim: bool = False, *, axis: None = None,
                 keepdims: bool = False, where: Any = None) -> torch.Tensor: ...

    @overload
    def __call__(self, input: Any, dim: int | tuple[int, ...], keepdim: bool = False, *, axis: None = None,
                 keepdims: bool = False, where: Any = None) -> ValuesIndices: ...

    @overload
    def __call__(self, input: Any, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
                 keepdims: bool = False, where: Any = None) -> Any: ...


def index_reduction(f: Callable[..., Any]) -> IndexReduction:
    """Declares ``f`` an IndexReduction for type checkers; returns ``f`` itself."""
    return cast("IndexReduction", f)


def value_reduction(f: Callable[..., Any]) -> ValueReduction:
    """Declares ``f`` a ValueReduction for type checkers; returns ``f`` itself."""
    return cast("ValueReduction", f)
