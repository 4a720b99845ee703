"""Every kind of input (SEMANTICS.md §7): the answer is torch's on the same values, the input is left
untouched, the result comes back in the right type, and memory the core can read in place (read-only,
unaligned, byte-swapped, memory-mapped) is not copied.
"""

from __future__ import annotations

import array
import copy
import subprocess
import sys
import textwrap
import tracemalloc

import numpy as np
import pytest
import torch

import argreduce as ar
from _dtypes import BY_NAME, TORCH_DTYPES
from _oracle import OPS, assert_matches, outcome, torch_argreduce

CALLS = [(op, dim, keepdim) for op in OPS for dim, keepdim in ((None, False), (0, False), (-1, True))]


def _values(shape, dtype, seed=0) -> np.ndarray:
    """Few distinct values (ties), NaNs for floats, in ``dtype`` and native order."""
    rng = np.random.default_rng(seed)
    v = rng.integers(-3, 4, size=shape).astype(dtype)
    if v.dtype.kind == "f" and v.size > 4:
        v.reshape(-1)[rng.choice(v.size, 2, replace=False)] = np.nan
    return v


def _check_against_torch(x, logical: np.ndarray) -> None:
    """argreduce on ``x`` answers as torch on ``logical`` (the same values, contiguous, native)."""
    reference = torch.from_numpy(np.array(logical, dtype=logical.dtype.newbyteorder("=")))
    for op, dim, keepdim in CALLS:
        expected = torch_argreduce(op, reference, dim, keepdim)
        got = outcome(lambda op=op, dim=dim, keepdim=keepdim: OPS[op][0](x, dim, keepdim))
        assert_matches(got, expected, x if isinstance(x, torch.Tensor) else logical,
                       f"{op} dim={dim} keepdim={keepdim} input={type(x).__name__}")


# --- NumPy arrays in any layout -----------------------------------------------------------------

def _unaligned(a: np.ndarray) -> np.ndarray:
    buf = bytearray(a.nbytes + 1)
    u = np.frombuffer(buf, dtype=a.dtype, offset=1, count=a.size).reshape(a.shape)
    u[...] = a
    return u


def _readonly(a: np.ndarray) -> np.ndarray:
    a = a.copy()
    a.flags.writeable = False
    return a


NUMPY_LAYOUTS = {
    "negative strides": lambda a: a[::-1, ::-2],
    "zero strides": lambda a: np.broadcast_to(a[1], (4, a.shape[1])),
    "transposed": lambda a: a.T,
    "sliced with steps": lambda a: a[1:6:2, 1::3],
    "read-only": _readonly,
    "unaligned": _unaligned,
    "unaligned, transposed": lambda a: _unaligned(a).T,
    "byte-swapped": lambda a: a.astype(a.dtype.newbyteorder(">")),
    "byte-swapped, negative strides": lambda a: a.astype(a.dtype.newbyteorder(">"))[::-1, ::-1],
    "byte-swapped, unaligned, zero strides": lambda a: np.broadcast_to(
        _unaligned(a.astype(a.dtype.newbyteorder(">")))[2], (3, a.shape[1])),
}
NUMPY_DTYPES = ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16",
                "uint32", "uint64"]


def _memory(x: np.ndarray) -> bytes:
    """The bytes of the whole buffer under ``x`` (not just the elements it shows)."""
    while isinstance(x.base, np.ndarray):
        x = x.base
    return bytes(x.base) if x.base is not None else x.tobytes()


@pytest.mark.parametrize("dtype", NUMPY_DTYPES)
@pytest.mark.parametrize("layout", NUMPY_LAYOUTS.values(), ids=NUMPY_LAYOUTS.keys())
def test_numpy_layouts(layout, dtype):
    x = layout(_values((7, 10), dtype))
    before = _memory(x)
    if dtype in BY_NAME and BY_NAME[dtype].torch in {d.torch for d in TORCH_DTYPES}:
        _check_against_torch(x, x)
    else:  # uint16/32/64: torch has no argmin for them; NumPy's is exact
        for op in OPS:
            assert np.array_equal(OPS[op][0](x, 0), getattr(np, op)(x, 0))
            assert OPS[op][0](x) == getattr(np, op)(x)
    assert _memory(x) == before


def test_zero_dim_numpy_gives_a_numpy_int64_scalar():
    for x in (np.array(3.5), np.array(2, dtype=">i8"), np.float32(1.5), np.int16(-3)):
        r = ar.argmax(x)
        assert type(r) is np.int64 and r == 0


def test_memmap_of_an_npy_file(tmp_path):
    a = _values((50, 33), np.float32)
    np.save(tmp_path / "a.npy", a.astype(">f4"))
    m = np.load(tmp_path / "a.npy", mmap_mode="r")
    assert isinstance(m, np.memmap) and not m.flags.writeable and m.dtype.byteorder == ">"
    _check_against_torch(m, a)
    assert np.array_equal(np.load(tmp_path / "a.npy"), a, equal_nan=True)


def test_raw_memmap_at_an_odd_offset(tmp_path):
    a = _values((40, 9), np.float64)
    path = tmp_path / "raw.bin"
    path.write_bytes(b"\0" * 3 + a.astype("<f8").tobytes())
    m = np.memmap(path, dtype="<f8", mode="r", offset=3, shape=a.shape)
    _check_against_torch(m, a)
    _check_against_torch(m[::-3, 1:], a[::-3, 1:])


# --- torch tensors ------------------------------------------------------------------------------

def _tensor_memory(t: torch.Tensor) -> bytes:
    raw = getattr(torch, f"int{t.element_size() * 8}") if t.element_size() > 1 else torch.uint8
    return t.detach().reshape(-1).contiguous().view(raw).numpy().tobytes()


# Only floating tensors can require grad.
TENSOR_KINDS = [pytest.param(dt, grad, id=f"{dt.name}{'-requires_grad' if grad else ''}")
                for dt in TORCH_DTYPES for grad in (False, True) if dt.kind == "float" or not grad]


@pytest.mark.parametrize("dt, requires_grad", TENSOR_KINDS)
@pytest.mark.parametrize("layout", ["contiguous", "transposed", "sliced", "expanded"])
def test_torch_tensors(dt, requires_grad, layout):
    base = torch.from_numpy(_values((6, 9), np.float64)).to(dt.torch).requires_grad_(requires_grad)
    t = {"contiguous": lambda: base, "transposed": lambda: base.T, "sliced": lambda: base[1::2, ::3],
         "expanded": lambda: base[2:3].expand(5, 9)}[layout]()
    before = _tensor_memory(t)
    for op, dim, keepdim in CALLS:
        expected = torch_argreduce(op, t.detach(), dim, keepdim)
        got = outcome(lambda op=op, dim=dim, keepdim=keepdim: OPS[op][0](t, dim, keepdim))
        assert_matches(got, expected, t, f"{dt.name} {layout} {op} dim={dim}")
    assert _tensor_memory(t) == before


def test_torch_lazily_negated_view():
    """x.conj().imag is a view with torch's negative bit: its memory holds the values un-negated."""
    z = torch.complex(torch.zeros(5), torch.tensor([1.0, -2.0, 3.0, -2.0, 0.5]))
    t = z.conj().imag
    assert t.is_neg()
    for op in OPS:
        assert OPS[op][0](t).equal(OPS[op][1](t))
    assert torch.equal(z.imag, torch.tensor([1.0, -2.0, 3.0, -2.0, 0.5]))


def test_torch_result_is_a_fresh_cpu_int64_tensor():
    t = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    r = ar.argmin(t, 0)
    assert isinstance(r, torch.Tensor) and r.dtype == torch.int64 and r.device.type == "cpu"
    assert r.is_contiguous() and r.data_ptr() != t.data_ptr()


# --- DLPack, the buffer protocol, Python sequences ----------------------------------------------

class DLPackOnly:
    """An array from an unknown library: nothing but the DLPack protocol."""

    def __init__(self, a: np.ndarray):
        self._a = a

    def __dlpack__(self, *args, **kwargs):
        return self._a.__dlpack__(*args, **kwargs)

    def __dlpack_device__(self):
        return self._a.__dlpack_device__()


@pytest.mark.parametrize("view", [lambda a: a, lambda a: a.T, lambda a: a[::-1, 1::2], _readonly, _unaligned])
def test_dlpack_only_object(view):
    a = view(_values((5, 8), np.float32))
    before = _memory(a)
    _check_against_torch(DLPackOnly(a), a)
    assert _memory(a) == before


def test_buffer_protocol_inputs():
    a = _values((4, 6), np.int32)
    for x in (memoryview(a), memoryview(a)[::2], memoryview(a.tobytes()).cast("i", a.shape)):
        logical = np.asarray(x)
        before = bytes(memoryview(x).tobytes())
        _check_against_torch(x, logical)
        assert bytes(memoryview(x).tobytes()) == before
    for typecode in "bBhHiIlLqQfd":
        values = [3, 1, 4, 1, 5, 9, 2, 6]
        x = array.array(typecode, values)
        assert (ar.argmin(x), ar.argmax(x)) == (np.argmin(values), np.argmax(values))
        assert type(ar.argmin(x)) is np.int64 and x.tolist() == values
    assert ar.argmax(memoryview(b"\x03\x09\x01")) == 1 and ar.argmin(bytearray(b"\x03\x09\x01")) == 2


SEQUENCES = {
    "nested lists": [[3, 1, 4], [1, 5, 9]],
    "nested tuples": ((3.0, float("nan")), (1.0, -2.0)),
    "list of tuples": [(True, False), (False, True)],
    "flat list with ties": [2, 0, 0, 7, 0],
    "large ints": [2**62, -(2**62), 2**62 + 1],
    "unsigned beyond int64": [2**64 - 1, 2**63, 5],
}


@pytest.mark.parametrize("seq", SEQUENCES.values(), ids=SEQUENCES.keys())
def test_python_sequences_give_numpy_results(seq):
    snapshot = copy.deepcopy(seq)
    a = np.asarray(seq)
    for op in OPS:
        flat = OPS[op][0](seq)
        assert type(flat) is np.int64 and flat == getattr(np, op)(a)
        by_dim, expected = OPS[op][0](seq, 0), getattr(np, op)(a, 0)
        assert type(by_dim) is (np.int64 if a.ndim == 1 else np.ndarray) and by_dim.dtype == np.int64
        assert np.array_equal(by_dim, expected)
    assert repr(seq) == repr(snapshot)


@pytest.mark.parametrize("scalar", [3, -2.5, True, float("nan"), np.float16(1.0), np.uint64(2**64 - 1)])
def test_python_and_numpy_scalars(scalar):
    for op in OPS:
        r = OPS[op][0](scalar)
        assert type(r) is np.int64 and r == 0
        assert OPS[op][0](scalar, 0, True) == 0


def test_ragged_and_mixed_sequences_are_type_errors():
    with pytest.raises(TypeError):
        ar.argmin([[1, 2], [3]])
    with pytest.raises(TypeError, match="unsupported dtype"):
        ar.argmin([1, "a"])
    with pytest.raises(TypeError):
        ar.argmin(object())


# --- no copies ----------------------------------------------------------------------------------

NO_COPY_VIEWS = {
    "read-only": _readonly,
    "unaligned": _unaligned,
    "byte-swapped": lambda a: a.astype(">f4"),
    "byte-swapped, unaligned, transposed": lambda a: _unaligned(a.astype(">f4")).T,
    "negative strides": lambda a: a[::-1, ::-1],
}


@pytest.mark.parametrize("view", NO_COPY_VIEWS.values(), ids=NO_COPY_VIEWS.keys())
@pytest.mark.parametrize("dim", [None, 0, 1])
def test_views_numpy_would_copy_are_read_in_place(view, dim):
    """NumPy copies such inputs (and tracemalloc sees NumPy's allocations); argreduce must not."""
    x = view(_values((1024, 1024), np.float32))  # 4 MiB
    expected = torch_argreduce("argmin", torch.from_numpy(x.astype("=f4")), dim, False)
    tracemalloc.start()
    try:
        got = ar.argmin(x, dim)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < x.nbytes // 64, f"{peak} bytes allocated reducing a {x.nbytes}-byte view"
    assert np.array_equal(np.asarray(got), expected.numpy())


def test_no_copy_at_all_by_peak_resident_memory():
    """tracemalloc cannot see the native core's own allocations: the process's peak resident size
    can. Three 64 MiB inputs exist (touched) before the calls; a copy of any would raise the peak."""
    script = textwrap.dedent("""
        import resource, numpy as np, argreduce as ar
        n = 1 << 24
        plain = np.arange(n, dtype=np.float32) % 1000
        swapped = plain.astype(">f4")
        buf = bytearray(4 * n + 1)
        unaligned = np.frombuffer(buf, dtype=np.float32, offset=1, count=n)
        unaligned[:] = plain
        readonly = plain.reshape(4096, -1)[::-1]
        readonly.flags.writeable = False
        swapped2d = swapped.reshape(4096, -1)
        views = [swapped2d, unaligned.reshape(4096, -1), readonly, swapped2d.T]
        assert all(np.shares_memory(v, a) for v, a in zip(views, (swapped, unaligned, plain, swapped)))
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        for x in views:
            for dim in (None, 0, 1):
                ar.argmin(x, dim)
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print((after - before) * 1024)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    grown = int(out.stdout.strip())
    assert grown < 16 << 20, f"peak resident memory grew by {grown} bytes for 64 MiB inputs"
