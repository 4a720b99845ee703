"""The parts the public reductions' docstrings share (their arguments are the same), written once.

``shared(f)`` fills ``%(name)s`` in ``f.__doc__`` with the part of that name, as pandas' and SciPy's
docstring templates do, so that help(), the API reference (numpydoc) and the doctests all read the
whole text; ``filled_with`` makes such a decorator for another set of parts (``argreduce.dask``).
Each part is indented for a function's docstring (4 spaces).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable[..., object])

PARTS = {
    "input": """\
input : array_like
        A NumPy array, a torch tensor, any array with ``__array_namespace__``, ``__dlpack__`` or the
        buffer protocol, an xarray DataArray, a Dask array, a pyarrow, polars or pandas column
        (nulls are absent elements), or nested sequences of numbers. Read in place where it has
        array memory.""",
    "dim": """\
dim : int, tuple of int or None, optional
        The dim to reduce. A tuple reduces those dims together, and the index is into the row-major
        flattening of just those dims. None (the default) reduces every dim: the index is into the
        row-major flattening of ``input``. For a DataArray, dim names (or a list of them) too.
    keepdim : bool, optional
        Keep each reduced dim, with size 1 (default False).""",
    "out": """\
out : int64 array, optional
        Filled with the indices and returned; it must have the result's shape (it is not resized).""",
    "aliases": """\
axis, keepdims : optional
        NumPy's names for ``dim`` and ``keepdim``; give one name or the other, not both.""",
    "where": """\
where : bool array, optional
        Only the elements where it is True (broadcast to ``input``'s shape) take part; the indices
        still count every position.""",
    "indices": """\
indices : int64 array, in the input's library
        NumPy in, NumPy out (a NumPy ``int64`` scalar for a 0-d result); torch in, torch out; the
        input's own namespace for an array-API array; a lazy Dask array for a Dask array; a
        DataArray with the remaining dims and coordinates for a DataArray. ``out`` if given.""",
    "errors": """\
TypeError
        An argument of the wrong type (a float or bool dim, both a name and its alias ...), an
        input that is not an array, or a dtype without an order.
    IndexError
        A dim out of range, a reduced dim of size 0, or an empty input without ``dim``.
    RuntimeError
        Complex input, a dim given twice, an ``out`` of the wrong dtype or shape.""",
    "absent": """\
ValueError
        A slice with no element left to compare (``where=`` False or null everywhere in it).""",
}


def filled_with(parts: dict[str, str]) -> Callable[[F], F]:
    """A decorator that fills ``%(name)s`` in a docstring from ``parts``; ``shared`` is the api's."""

    def fill(f: F) -> F:
        if f.__doc__:
            f.__doc__ = f.__doc__ % parts
        return f

    return fill


shared = filled_with(PARTS)
