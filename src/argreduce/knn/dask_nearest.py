"""nearest() with x and/or y as Dask arrays: query blocks x point blocks, merged in a tree.

Each (query block, point block) task gives a k-best partial with global point indices
(partial.py); the partials of one query block are merged pairwise in a tree, and the last merge
rounds the distances. The partials merge exactly, so the answer is the in-memory one for every
chunking. Data are read where they live: each task gets just its two blocks.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from . import inputs, partial


def nearest_dask(x: Any, y: Any, k: int, metric: str):
    import dask
    import dask.array as da

    x, y = (a if isinstance(a, da.Array) else da.from_array(np.asarray(a)) for a in (x, y))
    for a, name in ((x, "x"), (y, "y")):
        if a.ndim != 2:
            raise ValueError(f"nearest(): {name} must be a 2-D array (rows, d), got shape {a.shape}")
    kx, ky = inputs.kind_of(x.dtype.name, "x"), inputs.kind_of(y.dtype.name, "y")
    (n, d), (m, dy) = x.shape, y.shape
    if d != dy:
        raise ValueError(f"nearest(): x has d={d} columns but y has d={dy}; they must match")
    if m == 0 or n == 0 or d == 0:
        raise ValueError(f"nearest(): x is {x.shape} and y is {y.shape}; both need rows and columns")
    if not 1 <= k <= m:
        raise ValueError(f"nearest(): k={k} is out of range; it must satisfy 1 <= k <= {m} (rows of y)")
    kind = inputs.result_kind(kx, ky)
    x, y = x.rechunk({1: -1}), y.rechunk({1: -1})
    y_starts = np.cumsum((0, *y.chunks[0][:-1]))
    x_starts = np.cumsum((0, *x.chunks[0][:-1]))
    y_blocks = y.to_delayed().ravel()
    block = dask.delayed(_block, pure=True)
    merge = dask.delayed(_merge, pure=True)
    out_d, out_i = [], []
    for xb, x0, rows in zip(x.to_delayed().ravel(), x_starts, x.chunks[0], strict=True):
        parts = [block(xb, yb, int(x0), int(y0), k, metric, kx, ky)
                 for yb, y0 in zip(y_blocks, y_starts, strict=True)]
        while len(parts) > 1:  # a tree: log2(blocks) rounds of pairwise merges
            parts = [merge(*parts[i:i + 2], k, metric) if i + 1 < len(parts) else parts[i]
                     for i in range(0, len(parts), 2)]
        res = dask.delayed(_result, pure=True)(parts[0], metric, kind)
        out_d.append(da.from_delayed(dask.delayed(operator.itemgetter(0))(res), (rows, k), np.float64))
        out_i.append(da.from_delayed(dask.delayed(operator.itemgetter(1))(res), (rows, k), np.int64))
    dist = da.concatenate(out_d)
    if kind != "float64":
        dist = dist.astype(np.float32 if kind == "float32" else kind)  # exact: already rounded to kind
    return dist, da.concatenate(out_i)


def _block(xb, yb, x0, y0, k, metric, kx, ky):
    x = inputs.widen(np.asarray(xb), kx, "x", x0)
    y, check = inputs.deferred(np.asarray(yb), ky, "y", y0)  # float32 stays float32: the float32 screen
    return x, partial.of_block(x, y, y0, k, metric, kx, ky, check_y=check)


def _merge(a, b, k, metric):
    x = a[0]
    return x, partial.merge(a[1], b[1], x, k, metric)


def _result(a, metric, kind):
    return partial.result(a[1], a[0], metric, kind)
