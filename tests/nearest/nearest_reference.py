"""The exact reference for nearest(): every distance as a Python Fraction, brute force.

Independent of the library's code: keys and their order come from Fractions here, and the
rounding to float32/float16 is checked against the two float neighbours by exact comparison.
"""

from __future__ import annotations

import functools
from fractions import Fraction

import numpy as np


def _rows(a: np.ndarray) -> list[list[Fraction]]:
    return [[Fraction(v) for v in row] for row in a.astype(np.float64).tolist()]


def _cos_cmp(a, b) -> int:
    """a, b = (p, |y|^2, index); smaller cosine distance first, then smaller index."""
    (pa, na, ia), (pb, nb, ib) = a, b
    sa = 0 if na == 0 else (pa > 0) - (pa < 0)
    sb = 0 if nb == 0 else (pb > 0) - (pb < 0)
    if sa != sb:
        return -1 if sa > sb else 1
    if sa != 0:
        lhs, rhs = pa * pa * nb, pb * pb * na  # |sim_a| vs |sim_b| squared, cross-multiplied
        if lhs != rhs:
            bigger_a = lhs > rhs
            return (-1 if bigger_a else 1) if sa > 0 else (1 if bigger_a else -1)
    return (ia > ib) - (ia < ib)


def reference(x: np.ndarray, y: np.ndarray, k: int, metric: str) -> tuple[list, list]:
    """Per query: the k indices, and the exact distances (Fractions; cosine as (p, |x|^2, |y|^2))."""
    fx, fy = _rows(x), _rows(y)
    out_i, out_d = [], []
    for qa in fx:
        if metric in ("sqeuclidean", "euclidean"):
            keyed = sorted(
                (sum((a - b) ** 2 for a, b in zip(qa, pb, strict=True)), j) for j, pb in enumerate(fy)
            )
            top = keyed[:k]
            out_d.append([key for key, _ in top])
        elif metric == "dot":
            keyed = sorted((-sum(a * b for a, b in zip(qa, pb, strict=True)), j) for j, pb in enumerate(fy))
            top = keyed[:k]
            out_d.append([-key for key, _ in top])
        else:
            nx = sum(a * a for a in qa)
            parts = [(sum(a * b for a, b in zip(qa, pb, strict=True)), sum(b * b for b in pb), j)
                     for j, pb in enumerate(fy)]
            if nx == 0:
                parts.sort(key=lambda t: t[2])
            else:
                parts.sort(key=functools.cmp_to_key(_cos_cmp))
            top = [(p, j) for p, _, j in parts[:k]]
            out_d.append([(p, nx, ny) for p, ny, _ in parts[:k]])
        out_i.append([j for _, j in top])
    return out_i, out_d


def is_correctly_rounded(got: float, exact, metric: str, dtype) -> bool:
    """got is the nearest ``dtype`` number to the exact distance (ties to even), checked exactly."""
    g = np.array(got, dtype=dtype)
    if not np.isfinite(g):
        return False
    up, down = np.nextafter(g, dtype(np.inf)), np.nextafter(g, dtype(-np.inf))

    def cmp(v: Fraction) -> int:  # sign of (exact distance - v), exactly
        if metric == "sqeuclidean" or metric == "dot":
            return (exact > v) - (exact < v)
        if metric == "euclidean":
            if v < 0:
                return 1
            return (exact > v * v) - (exact < v * v)
        p, nx, ny = exact
        if nx == 0 or ny == 0:
            t = Fraction(1)
            return (t > v) - (t < v)
        # 1 - p/sqrt(q) vs v  <=>  (1 - v) vs p/sqrt(q): compare by squares with signs
        lhs, q = 1 - v, nx * ny
        sl, sp = (lhs > 0) - (lhs < 0), (p > 0) - (p < 0)
        if sl != sp:  # the distance minus v is (1 - v) - p / sqrt(q)
            return 1 if sl > sp else -1
        a2, b2 = lhs * lhs * q, p * p
        c = (a2 > b2) - (a2 < b2)
        return c if sl > 0 else -c

    mid_up = (Fraction(float(g)) + Fraction(float(up))) / 2
    mid_down = (Fraction(float(g)) + Fraction(float(down))) / 2
    even = (np.array(g).view(np.uint64 if dtype == np.float64 else np.uint32 if dtype == np.float32
                             else np.uint16).item() & 1) == 0
    c_up, c_down = cmp(mid_up), cmp(mid_down)
    below_up = c_up < 0 or (c_up == 0 and even)
    above_down = c_down > 0 or (c_down == 0 and even)
    return below_up and above_down


def check_indices(x, y, k: int, metric: str = "sqeuclidean"):
    """ar.nearest(x, y, k) against this reference's indices; returns its (distances, indices)."""
    import argreduce as ar  # here only: the reference above is independent of the library

    d, i = ar.nearest(x, y, k, metric=metric)
    want_i, _ = reference(np.asarray(x), np.asarray(y), k, metric)
    assert i.tolist() == want_i
    return d, i
