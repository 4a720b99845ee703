"""torch tensors. CPU tensors are read in place; tensors on other devices stay there.

The CPU path reads ``data_ptr()`` and ``stride()`` directly rather than going through
``__dlpack__``: torch refuses to export tensors that require grad, and a detach per call would
only cost time. The tensor itself is kept alive as the view's owner.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .view import CORE_DTYPES, Adapted, StridedView, complex_error, unsupported_dtype

# torch names its dtypes as the core does ("torch.float32" -> "float32").
_NAMES = {f"torch.{name}": name for name in CORE_DTYPES}


def plain_tensor(t: Any):
    """``t`` as a plain torch.Tensor over the same memory. A subclass may override ``data_ptr``,
    ``stride``, ``shape``, ``dtype`` or ``__torch_function__``; the base type's ``as_subclass``,
    called with subclass dispatch off, gives an object whose attributes are torch's own."""
    import torch

    if type(t) is torch.Tensor:
        return t
    with torch._C.DisableTorchFunctionSubclass():
        return torch._C.TensorBase.as_subclass(t, torch.Tensor)


def device_type(t: Any) -> str:
    return plain_tensor(t).device.type


def adapt_torch(t: Any, op: str) -> Adapted:
    import torch

    t = plain_tensor(t)
    name = _NAMES.get(str(t.dtype))
    if name is None:
        if t.is_complex():
            raise complex_error(op)
        raise unsupported_dtype(op, str(t.dtype))
    if t.layout != torch.strided:
        raise TypeError(f"{op}(): {t.layout} tensors are not supported; call .to_dense() first")
    if t.is_nested:  # strided nested tensors are a list of tensors, not one strided memory block
        raise TypeError(f"{op}(): nested tensors are not supported; reduce each of t.unbind() instead")
    if t.is_neg():  # a lazily negated view: its memory does not hold its values
        t = t.resolve_neg()
    if t._is_zerotensor():  # all zeros, with no memory behind them (data_ptr() is 0)
        t = torch.zeros(t.shape, dtype=t.dtype)
    try:
        address = t.data_ptr()
    except RuntimeError as e:  # a tensor without storage (a wrapper subclass, a functional tensor)
        raise TypeError(f"{op}(): the tensor has no memory to read ({e})") from None
    if address == 0 and t.numel() > 0:
        raise TypeError(f"{op}(): the tensor has no memory to read (data_ptr() is 0)")
    size = t.element_size()
    view = StridedView(t, address, name, tuple(t.shape), tuple(s * size for s in t.stride()))
    return Adapted(view, _to_torch, "torch")


def _to_torch(result: np.ndarray):
    import torch

    # np.require keeps a 0-d result 0-d (np.ascontiguousarray would make it 1-d).
    return torch.from_numpy(np.require(result, requirements="C"))


def reduce_on_device(t: Any, dims: tuple[int, ...], keepdim: bool, largest: bool):
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
    r = torch.argmax(flat, -1) if largest else torch.argmin(flat, -1)
    if keepdim:
        for d in sorted(dims):
            r = r.unsqueeze(d)
    return r
