"""The values at the winning indices (min / max return them), read in the input's own library.

The keys deliberately forget which NaN payload and which zero sign won (-0.0 and +0.0 share a key),
so values are never decoded from keys: they are gathered from the input at the winning index, so a
value is the element itself, bit for bit, in the input's dtype (torch bfloat16 in, torch bfloat16
out). Only the winners are read: O(outputs), never a copy of the input.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._contract import kept_axes, reduced_axes, unravel_index


def winner_coordinates(shape: tuple[int, ...], reduced: tuple[bool, ...], index: np.ndarray) -> tuple:
    """Index arrays (one per dim, broadcasting to ``index``'s shape) that pick each result's element.

    ``index`` has the kept dims' shape and counts in the row-major flattening of the reduced dims.
    """
    red, kept = reduced_axes(reduced), kept_axes(reduced)
    coords: list[Any] = [None] * len(shape)
    for d, c in zip(red, unravel_index(index, tuple(shape[d] for d in red)), strict=True):
        coords[d] = c
    grid = np.indices(index.shape, sparse=True) if index.ndim else ()
    for d, g in zip(kept, grid, strict=True):
        coords[d] = g
    return tuple(coords)


def gather(owner: Any, shape: tuple[int, ...], reduced: tuple[bool, ...], index: np.ndarray) -> Any:
    """The elements of ``owner`` (the adapter's array: NumPy or torch) at the winners, in its library.

    The result has ``index``'s shape; a 0-d result is a 0-d array (torch) or a NumPy scalar.
    """
    if not shape:  # a 0-d input is its own winner
        return owner[()] if isinstance(owner, np.ndarray) else owner.clone()
    coords = winner_coordinates(shape, reduced, index)
    if isinstance(owner, np.ndarray):
        return owner[coords]
    import torch

    return owner[tuple(torch.from_numpy(np.ascontiguousarray(c)) for c in coords)]
