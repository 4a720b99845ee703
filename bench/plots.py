"""PNG charts: GB/s per case and contender (per-call microseconds for small inputs), and the headline.

matplotlib is imported here only, lazily: without it the report is still written, without plots.
"""

from __future__ import annotations

import re
from pathlib import Path

from results import CaseResult

HEADLINE_CASES = ("1-D float32", "float32 dim=0", "short rows", "class scores along dim 0", "1-D float16",
                  "1-D bfloat16", "transposed view, dim=1")
_COLOURS = {"probe": "#9e9e9e", "numpy": "#1f77b4", "torch": "#ff7f0e", "bottleneck": "#2ca02c",
            "polars": "#9467bd", "argreduce": "#d62728"}


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _colour(name: str) -> str:
    family = name.split()[0]
    base = _COLOURS.get(family, "#333333")
    return base + "88" if name.endswith(" 1T") else base  # 1 thread: the lighter shade


def _grouped_bars(ax, results: list[CaseResult], names: list[str], value, unit: str) -> None:
    names = [n for n in names if any(value(r, n) for r in results)]  # no empty slot for n/a everywhere
    width = 0.8 / len(names)
    for i, name in enumerate(names):
        xs, ys = [], []
        for j, r in enumerate(results):
            v = value(r, name)
            if v:
                xs.append(j + (i - (len(names) - 1) / 2) * width)
                ys.append(v)
                if name in r.wrong:  # a fast wrong answer must not pass for a fast one
                    ax.annotate("≠", (xs[-1], v), ha="center", va="bottom", fontsize=9, color="black")
        ax.bar(xs, ys, width, label=name, color=_colour(name),
               hatch="//" if name.startswith("probe") else None, edgecolor="white", linewidth=0.3)
    ax.set_xticks(range(len(results)))
    ax.set_xticklabels([r.case.name for r in results], rotation=25, ha="right", fontsize=8)
    ax.set_yscale("log")
    ax.set_ylabel(unit)
    ax.grid(axis="y", which="both", alpha=0.3)


def _figure(n_cases: int):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(max(7.0, 1.3 * n_cases + 3), 4.5), layout="constrained")
    return plt, fig, ax


def group_plot(group: str, results: list[CaseResult], names: list[str], path: Path) -> None:
    per_call = all(r.case.per_call for r in results)
    plt, fig, ax = _figure(len(results))
    if per_call:
        names = [n for n in names if not n.startswith("probe")]
        _grouped_bars(ax, results, names, CaseResult.microseconds, "microseconds per call (lower is better)")
    else:
        _grouped_bars(ax, results, names, CaseResult.gbps, "GB/s (higher is better)")
    ax.set_title(f"argmin: {group}")
    ax.legend(fontsize=7, ncols=min(len(names), 5), loc="upper center", bbox_to_anchor=(0.5, -0.32))
    fig.savefig(path, dpi=110)
    plt.close(fig)


def headline_plot(results: list[CaseResult], threads: int, path: Path) -> bool:
    """numpy, torch and argreduce at ``threads`` threads on the cases peers find hard; the probe as a line."""
    chosen = [r for name in HEADLINE_CASES for r in results if r.case.name == name]
    if not chosen:
        return False
    plt, fig, ax = _figure(len(chosen))
    names = ["numpy", f"torch {threads}T", f"argreduce {threads}T"]
    _grouped_bars(ax, chosen, names, CaseResult.gbps, "GB/s (higher is better)")
    probe = f"probe {threads}T"
    for j, r in enumerate(chosen):
        if r.gbps(probe):
            ax.hlines(r.gbps(probe), j - 0.45, j + 0.45, colors="black", linestyles="dashed",
                      label=f"read probe {threads}T (memory's limit)" if j == 0 else None)
    ax.set_title(f"argmin throughput, {threads} thread(s) where the library can use them")
    ax.legend(fontsize=8, loc="upper center", ncols=4, bbox_to_anchor=(0.5, -0.32))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True
