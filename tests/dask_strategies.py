"""Hypothesis strategies shared by the Dask tests: small arrays full of ties and NaNs, cut into
uneven (sometimes empty) chunks, and the dims to reduce them along."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

# Few distinct values, so that ties and NaNs fall on both sides of block boundaries.
_POOLS = {
    "float32": [0.0, -0.0, 1.0, -1.0, np.nan, np.inf, -np.inf],
    "float64": [0.0, -0.0, 2.5, -2.5, np.nan, -np.nan],
    "float16": [0.0, 65504.0, np.inf, np.nan],
    "int8": [0, 1, -128, 127],
    "uint64": [0, 1, 2**63, 2**64 - 1],
    "int64": [2**53, 2**53 + 1, -(2**63), 2**63 - 1],
    "bool": [False, True],
}
DTYPES = sorted(_POOLS)


@st.composite
def splits(draw, n: int) -> tuple[int, ...]:
    """Chunk sizes summing to n: uneven, and now and then an empty chunk (Dask allows them)."""
    cuts = sorted(draw(st.sets(st.integers(1, n - 1), max_size=n - 1))) if n > 1 else []
    sizes = [b - a for a, b in zip([0, *cuts], [*cuts, n], strict=True)]
    if draw(st.integers(0, 5)) == 0:
        sizes.insert(draw(st.integers(0, len(sizes))), 0)
    return tuple(sizes)


@st.composite
def chunked_arrays(draw, max_ndim: int = 4, max_side: int = 6) -> tuple[np.ndarray, tuple]:
    """(x, chunks): a NumPy array and a chunking of it, 1-D to max_ndim-D."""
    dtype = draw(st.sampled_from(DTYPES))
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=max_ndim, min_side=1, max_side=max_side))
    x = draw(hnp.arrays(np.dtype(dtype), shape, elements=st.sampled_from(_POOLS[dtype])))
    chunks = tuple(draw(splits(n)) for n in shape)
    return x, chunks


@st.composite
def dims_for(draw, ndim: int):
    """None, one dim (either sign) or a tuple of distinct dims in any order (either sign)."""
    kind = draw(st.sampled_from(["none", "int", "tuple"]))
    if kind == "none":
        return None
    sign = st.sampled_from([1, -1])
    if kind == "int":
        d = draw(st.integers(0, ndim - 1))
        return d if draw(sign) > 0 else d - ndim
    chosen = draw(st.permutations(range(ndim)))[: draw(st.integers(1, ndim))]
    return tuple(d if draw(sign) > 0 else d - ndim for d in chosen)
