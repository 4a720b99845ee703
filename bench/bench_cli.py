"""Benchmark of the command line on a .npy bigger than memory (not run in CI).

    .venv/bin/python bench/bench_cli.py [--gib 28] [--dir /var/tmp]

Writes a float32 .npy of --gib GiB (checks free disk first; the default is larger than this
machine's RAM), plants the minimum near its end, then measures in one run, each pass after
dropping the page cache where permitted:
  1. `cat FILE > /dev/null`                     the rate of just reading the file
  2. `argreduce FILE`                           its rate and peak memory (VmHWM of the process)
  3. `argreduce FILE`, reads not overlapped      the same with the reader thread off, for the design
  4. np.load(FILE, mmap_mode="r")               whether NumPy can even open it
Results go to bench/results/cli.md. The file is deleted at the end, whatever happens.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
COLS = 1024
WRITE_CHUNK = 64 * 2**20

# Runs the command in this interpreter and prints its own high-water RSS: getrusage of a child is
# not usable, Linux carries max RSS across fork and exec. OVERLAP is the switch for pass 3.
RUN_CLI = """
import sys, runpy
import argreduce.cli as cli
if sys.argv[1] == "serial":
    cli.OVERLAP_MIN_CHUNK = 2**62
sys.argv = ["argreduce", *sys.argv[2:]]
try:
    runpy.run_module("argreduce.cli", run_name="__main__")
except SystemExit as e:
    code = e.code
hwm = [line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM")][0]
print(f"VmHWM_kB {hwm}", file=sys.stderr)
sys.exit(code)
"""


def mem_total_gib() -> float:
    with open("/proc/meminfo") as f:
        return int(next(line for line in f if line.startswith("MemTotal")).split()[1]) / 2**20


def drop_caches() -> bool:
    subprocess.run(["sync"], check=False)
    try:
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
        return True
    except OSError:
        return False


def write_npy(path: Path, gib: float) -> tuple[tuple[int, int], int]:
    """float32 (rows, 1024) of cheap repeated random data; the one minimum planted near the end."""
    rows = int(gib * 2**30) // (4 * COLS)
    block = np.random.default_rng(0).random(WRITE_CHUNK // 4, dtype=np.float32)
    planted = rows * COLS - 12345
    with open(path, "wb") as f:
        header = {"descr": "<f4", "fortran_order": False, "shape": (rows, COLS)}
        np.lib.format.write_array_header_2_0(f, header)
        data_start = f.tell()
        left = rows * COLS * 4
        while left:
            n = min(left, block.nbytes)
            f.write(memoryview(block)[: n // 4])
            left -= n
        f.seek(data_start + planted * 4)
        f.write(np.float32(-1.0).tobytes())
        f.flush()
        os.fsync(f.fileno())
    return (rows, COLS), planted


def timed(cmd, **kw) -> tuple[float, subprocess.CompletedProcess]:
    t = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, **kw)
    return time.perf_counter() - t, done


def mmap_attempt(path: Path) -> str:
    probe = "import numpy as np, sys; a = np.load(sys.argv[1], mmap_mode='r'); print('opened', a.shape)"
    _, r = timed([sys.executable, "-c", probe, str(path)])
    if r.returncode == 0:
        return f"opens ({r.stdout.strip()})"
    return "fails: " + (r.stderr.strip().splitlines() or ["?"])[-1]


def report(args, gib_ram, shape, size, planted, dropped, t_cat, results, mmap) -> str:
    import argreduce

    rate = lambda seconds: f"{size / 2**30 / seconds:.3f} GiB/s"  # noqa: E731
    (t_run, peak, index), (t_serial, peak_serial, index_serial) = results["overlap"], results["serial"]
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, {gib_ram:.1f} GiB RAM"
    cache = "yes" if dropped else "no (not permitted; a file larger than RAM is uncached anyway)"
    correct = "correct" if index == planted == index_serial else "WRONG"
    overcommit = Path("/proc/sys/vm/overcommit_memory").read_text().strip()
    return "\n".join([
        "## Command line: a .npy larger than memory",
        "",
        f"`bench/bench_cli.py --gib {args.gib:g}`, {time.strftime('%Y-%m-%d')}; {machine}, shared with other",
        f"jobs (load average {os.getloadavg()[0]:.1f} at the end); kernels `{argreduce.isa()}`, "
        f"{argreduce.get_num_threads()} threads, default --chunk-bytes (16 MiB).",
        "",
        f"- File: float32 {shape[0]} x {shape[1]}, **{size / 2**30:.2f} GiB** "
        f"({size / 2**30 / gib_ram:.2f}x RAM), minimum planted at flat index {planted}.",
        f"- Page cache dropped before each pass: {cache}.",
        "",
        "| pass | wall | rate | peak memory | vs cat |",
        "|---|---|---|---|---|",
        f"| `cat FILE > /dev/null` | {t_cat:.1f} s | {rate(t_cat)} | | 1.00x |",
        f"| `argreduce FILE` | {t_run:.1f} s | {rate(t_run)} | {peak:.0f} MiB | **{t_cat / t_run:.2f}x** |",
        f"| `argreduce FILE`, reader thread off | {t_serial:.1f} s | {rate(t_serial)} "
        f"| {peak_serial:.0f} MiB | {t_cat / t_serial:.2f}x |",
        "",
        f"- Answer: {index} (planted at {planted}: {correct}).",
        f"- `np.load(FILE, mmap_mode='r')`: {mmap} (vm.overcommit_memory = {overcommit}).",
        "- Peak memory is the process's VmHWM: Python, NumPy, argreduce and three 16 MiB read buffers.",
        "",
    ])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--gib", type=float, default=28.0)
    p.add_argument("--dir", default="/var/tmp")
    args = p.parse_args()
    ram = mem_total_gib()
    free = shutil.disk_usage(args.dir).free / 2**30
    gib = args.gib
    if free - gib < 8:
        gib = max(1.0, free - 8)
        print(f"only {free:.1f} GiB free in {args.dir}: using {gib:.1f} GiB", flush=True)
    path = Path(args.dir) / "argreduce-bench-cli.npy"
    try:
        t = time.perf_counter()
        shape, planted = write_npy(path, gib)
        size = path.stat().st_size
        print(f"wrote {size / 2**30:.2f} GiB in {time.perf_counter() - t:.0f} s", flush=True)

        dropped = drop_caches()
        t_cat, _ = timed(f"cat '{path}' > /dev/null", shell=True, check=True)
        print(f"cat: {size / 2**30 / t_cat:.3f} GiB/s", flush=True)

        results = {}
        for mode in ("overlap", "serial"):
            drop_caches()
            t_run, r = timed([sys.executable, "-c", RUN_CLI, mode, str(path), "--no-progress"])
            if r.returncode != 0:
                raise SystemExit(f"argreduce failed: {r.stderr}")
            peak = int(r.stderr.split("VmHWM_kB")[1].split()[0]) / 1024
            results[mode] = (t_run, peak, int(r.stdout))
            print(f"argreduce ({mode}): {size / 2**30 / t_run:.3f} GiB/s, peak {peak:.0f} MiB, "
                  f"index {r.stdout.strip()}", flush=True)
        mmap = mmap_attempt(path)
        print(f"np.load(mmap_mode='r'): {mmap}", flush=True)
    finally:
        path.unlink(missing_ok=True)

    out = ROOT / "bench" / "results" / "cli.md"
    out.write_text(report(args, ram, shape, size, planted, dropped, t_cat, results, mmap))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
