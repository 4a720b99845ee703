"""The two inputs as exact float64 matrices, their result format, and the contract's errors."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import adapters

_EXACT_INT = 2**53  # every integer up to this magnitude is a float64


@dataclass(frozen=True)
class Input:
    values: np.ndarray  # (rows, d) float32 or float64 holding the given numbers exactly
    kind: str  # "float16", "bfloat16", "float32", "float64" or "int"
    library: str
    wrap: Any  # NumPy result -> the caller's library
    check: Any = None  # read(check=False): raises the contract's error for a NaN or inf (deferred)


def read(a: Any, name: str, check: bool = True) -> Input:
    """``a`` as a matrix holding exactly its values (float32 and float64 as they are, float16,
    bfloat16 and integers widened to float64). ``check=False`` leaves a float32 or float64 input's
    finiteness to the caller (``Input.check``): the direct screen notices such values on its way."""
    if adapters.is_torch_tensor(a):
        return _read_torch(a, name, check)
    adapted = adapters.adapt(a, "nearest")
    arr = np.asarray(adapted.view.owner)
    kind = kind_of(adapted.view.dtype, name)
    _check_2d(arr.shape, name)
    values, later = _values(arr, kind, name, check)
    return Input(values, kind, adapted.library, adapted.wrap, later)


def _values(arr: np.ndarray, kind: str, name: str, check: bool):
    values, later = deferred(arr, kind, name)
    if check and later is not None:
        later()
        later = None
    return values, later


def _read_torch(t: Any, name: str, check: bool) -> Input:
    import torch

    if t.device.type != "cpu":
        raise ValueError(f"nearest(): {name} is on {t.device}; only CPU tensors are supported")
    if t.is_complex():
        raise TypeError(f"nearest(): {name} has complex dtype {t.dtype}; distances need real numbers")
    kind = kind_of(str(t.dtype).replace("torch.", ""), name)
    _check_2d(tuple(t.shape), name)
    t = t.detach().resolve_conj().resolve_neg()
    if t.dtype == torch.bfloat16:
        t = t.float()  # exact: every bfloat16 is a float32
    values, later = _values(t.numpy(), kind, name, check)
    return Input(values, kind, "torch", None, later)


def kind_of(dtype: str, name: str) -> str:
    if dtype in ("float16", "bfloat16", "float32", "float64"):
        return dtype
    if dtype.startswith(("int", "uint")):
        return "int"
    raise TypeError(
        f"nearest(): {name} has dtype {dtype}; supported: float16, bfloat16, float32, float64 and "
        "integers up to 2**53"
    )


def _check_2d(shape: tuple[int, ...], name: str) -> None:
    if len(shape) != 2:
        raise ValueError(f"nearest(): {name} must be a 2-D array (rows, d), got shape {tuple(shape)}")


def checked(arr: np.ndarray, kind: str, name: str, first_row: int = 0) -> np.ndarray:
    """``arr`` itself when it is float32 or float64 (read in place: no copy of a large or
    memory-mapped input), else widened exactly; the contract's errors either way (rows counted from
    ``first_row``, for a block of a larger input)."""
    if kind not in ("float32", "float64"):
        return widen(arr, kind, name, first_row)
    if arr.size and not (np.isfinite(arr.max()) and np.isfinite(arr.min())):  # NaN propagates
        _non_finite(arr, name, first_row)
    return arr


def deferred(arr: np.ndarray, kind: str, name: str, first_row: int = 0):
    """(values, check) for search.run: a float32 or float64 ``arr`` as it is, with ``check`` raising
    the contract's error if it holds a NaN or inf (the direct screen notices those on its way, so
    most searches of few queries never need the two passes); other kinds widened and checked now,
    with ``check`` None."""
    if kind not in ("float32", "float64"):
        return widen(arr, kind, name, first_row), None
    return arr, functools.partial(checked, arr, kind, name, first_row)


def _non_finite(arr: np.ndarray, name: str, first_row: int):
    row = first_row + int(np.argmax(~np.isfinite(arr).all(axis=1)))
    raise ValueError(f"nearest(): {name} has a NaN or inf in row {row}; distances need finite values")


def widen(arr: np.ndarray, kind: str, name: str, first_row: int = 0) -> np.ndarray:
    """``arr`` as float64, exactly; errors name the row as ``first_row`` + its row in ``arr``."""
    if kind == "int" and arr.size:
        big = (arr > _EXACT_INT) | (arr < -_EXACT_INT)
        if big.any():
            row = first_row + int(np.argmax(big.any(axis=1)))
            raise TypeError(
                f"nearest(): {name} row {row} holds an integer beyond 2**53 in magnitude, which no "
                "float64 holds exactly; convert it to a float dtype first if rounding is acceptable"
            )
    out = arr.astype(np.float64)
    if not np.isfinite(out).all():
        _non_finite(out, name, first_row)
    return out


def result_kind(a: str, b: str) -> str:
    """The distances' dtype from the inputs' kinds: the wider float; an integer counts as float64."""
    kinds = {a, b}
    if "int" in kinds or "float64" in kinds:
        return "float64"
    if kinds == {"float16"} or kinds == {"bfloat16"}:
        return kinds.pop()
    return "float32"


def to_library(arr: np.ndarray, kind: str, like: Input) -> Any:
    """A NumPy result (float64 holding ``kind``'s numbers, or int64) in the queries' library."""
    if like.library == "torch":
        import torch

        if kind == "bfloat16":
            return torch.from_numpy(arr.astype(np.float32)).to(torch.bfloat16)
        return torch.from_numpy(np.ascontiguousarray(arr.astype(kind)))
    if kind == "bfloat16":
        import ml_dtypes

        out = arr.astype(ml_dtypes.bfloat16)
    else:
        out = arr.astype(kind, copy=False)
    return like.wrap(out)
