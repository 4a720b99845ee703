""".safetensors files, streamed. The format is an 8-byte little-endian header length, a JSON header
({name: {dtype, shape, data_offsets}}) and raw little-endian C-order tensors, so it is parsed here:
no extra package, any size, and bfloat16 read as raw 16-bit words that the core orders itself."""

from __future__ import annotations

import json
import math
import os
import struct
from collections.abc import Iterator

import numpy as np

from ...files.npy import MAX_DIMS
from ..errors import InputError
from .base import Block, Source
from .npz import choose_key
from .raw import raw_blocks, truncation_error

#: safetensors dtype -> (storage dtype, the core's dtype name)
_DTYPES = {
    "BOOL": ("|b1", "bool"), "U8": ("|u1", "uint8"), "I8": ("|i1", "int8"),
    "U16": ("<u2", "uint16"), "I16": ("<i2", "int16"), "U32": ("<u4", "uint32"), "I32": ("<i4", "int32"),
    "U64": ("<u8", "uint64"), "I64": ("<i8", "int64"),
    "F16": ("<f2", "float16"), "BF16": ("<u2", "bfloat16"),
    "F32": ("<f4", "float32"), "F64": ("<f8", "float64"),
}
_MAX_HEADER = 100 * 2**20  # the format's own limit


def read_header(f, name: str, size: int) -> tuple[dict, int]:
    head = f.read(8)
    if len(head) < 8:
        raise InputError(f"{name}: not a valid .safetensors file: shorter than its 8-byte header length")
    (n,) = struct.unpack("<Q", head)
    if n > _MAX_HEADER or 8 + n > size:
        raise InputError(f"{name}: not a valid .safetensors file: header length {n} does not fit the file")
    try:
        header = json.loads(f.read(n))
    except RecursionError:
        raise InputError(f"{name}: not a valid .safetensors file: the JSON header nests too deeply") from None
    except (ValueError, UnicodeDecodeError) as e:
        raise InputError(f"{name}: not a valid .safetensors file: bad JSON header ({e})") from None
    if not isinstance(header, dict):
        raise InputError(f"{name}: not a valid .safetensors file: the header is not a JSON object")
    header.pop("__metadata__", None)
    return header, 8 + n


def _is_count(v) -> bool:
    return type(v) is int and v >= 0  # not a bool, a float (3.7), a string or a negative number


def tensor_layout(entry, name: str) -> tuple[np.dtype, str, tuple[int, ...], int, int]:
    """The schema of one entry, checked: {"dtype": str, "shape": [count...], "data_offsets": [begin, end]}."""
    def bad(what: str) -> InputError:
        shown = repr(entry)
        return InputError(f"{name}: not a valid .safetensors entry: {what} "
                          f"({shown if len(shown) <= 120 else shown[:120] + '...'})")

    if not isinstance(entry, dict):
        raise bad("not a JSON object")
    kind, shape, offsets = entry.get("dtype"), entry.get("shape"), entry.get("data_offsets")
    if not isinstance(kind, str):
        raise bad("dtype is not a string")
    if not isinstance(shape, list) or not all(_is_count(n) for n in shape):
        raise bad("shape is not a list of non-negative integers")
    if len(shape) > MAX_DIMS:
        raise bad(f"more than {MAX_DIMS} dims")
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(_is_count(n) for n in offsets)):
        raise bad("data_offsets is not a pair of non-negative integers")
    if kind not in _DTYPES:
        raise InputError(f"{name}: unsupported dtype {kind}; supported: {', '.join(_DTYPES)}")
    storage, core = _DTYPES[kind]
    dtype, (begin, end) = np.dtype(storage), offsets
    if end - begin != math.prod(shape) * dtype.itemsize:
        raise InputError(f"{name}: not a valid .safetensors entry: data_offsets {begin}..{end} "
                         f"do not hold a {kind} tensor of shape {list(shape)}")
    return dtype, core, tuple(shape), begin, end


def open_safetensors(path: str, key: str | None, chunk_bytes: int) -> Source:
    f = open(path, "rb")
    size = os.fstat(f.fileno()).st_size
    header, data_start = read_header(f, path, size)
    tensor = choose_key(path, key, list(header), "tensors")
    name = f"{path}[{tensor}]"
    dtype, core, shape, begin, end = tensor_layout(header[tensor], name)
    if data_start + end > size:
        raise truncation_error(name, size, data_start + end)

    def blocks() -> Iterator[Block]:
        try:
            f.seek(data_start + begin)
            yield from raw_blocks(f, name, data_start + begin, shape, dtype, False, chunk_bytes,
                                  source.read_buffers)
        finally:
            f.close()

    bf16 = core if core == "bfloat16" else None
    source = Source(name, shape, dtype, end - begin, blocks, reinterpret=bf16, decodes=False)
    return source
