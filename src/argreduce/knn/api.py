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
    """What :func:`nearest` returns: for each query, its ``k`` nearest points' distances and indices.

    Parameters
    ----------
    distances : array (N, k)
        The distances, nearest first (for ``metric="dot"``: the inner products, largest first).
    indices : int64 array (N, k)
        The rows of ``y`` they belong to; equal distances go to the smaller index.

    Examples
    --------
    >>> import argreduce as ar
    >>> distances, indices = ar.nearest([[0.0, 0.0]], [[3.0, 4.0], [1.0, 0.0]])
    >>> distances.tolist(), indices.tolist()
    ([[1.0]], [[1]])
    """

    distances: Any
    indices: Any


def nearest(x: Any, y: Any, k: int = 1, *, metric: str = "sqeuclidean") -> NearestResult:
    """The ``k`` points of ``y`` (M, d) closest to each query of ``x`` (N, d), exactly.

    The results are sorted by (distance, index): the indices of the exact real-number distances of
    the given values, equal distances going to the smaller index; each distance is the exact value
    rounded once to the result dtype (the inputs' float dtype, float64 for integers).

    Parameters
    ----------
    x : array_like (N, d)
        The queries: a NumPy array, a CPU torch tensor, a Dask array, or nested sequences.
    y : array_like (M, d)
        The points searched, of the same ``d``.
    k : int, optional
        How many nearest points per query, from 1 to M (default 1).
    metric : {"sqeuclidean", "euclidean", "cosine", "dot"}, optional
        The squared Euclidean distance (the default), the Euclidean distance, the cosine distance
        (1 - cos; a zero vector is at distance 1 from everything), or the inner product (largest
        first; the distances are then the inner products).

    Returns
    -------
    NearestResult
        The namedtuple ``(distances, indices)``, each (N, k), in the queries' library (lazy Dask
        arrays for Dask inputs).

    Raises
    ------
    TypeError
        ``k`` is not an int, or an input of an unsupported type or dtype (complex, ...).
    ValueError
        An unknown metric; inputs that are not 2-D, differ in ``d``, have no rows or no columns,
        hold a NaN or inf, or live on another device; ``k`` out of range.

    Examples
    --------
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
    qx, qy = inputs.read(x, "x", check=False), inputs.read(y, "y", check=False)
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
    dist, idx = run(qx.values, qy.values, k, metric, kind, screen_dtype(qx.kind, qy.kind), in_range,
                    check_y=qy.check, check_x=qx.check)
    return NearestResult(inputs.to_library(dist, kind, qx), inputs.to_library(idx, "int64", qx))
