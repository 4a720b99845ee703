"""Ctrl-C stops a long argmin within moments, not after the whole reduction, and leaves argreduce
usable. The child process times a small part of the work first and sizes the real call to take about
ten seconds, so an exit within two seconds of SIGINT proves the call itself was interrupted.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time

import pytest

CHILD = textwrap.dedent("""
    import sys, time
    import numpy as np
    import argreduce as ar

    ar.set_num_threads(int(sys.argv[1]))
    buf = np.random.default_rng(0).random(1 << 22, dtype=np.float32)

    def overlapping(rows):
        # rows x 65536 elements over a 16 MiB buffer (row r starts at element r): a huge logical
        # array the core must read row by row (up to 4M rows: minutes of work however fast the
        # kernels get), with no memory to allocate.
        return np.lib.stride_tricks.as_strided(buf, (rows, 1 << 16), (4, 4), writeable=False)

    start = time.perf_counter()
    ar.argmin(overlapping(1 << 12))
    per_row = (time.perf_counter() - start) / (1 << 12)
    rows = min(max(int(10.0 / per_row), 1 << 12), (1 << 22) - (1 << 16))
    x = overlapping(rows)
    print("ready", round(rows * per_row, 1), flush=True)
    try:
        ar.argmin(x)
        print("finished", flush=True)
    except KeyboardInterrupt:
        print("interrupted", flush=True)
        small = overlapping(100)
        assert ar.argmin(small) == np.argmin(np.ascontiguousarray(small))
        print("recovered", flush=True)
        raise
""")


@pytest.mark.parametrize("threads", [1, 2])
def test_sigint_interrupts_a_long_call(threads):
    p = subprocess.Popen([sys.executable, "-c", CHILD, str(threads)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    try:
        ready = p.stdout.readline().split()
        assert ready and ready[0] == "ready", p.stderr.read()
        projected = float(ready[1])
        time.sleep(0.5)
        sent = time.perf_counter()
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=30)
        took = time.perf_counter() - sent
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    assert out.split() == ["interrupted", "recovered"], (out, err)
    assert "KeyboardInterrupt" in err and p.returncode != 0
    assert projected >= 5, f"the call was sized to take only {projected} s"
    assert took < 2.0, f"exited {took:.2f} s after SIGINT; the whole call would take {projected} s"
