"""The issues' big-data measurements: `--top 10` and `nearest` on a file bigger than memory, and
one batch of 16 queries against 10,000,000 points in memory (opt-in: `make bench-bigfile`; it
writes a ~26 GB file, and deletes it at the end, whatever happens).

    .venv/bin/python bench/bench_bigfile.py [--gb 26] [--dir /var/tmp]
    .venv/bin/python bench/bench_bigfile.py --gb 2 --points 1000000     # a smoke run

1. The file: one float32 .npy of (rows, 64), --gb GB (bigger than this machine's RAM), the same
   bytes for both commands. Passes interleaved so that other jobs' load and this VM's disk, which
   alternates fast and slow passes over a re-read file, treat the commands alike; the page cache
   is dropped before each pass where permitted (a file bigger than RAM cannot stay cached anyway):
     cat, argreduce FILE --top 10, --top 10, cat, cat, --top 10        (dim None: the flattening)
     cat, argreduce nearest QUERIES FILE, nearest, cat                 (16 queries, d = 64, k = 1)
   Each argreduce pass reports its peak RSS (the process's VmHWM) and its answer, checked against
   values planted near the end of the file (the 10 smallest; a point equal to each query).
2. In memory (issue 11): 16 float32 queries against --points points, d = 64, k = 1 and 10:
   argreduce.nearest and bench_nearest.py's peers (faiss IndexFlatL2, scikit-learn, torch cdist +
   topk chunked, NumPy matmul chunked), interleaved rounds, medians; answers compared with
   argreduce's (which the test suite checks against an exact reference).

Results: bench/results/bigfile.md.
"""

from __future__ import annotations

import os
import sys

_UNFAIR_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
if any(v in os.environ for v in _UNFAIR_ENV):  # read when OpenBLAS loads: restart without them
    os.execve(sys.executable, [sys.executable, *sys.argv],
              {k: v for k, v in os.environ.items() if k not in _UNFAIR_ENV})

import argparse  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_cli import RUN_CLI, drop_caches, mem_total_gib, timed  # noqa: E402
from bench_nearest import blas_info, peers  # noqa: E402
from machine import describe, load_average  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
D = 64
QUERIES = 16
TOP = 10
WRITE_ROWS = 1 << 18  # 64 MiB of float32 rows per write


def write_points(path: Path, queries_path: Path, gb: float) -> dict:
    """A float32 (rows, 64) .npy of --gb GB and its 16 queries; known answers planted near the end.

    The bytes are one 64 MiB block of normal values, shifted by a different small amount at each
    repetition (cheap to write, yet no two repetitions hold the same points: exact ties between
    copies would make nearest's merges slow for a reason real data does not have).
    """
    rows = int(gb * 1e9) // (4 * D)
    if rows < 40_000:  # room for the planted rows below
        raise SystemExit(f"--gb {gb:g} is too small: at least 0.011 GB")
    rng = np.random.default_rng(0)
    block = rng.standard_normal((WRITE_ROWS, D), dtype=np.float32)
    queries = rng.standard_normal((QUERIES, D), dtype=np.float32)
    np.save(queries_path, queries)
    # the 10 smallest elements, -110 ... -101, in the last rows; a copy of each query just before
    smallest_rows = rows - 1 - np.arange(TOP) * 997
    query_rows = rows - 20_000 - np.arange(QUERIES) * 1231
    with open(path, "wb") as f:
        np.lib.format.write_array_header_2_0(f, {"descr": "<f4", "fortran_order": False, "shape": (rows, D)})
        start = f.tell()
        for r0 in range(0, rows, WRITE_ROWS):
            n = min(WRITE_ROWS, rows - r0)
            f.write((block[:n] + np.float32(1e-3 * (r0 // WRITE_ROWS))).tobytes())
        for i, r in enumerate(smallest_rows):
            f.seek(start + (int(r) * D + 5) * 4)
            f.write(np.float32(-110 + i).tobytes())
        for q, r in enumerate(query_rows):
            f.seek(start + int(r) * D * 4)
            f.write(queries[q].tobytes())
        f.flush()
        os.fsync(f.fileno())
    return {"rows": rows, "top": [int(r) * D + 5 for r in smallest_rows],
            "nearest": [int(r) for r in query_rows]}


def run_pass(kind: str, path: Path, queries: Path, want: dict, drop: bool) -> dict:
    dropped = drop and drop_caches()
    if kind == "cat":
        seconds, _ = timed(f"cat '{path}' > /dev/null", shell=True, check=True)
        return {"kind": kind, "seconds": seconds, "dropped": dropped}
    argv = [str(path), "--top", str(TOP)] if kind == "top" else ["nearest", str(queries), str(path)]
    seconds, r = timed([sys.executable, "-c", RUN_CLI, *argv, *(["--no-progress"] if kind == "top" else [])])
    if r.returncode != 0:
        raise SystemExit(f"argreduce {kind} failed: {r.stderr}")
    peak = int(r.stderr.split("VmHWM_kB")[1].split()[0]) / 1024
    if kind == "top":
        got = [int(v) for v in r.stdout.strip(" []\n").split()]
    else:
        got = [int(line.split("\t")[0]) for line in r.stdout.splitlines()]
    return {"kind": kind, "seconds": seconds, "peak": peak, "dropped": dropped, "right": got == want[kind]}


#: (pass, the command whose group it belongs to): each command is compared with the cat passes of
#: its own group, which run next to it.
PASSES = [("cat", "top"), ("top", "top"), ("top", "top"), ("cat", "top"), ("cat", "top"), ("top", "top"),
          ("cat", "nearest"), ("nearest", "nearest"), ("nearest", "nearest"), ("cat", "nearest")]
LABELS = {"cat": "`cat FILE > /dev/null`", "top": f"`argreduce FILE --top {TOP}`",
          "nearest": "`argreduce nearest QUERIES FILE`"}


def file_part(args) -> tuple[list[str], dict]:
    directory = Path(args.dir)
    directory.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(directory).free / 1e9
    if free - args.gb < 8:
        raise SystemExit(f"only {free:.0f} GB free in {directory}: not enough for a {args.gb:g} GB file")
    path, queries = directory / "argreduce-bench-bigfile.npy", directory / "argreduce-bench-queries.npy"
    passes = []
    try:
        t = time.perf_counter()
        want = write_points(path, queries, args.gb)
        size = path.stat().st_size
        print(f"wrote {size / 1e9:.1f} GB in {time.perf_counter() - t:.0f} s", flush=True)
        for kind, group in PASSES:
            if group not in args.commands:
                continue
            passes.append(run_pass(kind, path, queries, want, not args.keep_cache) | {"group": group})
            print(passes[-1], f"{size / 2**30 / passes[-1]['seconds']:.3f} GiB/s", flush=True)
    finally:
        path.unlink(missing_ok=True)
        queries.unlink(missing_ok=True)
    return file_report(args, size, want["rows"], passes), {"passes": passes}


def file_report(args, size: int, rows: int, passes: list[dict]) -> list[str]:
    gib, ram = size / 2**30, mem_total_gib()
    seconds = {k: [p["seconds"] for p in passes if p["kind"] == k] for k in LABELS}
    rate = {k: gib * len(s) / sum(s) for k, s in seconds.items() if s}  # pooled over the passes
    # each command against the cat passes next to it (the disk's fast/slow alternation is slow drift)
    cats = {g: [p["seconds"] for p in passes if p["kind"] == "cat" and p["group"] == g]
            for g in args.commands}
    near_rate = {g: gib * len(c) / sum(c) for g, c in cats.items()}
    dropped = all(p["dropped"] for p in passes)
    lines = [
        "## Big data: `--top 10` and `nearest` on a file bigger than memory, 16 x 10M in memory",
        "",
        f"`bench/bench_bigfile.py --gb {args.gb:g} --dir {args.dir} --commands {' '.join(args.commands)}`, "
        f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC; "
        f"{os.cpu_count()} CPUs, {ram:.1f} GiB RAM, shared with other jobs (load average at the end "
        f"{load_average()}); the commands' defaults: `--top` on 1 thread in 8 MiB blocks, `nearest` on "
        f"{_threads()} threads in 16 MiB blocks read ahead on a thread.",
        "",
        f"- File: float32 ({rows}, {D}) .npy, **{size / 1e9:.1f} GB = {gib:.2f} GiB "
        f"({gib / ram:.2f}x RAM)**, "
        f"in {args.dir}, deleted afterwards.",
        "- Page cache: " + ("dropped before every pass (`echo 3 > /proc/sys/vm/drop_caches`)" if dropped else
                            "not dropped") + "; a file bigger than RAM cannot stay cached "
        "between passes anyway, so every pass reads the disk.",
        "",
        "| # | pass | wall | rate | peak RSS | answer |",
        "|---|---|---|---|---|---|",
    ]
    for i, p in enumerate(passes):
        peak = f"{p['peak']:.0f} MiB" if "peak" in p else ""
        right = ("planted answer" if p["right"] else "WRONG") if "right" in p else ""
        lines.append(f"| {i + 1} | {LABELS[p['kind']]} | {p['seconds']:.1f} s | "
                     f"{gib / p['seconds']:.3f} GiB/s | {peak} | {right} |")
    for kind in args.commands:
        peak = max(p["peak"] for p in passes if p["kind"] == kind)
        lines.append("")
        lines.append(f"- **{LABELS[kind]}: {rate[kind]:.3f} GiB/s = "
                     f"{rate[kind] / near_rate[kind]:.2f}x `cat` "
                     f"({near_rate[kind]:.3f} GiB/s, the cat passes of its group; passes pooled), peak RSS "
                     f"{peak:.0f} MiB.**")
    return lines


def memory_part(args) -> list[str]:
    rng = np.random.default_rng(1)
    y = rng.standard_normal((args.points, D), dtype=np.float32)
    x = rng.standard_normal((QUERIES, D), dtype=np.float32)
    lines = [
        "",
        f"### In memory: {QUERIES} queries x {args.points:,} points, d = {D}, float32 "
        f"({y.nbytes / 1e9:.2f} GB)",
        "",
        f"Median of {args.rounds} interleaved rounds (each round runs every tool once), seconds; "
        f"argreduce threads: {_threads()}. BLAS: {blas_info()}; OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE "
        "unset. Answers: queries whose indices differ from argreduce's (exact by the test suite).",
    ]
    names = list(peers(D))
    lines += ["", "| k | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for k in (1, 10):
        tools = peers(D)
        times: dict[str, list[float]] = {p: [] for p in tools}
        answers: dict[str, np.ndarray] = {}
        for _ in range(args.rounds):
            for p, fn in tools.items():
                t = time.perf_counter()
                got = fn(x, y, k)
                if got is None:
                    continue
                times[p].append(time.perf_counter() - t)
                answers[p] = np.asarray(got).reshape(QUERIES, k)
        ours = statistics.median(times["argreduce"])
        cells = []
        for p in names:
            if not times[p]:
                cells.append("—")
                continue
            med = statistics.median(times[p])
            wrong = int((answers[p] != answers["argreduce"]).any(axis=1).sum())
            vs = "" if p == "argreduce" else f" ({med / ours:.2f}x, {wrong} differ)"
            cells.append(f"{med:.2f} s{vs}")
        lines.append(f"| {k} | " + " | ".join(cells) + " |")
        print(lines[-1], flush=True)
    lines += ["", "Peer cells: seconds (peer time / argreduce time: above 1, argreduce is faster; queries "
              f"whose answer differs from argreduce's). Load average at the end: {load_average()}."]
    return lines


def _threads() -> int:
    import argreduce

    return argreduce.get_num_threads()


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--gb", type=float, default=26.0, help="size of the file in GB (default 26, above 24 GiB)")
    p.add_argument("--dir", default="/var/tmp")
    p.add_argument("--points", type=int, default=10_000_000, help="points of the in-memory workload")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--skip-file", action="store_true", help="only the in-memory workload")
    p.add_argument("--keep-cache", action="store_true", help="do not drop the page cache (smoke runs)")
    p.add_argument("--skip-memory", action="store_true", help="only the file")
    p.add_argument("--commands", nargs="+", choices=("top", "nearest"), default=["top", "nearest"],
                   help="the commands timed on the file, each with its cat passes (default both)")
    p.add_argument("--out", default=str(ROOT / "bench" / "results" / "bigfile.md"))
    args = p.parse_args(argv)
    lines: list[str] = []
    if not args.skip_file:
        lines += file_part(args)[0]
    if not args.skip_memory:
        lines += memory_part(args)
    lines += ["", "#### Machine", ""] + [f"- {k}: {v}" for k, v in describe()]
    Path(args.out).write_text("\n".join(lines) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
