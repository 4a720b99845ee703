"""Distances of candidate pairs to about 100 bits, with a rigorous error bound, in vectorised NumPy.

Error-free transformations (Knuth's two-sum, Dekker's two-product) turn each squared difference or
product into an exact pair of doubles; the leading parts are summed by a cascade of two-sums whose
rounding errors are kept, so the result ``hi + lo`` is within ``err`` of the exact real number,
with ``err`` of order d^2 * 2**-106 times the value. Inputs must lie in ``SAFE_RANGE`` (checked by
the caller): there no intermediate overflows or underflows (the smallest nonzero one is about
2**-810), so every rounding error is relative, and ``err`` is 0 when every step was exact, as it
is for integers and other short values: exact ties are then recognised without exact arithmetic.
"""

from __future__ import annotations

import numpy as np

U = 2.0**-53  # unit roundoff of float64
_SPLIT = 2.0**27 + 1.0
#: |v| for every nonzero input value must lie in this range for the transformations to be exact.
SAFE_RANGE = (2.0**-300, 2.0**300)


def two_sum(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _split(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    c = _SPLIT * a
    hi = c - (c - a)
    return hi, a - hi


def two_prod(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def _gamma(n: int) -> float:
    return n * U / (1 - n * U)


def _sum_pairs(p: np.ndarray, t: np.ndarray, t_err: np.ndarray) -> tuple[np.ndarray, ...]:
    """hi + lo ~= sum(p) + sum(t) along axis 1, and the bound on the error.

    ``p`` are the exact leading terms, ``t`` their corrections known to within ``t_err`` (summed).
    """
    d = p.shape[1]
    s = p[:, 0].copy()
    errs = np.zeros_like(p)
    for j in range(1, d):  # the cascade: every two-sum error is kept exactly
        s, errs[:, j] = two_sum(s, p[:, j])
    c = errs.sum(axis=1) + t.sum(axis=1)
    magnitude = np.abs(errs).sum(axis=1) + np.abs(t).sum(axis=1)
    hi, lo = two_sum(s, c)
    err = (_gamma(2 * d + 2) * magnitude + t_err) * (1 + 8 * U)
    return hi, lo, err


def sq_distances(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, ...]:
    """|x_r - y_r|^2 for each row pair r of two float64 (P, d) arrays: (hi, lo, err)."""
    s, e = two_sum(x, -y)  # s + e == x - y exactly
    p, q = two_prod(s, s)  # p + q == s*s exactly
    t = q + 2.0 * s * e  # (s + e)^2 - s^2 without e^2, which the bound covers
    t_err = np.where(e != 0, U * np.abs(t) + 4 * U * U * p, 0.0).sum(axis=1)  # e == 0: t is q, exact
    return _sum_pairs(p, t, t_err)


def dots(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, ...]:
    """x_r . y_r for each row pair r of two float64 (P, d) arrays: (hi, lo, err)."""
    p, q = two_prod(x, y)
    return _sum_pairs(p, q, np.zeros(x.shape[0]))
