"""The benchmark's cases: each builds its input once, when its turn comes, and frees it after.

Only one case's input is alive at a time, which keeps the full run's peak memory near 2 GiB (the
largest input is 1 GiB; polars may hold a copy of a 1-D one).

Data is chosen so that no contender can stop reading early: integers avoid their type's minimum
and maximum, bool is all True but its last element, and the NaN case puts its NaNs late.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

MiB = 1 << 20
LARGE_BYTES_AT_FULL_SIZE = 256 * MiB  # the "large case": reads at least 256 MiB


@dataclass(frozen=True)
class Sizes:
    """The element counts; --quick and --sizes tiny scale all of them by one factor."""

    name: str
    n1d: int  # 1-D cases
    side: int  # square matrices
    rows: int  # the short-rows / class-scores matrices: (rows, 8) and (8, rows)
    cube: int  # the cube's side

    @property
    def scale(self) -> float:
        return self.n1d / FULL.n1d


FULL = Sizes("full", n1d=2**27, side=8192, rows=2**24, cube=256)
QUICK = Sizes("quick", n1d=2**21, side=1024, rows=2**18, cube=64)
TINY = Sizes("tiny", n1d=2**15, side=128, rows=2**12, cube=16)
PRESETS = {s.name: s for s in (FULL, QUICK, TINY)}


@dataclass
class Input:
    """One case's input, seen by every library over the same memory."""

    array: Any  # a NumPy array (None where NumPy cannot hold the dtype)
    tensor: Any  # a torch tensor sharing the array's memory
    for_argreduce: Any  # what argreduce is given (the array, or the tensor for bfloat16)
    span: tuple[int, int]  # (address, nbytes) of the memory the input spans: what the probe reads
    cleanup: Callable[[], None] = field(default=lambda: None)


@dataclass(frozen=True)
class Case:
    name: str
    group: str
    shape: str  # for the table, e.g. "(2**27,)"
    dim: int | None
    build: Callable[[], Input]
    per_call: bool = False  # small inputs: report microseconds per call
    large: bool = False  # reads >= 256 MiB at the sizes
    has_nan: bool = False
    note: str = ""
    tags: tuple[str, ...] = ()  # which targets the case belongs to


def _pow2(n: int) -> str:
    """2**24 rather than 16777216; small sides stay plain numbers, as the issue writes them."""
    return f"2**{n.bit_length() - 1}" if n >= 2**14 and n & (n - 1) == 0 else str(n)


def _shape_label(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(_pow2(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"


def _rng() -> np.random.Generator:
    return np.random.default_rng(20240527)


def _random(shape: tuple[int, ...], dtype: str) -> np.ndarray:
    """Values with many ties but no type extremes, so that nobody can return early."""
    rng = _rng()
    dt = np.dtype(dtype)
    if dt == np.bool_:
        a = np.ones(shape, dtype=bool)
        a.reshape(-1)[-1] = False
        return a
    if dt.kind in "iu":
        info = np.iinfo(dt)
        return rng.integers(info.min + 1, info.max, size=shape, dtype=dt)
    if dt == np.float16:
        return rng.standard_normal(shape, dtype=np.float32).astype(np.float16)
    return rng.standard_normal(shape, dtype=dt)


def _span(a: np.ndarray) -> tuple[int, int]:
    """The bytes between the view's lowest and highest element (strides here are positive)."""
    if a.size == 0:
        return a.ctypes.data, 0
    extent = sum((n - 1) * s for n, s in zip(a.shape, a.strides, strict=True)) + a.itemsize
    return a.ctypes.data, extent


def _numpy_input(a: np.ndarray) -> Input:
    import torch

    return Input(a, torch.from_numpy(a), a, _span(a))


def _bfloat16_input(shape: tuple[int, ...]) -> Input:
    import torch

    t = torch.from_numpy(_random(shape, "float32")).to(torch.bfloat16)
    try:  # NumPy sees bfloat16 only through ml_dtypes
        import ml_dtypes

        array = t.view(torch.int16).numpy().view(ml_dtypes.bfloat16)
    except ImportError:
        array = None
    return Input(array, t, t, (t.data_ptr(), t.numel() * t.element_size()))


def _mmap_input(n: int) -> Input:
    """A read-only memory-mapped .npy file, in the page cache (written just before)."""
    import warnings

    import torch

    fd, path = tempfile.mkstemp(suffix=".npy", prefix="argreduce-bench-")
    os.close(fd)
    np.save(path, _random((n,), "float32"))
    a = np.load(path, mmap_mode="r")
    with warnings.catch_warnings():  # torch warns that the array is not writable; nobody writes it
        warnings.simplefilter("ignore")
        t = torch.from_numpy(a)

    def cleanup() -> None:
        os.remove(path)

    return Input(a, t, a, _span(a), cleanup)


def _nan_input(n: int) -> Input:
    a = _random((n,), "float32")
    a[3 * n // 4] = np.nan
    a[7 * n // 8] = np.nan
    return _numpy_input(a)


def cases(sizes: Sizes) -> list[Case]:
    """The issue's case list at the given sizes, in report order."""
    n, side, rows, cube = sizes.n1d, sizes.side, sizes.rows, sizes.cube
    large_bytes = LARGE_BYTES_AT_FULL_SIZE * sizes.scale
    out: list[Case] = []

    def add(name, group, shape, dim, build, nbytes, **kw) -> None:
        large = nbytes >= large_bytes and not kw.get("per_call", False)
        out.append(Case(name, group, _shape_label(shape), dim, build, large=large, **kw))

    for dtype in ("float32", "float64", "float16", "bfloat16", "int8", "uint8", "int32", "int64", "bool"):
        itemsize = 2 if dtype == "bfloat16" else np.dtype(dtype).itemsize
        if dtype == "bfloat16":
            build = lambda: _bfloat16_input((n,))  # noqa: E731
            note = "torch tensor input; NumPy via ml_dtypes"
        else:
            build = lambda dtype=dtype: _numpy_input(_random((n,), dtype))  # noqa: E731
            note = "all True but the last" if dtype == "bool" else ""
        tags = ("low-precision",) if dtype in ("float16", "bfloat16") else ()
        add(f"1-D {dtype}", "1-D arrays", (n,), None, build, n * itemsize, note=note, tags=tags)
    add("1-D float32 with NaN", "1-D arrays", (n // 8,), None, lambda: _nan_input(n // 8), n // 2,
        has_nan=True, note="two NaNs, at 3/4 and 7/8")

    square = lambda: _numpy_input(_random((side, side), "float32"))  # noqa: E731
    for dim, tags in ((0, ("dim-0",)), (1, ()), (None, ())):
        add(f"float32 dim={dim}", "Matrices", (side, side), dim, square, side * side * 4, tags=tags)
    add("short rows", "Matrices", (rows, 8), 1, lambda: _numpy_input(_random((rows, 8), "float32")),
        rows * 32, tags=("short-rows",), note="class scores, one row per sample")
    add("class scores along dim 0", "Matrices", (8, rows), 0,
        lambda: _numpy_input(_random((8, rows), "float32")), rows * 32, tags=("dim-0",),
        note="class scores, one column per sample")
    add("cube, middle dim", "Matrices", (cube, cube, cube), 1,
        lambda: _numpy_input(_random((cube, cube, cube), "float32")), cube**3 * 4)

    add("transposed view, dim=1", "Views and files", (side, side), 1,
        lambda: _numpy_input(_random((side, side), "float32").T), side * side * 4,
        note="x.T of a C-contiguous matrix")
    add("[::2]-strided view", "Views and files", (n,), None,
        lambda: _numpy_input(_random((2 * n,), "float32")[::2]), 2 * n * 4,
        note="every other float32; the probe reads the whole span (twice the elements' bytes)")
    add("read-only mmap .npy", "Views and files", (n,), None, lambda: _mmap_input(n), n * 4,
        note="np.load(mmap_mode='r'), file in the page cache")

    small = dict(per_call=True)
    add("1,000 elements", "Small inputs", (1000,), None,
        lambda: _numpy_input(_random((1000,), "float32")), 4000, tags=("small",), **small)
    add("(32, 10) along dim 1", "Small inputs", (32, 10), 1,
        lambda: _numpy_input(_random((32, 10), "float32")), 1280, tags=("small",), **small)
    add("cache-resident 2**14", "Small inputs", (2**14,), None,
        lambda: _numpy_input(_random((2**14,), "float32")), 2**16, tags=("cache",), **small)
    return out
