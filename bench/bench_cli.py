"""Benchmark of the command line on a .npy bigger than memory (not run in CI).

    .venv/bin/python bench/bench_cli.py [--gib 28] [--dir /var/tmp]
    .venv/bin/python bench/bench_cli.py --csv-mb 235     # the CSV reader instead (bench_csv.py)

Writes a float32 .npy of --gib GiB (checks free disk first; the default is larger than this
machine's RAM), plants the minimum near its end, then measures in one run, each pass after
dropping the page cache where permitted:
  - `cat FILE > /dev/null`     the rate of just reading the file
  - `argreduce FILE`           its rate and peak memory (VmHWM of the process)
three times each, interleaved (cat, argreduce, argreduce, cat, cat, argreduce) so that other jobs'
load, and this VM's disk, which alternates fast and slow passes over a re-read file, treat both
alike; then
  - np.load(FILE, mmap_mode="r")   whether NumPy can even open it
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
# not usable, Linux carries max RSS across fork and exec.
RUN_CLI = """
import sys, runpy
sys.argv = ["argreduce", *sys.argv[1:]]
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


#: The passes, interleaved so that load from other jobs on a shared machine hits both commands alike.
PASSES = ["cat", "argreduce", "argreduce", "cat", "cat", "argreduce"]
LABELS = {"cat": "`cat FILE > /dev/null`", "argreduce": "`argreduce FILE`"}


def run_pass(kind: str, path: Path) -> dict:
    if kind == "cat":
        seconds, _ = timed(f"cat '{path}' > /dev/null", shell=True, check=True)
        return {"kind": kind, "seconds": seconds}
    seconds, r = timed([sys.executable, "-c", RUN_CLI, str(path), "--no-progress"])
    if r.returncode != 0:
        raise SystemExit(f"argreduce failed: {r.stderr}")
    peak = int(r.stderr.split("VmHWM_kB")[1].split()[0]) / 1024
    return {"kind": kind, "seconds": seconds, "peak": peak, "index": int(r.stdout)}


def report(args, gib_ram, shape, size, planted, dropped, passes, mmap) -> str:
    import argreduce

    gib = size / 2**30
    # pooled: all bytes a command read over all the time it took, across its passes
    of_kind = {k: [p["seconds"] for p in passes if p["kind"] == k] for k in LABELS}
    rate = {k: gib * len(seconds) / sum(seconds) for k, seconds in of_kind.items()}
    peak = max(p["peak"] for p in passes if "peak" in p)
    correct = all(p["index"] == planted for p in passes if "index" in p)
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, {gib_ram:.1f} GiB RAM"
    cache = "yes" if dropped else "no (not permitted; a file larger than RAM is uncached anyway)"
    overcommit = Path("/proc/sys/vm/overcommit_memory").read_text().strip()
    rows = [f"| {i + 1} | {LABELS[p['kind']]} | {p['seconds']:.1f} s | {gib / p['seconds']:.3f} GiB/s | "
            + (f"{p['peak']:.0f} MiB |" if "peak" in p else " |") for i, p in enumerate(passes)]
    return "\n".join([
        "## Command line: a .npy larger than memory",
        "",
        f"`bench/bench_cli.py --gib {args.gib:g}`, {time.strftime('%Y-%m-%d')}; {machine}, shared with other",
        f"jobs (load average {os.getloadavg()[0]:.1f} at the end); kernels `{argreduce.isa()}`, "
        "default --threads (1) and --chunk-bytes (8 MiB).",
        "",
        f"- File: float32 {shape[0]} x {shape[1]}, **{gib:.2f} GiB** ({gib / gib_ram:.2f}x RAM), "
        f"minimum planted at flat index {planted}.",
        f"- Page cache dropped before each pass: {cache}.",
        "",
        "| # | pass | wall | rate | peak memory |",
        "|---|---|---|---|---|",
        *rows,
        "",
        f"- **`argreduce FILE`: {rate['argreduce']:.3f} GiB/s = {rate['argreduce'] / rate['cat']:.2f}x "
        f"the rate of `cat` ({rate['cat']:.3f} GiB/s; passes pooled), peak memory {peak:.0f} MiB.**",
        f"- Answer: {'the planted index in every pass' if correct else 'WRONG in some pass'} ({planted}).",
        f"- `np.load(FILE, mmap_mode='r')`: {mmap} (vm.overcommit_memory = {overcommit}).",
        "- Peak memory is the process's VmHWM: Python, NumPy, argreduce and one 8 MiB read buffer.",
        "",
    ])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--gib", type=float, default=28.0)
    p.add_argument("--dir", default="/var/tmp")
    p.add_argument("--csv-mb", type=float, default=None,
                   help="benchmark the CSV reader on a numeric CSV of this many MB instead (bench_csv.py)")
    args = p.parse_args()
    if args.csv_mb:
        from bench_csv import run

        run(args.csv_mb, args.dir)
        return
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
        passes = []
        for kind in PASSES:
            dropped = drop_caches()
            passes.append(run_pass(kind, path))
            print(passes[-1], f"{size / 2**30 / passes[-1]['seconds']:.3f} GiB/s", flush=True)
        mmap = mmap_attempt(path)
        print(f"np.load(mmap_mode='r'): {mmap}", flush=True)
    finally:
        path.unlink(missing_ok=True)

    out = ROOT / "bench" / "results" / "cli.md"
    out.write_text(report(args, ram, shape, size, planted, dropped, passes, mmap))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
