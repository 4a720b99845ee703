"""The fused screen of the native core (cpp/argreduce/nearest/): the costs ``xs @ ys.T`` computed in
registers a few queries by a few points at a time and compared at once with each query's running
threshold, so that only the candidates (screen.py's rule: within twice the bound of the k-th best
cost) ever reach memory. The points are packed into the kernel's panels once per search.
"""

from __future__ import annotations

import numpy as np

from .. import _core


def pack(ys: np.ndarray) -> np.ndarray:
    """The point factors (M, d') in the panels of the kernel in use (a flat array, zero-padded)."""
    _, width = _core.nearest_geometry(ys.dtype == np.float64)
    m, dp = ys.shape
    out = np.empty(-(-m // width) * width * dp, dtype=ys.dtype)
    _core.nearest_pack(np.ascontiguousarray(ys), out)
    return out


def candidates(xs: np.ndarray, panels: np.ndarray, m: int, B: np.ndarray, k: int,
               threads: int) -> tuple[np.ndarray, np.ndarray]:
    """(row, point) of every pair whose cost is within ``2 B[row]`` of the row's k-th smallest cost."""
    B = np.ascontiguousarray(B, dtype=np.float64)
    return _core.nearest_screen(np.ascontiguousarray(xs), panels, m, B, k, threads)
