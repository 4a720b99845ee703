"""The dtypes the tests sweep, and the values that break arg-reductions, built from raw bits.

Every array in the differential tests is generated as raw integer bits and only then viewed as its
dtype: a NaN's sign, payload and quiet bit survive only if no float arithmetic ever touches it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

try:  # NumPy has no bfloat16; ml_dtypes (a test extra) gives one, so bfloat16 gets a NumPy input too
    import ml_dtypes

    _NP_BFLOAT16 = np.dtype(ml_dtypes.bfloat16)
except ImportError:  # pragma: no cover - the test extra installs it
    _NP_BFLOAT16 = None


@dataclass(frozen=True)
class DType:
    name: str
    torch: torch.dtype
    numpy: np.dtype | None  # None: NumPy cannot hold it
    kind: str  # "bool", "int", "uint" or "float"
    bits: int
    exponent_bits: int = 0  # floats only
    mantissa_bits: int = 0

    @property
    def raw(self) -> np.dtype:
        """The signed integer type of the same width: how the tests store the bits."""
        return np.dtype(f"int{self.bits}")

    @property
    def raw_bounds(self) -> tuple[int, int]:
        """The raw integers that are valid elements (a bool byte other than 0 or 1 is not a bool)."""
        if self.kind == "bool":
            return 0, 1
        info = np.iinfo(self.raw)
        return int(info.min), int(info.max)


TORCH_DTYPES = (
    DType("uint8", torch.uint8, np.dtype(np.uint8), "uint", 8),
    DType("int8", torch.int8, np.dtype(np.int8), "int", 8),
    DType("int16", torch.int16, np.dtype(np.int16), "int", 16),
    DType("int32", torch.int32, np.dtype(np.int32), "int", 32),
    DType("int64", torch.int64, np.dtype(np.int64), "int", 64),
    DType("float16", torch.float16, np.dtype(np.float16), "float", 16, 5, 10),
    DType("bfloat16", torch.bfloat16, _NP_BFLOAT16, "float", 16, 8, 7),
    DType("float32", torch.float32, np.dtype(np.float32), "float", 32, 8, 23),
    DType("float64", torch.float64, np.dtype(np.float64), "float", 64, 11, 52),
)
# The contract's extensions (§5): dtypes torch stores but does not arg-reduce.
EXTENSION_DTYPES = (
    DType("bool", torch.bool, np.dtype(np.bool_), "bool", 8),
    DType("uint16", torch.uint16, np.dtype(np.uint16), "uint", 16),
    DType("uint32", torch.uint32, np.dtype(np.uint32), "uint", 32),
    DType("uint64", torch.uint64, np.dtype(np.uint64), "uint", 64),
)
BY_NAME = {d.name: d for d in TORCH_DTYPES + EXTENSION_DTYPES}


def to_raw(dt: DType, unsigned_bits: int) -> int:
    """An unsigned bit pattern as the signed raw integer that stores it."""
    return int(np.array(unsigned_bits, dtype=f"uint{dt.bits}").view(dt.raw))


def float_specials(dt: DType) -> list[int]:
    """Raw bit patterns: ±0, ±inf, quiet and signalling NaNs of both signs and several payloads,
    the extremes of the finite range, subnormals and a few ordinary numbers."""
    m = dt.mantissa_bits
    sign = 1 << (dt.bits - 1)
    inf = ((1 << dt.exponent_bits) - 1) << m
    quiet = 1 << (m - 1)
    one = ((1 << (dt.exponent_bits - 1)) - 1) << m
    magnitudes = [
        0, inf, inf - 1, 1, 1 << m, one, one + 1, one - 1, one + (1 << m),  # 1.0, its neighbours, 2.0
        inf | quiet, inf | quiet | 1, inf | (1 << m) - 1,  # quiet NaNs: plain, payloads
        inf | 1, inf | (quiet >> 1) | 1, inf | quiet - 1,  # signalling NaNs (quiet bit clear)
    ]
    return [to_raw(dt, v | s) for v in magnitudes for s in (0, sign)]


def int_specials(dt: DType) -> list[int]:
    """The type's extremes and their neighbours, 0 and ±1; for int64, values beyond 2**53 that a
    float64 comparison would confuse."""
    info = np.iinfo(dt.numpy)
    values = {info.min, info.min + 1, info.max, info.max - 1, 0, 1, info.max // 2}
    if dt.kind == "int":
        values |= {-1, info.min // 2}
    if dt.kind == "uint" and dt.bits == 64:  # beyond int64, and beyond float64's exact integers
        values |= {2**63, 2**63 - 1, 2**63 + 1, 2**64 - 2, 2**53 + 1, 2**53}
    if dt.bits == 64 and dt.kind == "int":
        values |= {2**53, 2**53 + 1, 2**53 - 1, -(2**53) - 1, -(2**53), 2**62 + 1, 2**62}
    return [int(np.array(v, dtype=dt.numpy).view(dt.raw)) for v in sorted(values)]


def specials(dt: DType) -> list[int]:
    if dt.kind == "bool":
        return [0, 1]
    return float_specials(dt) if dt.kind == "float" else int_specials(dt)

