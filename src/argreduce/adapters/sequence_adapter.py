"""Nested lists, tuples and Python scalars: made into a NumPy array (the only copy this project
makes of an input, because a list has no array memory to read). The result comes back as NumPy.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .numpy_adapter import adapt_numpy
from .view import Adapted, unsupported_dtype


def adapt_sequence(x: Any, op: str) -> Adapted:
    try:
        a = np.asarray(x)
    except ValueError as e:  # ragged nesting, for one
        raise TypeError(f"{op}(): cannot make an array of {type(x).__name__}: {e}") from None
    if a.dtype == object:
        raise unsupported_dtype(op, f"object (from a {type(x).__name__} of mixed or unbounded values)")
    return adapt_numpy(a, op)
