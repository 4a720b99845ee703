"""The k best elements of every slice: the core call, the exact merge of partial k-best lists, and
the values gathered in the input's library.

Order: the contract's one comparator, (key, index). The key is that of a rule whose NaN is larger
than every number (torch.sort's order): for largest=True the core's "max" rule (its NaN key is the
smallest, so NaN comes first), for largest=False "nanmin" (its NaN key is the largest: NaN last).
Equal values (-0.0 and +0.0 share a key) come in index order, smallest first, in both directions;
so a k-best list does not depend on threads, chunks or machine, and two lists of disjoint elements
merge exactly (merge), which is how the command line's chunks and Dask's blocks are combined.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from . import _core
from .adapters import StridedView, adapt
from .adapters.storage import storage_array, storage_dtype
from .threads import get_num_threads

#: The key and index of an empty slot: a slice with fewer than k (present) elements ends in these.
EMPTY = np.iinfo(np.int64).max

_RULES: tuple[str, ...] = tuple(_core.rules())


def topk_rule(largest: bool) -> int:
    """The core's rule whose keys order elements as topk does (NaN largest; see the module's note)."""
    return _RULES.index("max" if largest else "nanmin")


@dataclass
class KBest:
    """Per output, the k best (key, index) pairs, best first: arrays of shape ``(*outer, k)``, where
    ``outer`` is the kept dims' shape; slots past the last element hold ``EMPTY``. ``values``, when
    carried, are the elements at ``index`` (any dtype; unspecified in empty slots)."""

    keys: np.ndarray
    index: np.ndarray
    values: np.ndarray | None = None


def merge(parts: list[KBest]) -> KBest:
    """The exact merge of k-best lists of disjoint elements (global indices): the k best pairs of all
    by (key, index), the one comparator. The command line's chunks and Dask's tree both merge here."""
    shape = parts[0].keys.shape
    if any(p.keys.shape != shape for p in parts):
        raise ValueError(f"cannot merge k-best lists of shapes {[p.keys.shape for p in parts]}")
    keys = np.concatenate([p.keys for p in parts], axis=-1)
    index = np.concatenate([p.index for p in parts], axis=-1)
    order = np.lexsort((index, keys), axis=-1)[..., :shape[-1]]
    values = None
    if all(p.values is not None for p in parts):
        values = np.take_along_axis(np.concatenate([p.values for p in parts], axis=-1), order, -1)
    return KBest(np.take_along_axis(keys, order, -1), np.take_along_axis(index, order, -1), values)


def slice_layout(view: StridedView, dim: int | None
                 ) -> tuple[StridedView, tuple[int, ...], tuple[int, ...], int, int]:
    """The view as the core's topk reads it: kept dims (shape, byte strides) and the reduced dim last
    (size, byte stride). ``dim=None`` is one slice of the row-major flattening, copied if the view
    is not C-contiguous (the returned view owns the copy)."""
    if dim is not None:
        outer_shape = view.shape[:dim] + view.shape[dim + 1:]
        outer_strides = view.strides[:dim] + view.strides[dim + 1:]
        return view, outer_shape, outer_strides, view.shape[dim], view.strides[dim]
    itemsize = storage_array(view).itemsize if view.shape else 1
    numel = math.prod(view.shape)
    expect, c_strides = itemsize, []
    for n in reversed(view.shape):
        c_strides.append(expect)
        expect *= n
    if tuple(reversed(c_strides)) != tuple(view.strides) and numel > 1:
        copy = np.ascontiguousarray(storage_array(view))
        view = StridedView(copy, copy.__array_interface__["data"][0], view.dtype, copy.shape, copy.strides,
                           view.swapped)
    return view, (), (), numel, itemsize


def k_best(view: StridedView, dim: int | None, k: int, largest: bool, present: np.ndarray | None = None,
           with_keys: bool = False, values_like=None) -> KBest:
    """The k best elements of every slice along ``dim`` (an int >= 0, or None for the flattening).

    ``present`` (a bool array of the view's shape, or None) marks the elements that take part.
    Indices count along ``dim`` (or the flattening). Slots a slice could not fill are ``EMPTY``.
    With ``values_like`` (the view's NumPy array or torch tensor) the core also copies the values,
    shape ``(*outer, k)`` in that library and dtype, when its elements are the view's (else
    ``values`` is None: gather_values then does it).
    """
    view, outer_shape, outer_strides, n, stride = slice_layout(view, dim)
    index = np.empty((*outer_shape, k), dtype=np.int64)
    keys = np.empty_like(index) if with_keys else None
    values, values_address = _values_buffer(values_like, view, (*outer_shape, k))
    mask = None
    if present is not None:
        moved = present.reshape(-1) if dim is None else np.moveaxis(present, dim, -1)
        mask = np.ascontiguousarray(moved).view(np.uint8).reshape(-1)
    _core.topk(view.address, view.dtype, list(outer_shape), list(outer_strides), n, stride, view.swapped,
               topk_rule(largest), k, index, keys, mask, get_num_threads(), values_address)
    return KBest(keys if keys is not None else np.empty(0, np.int64), index, values)


def _values_buffer(owner, view: StridedView, shape: tuple[int, ...]):
    """An empty array of ``shape`` in the owner's library and dtype, and its address, for the core
    to copy the values into (one pass in C++ instead of NumPy's fancy indexing, which cost as much
    as the selection on (2**20, 100)); (None, 0) when the owner's elements are not the view's."""
    if owner is None:
        return None, 0
    itemsize = storage_dtype(view.dtype).itemsize
    if isinstance(owner, np.ndarray) and owner.dtype.itemsize == itemsize and not owner.dtype.hasobject:
        out = np.empty(shape, owner.dtype)
        return out, out.ctypes.data
    if type(owner).__module__.startswith("torch"):
        import torch

        if isinstance(owner, torch.Tensor) and owner.element_size() == itemsize:
            t = torch.empty(shape, dtype=owner.dtype)
            return t, t.data_ptr()
    return None, 0


def block_k_best(values: np.ndarray, present: np.ndarray | None, dim: int | None, k: int, largest: bool,
                 start: int = 0, core_dtype: str | None = None) -> KBest:
    """The k-best list of one block of a larger array, with keys and values, for merging: indices are
    the block's own along ``dim`` plus ``start`` (its offset there), or, for ``dim=None``, into the
    block's flattening (the caller makes them global). A block shorter than k, or with fewer present
    elements, pads with ``EMPTY``. ``core_dtype`` overrides the dtype the block's memory holds
    (bfloat16 read as uint16 words). Used by the command line's chunks and Dask's blocks alike."""
    view = adapt(values, "topk").view
    if core_dtype:
        view = replace(view, dtype=core_dtype)
    n = values.size if dim is None else values.shape[dim]
    outer = () if dim is None else values.shape[:dim] + values.shape[dim + 1:]
    if n == 0:
        full = np.full((*outer, k), EMPTY, dtype=np.int64)
        return KBest(full, full.copy(), np.zeros((*outer, k), dtype=values.dtype))
    part = k_best(view, dim, min(k, n), largest, present, with_keys=True)
    empty = part.index == EMPTY
    part.values = gather_values(values, dim, np.where(empty, 0, part.index))
    part.values = np.moveaxis(part.values, dim, -1) if dim is not None else part.values
    part.index = np.where(empty, EMPTY, part.index + start)
    if k > n:
        pad = (*outer, k - n)
        part = KBest(np.concatenate([part.keys, np.full(pad, EMPTY, np.int64)], -1),
                     np.concatenate([part.index, np.full(pad, EMPTY, np.int64)], -1),
                     np.concatenate([part.values, np.zeros(pad, part.values.dtype)], -1))
    return part


def gather_values(owner, dim: int | None, index: np.ndarray):
    """The elements of ``owner`` (the adapter's NumPy array or torch tensor) at ``index`` (shape
    ``(*outer, k)``, counting along ``dim`` or the flattening), shaped as the input with ``dim``'s
    size replaced by k, in the owner's library and dtype."""
    if isinstance(owner, np.ndarray):
        if owner.ndim == 0:
            return owner.reshape(1)[index]
        if dim is None:
            return owner.reshape(-1)[index]
        return np.moveaxis(np.take_along_axis(np.moveaxis(owner, dim, -1), index, -1), -1, dim)
    import torch

    if owner.ndim == 0 or dim is None:
        return owner.reshape(-1)[torch.from_numpy(index)]
    # Advanced indexing, not torch.gather: gather has no kernel for uint16/32/64 on the CPU.
    placed = np.moveaxis(index, -1, dim)
    coords = list(np.indices(placed.shape, sparse=True))
    coords[dim] = placed
    return owner[tuple(torch.from_numpy(np.ascontiguousarray(c)) for c in coords)]
