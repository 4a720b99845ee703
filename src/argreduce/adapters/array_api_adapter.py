"""Results in the caller's library for any array of the array API standard (``__array_namespace__``):
array-api-strict in, array-api-strict out; the same for any other conforming library that argreduce
has no adapter of its own for (NumPy, torch and JAX have theirs).

The input is read like any other (through DLPack or ``__array__``); only the int64 result goes back
through the input's own namespace, on the input's device: ``xp.asarray``, or ``xp.from_dlpack`` for a
namespace whose ``asarray`` does not take NumPy arrays.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .view import Adapted

#: Libraries with their own wrapper (numpy_adapter, torch_adapter, dlpack_adapter's JAX).
_OWN_WRAPPER = frozenset({"numpy", "torch", "jax", "jaxlib"})


def namespace_of(x: Any) -> Any | None:
    """The array API namespace of ``x``, or None when it has none or argreduce wraps it itself."""
    if type(x).__module__.split(".")[0] in _OWN_WRAPPER or not hasattr(type(x), "__array_namespace__"):
        return None
    try:
        return x.__array_namespace__()
    except Exception:  # a namespace that cannot be had: the result stays NumPy, as before
        return None


def in_callers_namespace(x: Any, adapted: Adapted) -> Adapted:
    """``adapted`` with its result handed back through ``x``'s namespace, when ``x`` has one."""
    xp = namespace_of(x)
    if xp is None:
        return adapted
    device = getattr(x, "device", None)

    def wrap(result: np.ndarray) -> Any:
        on_device = {} if device is None else {"device": device}
        try:
            return xp.asarray(result, **on_device)
        except (TypeError, ValueError):
            return xp.from_dlpack(result, **on_device)

    return Adapted(adapted.view, wrap, type(x).__module__.split(".")[0])
