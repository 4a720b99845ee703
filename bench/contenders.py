"""Every contender as a callable over one case's input, or the reason it does not apply ("n/a").

A contender binds to a case once (building anything it needs, such as a polars Series, outside
the timing) and gives back ``call`` (what is timed) and ``enter`` (run before each timed sample,
outside the timing: it sets the library's thread count, since another contender may have changed
it in between).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from cases import Case, Input


@dataclass(frozen=True)
class Bound:
    call: Callable[[], Any]
    enter: Callable[[], None] = lambda: None


@dataclass(frozen=True)
class Contender:
    name: str  # the table's column, e.g. "argreduce 2T"
    family: str  # probe, numpy, torch, bottleneck, polars, argreduce
    threads: int  # 1 for the libraries that run these calls on one thread
    bind: Callable[[Case, Input], Bound | str]  # a str is the reason it does not apply

    @property
    def is_peer(self) -> bool:
        return self.family not in ("probe", "argreduce")


def _probe(threads: int) -> Callable[[Case, Input], Bound | str]:
    from argreduce import _core

    def bind(case: Case, inp: Input) -> Bound | str:
        address, nbytes = inp.span
        return Bound(lambda: _core.read_probe(address, nbytes, threads))

    return bind


def _numpy(case: Case, inp: Input) -> Bound | str:
    a, dim = inp.array, case.dim
    if a is None:
        return "NumPy has no bfloat16 (install ml_dtypes)"
    return Bound(lambda: np.argmin(a, axis=dim))


def _torch(threads: int) -> Callable[[Case, Input], Bound | str]:
    import torch

    def bind(case: Case, inp: Input) -> Bound | str:
        t, dim = inp.tensor, case.dim
        if t.dtype == torch.bool:
            return "torch has no bool argmin"
        call = (lambda: torch.argmin(t)) if dim is None else (lambda: torch.argmin(t, dim=dim))
        return Bound(call, lambda: torch.set_num_threads(threads))

    return bind


_BOTTLENECK_DTYPES = ("float32", "float64", "int32", "int64")  # others fall back to NumPy inside it


def _bottleneck(case: Case, inp: Input) -> Bound | str:
    try:
        import bottleneck
    except ImportError:
        return "not installed"
    a, dim = inp.array, case.dim
    if a is None or a.dtype.name not in _BOTTLENECK_DTYPES:
        return "no native kernel for this dtype"
    if case.has_nan:
        return "nanargmin skips NaN"
    return Bound(lambda: bottleneck.nanargmin(a, axis=dim))


def _polars(case: Case, inp: Input) -> Bound | str:
    try:
        import polars
    except ImportError:
        return "not installed"
    a = inp.array
    if a is None or a.ndim != 1:
        return "1-D only"
    if a.dtype.name == "bfloat16":
        return "no bfloat16 type"
    if not a.flags.c_contiguous or isinstance(a, np.memmap):
        return "would copy the view into its own memory"
    try:
        series = polars.Series(a)
    except (TypeError, ValueError) as e:
        return f"cannot hold it ({type(e).__name__})"
    return Bound(series.arg_min)


def _argreduce(threads: int) -> Callable[[Case, Input], Bound | str]:
    import argreduce

    def bind(case: Case, inp: Input) -> Bound | str:
        x, dim = inp.for_argreduce, case.dim
        return Bound(lambda: argreduce.argmin(x, dim=dim), lambda: argreduce.set_num_threads(threads))

    return bind


def contenders(threads: tuple[int, ...]) -> list[Contender]:
    """The probes first, then the peers, then argreduce: the tables' column order."""
    out = [Contender(f"probe {n}T", "probe", n, _probe(n)) for n in threads]
    out.append(Contender("numpy", "numpy", 1, _numpy))
    out += [Contender(f"torch {n}T", "torch", n, _torch(n)) for n in threads]
    out.append(Contender("bottleneck", "bottleneck", 1, _bottleneck))
    out.append(Contender("polars", "polars", 1, _polars))
    out += [Contender(f"argreduce {n}T", "argreduce", n, _argreduce(n)) for n in threads]
    return out


def as_index_array(result: Any) -> np.ndarray:
    """Any contender's answer as a NumPy int64 array of the answer's shape."""
    if hasattr(result, "numpy") and not isinstance(result, np.ndarray):
        result = result.numpy()
    return np.asarray(result, dtype=np.int64)
