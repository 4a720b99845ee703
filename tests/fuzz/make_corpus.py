"""Writes the seed corpus (tests/fuzz/corpus/): small valid files of each format, each header
variant the readers know, and the hostile inputs of the test suite. Run once; the files are kept."""

from __future__ import annotations

import io
import json
import struct
import sys
import zipfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parents[1] / "hostile"))
from hostile_support import npy_bytes

CORPUS = Path(__file__).parent / "corpus"


def _npy(x: np.ndarray, version=None) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, x, version=version)
    return buf.getvalue()


def _header(shape: str, descr: str = "<f8") -> str:
    return f"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}"


def npy_seeds() -> dict[str, bytes]:
    x = np.array([[3.0, -1.0, np.nan], [2.0, 5.0, -0.0]])
    return {
        "v1_f8": _npy(x, (1, 0)), "v2_i2": _npy(np.nan_to_num(x).astype(np.int16), (2, 0)),
        "v3_u1": _npy(np.nan_to_num(x[0:1]).astype(np.uint8), (3, 0)),
        "fortran": _npy(np.asfortranarray(x)), "big_endian": _npy(x.astype(">f4")), "bool": _npy(x > 0),
        "zero_d": _npy(np.array(7, dtype=np.int64)), "empty": _npy(np.zeros((0, 3))),
        "negative_shape": npy_bytes(_header("(-2, -3)"), b"\0" * 48),
        "wrapping_shape": npy_bytes(_header("(4294967296, 4294967296)")),
        "object": npy_bytes("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", b"\0" * 8),
    }


def npz_seeds() -> dict[str, bytes]:
    seeds = {}
    for name, compress in (("stored", zipfile.ZIP_STORED), ("deflated", zipfile.ZIP_DEFLATED)):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", compress) as z:
            z.writestr("a.npy", _npy(np.arange(12.0).reshape(3, 4)))
        seeds[name] = buf.getvalue()
    return seeds


def safetensors_seeds() -> dict[str, bytes]:
    def st(header: dict, data: bytes) -> bytes:
        text = json.dumps(header).encode()
        return struct.pack("<Q", len(text)) + text + data

    x = np.array([[1.5, -2.0], [0.0, 4.0]], dtype="<f4")
    return {
        "f32": st({"t": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}}, x.tobytes()),
        "bf16_meta": st({"__metadata__": {"k": "v"},
                         "t": {"dtype": "BF16", "shape": [4], "data_offsets": [0, 8]}},
                        x.view("<u2")[:, ::2].tobytes()),
        "negative_shape": st({"t": {"dtype": "F32", "shape": [-1, -3], "data_offsets": [0, 12]}}, b"\0" * 12),
        "string_offsets": st({"t": {"dtype": "F32", "shape": [3], "data_offsets": ["0", "12"]}}, b"\0" * 12),
    }


def main() -> None:
    for fmt, seeds in (("npy", npy_seeds()), ("npz", npz_seeds()), ("safetensors", safetensors_seeds())):
        (CORPUS / fmt).mkdir(parents=True, exist_ok=True)
        for name, data in seeds.items():
            (CORPUS / fmt / f"{name}.{fmt}").write_bytes(data)


if __name__ == "__main__":
    main()
