"""The running k best of a block of queries, kept exactly.

Each entry carries its key as ``hi + lo`` within ``err`` of the exact value. Entries are ordered by
(hi, lo, index): for normalised pairs that is the order of the approximations, and it is the
exact order wherever neighbours are further apart than their bounds. Where they are not (a tie,
a near-tie at the last bit), the cluster of such neighbours is ordered by exact arithmetic, so the
kept set and its order are the contract's: (exact key, index).
"""

from __future__ import annotations

import functools

import numpy as np

from .metrics import Points, as_dd

U = 2.0**-53


class KBest:
    def __init__(self, rows: np.ndarray, k: int, points: Points):
        b = len(rows)
        self.rows, self.k, self.points = rows, k, points  # rows: the global query indices
        self.hi = np.full((b, k), np.inf)
        self.lo = np.zeros((b, k))
        self.err = np.zeros((b, k))
        self.idx = np.full((b, k), np.iinfo(np.int64).max, dtype=np.int64)
        self.fresh = True  # nothing merged yet
        self.exact_cache: dict[tuple[int, int], object] = {}

    def merge(self, r: np.ndarray, c: np.ndarray, hi: np.ndarray, lo: np.ndarray, err: np.ndarray) -> None:
        """Add candidates (local row ``r``, point ``c``) and keep the k best of each row."""
        b, k = self.hi.shape
        counts = np.bincount(r, minlength=b)
        if self.fresh and k == 1 and bool(np.all(counts >= 1)):
            self._merge_first_best(r, c, hi, lo, err, counts)
            return
        self.fresh = False
        rows = np.concatenate([np.repeat(np.arange(b), k), r])
        H = np.concatenate([self.hi.ravel(), hi])
        L = np.concatenate([self.lo.ravel(), lo])
        E = np.concatenate([self.err.ravel(), err])
        idx = np.concatenate([self.idx.ravel(), c.astype(np.int64)])
        order = np.lexsort((idx, L, H, rows))
        rows, H, L, E, idx = rows[order], H[order], L[order], E[order], idx[order]
        starts = np.searchsorted(rows, np.arange(b))
        rank = np.arange(len(rows)) - starts[rows]
        for row in self._unclear_rows(rows, H, L, E, rank):
            s = starts[row]
            e = starts[row + 1] if row + 1 < b else len(rows)
            self._resolve(row, slice(s, e), H, L, E, idx)
        keep = rank < k
        self.hi, self.lo, self.err, self.idx = (a[keep].reshape(b, k) for a in (H, L, E, idx))

    def _merge_first_best(self, r, c, hi, lo, err, counts) -> None:
        """k = 1, every row with a candidate: a row with one candidate has its best (the screen kept
        every possible best); only the rows with several go through the general merge."""
        self.fresh = False
        one = counts[r] == 1
        rows = r[one]  # each once
        self.hi[rows, 0], self.lo[rows, 0], self.err[rows, 0] = hi[one], lo[one], err[one]
        self.idx[rows, 0] = c[one]
        many = np.flatnonzero(counts > 1)
        if many.size == 0:
            return
        sub = KBest(self.rows[many], 1, self.points)
        sub.exact_cache = self.exact_cache
        local = np.full(len(counts), -1)
        local[many] = np.arange(many.size)
        sub.fresh = False  # the general path
        sub.merge(local[r[~one]], c[~one], hi[~one], lo[~one], err[~one])
        self.hi[many], self.lo[many], self.err[many], self.idx[many] = sub.hi, sub.lo, sub.err, sub.idx

    def _unclear_rows(self, rows, H, L, E, rank) -> np.ndarray:
        """Rows where two neighbours among the first k + 1 might be in the other order exactly."""
        emax = np.zeros(self.hi.shape[0])
        np.maximum.at(emax, rows, np.where(np.isfinite(E), E, np.inf))
        same = rows[1:] == rows[:-1]
        with np.errstate(invalid="ignore", over="ignore"):  # stand-ins for huge keys: inf gaps, inf bounds
            gap = (H[1:] - H[:-1]) + (L[1:] - L[:-1])
            unclear = same & (rank[1:] <= self.k) & (emax[rows[1:]] > 0) & ~(
                gap * (1 - 4 * U) > 2 * emax[rows[1:]]
            )
        unclear &= np.isfinite(H[:-1])  # past the sentinels nothing is unclear
        return np.unique(rows[1:][unclear])

    def _resolve(self, row: int, span: slice, H, L, E, idx) -> None:
        """Order every cluster of close neighbours that reaches the first k exactly."""
        h, lo, e = H[span], L[span], E[span]
        emax = float(np.max(e))  # inf (a bound lost) chains the whole row: all of it is sorted exactly
        with np.errstate(invalid="ignore", over="ignore"):  # huge keys' stand-ins: inf gaps chain
            self._chain(row, span, h, lo, emax, H, L, E, idx)

    def _chain(self, row, span, h, lo, emax, H, L, E, idx) -> None:
        n = len(h)
        start = 0
        while start < min(n, self.k):
            end = start + 1
            while end < n and np.isfinite(h[end]) and not (
                ((h[end] - h[end - 1]) + (lo[end] - lo[end - 1])) * (1 - 4 * U) > 2 * emax
            ):
                end += 1
            if end - start > 1:
                self._sort_exactly(row, span.start + start, span.start + end, H, L, E, idx)
            start = end

    def _sort_exactly(self, row, s, e, H, L, E, idx) -> None:
        """The cluster H[s:e] ordered by (exact key, index): ~100-bit keys first, Fractions if need be."""
        q = int(self.rows[row])
        js = idx[s:e].copy()
        h, lo, err = self.points.pair_keys(np.full(e - s, q), js, precise=True)
        order = np.lexsort((js, lo, h))
        h, lo, err, js = h[order], lo[order], err[order], js[order]
        emax = float(err.max())
        with np.errstate(invalid="ignore", over="ignore"):
            gaps = (h[1:] - h[:-1]) + (lo[1:] - lo[:-1])
        if emax == 0 or bool(np.all(gaps * (1 - 4 * U) > 2 * emax)):
            H[s:e], L[s:e], E[s:e], idx[s:e] = h, lo, err, js
            return
        entries = []
        for j in js.tolist():
            key = self.exact_cache.get((q, j))
            if key is None:
                key = self.exact_cache[(q, j)] = self.points.exact_key(q, j)
            entries.append((key, j))
        entries.sort(key=functools.cmp_to_key(_compare))
        for pos, (key, j) in zip(range(s, e), entries, strict=True):
            H[pos], L[pos], E[pos] = as_dd(key)
            idx[pos] = j


def _compare(a, b) -> int:
    (ka, ia), (kb, ib) = a, b
    if ka < kb:
        return -1
    if kb < ka:
        return 1
    return (ia > ib) - (ia < ib)
