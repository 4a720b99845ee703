"""What each metric ranks by, exactly and approximately.

Every metric is reduced to a *key*, smaller is better, that orders the points of one query:
sqeuclidean and euclidean rank by the squared distance, dot by minus the inner product, cosine by
minus x.y / |y| (the query's own norm is common to its row). ``pair_keys`` gives the key of many
(query, point) pairs as ``hi + lo`` within ``err`` of the exact real number; ``exact_key`` gives it
exactly, for the rare pairs the bound cannot separate.
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction

import numpy as np

from . import dd, exact

METRICS = ("sqeuclidean", "euclidean", "cosine", "dot")
_LARGEST = float(np.finfo(np.float64).max)
_PAIR_CHUNK = 1 << 18  # elements per vectorised step: bounded scratch whatever the candidate count


class Points:
    """The queries and points (float32, float64 or exact float64 copies), and how keys are computed.

    ``in_range``: every value is known to lie in dd.SAFE_RANGE (float32 and narrower, integers up
    to 2**53), so the range need not be checked. ``quick``: a plain float64 first pass (bound about
    d * 2**-53 of the value) is enough for most pairs, as when the results are float32: ties and
    near-ties it cannot separate, and distances it cannot round, are computed again precisely.
    """

    def __init__(self, metric: str, x: np.ndarray, y: np.ndarray, in_range: bool, quick: bool):
        self.metric, self.x, self.y = metric, x, y
        lo, hi = dd.SAFE_RANGE
        self.dd_ok = in_range or all(_in_range(a, lo, hi) for a in (x, y))
        self.quick = quick and self.dd_ok and metric != "cosine"
        if metric == "cosine":
            self.y_norm2 = _dd_rows(dd.dots, y, y) if self.dd_ok else None

    def pair_keys(self, q: np.ndarray, p: np.ndarray, precise: bool = False) -> tuple[np.ndarray, ...]:
        if not self.dd_ok:
            return self._exact_pair_keys(q, p)
        keys = self._dd_keys if precise or not self.quick else self._float64_keys
        out = [np.empty(len(q)) for _ in range(3)]
        step = max(1, _PAIR_CHUNK // max(1, self.x.shape[1]))
        for s in range(0, len(q), step):
            qs, ps = q[s : s + step], p[s : s + step]
            for o, v in zip(out, keys(qs, ps), strict=True):
                o[s : s + step] = v
        return out[0], out[1], out[2]

    def _float64_keys(self, q, p):
        """Direct differences (or products) summed in float64: every term's rounding is relative."""
        xq, yp = _f64(self.x[q]), _f64(self.y[p])
        n = xq.shape[1]
        if self.metric == "dot":
            prod = xq * yp
            v = prod.sum(axis=1)
            return -v, np.zeros_like(v), _gamma(n + 1) * np.abs(prod).sum(axis=1) * (1 + 1e-10)
        diff = xq - yp
        v = np.einsum("ij,ij->i", diff, diff)
        return v, np.zeros_like(v), _gamma(n + 3) * v * (1 + 1e-10)  # all terms >= 0: relative

    def _dd_keys(self, q, p):
        xq, yp = _f64(self.x[q]), _f64(self.y[p])
        if self.metric in ("sqeuclidean", "euclidean"):
            return dd.sq_distances(xq, yp)
        hi, lo, err = dd.dots(xq, yp)
        if self.metric == "dot":
            return -hi, -lo, err
        # cosine: -(x.y)/|y| in one double, with the bound carried through the division and root
        nh, nl, ne = (a[p] for a in self.y_norm2)
        n = nh + nl
        zero = n <= 0
        root = np.sqrt(np.where(zero, 1.0, n))
        t = (hi + lo) / root
        rel = 6 * dd.U + ne / np.where(zero, 1.0, n)
        low_root = np.sqrt(np.maximum(np.where(zero, 1.0, n - ne), 0.0))
        err = (np.abs(t) * rel + err / np.where(low_root > 0, low_root, np.inf)) * (1 + 1e-9)
        err = np.where(low_root > 0, err, np.inf)
        return np.where(zero, 0.0, -t), np.zeros_like(t), np.where(zero, 0.0, err)

    def _exact_pair_keys(self, q, p):
        hi, lo, err = (np.empty(len(q)) for _ in range(3))
        for r, (i, j) in enumerate(zip(q.tolist(), p.tolist(), strict=True)):
            hi[r], lo[r], err[r] = as_dd(self.exact_key(i, j))
        return hi, lo, err

    def exact_key(self, i: int, j: int):
        """The key of pair (i, j) as an exactly comparable object."""
        if self.metric in ("sqeuclidean", "euclidean"):
            return exact.sq_distance(self.x[i], self.y[j])
        if self.metric == "dot":
            return -exact.dot(self.x[i], self.y[j])
        p, _, ny = exact.cosine_similarity_parts(self.x[i], self.y[j])
        return _CosineKey(p, ny)


@functools.total_ordering
class _CosineKey:
    """-p / sqrt(n), compared exactly by squaring (no root is ever taken)."""

    def __init__(self, p: Fraction, n: Fraction):
        self.p, self.n = p, n

    def __eq__(self, other):
        return exact.cosine_less((self.p, self.n), (other.p, other.n)) == 0

    def __lt__(self, other):
        return exact.cosine_less((self.p, self.n), (other.p, other.n)) < 0

    __hash__ = None


def as_dd(key) -> tuple[float, float, float]:
    """An exact key as (hi, lo, err) for the float64 bookkeeping."""
    # Keys beyond the float64 range get a finite stand-in with an infinite bound: every neighbour is
    # then unclear, and the exact order decides (kbest.py).
    if isinstance(key, _CosineKey):
        if key.n == 0 or key.p == 0:
            return 0.0, 0.0, 0.0
        # -p / sqrt(n) with n first scaled by 4**e to about 1 (exact), so that neither p nor n is
        # rounded to a float on its own: each may lie beyond the float64 range when the key does not
        # (a tiny x.y over a tiny |y|), and float(p) alone would underflow to a wrong, "certain" 0.
        e = (key.n.denominator.bit_length() - key.n.numerator.bit_length()) // 2
        try:
            root = math.sqrt(float(key.n * Fraction(4) ** e))  # n * 4**e lies in [1/16, 16]
            v = -float(key.p * Fraction(2) ** e / Fraction(root))  # correctly rounded, or OverflowError
        except (OverflowError, ZeroDivisionError):
            return 0.0, 0.0, math.inf
        return (v, 0.0, abs(v) * 1e-12 + 1e-300) if math.isfinite(v) else (0.0, 0.0, math.inf)
    try:
        hi = float(key)
    except OverflowError:
        return (_LARGEST if key > 0 else -_LARGEST), 0.0, math.inf
    rest = key - Fraction(hi)
    lo = float(rest)
    left = abs(rest - Fraction(lo))
    return hi, lo, 0.0 if left == 0 else max(2 * float(left), 2.0**-1073)


def _f64(a: np.ndarray) -> np.ndarray:
    """Gathered rows as float64 (exact: the inputs are float32, float64 or integers up to 2**53)."""
    return a.astype(np.float64, copy=False)


def _gamma(n: int) -> float:
    return n * dd.U / (1 - n * dd.U)


def _in_range(a: np.ndarray, lo: float, hi: float) -> bool:
    """Every nonzero |value| within [lo, hi]; row chunks, so the scratch stays small for any input."""
    step = max(1, _PAIR_CHUNK // max(1, a.shape[1]))
    for r in range(0, a.shape[0], step):
        m = np.abs(a[r : r + step])
        nz = m[m != 0]
        if nz.size and not (float(nz.min()) >= lo and float(nz.max()) <= hi):
            return False
    return True


def _dd_rows(fn, a, b):
    hi, lo, err = (np.empty(a.shape[0]) for _ in range(3))
    step = max(1, _PAIR_CHUNK // max(1, a.shape[1]))
    for s in range(0, a.shape[0], step):
        part = slice(s, s + step)
        hi[part], lo[part], err[part] = fn(_f64(a[part]), _f64(b[part]))
    return hi, lo, err
