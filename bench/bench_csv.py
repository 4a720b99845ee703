"""Benchmark of the command line's CSV reader (run through ``bench/bench_cli.py --csv-mb 235``).

Writes a numeric CSV of about --csv-mb MB (a header, then int and float columns), then measures in
one process, interleaved round by round so that other jobs' load hits every contender alike:
  - ``pyarrow.csv.open_csv(FILE)``, every batch read (its defaults: types inferred, 1 MiB blocks)
  - ``argreduce FILE``: the command line's ``main()``, with the reader of this checkout
  - ``argreduce FILE`` with the reader before the block rewrite (``LEGACY_READER``, from git)
and reports medians and the ratios of the medians; then the peak memory (VmHWM) of ``argreduce
FILE`` in a process of its own, on the file and on one of half its size (bounded: the same).
Results go to bench/results/csv.md. The files are deleted at the end.
"""

from __future__ import annotations

import contextlib
import io
import os
import platform
import statistics
import subprocess
import sys
import time
import types
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
#: The commit whose text reader looped over lines in Python: the baseline of the rewrite.
LEGACY_READER = ("2fac556", "src/argreduce/cli/readers/text.py")
ROUNDS = 3
BYTES_PER_ROW = 42  # about, for the columns below


def write_csv(path: Path, mb: float) -> int:
    """id (int), a, b (floats), c (int), d (float): written by pyarrow in 1M-row slices."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    rows = int(mb * 1e6 / BYTES_PER_ROW)
    rng = np.random.default_rng(0)
    with open(path, "wb") as f:
        f.write(b"id,a,b,c,d\n")
        for start in range(0, rows, 1_000_000):
            n = min(1_000_000, rows - start)
            table = pa.table({
                "id": np.arange(start, start + n), "a": np.round(rng.normal(size=n), 6),
                "b": np.round(rng.random(n) * 1000, 3), "c": rng.integers(-10**6, 10**6, n),
                "d": np.round(rng.normal(size=n) * 1e3, 4),
            })
            pacsv.write_csv(table, f, pacsv.WriteOptions(include_header=False))
    return rows


def legacy_open_text():
    """open_text of the reader before the rewrite, loaded from git into argreduce's reader package
    (so that its relative imports resolve); None when this is not a git checkout."""
    rev, path = LEGACY_READER
    try:
        source = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=ROOT, capture_output=True, text=True,
                                check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    module = types.ModuleType("argreduce.cli.readers._legacy_text")
    module.__package__ = "argreduce.cli.readers"
    sys.modules[module.__name__] = module
    exec(compile(source, f"{rev}:{path}", "exec"), module.__dict__)
    return module.open_text


def run_pyarrow(path: Path) -> str:
    import pyarrow.csv as pacsv

    rows = sum(batch.num_rows for batch in pacsv.open_csv(path))
    return f"{rows} rows"


def run_argreduce(path: Path, open_text=None) -> str:
    import argreduce.cli.readers.text as text
    from argreduce.cli import main

    current = text.open_text
    if open_text is not None:
        text.open_text = open_text
    try:
        with contextlib.redirect_stdout(io.StringIO()) as out:
            code = main([str(path), "--no-progress"])
    finally:
        text.open_text = current
    if code != 0:
        raise SystemExit(f"argreduce failed with status {code}")
    return out.getvalue().strip()


PEAK = """
import sys
from argreduce.cli import main
main([sys.argv[1], "--no-progress"])
print([l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM")][0], file=sys.stderr)
"""


def peak_mib(path: Path) -> float:
    r = subprocess.run([sys.executable, "-c", PEAK, str(path)], capture_output=True, text=True, check=True)
    return int(r.stderr.split()[-1]) / 1024


def measure(path: Path) -> dict[str, list[tuple[float, str]]]:
    legacy = legacy_open_text()
    contenders = {"pyarrow.csv.open_csv": lambda: run_pyarrow(path), "argreduce": lambda: run_argreduce(path)}
    if legacy is not None:
        contenders["argreduce, reader before the rewrite"] = lambda: run_argreduce(path, legacy)
    runs: dict[str, list[tuple[float, str]]] = {name: [] for name in contenders}
    for round_ in range(ROUNDS):
        order = list(contenders) if round_ % 2 == 0 else list(reversed(contenders))
        for name in order:
            t = time.perf_counter()
            answer = contenders[name]()
            runs[name].append((time.perf_counter() - t, answer))
            print(f"round {round_ + 1}: {name}: {runs[name][-1][0]:.2f} s ({answer})", flush=True)
    return runs


def report(mb: float, size: int, rows: int, runs, peaks: tuple[float, float]) -> str:
    import pyarrow

    import argreduce

    med = {name: statistics.median(s for s, _ in r) for name, r in runs.items()}
    ours = med["argreduce"]
    answers = {a for name, r in runs.items() if name.startswith("argreduce") for _, a in r}
    lines = [
        "## Command line: a numeric CSV",
        "",
        f"`bench/bench_cli.py --csv-mb {mb:g}`, {time.strftime('%Y-%m-%d')}; {platform.machine()}, "
        f"{os.cpu_count()} CPUs, shared with other jobs (load average {os.getloadavg()[0]:.1f} at the end); "
        f"pyarrow {pyarrow.__version__}, argreduce {argreduce.__version__}, kernels `{argreduce.isa()}`.",
        "",
        f"- File: {size / 1e6:.0f} MB, {rows} rows of 5 columns (2 int, 3 float; so the table is float64), "
        "a header; page cache warm (the file was just written).",
        f"- {ROUNDS} rounds, contenders interleaved in one process; the median of each:",
        "",
        "| contender | median | runs | argreduce is |",
        "|---|---|---|---|",
    ]
    for name, r in runs.items():
        times = ", ".join(f"{s:.2f}" for s, _ in r)
        ratio = "" if name == "argreduce" else f"{med[name] / ours:.2f}x faster"
        lines.append(f"| `{name}` | {med[name]:.2f} s | {times} | {ratio} |")
    lines += [
        "",
        f"- Answers: {'the same index from both readers' if len(answers) == 1 else 'DIFFER'} "
        f"({', '.join(sorted(answers))}).",
        f"- Peak memory of `argreduce FILE` (VmHWM, a process of its own): {peaks[0]:.0f} MiB; on a file of "
        f"half the size: {peaks[1]:.0f} MiB.",
        "- Targets: >= 1.0x `pyarrow.csv.open_csv` and >= 3x the reader before the rewrite.",
        "",
    ]
    return "\n".join(lines)


def run(mb: float, directory: str) -> None:
    path = Path(directory) / "argreduce-bench.csv"
    half = Path(directory) / "argreduce-bench-half.csv"
    try:
        t = time.perf_counter()
        rows = write_csv(path, mb)
        write_csv(half, mb / 2)
        size = path.stat().st_size
        print(f"wrote {size / 1e6:.0f} MB in {time.perf_counter() - t:.0f} s", flush=True)
        runs = measure(path)
        peaks = (peak_mib(path), peak_mib(half))
    finally:
        path.unlink(missing_ok=True)
        half.unlink(missing_ok=True)
    out = ROOT / "bench" / "results" / "csv.md"
    out.write_text(report(mb, size, rows, runs, peaks))
    print(out.read_text())
