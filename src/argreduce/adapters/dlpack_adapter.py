"""Any other array with ``__dlpack__`` (JAX, PyArrow, CuPy ...).

CPU arrays are viewed through NumPy's DLPack import, which copies nothing. bfloat16, which NumPy's
DLPack import does not know, is taken through ``__array__`` (JAX hands over ml_dtypes' bfloat16).
Arrays on another device are reduced there by their own array-API namespace.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .numpy_adapter import adapt_via_numpy, view_of_ndarray
from .view import Adapted

_CPU_DEVICES = (1, 3)  # kDLCPU, kDLCUDAHost: memory the processor reads directly


def on_cpu(x: Any) -> bool:
    try:
        return int(x.__dlpack_device__()[0]) in _CPU_DEVICES
    except (AttributeError, TypeError, ValueError):
        return True


def adapt_dlpack(x: Any, op: str) -> Adapted:
    library = type(x).__module__.split(".")[0]
    wrap = _wrapper_for(x, library)
    try:
        a = np.from_dlpack(x)
    except (BufferError, TypeError, ValueError, RuntimeError):
        return Adapted(adapt_via_numpy(x, op).view, wrap, library)
    return Adapted(view_of_ndarray(a, op), wrap, library)


def _wrapper_for(x: Any, library: str):
    if library in ("jax", "jaxlib"):
        import jax.numpy as jnp

        return jnp.asarray
    return lambda r: r[()] if r.ndim == 0 else r


def reduce_on_device(x: Any, dims: tuple[int, ...], keepdim: bool, largest: bool):
    """Reduced by the array's own array-API namespace (CuPy, for example), on its device.

    Not run by the test suite: the project's machines have no GPU.
    """
    xp = x.__array_namespace__()
    kept = [d for d in range(x.ndim) if d not in dims]
    flat = xp.reshape(xp.permute_dims(x, (*kept, *dims)), (*[x.shape[d] for d in kept], -1))
    r = (xp.argmax if largest else xp.argmin)(flat, axis=-1)
    if keepdim:
        r = xp.reshape(r, tuple(1 if d in dims else x.shape[d] for d in range(x.ndim)))
    return r
