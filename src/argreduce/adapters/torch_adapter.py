"""torch tensors. CPU tensors are read in place; tensors on other devices stay there.

The CPU path reads ``data_ptr()`` and ``stride()`` directly rather than going through
``__dlpack__``: torch refuses to export tensors that require grad, and a detach per call would
only cost time. The tensor itself is kept alive as the view's owner.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .view import Adapted, StridedView, complex_error, unsupported_dtype

_NAMES = {
    "torch.bool": "bool", "torch.uint8": "uint8", "torch.int8": "int8", "torch.int16": "int16",
    "torch.uint16": "uint16", "torch.int32": "int32", "torch.uint32": "uint32", "torch.int64": "int64",
    "torch.uint64": "uint64", "torch.float16": "float16", "torch.bfloat16": "bfloat16",
    "torch.float32": "float32", "torch.float64": "float64",
}


def adapt_torch(t: Any, op: str) -> Adapted:
    import torch

    name = _NAMES.get(str(t.dtype))
    if name is None:
        if t.is_complex():
            raise complex_error(op)
        raise unsupported_dtype(op, str(t.dtype))
    if t.layout != torch.strided:
        raise TypeError(f"{op}(): {t.layout} tensors are not supported; call .to_dense() first")
    if t.is_neg():  # a lazily negated view: its memory does not hold its values
        t = t.resolve_neg()
    size = t.element_size()
    view = StridedView(t, t.data_ptr(), name, tuple(t.shape), tuple(s * size for s in t.stride()))
    return Adapted(view, _to_torch, "torch")


def _to_torch(result: np.ndarray):
    import torch

    # ascontiguousarray makes a 0-d array 1-d: the reshape keeps a dim=None result's shape ().
    return torch.from_numpy(np.ascontiguousarray(result).reshape(result.shape))


def reduce_on_device(t: Any, dims: tuple[int, ...], keepdim: bool, is_max: bool):
    """A tensor on a GPU (or any non-CPU device) is reduced there, by torch itself.

    ``dims`` are the reduced dims (all of them for dim=None). They are moved last and flattened,
    so torch's argmin gives the index into their row-major flattening, as the contract defines it.
    Not run by the test suite: the project's machines have no GPU.
    """
    import torch

    if t.dtype == torch.bool:  # torch has no bool argmin; uint8 keeps the order
        t = t.to(torch.uint8)
    kept = [d for d in range(t.ndim) if d not in dims]
    flat = t.permute(*kept, *dims).reshape(*[t.shape[d] for d in kept], -1)
    r = torch.argmax(flat, -1) if is_max else torch.argmin(flat, -1)
    if keepdim:
        for d in sorted(dims):
            r = r.unsqueeze(d)
    return r
