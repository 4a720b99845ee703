"""k-best partials over blocks of points, with global indices, merged exactly.

A partial holds, per query, the global indices of its best candidates in one or more point blocks
and those points' rows. Merging two re-ranks the union by the exact key (kbest.py), equal keys
going to the smaller global index, so the answer does not depend on how the points were cut into
blocks nor on the order of the merges: the command line's chunks and Dask's blocks use this.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import finish
from .exact import float_format
from .inputs import result_kind
from .kbest import KBest
from .metrics import Points
from .search import run, screen_dtype


@dataclass
class NearestPartial:
    idx: np.ndarray  # (N, c) global indices, ascending within each row
    rows: np.ndarray  # (N, c, d) float64: the candidate points (exact: the inputs' values widened)


def of_block(x: np.ndarray, y: np.ndarray, start: int, k: int, metric: str, kind_x: str = "float64",
             kind_y: str = "float64", check_y=None) -> NearestPartial:
    """The k best (or all, if fewer) points of the block ``y`` whose first row is ``start``.

    ``x`` and ``y`` hold their values exactly (float32 or float64 arrays); ``kind_x`` and ``kind_y``
    are the inputs' kinds (inputs.kind_of). They choose the screen as ar.nearest does: float32
    products when both are float32 or narrower (the search stays exact: the screen only proposes,
    its error bound keeps every possible neighbour, and the candidates are re-checked exactly).
    ``check_y``: as search.run's (y's finiteness, when the caller has not checked it).
    """
    c = min(k, y.shape[0])
    in_range = "float64" not in (kind_x, kind_y)  # narrower floats and integers always are
    _, idx = run(x, y, c, metric, result_kind(kind_x, kind_y), screen_dtype(kind_x, kind_y), in_range,
                 with_distances=False, check_y=check_y)
    idx = np.sort(idx, axis=1)
    return NearestPartial(idx + start, y[idx].astype(np.float64))


def merge(a: NearestPartial, b: NearestPartial, x: np.ndarray, k: int, metric: str) -> NearestPartial:
    """The k best of the union of two partials of disjoint point blocks."""
    idx = np.concatenate([a.idx, b.idx], axis=1)
    rows = np.concatenate([a.rows, b.rows], axis=1)
    order = np.argsort(idx, axis=1, kind="stable")  # local order = global order: ties stay right
    idx = np.take_along_axis(idx, order, 1)
    rows = np.take_along_axis(rows, order[:, :, None], 1)
    best, _, _ = _rank(x, rows, min(k, idx.shape[1]), metric)
    local = best.idx - (np.arange(len(x)) * idx.shape[1])[:, None]
    keep = np.sort(local, axis=1)
    return NearestPartial(np.take_along_axis(idx, keep, 1), np.take_along_axis(rows, keep[:, :, None], 1))


def result(p: NearestPartial, x: np.ndarray, metric: str, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """(distances, indices), sorted by (distance, index), each distance rounded once to ``kind``."""
    best, points, n_cand = _rank(x, p.rows, p.idx.shape[1], metric)
    local = best.idx - (np.arange(len(x)) * n_cand)[:, None]
    dist = finish.distances(metric, best.hi, best.lo, best.err, best.idx, np.arange(len(x)), points,
                            best.exact_cache, float_format(kind))
    return dist, np.take_along_axis(p.idx, local, 1)


def _rank(x: np.ndarray, rows: np.ndarray, k: int, metric: str):
    n, c, d = rows.shape
    flat = rows.reshape(n * c, d)
    points = Points(metric, x, flat, in_range=False, quick=False)
    best = KBest(np.arange(n), k, points)
    q = np.repeat(np.arange(n), c)
    j = np.arange(n * c)
    best.merge(q, j, *points.pair_keys(q, j))
    return best, points, c
