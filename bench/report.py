"""BENCHMARKS.md: machine, method, targets, one table and one plot per case group, correctness, and the
snippets other benchmark scripts leave in bench/results/*.md."""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import machine
import plots
from contenders import Contender
from results import CaseResult
from targets import Verdict, best_peer


@dataclass(frozen=True)
class RunInfo:
    command: str
    date: str
    sizes: str
    rounds: int
    budget_s: float
    threads: tuple[int, ...]
    elapsed_s: float
    load_before: str
    load_after: str
    env_unset: tuple[str, ...]


def _cell(r: CaseResult, name: str, value) -> str:
    if name in r.na:
        return "n/a"
    v = value(r, name)
    if v is None:
        return "-"
    text = f"{v:.3g}" if v < 100 else f"{v:.0f}"
    return text + (" ≠" if name in r.wrong else "")


def _ratio_text(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}x" if a and b else "-"


def _mib(n: int) -> str:
    return f"{n / 2**20:.0f}" if n >= 2**20 else f"{n / 2**20:.3f}"


def _throughput_table(rows: list[CaseResult], contenders: list[Contender],
                      threads: tuple[int, ...]) -> list[str]:
    names = [c.name for c in contenders]
    peers = [c for c in contenders if c.is_peer]
    top = max(threads)
    head = ["Case", "Shape", "dim", "MiB read", *names,
            *[f"argreduce {n}T / probe {n}T" for n in threads], f"argreduce {top}T / best peer", "Notes"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        best = best_peer(r, peers, top)
        cells = [r.case.name, r.case.shape, str(r.case.dim), _mib(r.nbytes),
                 *[_cell(r, n, CaseResult.gbps) for n in names],
                 *[_ratio_text(r.gbps(f"argreduce {n}T"), r.gbps(f"probe {n}T")) for n in threads],
                 (_ratio_text(r.gbps(f"argreduce {top}T"), r.nbytes / best[1] / 1e9) + f" ({best[0]})")
                 if best else "-",
                 r.case.note]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _per_call_table(rows: list[CaseResult], contenders: list[Contender],
                    threads: tuple[int, ...]) -> list[str]:
    names = [c.name for c in contenders if c.family != "probe"]
    head = ["Case", "Shape", "dim", *[f"{n} (us)" for n in names],
            *[f"NumPy / argreduce {n}T" for n in threads], "Calls per sample"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        calls = sorted({m.iterations for m in r.times.values()})
        cells = [r.case.name, r.case.shape, str(r.case.dim),
                 *[_cell(r, n, CaseResult.microseconds) for n in names],
                 *[_ratio_text(r.seconds("numpy"), r.seconds(f"argreduce {n}T")) for n in threads],
                 f"{calls[0]}-{calls[-1]}" if calls else "-"]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _not_applicable(rows: list[CaseResult]) -> list[str]:
    reasons: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r in rows:
        for name, why in r.na.items():
            reasons[(name, why)].append(r.case.name)
    return [f"- n/a, {name}: {why} ({', '.join(cases)})" for (name, why), cases in reasons.items()]


def _fewer_rounds(rows: list[CaseResult], rounds: int) -> list[str]:
    short: dict[tuple[str, int], list[str]] = defaultdict(list)
    for r in rows:
        for name, m in r.times.items():
            if len(m.per_call_s) < rounds:
                short[(name, len(m.per_call_s))].append(r.case.name)
    return [f"- {n} of {rounds} rounds, {name} (its time budget was spent): {', '.join(cases)}"
            for (name, n), cases in short.items()]


def _noise(rows: list[CaseResult]) -> str:
    worst = max(((m.spread, r.case.name, n) for r in rows for n, m in r.times.items()), default=None)
    return (f"Largest spread over the rounds (slowest - fastest) / median: {worst[0]:.0%} "
            f"({worst[2]}, {worst[1]})." if worst else "")


def _targets_table(verdicts: list[Verdict]) -> list[str]:
    met = sum(v.status == "met" for v in verdicts)
    missed = sum(v.status == "missed" for v in verdicts)
    lines = [f"{met} met, {missed} missed, {len(verdicts) - met - missed} not measured.", "",
             "| Target | Case | Measured | Status |", "|---|---|---|---|"]
    mark = {"met": "met", "missed": "**missed**", "n/a": "n/a"}
    lines += [f"| {v.target} | {v.case} | {v.numbers} | {mark[v.status]} |" for v in verdicts]
    return lines


def _extra_sections(results_dir: Path) -> list[str]:
    lines: list[str] = []
    for path in sorted(results_dir.glob("*.md")) if results_dir.is_dir() else []:
        text = path.read_text().strip()
        if not text.startswith("#"):
            lines += [f"## {path.stem}", ""]
        else:  # keep the snippet's own heading, one level under the report's title
            text = "#" + text if text.startswith("# ") else text
        lines += [text, "", f"<sub>From {path.name}.</sub>", ""]
    return lines


def _env_note(unset: tuple[str, ...]) -> str:
    if not unset:
        return "OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE were not set (the bench unsets them when they are)."
    return (f"Unset for this run: {', '.join(unset)} (OpenBLAS tuning; argmin never calls BLAS, but every "
            "library runs under the same, default, settings).")


def _rel(path: Path, out: Path) -> str:
    return os.path.relpath(path, out.parent).replace(os.sep, "/")


def write(out: Path, plots_dir: Path, results_dir: Path, results: list[CaseResult],
          contenders: list[Contender], verdicts: list[Verdict], info: RunInfo) -> list[Path]:
    """Writes the report and its plots; returns the plot files written (none without matplotlib)."""
    try:
        import matplotlib  # noqa: F401

        have_plots = True
        plots_dir.mkdir(parents=True, exist_ok=True)
    except ImportError:
        have_plots = False
    written: list[Path] = []
    top = max(info.threads)
    lines = [
        "# Benchmarks",
        "",
        f"Written by `{info.command}` on {info.date} ({info.elapsed_s / 60:.1f} minutes). "
        "Do not edit: run the command again.",
        "",
        "argmin reads each element once and does almost no arithmetic, so the limit is the memory's read "
        "bandwidth. The *read probe* (`argreduce._core.read_probe`) streams the same bytes with the same "
        "number of threads and measures that limit in the same run.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in machine.describe()],
        f"| Load average before / after | {info.load_before} / {info.load_after} |",
        "",
        "## Method",
        "",
        f"- Sizes: `{info.sizes}`; {info.rounds} interleaved rounds: each round runs every contender once, "
        "in a fresh random order; the tables show medians over the rounds. A contender whose samples in a "
        f"case add up to {info.budget_s:g} s sits out the remaining rounds once it has 3 (the peers that "
        "take seconds per call along dim 0); each table lists them.",
        "- One warm-up call per contender before the first round (it faults pages in and starts thread "
        "pools); its answer is checked against the reference (torch, or NumPy where torch has no "
        "answer: bool). A wrong answer is marked ≠ and listed under Correctness.",
        "- GB/s = bytes the input spans / median time (1 GB = 10^9 bytes). For views the span includes the "
        "elements skipped over: the [::2] view spans twice its elements' bytes, and the probe reads the "
        "whole span.",
        "- Small inputs: microseconds per call, each sample timing enough calls to last "
        "a few milliseconds.",
        "- Threads: torch via `torch.set_num_threads`, argreduce via `argreduce.set_num_threads`, set "
        "before each sample, outside the timing. NumPy, bottleneck and polars run these calls on one thread.",
        "- Every input is built once, shared by all contenders (torch through `torch.from_numpy`, no copy), "
        "and freed before the next case; polars gets a Series built once, outside the timing.",
        "- " + _env_note(info.env_unset),
        f"- {_noise(results)}",
        "",
        "## Targets",
        "",
        *_targets_table(verdicts),
        "",
    ]
    if have_plots:
        headline = plots_dir / "headline.png"
        if plots.headline_plot(results, top, headline):
            written.append(headline)
            lines += [f"![argmin throughput]({_rel(headline, out)})", ""]
    groups: dict[str, list[CaseResult]] = defaultdict(list)
    for r in results:
        groups[r.case.group].append(r)
    for group, rows in groups.items():
        lines += [f"## {group}", ""]
        per_call = all(r.case.per_call for r in rows)
        table = _per_call_table if per_call else _throughput_table
        lines += [*table(rows, contenders, info.threads), "", *_not_applicable(rows),
                  *_fewer_rounds(rows, info.rounds), ""]
        if have_plots:
            path = plots_dir / f"{plots.slug(group)}.png"
            plots.group_plot(group, rows, [c.name for c in contenders], path)
            written.append(path)
            lines += [f"![{group}]({_rel(path, out)})", ""]
    wrong = [f"- {r.case.name}, {name}: {why} (reference: {r.reference})"
             for r in results for name, why in r.wrong.items()]
    lines += ["## Correctness", "", *(wrong or ["Every contender's answer equals the reference's."]), ""]
    if not have_plots:
        lines += ["(No plots: matplotlib is not installed; `pip install .[bench]`.)", ""]
    lines += _extra_sections(results_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines).rstrip() + "\n")
    return written
