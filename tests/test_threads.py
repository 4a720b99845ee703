"""The answer does not depend on the number of threads (SEMANTICS.md §1).

The arrays are big enough for the core to split them (it gives each thread at least 2**16 elements),
and the values that decide the answer (ties, NaNs) sit on both sides of the places where 2, 3 and 7
threads cut the work, so a wrong merge order between threads would show.
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import argreduce as ar
from _arrays import big_shapes, cases
from _oracle import OPS, assert_matches, outcome, torch_argreduce
from argreduce import threads as threads_module

THREAD_COUNTS = (1, 2, 3, 7)
N = 7 << 16  # enough elements for 7 threads


@pytest.fixture(autouse=True)
def _restore_thread_setting():
    saved = threads_module._override
    yield
    threads_module._override = saved


def _cuts(n: int) -> list[int]:
    """Where 2, 3 and 7 equal pieces of n begin, and the element just before each."""
    return sorted({p for k in (2, 3, 7) for i in range(1, k) for p in (n * i // k - 1, n * i // k)})


def _answers(x, dim, op):
    out = {}
    for t in THREAD_COUNTS:
        ar.set_num_threads(t)
        r = OPS[op][0](x, dim)
        out[t] = r.numpy() if isinstance(r, torch.Tensor) else np.asarray(r)
    return out


def _assert_thread_independent(x, dim, op, reference: torch.Tensor):
    expected = OPS[op][1](reference, dim) if dim is not None else OPS[op][1](reference)
    for t, got in _answers(x, dim, op).items():
        assert np.array_equal(got, expected.numpy()), f"{t} threads: {got} != {expected.numpy()}"


def _ties_at_cuts(n: int, dtype, best, background) -> np.ndarray:
    a = np.full(n, background, dtype=dtype)
    a[_cuts(n)[len(_cuts(n)) // 2:]] = best  # the later cuts: the first of them must win
    return a


@pytest.mark.parametrize("op", sorted(OPS))
@pytest.mark.parametrize("dtype", [np.float32, np.int8, np.int64, np.float16])
def test_one_long_row_with_ties_at_the_cuts(dtype, op):
    best = -5 if op == "argmin" else 5
    a = _ties_at_cuts(N + 3, dtype, best, 0)
    _assert_thread_independent(a, None, op, torch.from_numpy(a))
    _assert_thread_independent(torch.from_numpy(a), 0, op, torch.from_numpy(a))


@pytest.mark.parametrize("op", sorted(OPS))
def test_nans_on_both_sides_of_the_cuts(op):
    a = np.random.default_rng(0).integers(-3, 4, N + 5).astype(np.float64)
    cuts = _cuts(len(a))
    a[cuts[-1]] = np.nan  # the last NaN in the array ...
    a[cuts[len(cuts) // 2]] = -np.nan  # ... and an earlier one, with the sign bit set
    _assert_thread_independent(a, None, op, torch.from_numpy(a))


@pytest.mark.parametrize("op", sorted(OPS))
@pytest.mark.parametrize("shape, dim", [
    ((3, N // 3), 1),  # fewer rows than threads: split along the reduced dim, merged after
    ((N // 512, 512), None),  # everything reduced
    ((N // 1024, 1024), 0),  # down columns: split along the kept columns
    ((1024, N // 1024), 1),  # along rows: split along the kept rows
])
def test_2d_splits(shape, dim, op):
    rng = np.random.default_rng(1)
    a = rng.integers(-2, 3, size=shape).astype(np.float32)  # five values: ties everywhere
    flat = a.reshape(-1)
    for p in _cuts(flat.size)[::3]:
        flat[p] = np.nan
    _assert_thread_independent(a, dim, op, torch.from_numpy(a))
    _assert_thread_independent(a.T, None if dim is None else 1 - dim, op, torch.from_numpy(a.T.copy()))


@settings(max_examples=max(20, settings().max_examples // 10))  # each example reads ~1 MiB 4 times
@given(data=st.data(), op=st.sampled_from(sorted(OPS)))
def test_random_big_layouts_for_any_thread_count(data, op):
    case = data.draw(cases(shape_strategy=big_shapes()), label="case")
    dim = data.draw(st.one_of(st.none(), st.integers(-len(case.shape), len(case.shape) - 1)), label="dim")
    expected = torch_argreduce(op, case.oracle_tensor(), dim, False)
    for x in case.inputs():
        for t in THREAD_COUNTS[1:]:
            ar.set_num_threads(t)
            got = outcome(lambda x=x: OPS[op][0](x, dim))
            assert_matches(got, expected, x, f"{t} threads, {op} dim={dim} {case.describe()[:300]}")


def test_strided_and_byte_swapped_input_is_split_the_same():
    a = np.random.default_rng(2).integers(-2, 3, size=2 * N).astype(">f4")[::-2]
    a[_cuts(a.size)] = np.float32(-9)
    _assert_thread_independent(a, None, "argmin", torch.from_numpy(a.astype("=f4")))


def test_unsigned_extension_with_ties_at_the_cuts():
    a = _ties_at_cuts(N + 1, np.uint64, 2**64 - 1, 2**63)
    for t, got in _answers(a, None, "argmax").items():
        assert got == np.argmax(a), f"{t} threads"


def test_environment_variable_sets_the_default():
    script = (
        "import numpy as np, argreduce as ar; "
        "a = np.zeros(1 << 20, np.float32); a[[700000, 300001]] = -1; "
        "print(ar.get_num_threads(), ar.argmin(a))"
    )
    env = {**os.environ, "ARGREDUCE_NUM_THREADS": "3"}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["3", "300001"]


@pytest.mark.parametrize("value", ["0", "-2", "two", "1.5"])
def test_a_bad_environment_variable_is_a_clear_error(monkeypatch, value):
    monkeypatch.setenv("ARGREDUCE_NUM_THREADS", value)
    threads_module._override = None
    monkeypatch.setattr(threads_module, "_default_cache", None)  # as in a fresh process
    with pytest.raises(ValueError, match="ARGREDUCE_NUM_THREADS"):
        ar.argmin(np.zeros(3))


def test_set_num_threads_overrides_the_environment(monkeypatch):
    monkeypatch.setenv("ARGREDUCE_NUM_THREADS", "5")
    threads_module._override = None
    monkeypatch.setattr(threads_module, "_default_cache", None)  # as in a fresh process
    assert ar.get_num_threads() == 5
    ar.set_num_threads(2)
    assert ar.get_num_threads() == 2


@pytest.mark.parametrize("bad", [0, -1, True, False, 2.0, "2", None])
def test_set_num_threads_rejects_non_positive_ints(bad):
    ar.set_num_threads(3)
    with pytest.raises((ValueError, TypeError)):
        ar.set_num_threads(bad)
    assert ar.get_num_threads() == 3
