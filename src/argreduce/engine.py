"""The call into the native core: a strided view, the reduced dims and a reduction in; int64 indices out.

What the family needs around it (absent elements, the all-NaN check) is absent.py's."""

from __future__ import annotations

import numpy as np

from . import _core
from ._contract import kept_shape
from .adapters import StridedView
from .reduction import Reduction
from .threads import get_num_threads


def reduce_view(
    view: StridedView,
    reduced: tuple[bool, ...],
    reduction: Reduction,
    *,
    out: np.ndarray | None = None,
    keys: np.ndarray | None = None,
    present: np.ndarray | None = None,
) -> np.ndarray:
    """Indices (int64, the kept dims' shape) of the best element along the reduced dims.

    The index is into the row-major flattening of the reduced dims. ``out`` and ``keys``, when
    given, must be C-contiguous int64 arrays of that shape; ``keys`` receives each result's
    order-preserving key, for merging with other partial results (see partial.py). ``present``, a
    bool array of the view's shape (any strides, broadcast too), leaves out the elements where it
    is False; a slice with none left gets the empty partial (index and key EMPTY). Not for 8-byte
    integers or datetime64: their keys have no wider type to mark absence (absent.py copies those).
    """
    shape = kept_shape(view.shape, reduced)
    if out is None:
        out = np.empty(shape, dtype=np.int64)
    for name, a in (("out", out), ("keys", keys)):
        if a is not None and not (a.dtype == np.int64 and a.shape == shape and a.flags.c_contiguous
                                  and a.flags.writeable):
            raise ValueError(f"{name} must be a writeable C-contiguous int64 array of shape {shape}")
    mask, mask_strides = 0, []
    if present is not None:
        mask, mask_strides = present.__array_interface__["data"][0], list(present.strides)
    _core.reduce(view.address, view.dtype, list(view.shape), list(view.strides), view.swapped, list(reduced),
                 reduction.rule, out, keys, get_num_threads(), mask, mask_strides)
    return out


def isa() -> str:
    """The instruction set the kernels use on this processor ($ARGREDUCE_ISA pins another)."""
    return _core.isa()
