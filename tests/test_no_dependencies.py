"""argreduce needs only NumPy: torch, Dask and the other optional libraries stay unimported (and may
be missing altogether) as long as the input is not one of theirs. Run in fresh interpreters, since
the test session itself has torch loaded.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

OPTIONAL = ("torch", "dask", "distributed", "zarr", "h5py", "pyarrow", "safetensors", "jax", "ml_dtypes")


def _run(script: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(script)], capture_output=True, text=True,
                          timeout=120)


def test_numpy_input_loads_no_optional_library():
    out = _run(f"""
        import sys
        import numpy as np
        import argreduce as ar
        a = np.array([[3.0, float("nan")], [1.0, 0.0]])
        assert int(ar.argmin(a)) == 1 and ar.argmax(a, 0).tolist() == [0, 0]
        assert ar.argmin([2, 1, 1]) == 1 and ar.argmin(memoryview(b"\\x02\\x01")) == 1
        loaded = [m for m in {OPTIONAL!r} if m in sys.modules]
        assert not loaded, loaded
        print("ok")
    """)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


def test_works_when_torch_cannot_be_imported():
    # sys.modules[name] = None makes `import name` raise ImportError: as if it were not installed.
    out = _run(f"""
        import sys
        for name in {OPTIONAL!r}:
            sys.modules[name] = None
        import numpy as np
        import argreduce as ar
        a = np.arange(12, dtype=">i4").reshape(3, 4)[::-1]
        assert ar.argmin(a) == 8 and ar.argmax(a, 1, True).tolist() == [[3], [3], [3]]
        try:
            import torch  # noqa: F401
        except ImportError:
            print("ok")
    """)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr
