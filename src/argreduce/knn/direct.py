"""The direct screen for few queries (cpp/argreduce/nearest/direct.hpp): each squared distance summed
from the coordinate differences, read straight from the points' rows where they lie (an array, a
memory map, a block of a file). Its rounding-error bound is relative to the distance itself, so no
shift, scale or norm of the points is needed first: a search of a few queries reads the points once.

With many queries the fused screen (fused.py) is faster: its products share each point panel
across a dozen queries, where this screen costs two operations per coordinate and pair.
"""

from __future__ import annotations

import numpy as np

from .. import _core

#: Above this many queries the fused screen's work per pair, about a third of this screen's,
#: outweighs what it costs to make the points' factors and panels first. Measured on 10^6 points
#: (float32, d = 16, 64, 128): the direct screen 3-9x faster at 8 queries, 1.5-2.5x at 64, and
#: from even to 1.4x at 128.
MAX_QUERIES = 64


def applies(metric: str, n: int, y: np.ndarray, sdt: np.dtype) -> bool:
    """Whether the direct screen serves: squared distances, few queries, y already in the screening
    dtype with contiguous rows, and d at least one vector of the kernel in use."""
    return (
        metric in ("sqeuclidean", "euclidean")
        and n <= MAX_QUERIES
        and y.dtype == sdt
        and y.ndim == 2
        and y.strides[1] == y.itemsize
        and y.strides[0] >= y.shape[1] * y.itemsize
        and y.shape[1] >= _core.nearest_direct_min_d(sdt == np.float64)
    )


def candidates(x: np.ndarray, y: np.ndarray, k: int, sdt: np.dtype,
               threads: int) -> tuple[np.ndarray, np.ndarray] | None:
    """(row, point) of every pair within the bound of its row's k-th smallest cost, or None when a
    cost was NaN or inf (a non-finite value, or an overflow: the caller takes the general screen)."""
    xs = np.ascontiguousarray(x, dtype=sdt)  # exact: sdt holds both inputs' values (search.screen_dtype)
    rows, cols, finite = _core.nearest_direct(xs, y, k, threads)
    return (rows, cols) if finite else None
