"""nearest(x, y, k=1, *, metric="sqeuclidean"): argument checks and the contract's errors, the
inputs read (inputs.py), the search run (search.py, or dask_nearest.py for Dask arrays), and the
results handed back in the queries' library.
"""

from __future__ import annotations

import operator
from typing import Any, NamedTuple

import numpy as np

from .. import adapters
from . import inputs
from .metrics import METRICS
from .search import run, screen_dtype


class NearestResult(NamedTuple):
    distances: Any
    indices: Any


def nearest(x: Any, y: Any, k: int = 1, *, metric: str = "sqeuclidean") -> NearestResult:
    """The ``k`` points of ``y`` (M, d) closest to each query of ``x`` (N, d), exactly.

    Returns ``(distances, indices)``, each (N, k), sorted by (distance, index): the indices of the
    exact real-number distances of the given values, equal distances going to the smaller index;
    each distance is the exact value rounded once to the result dtype (the inputs' float dtype,
    float64 for integers). ``metric``: "sqeuclidean" (default), "euclidean", "cosine" (1 - cos; a
    zero vector is at distance 1 from everything) or "dot" (largest inner product first; the
    distances are the inner products).

    >>> import argreduce as ar
    >>> d, i = ar.nearest([[0.0, 0.0], [3.0, 3.0]], [[1.0, 1.0], [2.0, 2.0], [-1.0, -1.0]], k=2)
    >>> i.tolist(), d.tolist()
    ([[0, 2], [1, 0]], [[2.0, 2.0], [2.0, 8.0]])
    """
    if not isinstance(metric, str) or metric not in METRICS:
        raise ValueError(f"nearest(): metric must be one of {', '.join(METRICS)}, not {metric!r}")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError(f"nearest(): argument 'k' must be int, not {type(k).__name__}")
    k = operator.index(k)
    if adapters.is_dask_array(x) or adapters.is_dask_array(y):
        from .dask_nearest import nearest_dask

        return NearestResult(*nearest_dask(x, y, k, metric))
    qx, qy = inputs.read(x, "x"), inputs.read(y, "y")
    (n, d), (m, dy) = qx.values.shape, qy.values.shape
    if d != dy:
        raise ValueError(f"nearest(): x has d={d} columns but y has d={dy}; they must match")
    if m == 0 or n == 0:
        raise ValueError(f"nearest(): x has {n} rows and y has {m}; both need at least one")
    if d == 0:
        raise ValueError("nearest(): x and y have 0 columns; there is no distance to rank")
    if not 1 <= k <= m:
        raise ValueError(f"nearest(): k={k} is out of range; it must satisfy 1 <= k <= {m} (rows of y)")
    kind = inputs.result_kind(qx.kind, qy.kind)
    in_range = "float64" not in (qx.kind, qy.kind)  # narrower floats and integers always are
    dist, idx = run(qx.values, qy.values, k, metric, kind, screen_dtype(qx.kind, qy.kind), in_range)
    return NearestResult(inputs.to_library(dist, kind, qx), inputs.to_library(idx, "int64", qx))
