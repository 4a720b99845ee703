"""The mergeable partial result: the one way chunks, files and Dask blocks are combined.

A partial holds, per output element, the best element seen so far as an order-preserving integer
key and its index. Merging two partials keeps, element by element, the smaller key, and on equal
keys the smaller index: the contract's NaN and tie rules at once, because the reduction's rule put
NaN at the smallest key (NaN wins) or the largest (NaN skipped). Partials merge only with partials
of the same reduction and dtype: keys of different rules do not compare.
The comparison runs in the native core, the same code that merges per-thread results, so there is
no second copy of the rule in Python.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _core
from ._contract import kept_shape
from .adapters import StridedView
from .engine import reduce_view
from .reduction import Reduction


@dataclass
class Partial:
    """Per output element: ``keys`` (int64, smaller is better), ``index`` (int64) and, for reductions
    that return them, the winners' ``values`` (the input's dtype), which travel with the index."""

    keys: np.ndarray
    index: np.ndarray
    values: np.ndarray | None = None

    @classmethod
    def of_view(cls, view: StridedView, reduced: tuple[bool, ...], reduction: Reduction,
                present: np.ndarray | None = None) -> Partial:
        """The partial of one block. Indices are local: into the flattening of the block's reduced dims.
        With ``present`` (engine.reduce_view), a slice with no present element is the empty partial."""
        shape = kept_shape(view.shape, reduced)
        keys = np.empty(shape, dtype=np.int64)
        index = reduce_view(view, reduced, reduction, keys=keys, present=present)
        return cls(keys, index)

    def merge(self, other: Partial) -> Partial:
        """Folds ``other`` into this partial in place (both must hold global indices) and returns it."""
        if self.keys.shape != other.keys.shape:
            raise ValueError(f"cannot merge partials of shapes {self.keys.shape} and {other.keys.shape}")
        for name, a in (("keys", other.keys), ("index", other.index)):
            # a key or index outside int64 (uint64 2**64-1) would wrap around and win
            if not np.can_cast(np.asarray(a).dtype, np.int64, casting="safe"):
                raise ValueError(f"Partial.merge: the other partial's {name} must be int64, not "
                                 f"{np.asarray(a).dtype}")
        for name, a in (("keys", self.keys), ("index", self.index)):
            # merged in place: a non-contiguous view would be copied by reshape and the merge lost
            if not (a.dtype == np.int64 and a.flags.c_contiguous and a.flags.writeable):
                raise ValueError(f"Partial.merge: {name} must be a writeable C-contiguous int64 array")
        before = self.index.copy() if self.values is not None else None
        if self.keys.size:
            _core.merge(self.keys.reshape(-1), self.index.reshape(-1),
                        np.ascontiguousarray(other.keys, dtype=np.int64).reshape(-1),
                        np.ascontiguousarray(other.index, dtype=np.int64).reshape(-1))
        if before is not None:
            if other.values is None:
                raise ValueError("Partial.merge: this partial carries values and the other does not")
            # Indices are global and distinct across partials: an index that changed is the other's.
            won = self.index != before
            self.values[won] = other.values[won]
        return self


def global_index(local: np.ndarray, block_shape: tuple[int, ...], starts: tuple[int, ...],
                 full_shape: tuple[int | None, ...], reduced: tuple[bool, ...]) -> np.ndarray:
    """Indices into a block's reduced dims -> indices into the whole array's reduced dims.

    The block sits at ``starts`` in an array of ``full_shape``; both indices are row-major over the
    reduced dims. The first reduced dim's full size is never needed, so it may still be unknown
    (None: a text table whose row count is known only at its end).
    """
    axes = [a for a, r in enumerate(reduced) if r]
    if not axes or (all(starts[a] == 0 for a in axes)
                    and all(block_shape[a] == full_shape[a] for a in axes[1:])):
        return local  # the same numbers: only the most significant reduced dim is cut short
    rest = local
    coords = {}
    for a in reversed(axes):
        rest, coords[a] = np.divmod(rest, block_shape[a])
    result = coords[axes[0]] + starts[axes[0]]
    for a in axes[1:]:
        result = result * full_shape[a] + (coords[a] + starts[a])
    return np.asarray(result, dtype=np.int64)


def merge_all(parts) -> Partial:
    """Merges an iterable of partials of one shape; the order does not change the answer."""
    it = iter(parts)
    first = next(it, None)
    if first is None:
        raise ValueError("merge_all: there is no partial to merge (the iterable is empty)")
    acc = Partial(np.array(first.keys, dtype=np.int64), np.array(first.index, dtype=np.int64),
                  None if first.values is None else np.array(first.values))
    for p in it:
        acc.merge(p)
    return acc
