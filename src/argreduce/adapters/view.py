"""The strided view: what every adapter hands the core, whatever library the array came from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import _core

#: The dtypes the core reduces (the contract's, plus bool and the unsigned extensions), from the
#: core's one dtype list (cpp/argreduce/dtype.hpp).
CORE_DTYPES: tuple[str, ...] = tuple(name for name, _, _ in _core.dtypes())


@dataclass(frozen=True)
class StridedView:
    """A read-only window on memory: ``shape`` and byte ``strides`` from ``address``.

    ``owner`` keeps the memory alive while the core reads it; ``swapped`` marks elements stored in
    the other byte order.
    """

    owner: Any
    address: int
    dtype: str
    shape: tuple[int, ...]
    strides: tuple[int, ...]
    swapped: bool = False


@dataclass(frozen=True)
class Adapted:
    """An input turned into a view, and how to give a NumPy result back in its library."""

    view: StridedView
    wrap: Callable[[np.ndarray], Any]
    library: str  # "numpy", "torch", "jax", ... for messages and tests
    #: Missing data (nulls, masked entries): True where an element is present; None when all are.
    present: np.ndarray | None = None


class UnsupportedDType(TypeError):
    """The input's element type has no order this project reduces (a TypeError, as the contract says)."""


def complex_error(op: str) -> RuntimeError:
    # The contract keeps torch's class for complex input: RuntimeError, as torch 2.13 raises.
    return RuntimeError(f"{op}(): does not support complex input (complex numbers have no order)")


def unsupported_dtype(op: str, name: str) -> UnsupportedDType:
    return UnsupportedDType(
        f"{op}(): unsupported dtype {name}; supported: {', '.join(CORE_DTYPES)}"
    )
