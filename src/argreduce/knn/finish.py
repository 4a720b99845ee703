"""The distances returned: each exact value rounded once to the result's format.

The float64 bookkeeping (hi + lo within err) settles the rounding of almost every entry: when the
whole interval lies strictly inside one rounding cell of the result format, its number is the
correctly rounded value. The rest (an exact midpoint, a value closer to one than the bound) are
rounded from the exact value.
"""

from __future__ import annotations

import numpy as np

from . import dd, exact
from .exact import FloatFormat

U = dd.U


def _round_to(hi: np.ndarray, fmt: FloatFormat) -> np.ndarray:
    """hi rounded to the format, to nearest-even (before any overflow check)."""
    if fmt.bits == 53:
        return hi.copy()
    with np.errstate(invalid="ignore", over="ignore"):
        e = np.frexp(np.where(np.isfinite(hi), hi, 0.0))[1] - 1
        q = np.maximum(e, fmt.emin) - (fmt.bits - 1)
        return np.ldexp(np.rint(np.ldexp(hi, -q)), q)


def _half_cell(f: np.ndarray, fmt: FloatFormat) -> np.ndarray:
    """Half the distance to f's nearer neighbour in the format (a quarter at powers of two)."""
    a = np.abs(f)
    m, e = np.frexp(a)
    e = np.where(a == 0, fmt.emin + 1, e)  # zero's neighbours are the smallest subnormals
    q = np.maximum(e - 1, fmt.emin) - (fmt.bits - 1)
    ulp = np.ldexp(1.0, q)
    power_of_two = (m == 0.5) & (e - 1 > fmt.emin)
    return np.where(power_of_two, ulp / 4, ulp / 2)


def certify(hi, lo, err, fmt: FloatFormat) -> tuple[np.ndarray, np.ndarray]:
    """(rounded, ok): ok where every real number within err of hi + lo rounds to ``rounded``."""
    f = _round_to(hi, fmt)
    largest = np.ldexp(2.0 - 2.0 ** (1 - fmt.bits), fmt.emax)
    with np.errstate(invalid="ignore", over="ignore"):
        o = (hi - f) + lo
        ok = np.isfinite(f) & (np.abs(f) <= largest) & (np.abs(o) * (1 + 4 * U) + err < _half_cell(f, fmt))
    return f, ok


def sqrt_pairs(hi, lo, err):
    """sqrt(hi + lo) as r + r_lo, and its bound (one Newton step on an exact residual)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.sqrt(np.maximum(hi, 0.0))
        p, q = dd.two_prod(r, r)
        res = ((hi - p) - q) + lo
        r_lo = np.where(r > 0, res / (2 * r), 0.0)
        low = np.sqrt(np.maximum(hi + lo - err, 0.0))
        e = (r_lo * r_lo / np.where(r > 0, r, np.inf) + 8 * U * np.abs(r_lo)
             + np.where(low > 0, err / (2 * np.where(low > 0, low, 1.0)), np.inf)) * 1.01 + 2.0**-1070
    e = np.where(hi == 0, np.where(err == 0, 0.0, np.sqrt(err) * 1.01), e)
    return r, r_lo, e


def distances(metric: str, hi, lo, err, idx, rows, points, kbest_cache, fmt: FloatFormat) -> np.ndarray:
    """The (n, k) distances of the kept entries of query ``rows``.

    Entries the given bounds cannot round are computed again to ~100 bits, and the few that still
    cannot be rounded (an exact midpoint, say) are rounded from the exact value.
    """
    with np.errstate(all="ignore"):  # inf and NaN from extreme values fail the check below: exact path
        f, ok = _rounded(metric, hi, lo, err, rows, points, fmt)
        if not ok.all() and points.dd_ok:
            r, c = np.nonzero(~ok)
            keys = points.pair_keys(rows[r], idx[r, c], precise=True)
            f2, ok2 = _rounded(metric, *(k[:, None] for k in keys), rows[r], points, fmt)
            f[r, c], ok[r, c] = f2[:, 0], ok2[:, 0]
    for i, j in zip(*np.nonzero(~ok), strict=True):
        f[i, j] = _exact_distance(metric, points, int(rows[i]), int(idx[i, j]), kbest_cache, fmt)
    return f


def _rounded(metric: str, hi, lo, err, rows, points, fmt: FloatFormat):
    if metric == "sqeuclidean":
        f, ok = certify(hi, lo, err, fmt)
    elif metric == "euclidean":
        f, ok = certify(*sqrt_pairs(hi, lo, err), fmt)
    elif metric == "dot":
        f, ok = certify(-hi, -lo, err, fmt)
    else:
        xr = points.x[rows].astype(np.float64, copy=False)
        nx = np.sqrt(np.einsum("ij,ij->i", xr, xr))
        inv = np.where(nx > 0, 1.0 / np.where(nx > 0, nx, 1.0), 0.0)[:, None]
        v = 1.0 + (hi + lo) * inv
        d = points.x.shape[1]  # the query norm's own rounding grows with d
        bound = ((d + 8) * U * (1 + np.abs(hi) * inv) + err * inv * (1 + 1e-9)) * (1 + 1e-6)
        f, ok = certify(v, np.zeros_like(v), bound, fmt)
    return f, ok


def _exact_distance(metric, points, q: int, j: int, cache, fmt: FloatFormat) -> float:
    if metric == "cosine":
        p, nx, ny = exact.cosine_similarity_parts(points.x[q], points.y[j])
        return exact.round_cosine_distance(p, nx, ny, fmt)
    key = cache.get((q, j))
    if key is None:
        key = points.exact_key(q, j)
    if metric == "sqeuclidean":
        return exact.round_fraction(key, fmt)
    if metric == "euclidean":
        return exact.round_sqrt_fraction(key, fmt)
    return exact.round_fraction(-key, fmt)
