"""The oracle (torch 2.13 itself) and the one comparison every differential test makes.

Tests never hard-code an answer torch can give: they run torch on the same values and compare the
value, dtype, shape and result type, or the exception class when torch raises.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

import argreduce as ar
from _dtypes import DType

OPS = {"argmin": (ar.argmin, torch.argmin), "argmax": (ar.argmax, torch.argmax)}


def outcome(fn: Callable[[], Any]) -> Any:
    """fn()'s value, or the exception it raised (as a value, to compare with the other side's)."""
    try:
        return fn()
    except Exception as e:
        return e


def torch_argreduce(op: str, t: torch.Tensor, dim: Any, keepdim: bool) -> Any:
    """torch's answer, or its exception, for an int (or None) dim."""
    fn = OPS[op][1]
    return outcome(lambda: fn(t) if dim is None and not keepdim else fn(t, dim, keepdim))


def torch_argreduce_dims(op: str, t: torch.Tensor, dims: tuple[int, ...], keepdim: bool) -> Any:
    """The tuple-dims extension by its definition: move the reduced dims last (in their own order),
    flatten them into one, and let torch reduce that.

    Which tuples are errors is decided as torch decides for every dim list (torch.sum's checks: all
    dims in range, then no repeats), then the contract's emptiness rule, which torch's argmin of the
    flattened dims raises itself (IndexError) when one reduced dim has size 0.
    """
    checked = outcome(lambda: torch.sum(t, dim=dims, keepdim=keepdim))
    if isinstance(checked, Exception):
        return checked
    ndim = t.ndim
    reduced = sorted({d % ndim for d in dims}) if ndim else []
    kept = [d for d in range(ndim) if d not in reduced]
    flat = t.permute([*kept, *reduced]).reshape(
        [*(t.shape[d] for d in kept), math.prod(t.shape[d] for d in reduced)]
    )
    r = outcome(lambda: OPS[op][1](flat, -1))
    if keepdim and not isinstance(r, Exception):
        r = r.reshape([1 if d in reduced else t.shape[d] for d in range(ndim)])
    return r


def ordered_int64(dt: DType, raw: np.ndarray) -> torch.Tensor:
    """An extension dtype's values (raw bits) as int64 in the same order, for torch to reduce:
    bool and uint16/uint32 widen exactly; uint64 flips its top bit (x - 2**63, without overflow)."""
    if dt.name == "uint64":
        v = raw.view(np.int64) ^ np.int64(-(2**63))
    else:
        v = raw.view(dt.numpy).astype(np.int64)
    return torch.from_numpy(np.asarray(v))  # a 0-d operation gives a NumPy scalar


def assert_matches(got: Any, expected: Any, input: Any, context: str) -> None:
    """``got`` (argreduce's value or exception) agrees with ``expected`` (torch's) for ``input``."""
    if isinstance(expected, Exception):
        assert isinstance(got, type(expected)), (
            f"torch raised {type(expected).__name__}({expected}), argreduce gave {got!r}\n{context}"
        )
        return
    assert not isinstance(got, Exception), f"argreduce raised {got!r}, torch gave {expected}\n{context}"
    if isinstance(input, torch.Tensor):
        assert isinstance(got, torch.Tensor), f"torch input gave {type(got)}\n{context}"
        assert got.dtype == torch.int64 and got.device == input.device, context
        got_np = got.numpy()
    else:
        if expected.ndim == 0:
            assert isinstance(got, np.int64), f"0-d result is {type(got)}, not np.int64\n{context}"
        else:
            assert isinstance(got, np.ndarray) and got.dtype == np.int64, f"{type(got)} {got!r}\n{context}"
        got_np = np.asarray(got)
    want = tuple(expected.shape)
    assert got_np.shape == want, f"shape {got_np.shape} != {want}\n{context}"
    assert np.array_equal(got_np, expected.numpy()), f"got {got_np}, expected {expected.numpy()}\n{context}"
