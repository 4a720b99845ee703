"""The machine's float32 FMA peak, measured: a tiny native loop of independent vector FMAs.

Compiled here with the system C compiler (-O2 -march=native), run on ``threads`` Python threads at
once (ctypes releases the GIL), so the rate counts every core the benchmark may use. 2 flops per
FMA lane. Also NumPy's sgemm rate on a large product, for comparison.
"""

from __future__ import annotations

import ctypes
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

_SOURCE = r"""
typedef float v16 __attribute__((vector_size(64)));
/* 12 independent accumulator chains hide the FMA latency on every x86 core of the last decade.
   Each chain starts from its own value, so the compiler cannot merge them, and all twelve are
   summed at the end, so none can be dropped. No asm barrier: one that pinned only four of twelve
   identical chains let the compiler merge eight (5 FMAs run, 12 counted: 2.4x the real peak), and
   one that pins all twelve makes GCC keep a chain on the stack under -fPIC (half the real peak). */
double fma_loop(long iters) {
    v16 a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11;
    v16 m, c;
    for (int i = 0; i < 16; i++) {
        m[i] = 0.999999f; c[i] = 1e-7f;
        a0[i] = 0.0f; a1[i] = 0.1f; a2[i] = 0.2f; a3[i] = 0.3f; a4[i] = 0.4f; a5[i] = 0.5f;
        a6[i] = 0.6f; a7[i] = 0.7f; a8[i] = 0.8f; a9[i] = 0.9f; a10[i] = 1.0f; a11[i] = 1.1f;
    }
    for (long i = 0; i < iters; i++) {
        a0 = a0 * m + c; a1 = a1 * m + c; a2 = a2 * m + c; a3 = a3 * m + c;
        a4 = a4 * m + c; a5 = a5 * m + c; a6 = a6 * m + c; a7 = a7 * m + c;
        a8 = a8 * m + c; a9 = a9 * m + c; a10 = a10 * m + c; a11 = a11 * m + c;
    }
    v16 s = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
    double r = 0; for (int i = 0; i < 16; i++) r += s[i];
    return r;
}
"""
_FLOPS_PER_ITER = 12 * 16 * 2


def _library() -> ctypes.CDLL:
    d = Path(tempfile.mkdtemp(prefix="fma_probe_"))
    (d / "p.c").write_text(_SOURCE)
    subprocess.run(["cc", "-O2", "-march=native", "-ffp-contract=fast", "-shared", "-fPIC",
                    "-o", str(d / "p.so"), str(d / "p.c")], check=True)
    lib = ctypes.CDLL(str(d / "p.so"))
    lib.fma_loop.argtypes = [ctypes.c_long]
    lib.fma_loop.restype = ctypes.c_double
    return lib


def fma_peak_gflops(threads: int, seconds: float = 0.5, rounds: int = 5) -> float:
    """Best of ``rounds`` runs of the loop on ``threads`` threads at once, GFLOP/s."""
    lib = _library()
    iters = 2_000_000
    while True:  # size one run to about ``seconds``
        t = time.perf_counter()
        lib.fma_loop(iters)
        if time.perf_counter() - t > seconds / 4:
            break
        iters *= 2
    iters = int(iters * 4)
    best = 0.0
    for _ in range(rounds):
        ts = [threading.Thread(target=lib.fma_loop, args=(iters,)) for _ in range(threads)]
        t = time.perf_counter()
        for th in ts:
            th.start()
        for th in ts:
            th.join()
        best = max(best, threads * iters * _FLOPS_PER_ITER / (time.perf_counter() - t) / 1e9)
    return best


def sgemm_gflops(n: int = 2048, rounds: int = 5) -> float:
    a = np.random.default_rng(0).standard_normal((n, n)).astype(np.float32)
    best = 0.0
    for _ in range(rounds):
        t = time.perf_counter()
        a @ a
        best = max(best, 2 * n**3 / (time.perf_counter() - t) / 1e9)
    return best


if __name__ == "__main__":
    print(f"fma peak 1 thread {fma_peak_gflops(1):.1f} GFLOP/s, 2 threads {fma_peak_gflops(2):.1f}; "
          f"sgemm {sgemm_gflops():.1f}")
