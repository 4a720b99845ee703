"""What is printed: the index (NumPy's notation), its coordinates (--unravel), or a JSON object."""

from __future__ import annotations

import json
import sys

import numpy as np

from .._contract import result_shape, unravel_index
from .readers import Source


def shaped(index: np.ndarray, shape: tuple[int, ...], reduced: tuple[bool, ...], keepdim: bool) -> np.ndarray:
    return index.reshape(result_shape(shape, reduced, keepdim)) if keepdim else index


def unravel(index: np.ndarray, shape: tuple[int, ...], reduced: tuple[bool, ...]) -> np.ndarray:
    """Coordinates within the reduced dims: the index's shape plus one axis of len(reduced dims)."""
    sizes = tuple(n for n, r in zip(shape, reduced, strict=True) if r)
    if not sizes:
        return np.zeros((*index.shape, 0), dtype=np.int64)
    return np.stack(unravel_index(index, sizes), axis=-1).astype(np.int64)


def printable_values(values: np.ndarray, reinterpret: str | None) -> np.ndarray:
    """The winners' values as NumPy prints them: bfloat16 words (held as uint16) widened to float32."""
    if reinterpret == "bfloat16":
        return (values.astype(np.uint32) << 16).view(np.float32)
    return values


def as_text(values: np.ndarray, coords: bool) -> str:
    if values.ndim == 0:
        return str(values[()]) if values.dtype.kind not in "iub" else str(int(values))
    if coords and values.ndim == 1:
        return str(tuple(int(v) for v in values))
    return np.array2string(values, threshold=sys.maxsize, separator=" ")


def _json_values(values: np.ndarray):
    """Numbers JSON can hold: NaN and infinities as strings ("nan", "inf"), times as ISO text."""
    if values.dtype.kind == "M":
        return np.datetime_as_string(values).tolist()
    if values.dtype.kind == "m":
        return values.astype(str).tolist()
    if values.dtype.kind == "f":
        return np.where(np.isfinite(values), values.astype(object), values.astype(str)).tolist()
    return values.tolist()


def as_json(source: Source, op: str, dims, keepdim: bool, index: np.ndarray,
            coords: np.ndarray | None, values: np.ndarray | None = None) -> str:
    doc = {
        "file": source.name,
        "shape": list(source.shape),
        "dtype": source.reinterpret or source.dtype.name,
        "op": op,
        "dim": None if dims is None else list(dims),
        "keepdim": keepdim,
        "index": index.tolist(),
    }
    if coords is not None:
        doc["coords"] = coords.tolist()
    if values is not None:
        doc["values"] = _json_values(np.asarray(values))
    if "columns" in source.labels:
        doc["columns"] = source.labels["columns"]
    return json.dumps(doc)
