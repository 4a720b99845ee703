"""Helpers for the command-line tests: the library's own answer (the oracle), argument builders, data.

The oracle is the in-memory library result (argreduce.argmin/argmax on the whole array), itself
checked against torch 2.13 by the library's tests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

import argreduce as ar


@dataclass
class Run:
    code: int
    out: str
    err: str


def expected(x, dim, is_max=False, keepdim=False) -> np.ndarray:
    """The library's answer for the whole array in memory."""
    if np.ndim(x) == 0:  # SEMANTICS.md section 2: index 0 for dim None, 0 or -1. (The library raises
        return np.zeros((), dtype=np.int64)  # IndexError for dim=0 on a 0-d array today.)
    f = ar.argmax if is_max else ar.argmin
    return np.asarray(f(x, dim=dim, keepdim=keepdim))


def dim_args(dim) -> list[str]:
    if dim is None:
        return []
    dims = dim if isinstance(dim, tuple) else (dim,)
    return [f"--dim={','.join(str(d) for d in dims)}"]


def json_index(run: Run) -> np.ndarray:
    assert run.code == 0, run.err
    return np.asarray(json.loads(run.out)["index"], dtype=np.int64)


def tie_heavy(rng, shape, dtype=np.float32, nan_rate=0.1) -> np.ndarray:
    """Few distinct values (ties everywhere), -0.0 next to +0.0, and NaNs of both signs."""
    x = rng.integers(-1, 2, size=shape).astype(dtype)
    if np.dtype(dtype).kind == "f":
        x[rng.random(shape) < 0.2] = -0.0
        nan = rng.random(shape) < nan_rate
        x[nan] = np.where(rng.random(shape) < 0.5, np.nan, -np.nan)[nan]
    return x
