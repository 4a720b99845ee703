"""argmin/argmax against torch 2.13 (the oracle) on random values, layouts, dims and dtypes.

Every example feeds argreduce the same bytes twice, as a NumPy view (any strides, negative ones
too) and as a torch tensor (when torch can express the strides), and compares each answer with
torch's on a contiguous copy: value, int64 dtype, shape, result type, or the exception class.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import event, given
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from _arrays import Case, cases, dims_for, tuple_dims_for
from _dtypes import BY_NAME, TORCH_DTYPES, specials
from _oracle import OPS, assert_matches, outcome, torch_argreduce, torch_argreduce_dims

ops = st.sampled_from(sorted(OPS))


def _check(case: Case, op: str, dim, keepdim: bool) -> None:
    expected = torch_argreduce(op, case.oracle_tensor(), dim, keepdim)
    _record(case, expected)
    for x in case.inputs():
        got = outcome(lambda x=x: OPS[op][0](x, dim, keepdim))
        context = f"{op} dim={dim} keepdim={keepdim} {type(x).__name__} {case.describe()}"
        assert_matches(got, expected, x, context)


def _record(case: Case, expected) -> None:
    """Statistics (pytest --hypothesis-show-statistics): which layouts and outcomes the run covered."""
    if not currently_in_test_context():
        return
    event("torch raises" if isinstance(expected, Exception) else "value")
    event("torch input too" if case.torch_input() is not None else "NumPy input only")
    if any(s == 0 for s in case.strides):
        event("expanded dim")
    if math.prod(case.shape) > 512:
        event("more than 512 elements")


@given(data=st.data(), op=ops, keepdim=st.booleans())
def test_int_or_none_dim_matches_torch(data, op, keepdim):
    case = data.draw(cases(), label="case")
    dim = data.draw(dims_for(len(case.shape)), label="dim")
    _check(case, op, dim, keepdim)


@given(data=st.data(), op=ops, keepdim=st.booleans())
def test_tuple_dims_match_torch_on_flattened_dims(data, op, keepdim):
    case = data.draw(cases(max_ndim=4), label="case")
    dims = data.draw(tuple_dims_for(len(case.shape)), label="dims")
    expected = torch_argreduce_dims(op, case.oracle_tensor(), dims, keepdim)
    _record(case, expected)
    for x in case.inputs():
        got = outcome(lambda x=x: OPS[op][0](x, dims, keepdim))
        assert_matches(got, expected, x, f"{op} dims={dims} keepdim={keepdim} {case.describe()}")


# Positions where kernels change gear: vector lanes, unrolled groups, 4 KiB blocks, the tail.
def _boundary_positions(n: int, itemsize: int) -> list[int]:
    marks = {0, n - 1, n // 2}
    for unit in (16, 32, 64, 256, 4096):
        k = unit // itemsize
        marks |= {k - 1, k, k + 1, 2 * k - 1, 2 * k, (n // k) * k - 1, (n // k) * k}
    return sorted(p for p in marks if 0 <= p < n)


@given(
    data=st.data(),
    dt=st.sampled_from(TORCH_DTYPES),
    n=st.sampled_from((129, 513, 1025, 4097, 8193)),
    op=ops,
)
def test_long_rows_with_specials_at_block_edges(data, dt, n, op):
    """One long row: a background value and a few specials (NaN, extremes, ties) at block edges."""
    positions = _boundary_positions(n, dt.bits // 8)
    base = np.full(n + 2, data.draw(st.sampled_from(specials(dt))), dtype=dt.raw)
    edits = st.tuples(st.sampled_from(positions), st.sampled_from(specials(dt)))
    picks = data.draw(st.lists(edits, max_size=5))
    for p, v in picks:
        base[p] = v
    step = data.draw(st.sampled_from((1, 1, -1, 2)))
    length = len(range(0, n, abs(step)))
    strides = (step,)
    offset = (length - 1) * abs(step) if step < 0 else 0
    _check(Case(dt, base, (length,), strides, offset, readonly=True), op, data.draw(dims_for(1)), False)


@given(
    data=st.data(),
    dt=st.sampled_from([BY_NAME["int8"], BY_NAME["uint8"]]),
    rows=st.sampled_from((127, 128, 129, 254, 255, 256, 300)),
    cols=st.sampled_from((1, 15, 16, 17, 33, 64, 65)),
    op=ops,
)
def test_int8_columns_across_more_than_127_rows(data, dt, rows, cols, op):
    """Reducing dim 0 of a C-ordered int8 matrix: the kernel's row counters restart every 127 rows,
    so the best value and its ties are placed on either side of those restarts."""
    base = np.full(rows * cols, data.draw(st.sampled_from(specials(dt))), dtype=dt.raw)
    near = sorted({r for k in (126, 127, 128, 253, 254, 255) for r in (k, rows - 1) if r < rows})
    picks = data.draw(st.lists(st.tuples(st.sampled_from(near), st.integers(0, cols - 1),
                                         st.sampled_from(specials(dt))), max_size=6))
    for r, c, v in picks:
        base[r * cols + c] = v
    _check(Case(dt, base, (rows, cols), (cols, 1), 0, readonly=False), op, 0, data.draw(st.booleans()))


@pytest.mark.parametrize("name", ["int16", "float16", "bfloat16"])
@pytest.mark.parametrize("op", sorted(OPS))
def test_16bit_columns_across_more_than_32767_rows(name, op):
    """The 16-bit row counters restart every 32767 rows: the best value sits past the restart in one
    column, ties straddle it in another, and a NaN (for floats) comes late in a third."""
    dt = BY_NAME[name]
    rows, cols = 2 * 32767 + 3, 3
    background, low, high = torch.tensor([5, -3000, 3000], dtype=dt.torch).view(torch.int16).tolist()
    winner = low if op == "argmin" else high
    base = np.full(rows * cols, background, dtype=dt.raw)
    for r, c in ((32768, 0), (40000, 1), (32766, 1), (65534, 1), (65535, 0)):
        base[r * cols + c] = winner
    if dt.kind == "float":
        base[50000 * cols + 2] = specials(dt)[18]  # a quiet NaN
    _check(Case(dt, base, (rows, cols), (cols, 1), 0, readonly=True), op, 0, False)


def test_the_sweep_covers_exactly_the_dtypes_torch_reduces():
    """torch's CPU argmin accepts exactly the dtypes swept here (bool and unsigned 16..64-bit are
    extensions, tested against NumPy in test_extensions.py)."""
    candidates = [
        torch.bool, torch.uint8, torch.int8, torch.int16, torch.uint16, torch.int32, torch.uint32,
        torch.int64, torch.uint64, torch.float16, torch.bfloat16, torch.float32, torch.float64,
        torch.complex64, torch.float8_e4m3fn,
    ]
    supported = [dt for dt in candidates
                 if not isinstance(outcome(lambda dt=dt: torch.argmin(torch.zeros(2, dtype=dt))), Exception)]
    assert supported == [d.torch for d in TORCH_DTYPES]
