"""threadpoolctl sees and caps argreduce's pool, whichever of the two is imported first; and
``import argreduce`` never imports threadpoolctl. Each case runs in a fresh interpreter, since
registration is per process."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

CHECK = """
    import os, sys
    import numpy as np
    from threadpoolctl import ThreadpoolController, threadpool_info, threadpool_limits
    ours = [i for i in threadpool_info() if i["internal_api"] == "argreduce"]
    assert len(ours) == 1, threadpool_info()
    info = ours[0]
    assert info["user_api"] == "argreduce" and info["version"] == argreduce.__version__, info
    assert info["filepath"] == os.path.realpath(argreduce._core.__file__), info
    assert info["num_threads"] == argreduce.get_num_threads() == 3, info   # ARGREDUCE_NUM_THREADS=3
    x = np.random.default_rng(0).random(2**22)
    with threadpool_limits(limits=1):
        assert argreduce.get_num_threads() == 1
        assert [i["num_threads"] for i in threadpool_info() if i["internal_api"] == "argreduce"] == [1]
        assert argreduce.argmin(x) == np.argmin(x)
    assert argreduce.get_num_threads() == 3   # restored on leaving the block
    with threadpool_limits(limits=2, user_api="argreduce"):
        assert argreduce.get_num_threads() == 2
    with threadpool_limits(limits=1, user_api="blas"):   # another API's limit leaves ours alone
        assert argreduce.get_num_threads() == 3
    ThreadpoolController().select(internal_api="argreduce").limit(limits=1)
    assert argreduce.get_num_threads() == 1
    print("ok")
"""


def _run(script: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ARGREDUCE_NUM_THREADS": "3"}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(script)], capture_output=True, text=True,
                          timeout=120, env=env)


@pytest.mark.parametrize("order", ["argreduce first", "threadpoolctl first"])
def test_threadpool_info_lists_the_pool_and_threadpool_limits_caps_it(order):
    first = "import argreduce, argreduce._core" if order == "argreduce first" else "import threadpoolctl"
    then = "import threadpoolctl" if order == "argreduce first" else "import argreduce, argreduce._core"
    out = _run(f"{first}\n{then}\n" + textwrap.dedent(CHECK))
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


def test_import_argreduce_does_not_import_threadpoolctl():
    out = _run("""
        import sys, argreduce
        assert "threadpoolctl" not in sys.modules
        finders = [type(f).__name__ for f in sys.meta_path]
        import threadpoolctl
        # the finder takes itself off sys.meta_path once it has done its job
        left = [type(f).__name__ for f in sys.meta_path]
        assert left == [n for n in finders if n != "_RegisterAfterImport"]
        print("ok")
    """)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


def test_a_missing_threadpoolctl_changes_nothing():
    out = _run("""
        import sys
        sys.modules["threadpoolctl"] = None   # as if not installed
        import argreduce
        assert int(argreduce.argmin([3, 1, 2])) == 1
        try:
            import threadpoolctl
        except ImportError:
            print("ok")
    """)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


def test_another_packages_core_module_is_not_taken_for_ours(tmp_path):
    # A shared object with the very file name of argreduce's native module (another package's
    # "_core", same ABI tag), loaded in the process: threadpoolctl must still list one argreduce pool.
    import argreduce._core

    fake = tmp_path / os.path.basename(argreduce._core.__file__)
    source = tmp_path / "fake.c"
    source.write_text("int PyInit__core(void) { return 0; }\n")
    subprocess.run([os.environ.get("CC", "cc"), "-shared", "-fPIC", "-o", fake, source], check=True)
    out = _run(f"""
        import ctypes, os, argreduce, argreduce._core
        ctypes.CDLL({str(fake)!r})
        from threadpoolctl import threadpool_info
        ours = [i for i in threadpool_info() if i["internal_api"] == "argreduce"]
        assert [i["filepath"] for i in ours] == [os.path.realpath(argreduce._core.__file__)], ours
        print("ok")
    """)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr
