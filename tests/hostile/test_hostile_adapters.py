"""Inputs that lie about their memory: subclasses overriding how an array describes itself, tensors
without storage. Each runs in a child process, because the failure being guarded against is a crash
of the interpreter, which would take the test runner with it."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest


def _child(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=120)


def _ok(p: subprocess.CompletedProcess) -> None:
    assert p.returncode == 0, (p.returncode, p.stdout, p.stderr[-3000:])
    assert p.stdout.strip().endswith("ok"), p.stdout


@pytest.mark.parametrize("override", [
    "shape = property(lambda s: (10**8,))",
    "strides = property(lambda s: (10**12,))",
    "dtype = property(lambda s: np.dtype('f8'))",
    "__array_interface__ = property(lambda s: {'shape': (10**8,), 'typestr': '<f8', 'version': 3, "
    "'data': (8, True)})",
])
def test_ndarray_subclass_cannot_redirect_the_read(override):
    _ok(_child(f"""
        import numpy as np, argreduce as ar
        class S(np.ndarray):
            {override}
        base = np.array([[3.0, 1.0, 2.0], [0.5, 9.0, 1.0]], dtype=np.float32)
        x = base.view(S)
        for dim in (None, 0, 1):
            assert np.array_equal(np.asarray(ar.argmin(x, dim=dim)), np.argmin(base, axis=dim)), dim
            assert np.array_equal(np.asarray(ar.argmax(x, dim=dim)), np.argmax(base, axis=dim)), dim
        print("ok")
    """))


TENSOR_OVERRIDES = [
    "def data_ptr(self): return 8",
    "def stride(self, *a): return (10**9,)",
    "shape = property(lambda s: torch.Size([10**8]))",
    "dtype = property(lambda s: torch.float64)",
    "def element_size(self): return 8",
]


def test_tensor_subclass_cannot_redirect_the_read():
    """One child for every override (torch takes seconds to import); each prints its name first,
    so a crash names the override that caused it."""
    pytest.importorskip("torch")
    classes = "\n".join(f"class S{i}(torch.Tensor):\n    {o}" for i, o in enumerate(TENSOR_OVERRIDES))
    p = _child(f"""
import torch, argreduce as ar
{classes}
base = torch.tensor([[3.0, 1.0, 2.0], [0.5, 9.0, 1.0]])
for i in range({len(TENSOR_OVERRIDES)}):
    print("override", i, flush=True)
    x = base.as_subclass(globals()[f"S{{i}}"])
    for dim in (None, 0, 1):
        assert torch.equal(torch.as_tensor(ar.argmin(x, dim=dim)), torch.argmin(base, dim=dim)), (i, dim)
print("ok")
""")
    _ok(p)
    assert p.stdout.count("override") == len(TENSOR_OVERRIDES)


def test_tensor_without_storage_is_read_as_what_torch_says_it_holds():
    pytest.importorskip("torch")
    _ok(_child("""
        import torch, argreduce as ar
        z = torch._efficientzerotensor((5,))
        assert int(ar.argmin(z)) == int(torch.argmin(z.clone())), ar.argmin(z)
        assert int(ar.argmax(z)) == int(torch.argmax(z.clone()))
        print("ok")
    """))


def test_nested_tensor_is_a_clear_type_error():
    torch = pytest.importorskip("torch")
    import argreduce as ar

    nested = torch.nested.nested_tensor([torch.arange(3.0), torch.arange(5.0)], layout=torch.strided)
    with pytest.raises(TypeError, match="nested tensors are not supported"):
        ar.argmin(nested)
