"""The issue's speed targets, judged from one run's medians.

Thread counts are compared like with like: argreduce at n threads against the probe at n threads,
against torch at n threads, and against the single-threaded peers (NumPy, bottleneck, polars) at
every n. "Best peer" at n threads is the fastest peer that uses at most n threads.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from contenders import Contender
from results import CaseResult

PROBE_SHARE = 0.9  # large cases: argreduce >= 0.9x the read probe
SPEEDUP_WHERE_PEERS_ARE_SLOW = 10.0  # along dim 0, short rows, float16, bfloat16
TEN_X_TAGS = {"dim-0": "along dim 0", "short-rows": "short rows", "low-precision": "low precision"}


@dataclass(frozen=True)
class Verdict:
    target: str
    case: str
    numbers: str  # the measured ratios, e.g. "1T 0.95x, 2T 0.93x"
    status: str  # "met", "missed" or "n/a"


def _status(ratios: Iterable[float | None], threshold: float) -> str:
    ratios = list(ratios)
    if not ratios or any(r is None for r in ratios):
        return "n/a"
    return "met" if all(r >= threshold for r in ratios) else "missed"


def _ratio(fast: float | None, slow: float | None) -> float | None:
    """How many times faster ``fast`` (seconds) is than ``slow`` (seconds)."""
    return slow / fast if fast and slow else None


def _fmt(label: str, r: float | None) -> str:
    return f"{label} {r:.2f}x" if r is not None else f"{label} n/a"


def _us(r: CaseResult, name: str) -> str:
    us = r.microseconds(name)
    return f"{us:.2f} us" if us is not None else "n/a"


def best_peer(result: CaseResult, peers: list[Contender], threads: int) -> tuple[str, float] | None:
    timed = [(result.seconds(p.name), p.name) for p in peers if p.threads <= threads]
    timed = [(s, n) for s, n in timed if s]
    if not timed:
        return None
    s, n = min(timed)
    return n, s


def judge(results: list[CaseResult], contenders: list[Contender], threads: tuple[int, ...]) -> list[Verdict]:
    peers = [c for c in contenders if c.is_peer]
    out: list[Verdict] = []
    for r in results:
        if not r.case.large:
            continue
        ratios = [_ratio(r.seconds(f"argreduce {n}T"), r.seconds(f"probe {n}T")) for n in threads]
        out.append(Verdict(f">= {PROBE_SHARE}x the read probe", r.case.name,
                           ", ".join(_fmt(f"{n}T", x) for n, x in zip(threads, ratios, strict=True)),
                           _status(ratios, PROBE_SHARE)))
    for r in results:
        if not r.case.large:
            continue
        ratios, parts = [], []
        for n in threads:
            best = best_peer(r, peers, n)
            x = _ratio(r.seconds(f"argreduce {n}T"), best[1]) if best else None
            ratios.append(x)
            parts.append(_fmt(f"{n}T", x) + (f" vs {best[0]}" if best else ""))
        out.append(Verdict(">= 1.0x the best peer", r.case.name, ", ".join(parts), _status(ratios, 1.0)))
    for r in results:
        tags = [TEN_X_TAGS[t] for t in r.case.tags if t in TEN_X_TAGS]
        if not tags:
            continue
        ratios, parts = [], []
        for n in threads:
            mine = r.seconds(f"argreduce {n}T")
            for peer in ("numpy", f"torch {n}T"):
                x = _ratio(mine, r.seconds(peer))
                ratios.append(x)
                parts.append(_fmt(f"{n}T vs {peer}", x))
        out.append(Verdict(f">= {SPEEDUP_WHERE_PEERS_ARE_SLOW:g}x NumPy and torch ({', '.join(tags)})",
                           r.case.name, ", ".join(parts), _status(ratios, SPEEDUP_WHERE_PEERS_ARE_SLOW)))
    for r in results:
        if "small" in r.case.tags:
            ratios = [_ratio(r.seconds(f"argreduce {n}T"), r.seconds("numpy")) for n in threads]
            us = [_us(r, f"argreduce {n}T") for n in threads]
            numbers = ", ".join(f"{n}T {u}" for n, u in zip(threads, us, strict=True))
            numbers += f" vs NumPy {_us(r, 'numpy')}"
            out.append(Verdict("per call no slower than NumPy", r.case.name, numbers, _status(ratios, 1.0)))
        if "cache" in r.case.tags:
            ratios = [_ratio(r.seconds(f"argreduce {n}T"), r.seconds("polars")) for n in threads]
            out.append(Verdict(">= 1.0x polars", r.case.name,
                               ", ".join(_fmt(f"{n}T", x) for n, x in zip(threads, ratios, strict=True)),
                               _status(ratios, 1.0)))
    wrong = [f"{r.case.name}: {n}" for r in results for n in r.wrong if n.startswith("argreduce")]
    out.append(Verdict("argreduce's answers equal the reference's", f"all {len(results)} cases",
                       "; ".join(wrong) if wrong else "no difference", "missed" if wrong else "met"))
    return out
