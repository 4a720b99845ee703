"""Exact arithmetic: the reference every fast path answers to, and its fallback.

Values are Python ``Fraction``s of the given floats (every finite float is a rational number), so a
distance here is the exact real number the contract speaks of. Rounding to a float format is done
once, to nearest with ties to even, by integer arithmetic: no intermediate float is involved.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import NamedTuple

import numpy as np


class FloatFormat(NamedTuple):
    """A binary floating-point format: significand bits (with the hidden one), exponent range."""

    bits: int
    emin: int  # exponent of the smallest normal number
    emax: int  # exponent of the largest finite number


_FORMATS = {
    "float16": FloatFormat(11, -14, 15),
    "bfloat16": FloatFormat(8, -126, 127),
    "float32": FloatFormat(24, -126, 127),
    "float64": FloatFormat(53, -1022, 1023),
}


def float_format(name: str) -> FloatFormat:
    """The format of a dtype named "float16", "bfloat16", "float32" or "float64"."""
    return _FORMATS[name]


def _floor_log2(n: int, d: int) -> int:
    """floor(log2(n / d)) for positive integers."""
    e = n.bit_length() - d.bit_length()
    if (n << max(0, -e)) < (d << max(0, e)):
        e -= 1
    return e


def _round_half_even(num: int, den: int) -> int:
    m, r = divmod(num, den)
    if 2 * r > den or (2 * r == den and m & 1):
        m += 1
    return m


def _assemble(m: int, q: int, fmt: FloatFormat, negative: bool) -> float:
    if m and m.bit_length() + q > fmt.emax + 1:  # rounded past the largest finite number
        return -math.inf if negative else math.inf
    v = math.ldexp(m, q)  # exact: m has at most bits + 1 significant bits
    return -v if negative else v


def round_fraction(f: Fraction, fmt: FloatFormat) -> float:
    """``f`` rounded once to the nearest number of ``fmt`` (ties to even), as a Python float."""
    if f == 0:
        return 0.0
    n, d = abs(f.numerator), f.denominator
    q = max(_floor_log2(n, d), fmt.emin) - (fmt.bits - 1)
    m = _round_half_even(n << max(0, -q), d << max(0, q))
    return _assemble(m, q, fmt, f < 0)


def round_sqrt_fraction(f: Fraction, fmt: FloatFormat) -> float:
    """sqrt(f) for f >= 0, rounded once to ``fmt``: integer square roots, no float in between."""
    if f == 0:
        return 0.0
    n, d = f.numerator, f.denominator
    q = max(_floor_log2(n, d) // 2, fmt.emin) - (fmt.bits - 1)
    # sqrt(f) / 2**q = sqrt(num / den) with num / den = f / 4**q
    num, den = n << max(0, -2 * q), d << max(0, 2 * q)
    m = math.isqrt(num // den)  # floor(sqrt(num / den))
    # compare sqrt(num/den) with m + 1/2, squared: num/den against m*m + m + 1/4
    lhs, rhs = 4 * num, (4 * m * m + 4 * m + 1) * den
    if lhs > rhs or (lhs == rhs and m & 1):
        m += 1
    return _assemble(m, q, fmt, False)


def _fractions(row: np.ndarray) -> list[Fraction]:
    return [Fraction(float(v)) for v in row.tolist()] if row.dtype.kind == "f" else [
        Fraction(int(v)) for v in row.tolist()
    ]


def sq_distance(x: np.ndarray, y: np.ndarray) -> Fraction:
    """The exact squared Euclidean distance of two rows."""
    return sum(((a - b) ** 2 for a, b in zip(_fractions(x), _fractions(y), strict=True)), Fraction(0))


def dot(x: np.ndarray, y: np.ndarray) -> Fraction:
    """The exact inner product of two rows."""
    return sum((a * b for a, b in zip(_fractions(x), _fractions(y), strict=True)), Fraction(0))


def cosine_similarity_parts(x: np.ndarray, y: np.ndarray) -> tuple[Fraction, Fraction, Fraction]:
    """(x.y, |x|^2, |y|^2) exactly: the cosine similarity is the first over the root of the others."""
    fx, fy = _fractions(x), _fractions(y)
    return (
        sum((a * b for a, b in zip(fx, fy, strict=True)), Fraction(0)),
        sum((a * a for a in fx), Fraction(0)),
        sum((b * b for b in fy), Fraction(0)),
    )


def cosine_less(a: tuple[Fraction, Fraction], b: tuple[Fraction, Fraction]) -> int:
    """Compare two cosine distances of one query, each given as (x.y, |y|^2): -1, 0 or 1.

    The smaller distance is the larger p / sqrt(n); n = 0 (a zero point) counts as similarity 0.
    """
    (pa, na), (pb, nb) = a, b
    sa = 0 if na == 0 else (pa > 0) - (pa < 0)
    sb = 0 if nb == 0 else (pb > 0) - (pb < 0)
    if sa != sb:
        return -1 if sa > sb else 1
    if sa == 0:
        return 0
    # same sign: compare pa^2 / na with pb^2 / nb, reversed for negative similarities
    lhs, rhs = pa * pa * nb, pb * pb * na
    c = (lhs < rhs) - (lhs > rhs)  # larger |similarity| is smaller distance when positive
    return c if sa > 0 else -c


def _square_root_exact(f: Fraction) -> Fraction | None:
    rn, rd = math.isqrt(f.numerator), math.isqrt(f.denominator)
    return Fraction(rn, rd) if rn * rn == f.numerator and rd * rd == f.denominator else None


def round_cosine_distance(p: Fraction, nx: Fraction, ny: Fraction, fmt: FloatFormat) -> float:
    """1 - p / sqrt(nx * ny) rounded once to ``fmt``; 1 when either vector is zero."""
    if nx == 0 or ny == 0 or p == 0:
        return 1.0
    q = nx * ny
    root = _square_root_exact(q)
    if root is not None:
        return round_fraction(1 - p / root, fmt)
    # sqrt(q) is irrational, so the distance is too and is never a rounding midpoint: bracket it
    # ever more tightly until both ends round alike.
    bits = 2 * fmt.bits + 64 + max(0, -_floor_log2(q.numerator, q.denominator) // 2 + 1)
    while True:
        scale = 4**bits
        s_lo = Fraction(math.isqrt(q.numerator * scale // q.denominator), 2**bits)
        s_hi = s_lo + Fraction(1, 2**bits)
        ends = sorted((1 - p / s_lo, 1 - p / s_hi))
        lo, hi = (round_fraction(e, fmt) for e in ends)
        if lo == hi:
            return lo
        bits *= 2
