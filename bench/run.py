"""`make bench`: argmin against the memory's read limit and every peer, in one process, one run.

    python bench/run.py            # the issue's sizes, 7 rounds (a few minutes; run it on a quiet machine)
    python bench/run.py --quick    # small sizes, 3 rounds: a smoke test, numbers mean nothing
    python bench/run.py --only short --only "dim=0"   # just the cases whose name contains these

Writes BENCHMARKS.md (or --out) and its plots (bench/plots/, or --plots), and appends any
bench/results/*.md that other benchmark scripts left there.
"""

from __future__ import annotations

import argparse
import gc
import os
import shlex
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# OpenBLAS tuning some machines set: argmin never calls BLAS, but the libraries load OpenBLAS, and a
# fair comparison runs every library under the same, default, settings.
UNFAIR_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
_UNSET_NOTE = "ARGREDUCE_BENCH_UNSET"  # tells the restarted process what was unset


def _restart_without_unfair_env() -> None:
    """Variables read when a library loads can only be dropped before it loads: restart clean."""
    present = [v for v in UNFAIR_ENV if v in os.environ]
    if present:
        env = {k: v for k, v in os.environ.items() if k not in UNFAIR_ENV}
        env[_UNSET_NOTE] = ",".join(present)
        sys.stdout.flush()
        os.execve(sys.executable, [sys.executable, *sys.argv], env)


def _parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="small sizes and 3 rounds, for smoke tests")
    p.add_argument("--sizes", choices=("full", "quick", "tiny"),
                   help="input sizes (default: full, quick with --quick)")
    p.add_argument("--rounds", type=int, help="interleaved rounds (default 7, 3 with --quick)")
    p.add_argument("--threads", default="1,2",
                   help="thread counts for argreduce, torch and the probe (default 1,2)")
    p.add_argument("--budget", type=float, default=10.0,
                   help="seconds of samples after which a slow contender stops, after 3 rounds (default 10)")
    p.add_argument("--only", action="append", default=[], help="run only cases whose name contains this")
    p.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md",
                   help="the report (default BENCHMARKS.md)")
    p.add_argument("--plots", type=Path, default=ROOT / "bench" / "plots", help="where the PNGs go")
    p.add_argument("--results-dir", type=Path, default=ROOT / "bench" / "results",
                   help="markdown snippets to append (default bench/results)")
    args = p.parse_args(argv)
    args.sizes = args.sizes or ("quick" if args.quick else "full")
    args.rounds = args.rounds or (3 if args.quick else 7)
    args.threads = tuple(sorted({int(n) for n in args.threads.split(",")}))
    if args.rounds < 1 or min(args.threads) < 1:
        p.error("--rounds and --threads must be positive")
    return args


def _command(argv: list[str]) -> str:
    exe = sys.executable
    if exe.startswith(str(ROOT) + os.sep):
        exe = os.path.relpath(exe, ROOT)
    return shlex.join([exe, "bench/run.py", *argv])


def _run_case(case, contenders, rounds: int, min_sample_s: float, budget_s: float):
    import numpy as np

    from results import CaseResult, check_answers
    from timing import measure

    inp = case.build()
    try:
        result = CaseResult(case, inp.span[1])
        bound = {}
        for c in contenders:
            b = c.bind(case, inp)
            if isinstance(b, str):
                result.na[c.name] = b
            else:
                bound[c.name] = b
        timed = measure(bound, rounds, per_call=case.per_call, min_sample_s=min_sample_s, budget_s=budget_s)
        result.times = timed.measurements
        nan_skipped = np.nanargmin(inp.array, axis=case.dim) if case.has_nan else None
        check_answers(result, timed.answers, None if nan_skipped is None else np.asarray(nan_skipped))
        for name, e in timed.failures.items():
            why = f"raised {type(e).__name__}: {e}"
            if name.startswith("argreduce"):
                result.wrong[name] = why
            else:
                result.na[name] = why
        return result
    finally:
        inp.cleanup()


def _progress(result, threads: tuple[int, ...], t0: float) -> None:
    top = max(threads)
    unit, value = ("us", result.microseconds) if result.case.per_call else ("GB/s", result.gbps)
    names = ("numpy", f"torch {top}T", f"argreduce {top}T")
    names = names if result.case.per_call else (f"probe {top}T", *names)
    shown = [f"{n} {value(n):.3g}" for n in names if value(n) is not None]
    wrong = f"  WRONG: {', '.join(result.wrong)}" if result.wrong else ""
    print(f"[{time.perf_counter() - t0:6.1f}s] {result.case.name:<28} {unit}: {', '.join(shown)}{wrong}",
          file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    _restart_without_unfair_env()
    args = _parse(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import machine
    import report
    from cases import PRESETS, cases
    from contenders import contenders
    from targets import judge

    t0 = time.perf_counter()
    load_before = machine.load_average()
    chosen = [c for c in cases(PRESETS[args.sizes]) if not args.only or any(s in c.name for s in args.only)]
    if not chosen:
        print(f"no case matches {args.only}", file=sys.stderr)
        return 2
    everyone = contenders(args.threads)
    min_sample_s = 0.02 if args.sizes == "full" else 0.002
    results = []
    for case in chosen:
        results.append(_run_case(case, everyone, args.rounds, min_sample_s, args.budget))
        gc.collect()  # the input is gone before the next one is built
        _progress(results[-1], args.threads, t0)
    verdicts = judge(results, everyone, args.threads)
    info = report.RunInfo(
        command=_command(argv), date=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        sizes=args.sizes, rounds=args.rounds, budget_s=args.budget, threads=args.threads,
        elapsed_s=time.perf_counter() - t0,
        load_before=load_before, load_after=machine.load_average(),
        env_unset=tuple(v for v in os.environ.get(_UNSET_NOTE, "").split(",") if v),
    )
    written = report.write(args.out, args.plots, args.results_dir, results, everyone, verdicts, info)
    met = sum(v.status == "met" for v in verdicts)
    print(f"wrote {args.out} and {len(written)} plots in {info.elapsed_s:.0f}s; targets: {met} of "
          f"{len(verdicts)} met", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
