"""Hypothesis strategies for arrays in every memory layout the core plans for.

A `Case` is one logical array stored in a raw 1-D buffer: any permutation of dims in memory, steps
(negative ones too), padding between rows, stride-0 (expanded) dims and an offset from the buffer's
start. The same bytes are handed to argreduce as a NumPy view and as a torch tensor (when torch can
express the strides), and to the oracle as a fresh contiguous torch tensor, whose answer cannot
depend on the layout.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from hypothesis import strategies as st

from _dtypes import TORCH_DTYPES, DType, specials

# Lengths around the kernels' block sizes (vectors of 16..64 bytes, 4 KiB blocks, 127-row runs).
BIG_LENGTHS = (127, 128, 129, 130, 255, 256, 257, 513, 1025, 4097, 8193)
SMALL_SIZES = (0, 1, 1, 2, 2, 3, 3, 4, 5, 6, 7, 9, 17, 33)
MAX_NUMEL = 40_000


@dataclass(frozen=True)
class Case:
    dt: DType
    base: np.ndarray  # 1-D raw integer buffer: the memory every input below views
    shape: tuple[int, ...]
    strides: tuple[int, ...]  # in elements, negative allowed
    offset: int  # element offset of index (0, ..., 0)
    readonly: bool

    def _view(self, writeable: bool) -> np.ndarray:
        item = self.base.itemsize
        return np.lib.stride_tricks.as_strided(
            self.base[self.offset:], self.shape, tuple(s * item for s in self.strides), writeable=writeable
        )

    @property
    def raw_view(self) -> np.ndarray:
        return self._view(writeable=False)

    def numpy_input(self) -> np.ndarray | None:
        if self.dt.numpy is None:
            return None
        return self._view(writeable=not self.readonly).view(self.dt.numpy)

    def torch_input(self) -> torch.Tensor | None:
        if any(s < 0 for s in self.strides):  # torch has no negative strides
            return None
        t = torch.from_numpy(self.base).view(self.dt.torch)
        return torch.as_strided(t, self.shape, self.strides, self.offset)

    def inputs(self) -> list:
        return [x for x in (self.numpy_input(), self.torch_input()) if x is not None]

    def oracle_tensor(self) -> torch.Tensor:
        # A copy has fresh C strides (and, unlike np.ascontiguousarray, keeps a 0-d array 0-d).
        return torch.from_numpy(self.raw_view.copy()).view(self.dt.torch)

    def describe(self) -> str:
        """Everything needed to rebuild the input by hand."""
        data = self.raw_view.copy()
        return (f"dtype={self.dt.name} shape={self.shape} strides(elements)={self.strides} "
                f"offset={self.offset} raw(hex, row-major)={data.tobytes().hex()}")


def raw_values(dt: DType) -> st.SearchStrategy[int]:
    return st.one_of(st.sampled_from(specials(dt)), st.integers(*dt.raw_bounds))


@st.composite
def shapes(draw, max_ndim: int = 5) -> tuple[int, ...]:
    ndim = draw(st.integers(0, max_ndim))
    sizes = draw(st.lists(st.sampled_from(SMALL_SIZES), min_size=ndim, max_size=ndim))
    if ndim and draw(st.integers(0, 9)) == 0:  # now and then one dim beyond the SIMD blocks
        sizes = [min(n, 3) for n in sizes]
        sizes[draw(st.integers(0, ndim - 1))] = draw(st.sampled_from(BIG_LENGTHS))
    while math.prod(sizes) > MAX_NUMEL:
        sizes[sizes.index(max(sizes))] //= 2
    return tuple(sizes)


@st.composite
def big_shapes(draw, max_ndim: int = 4, numel=(1 << 17, 1 << 19)) -> tuple[int, ...]:
    """Shapes big enough for the core to split across threads: small dims and one long one."""
    ndim = draw(st.integers(1, max_ndim))
    sizes = draw(st.lists(st.sampled_from((1, 2, 3, 4, 7, 9)), min_size=ndim, max_size=ndim))
    long_dim = draw(st.integers(0, ndim - 1))
    sizes[long_dim] = 1
    sizes[long_dim] = -(-draw(st.integers(*numel)) // math.prod(sizes))
    return tuple(sizes)


@st.composite
def layouts(draw, shape: tuple[int, ...], allow_negative: bool = True):
    """(buffer length, element strides, offset) that store ``shape`` in some order and direction."""
    ndim = len(shape)
    order = draw(st.permutations(range(ndim)))  # order[0] is outermost in memory
    step_choices = (1, 1, 1, 2, 3, -1, -2) if allow_negative else (1, 1, 1, 2, 3)
    steps = draw(st.lists(st.sampled_from(step_choices), min_size=ndim, max_size=ndim))
    expanded = draw(st.lists(st.sampled_from((False,) * 6 + (True,)), min_size=ndim, max_size=ndim))
    pads = draw(st.lists(st.integers(0, 2), min_size=ndim, max_size=ndim))
    lead = draw(st.integers(0, 3))

    extents = [max(n - 1, 0) * abs(s) + 1 + p for n, s, p in zip(shape, steps, pads, strict=True)]
    if math.prod(extents) > 8 * MAX_NUMEL:  # a big array keeps its directions, not its gaps
        steps = [1 if s > 0 else -1 for s in steps]
        pads = [0] * ndim
    strides = [0] * ndim
    contiguous = 1
    for d in reversed(order):
        if expanded[d]:
            continue
        strides[d] = contiguous * steps[d]
        contiguous *= max(shape[d] - 1, 0) * abs(steps[d]) + 1 + pads[d]
    offset = lead + sum((n - 1) * -s for n, s in zip(shape, strides, strict=True) if s < 0 and n > 0)
    return lead + contiguous + 1, tuple(strides), offset


@st.composite
def cases(draw, dtypes=TORCH_DTYPES, max_ndim: int = 5, allow_negative: bool = True,
          shape_strategy=None) -> Case:
    dt = draw(st.sampled_from(dtypes))
    shape = draw(shape_strategy if shape_strategy is not None else shapes(max_ndim))
    length, strides, offset = draw(layouts(shape, allow_negative))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    lo, hi = dt.raw_bounds
    mode = draw(st.sampled_from(("pool", "pool", "random", "sparse")))
    if mode == "pool":  # a tiny pool of values: ties everywhere
        pool = draw(st.lists(raw_values(dt), min_size=1, max_size=4))
        base = rng.choice(np.array(pool, dtype=dt.raw), size=length)
    elif mode == "random":  # any bit pattern, with the specials sprinkled in
        base = rng.integers(lo, hi, size=length, dtype=dt.raw, endpoint=True)
        hits = rng.random(length) < 0.05
        base[hits] = rng.choice(np.array(specials(dt), dtype=dt.raw), size=int(hits.sum()))
    else:  # one background value, a few specials at drawn logical positions
        base = np.full(length, draw(raw_values(dt)), dtype=dt.raw)
    case = Case(dt, base, shape, strides, offset, readonly=draw(st.booleans()))
    numel = math.prod(shape)
    if mode == "sparse" and numel:
        byte_strides = tuple(s * base.itemsize for s in strides)
        view = np.lib.stride_tricks.as_strided(base[offset:], shape, byte_strides)
        for flat, value in draw(st.lists(st.tuples(st.integers(0, numel - 1), raw_values(dt)), max_size=6)):
            view[np.unravel_index(flat, shape)] = value
    return case


def dims_for(ndim: int) -> st.SearchStrategy:
    """None, or an int dim, now and then one out of range (the oracle decides the error)."""
    lo, hi = (-1, 0) if ndim == 0 else (-ndim, ndim - 1)
    return st.one_of(st.none(), st.integers(lo - 1, hi + 1))


def tuple_dims_for(ndim: int) -> st.SearchStrategy:
    """A tuple of dims: mostly distinct and in range, now and then a repeat or one out of range."""
    lo, hi = (-1, 0) if ndim == 0 else (-ndim, ndim - 1)
    some = st.lists(st.integers(lo - 1, hi + 1), min_size=1, max_size=max(ndim, 1) + 1)
    n = max(ndim, 1)
    distinct = st.lists(st.integers(lo, hi), min_size=1, max_size=n, unique_by=lambda d: d % n)
    return st.one_of(distinct, distinct, some).map(tuple)
