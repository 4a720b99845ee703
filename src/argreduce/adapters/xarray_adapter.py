"""xarray DataArrays: ``dim`` by name (or a list of names), and a DataArray back with the dims and
coordinates that remain.

The underlying array (``da.data``: NumPy, Dask, ...) is reduced by argreduce like any other input,
so the answers, errors and laziness are the library's own; this module only translates names to
positions on the way in and labels the result on the way out. Several dims give one array of flat
indices into their row-major flattening (in the DataArray's dim order), where xarray's own ``argmin``
returns a dict of per-dim indices; ``np.unravel_index`` turns one into the other. Coordinates along a
reduced dim are dropped (with ``keepdim`` too: they would no longer match), as xarray's reductions
drop them; the name is kept and the attributes are not, as xarray's defaults do.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any


def _position(op: str, x: Any, d: Any) -> int:
    """A dim given by name (str or any name the DataArray has) or by position (int, torch-style)."""
    if isinstance(d, int) and not isinstance(d, bool) and d not in x.dims:
        return d  # a position; the library checks its range
    if isinstance(d, Hashable) and d in x.dims:
        return x.dims.index(d)
    raise ValueError(f"{op}(): {d!r} is not a dim of this DataArray; its dims are {tuple(x.dims)}")


def positions(op: str, x: Any, dim: Any) -> int | tuple[int, ...] | None:
    """``dim`` (None, a name, a position, or a list or tuple of those) as positions."""
    if dim is None:
        return None
    if isinstance(dim, (list, tuple)):
        return tuple(_position(op, x, d) for d in dim)
    return _position(op, x, dim)


def xarray_reduce(op: str, reduce: Callable[[Any, Any, bool], Any], x: Any, dim: Any, keepdim: Any,
                  out: Any) -> Any:
    """``reduce(data, dims, keepdim)`` (the api's reduction on the underlying array) of the DataArray
    ``x``, as a DataArray; for min and max with dims, a ``(values, indices)`` pair of DataArrays."""
    if out is not None:
        raise TypeError(f"{op}(): out= is not supported for an xarray DataArray; the result is a new "
                        "DataArray (copy it into yours)")
    axes = positions(op, x, dim)
    result = reduce(x.data, axes, keepdim)  # every argument error is raised here, as for any array
    if axes is None:
        reduced = set(range(x.ndim))
    else:
        reduced = {a % x.ndim for a in (axes if isinstance(axes, tuple) else (axes,))} if x.ndim else set()
    if isinstance(result, tuple) and hasattr(result, "_fields"):  # min/max: (values, indices)
        return type(result)(*(_labelled(x, r, reduced, keepdim) for r in result))
    return _labelled(x, result, reduced, keepdim)


def _labelled(x: Any, data: Any, reduced: set[int], keepdim: Any) -> Any:
    import xarray as xr

    dims = [d for i, d in enumerate(x.dims) if keepdim or i not in reduced]
    kept = {d for i, d in enumerate(x.dims) if i not in reduced}
    coords = {name: c for name, c in x.coords.items() if set(c.dims) <= kept}
    return xr.DataArray(data, dims=dims, coords=coords, name=x.name)
