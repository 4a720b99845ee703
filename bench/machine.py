"""What the numbers were measured on: processor, memory, load, library versions."""

from __future__ import annotations

import os
import platform
from importlib import metadata


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> str:
    try:
        with open("/proc/meminfo") as f:
            kib = int(next(line for line in f if line.startswith("MemTotal")).split()[1])
        return f"{kib / 2**20:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        return "unknown"


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def load_average() -> str:
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def describe() -> list[tuple[str, str]]:
    import argreduce

    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    pinned = os.environ.get("ARGREDUCE_ISA")
    isa_note = f" (pinned by ARGREDUCE_ISA={pinned})" if pinned else ""
    return [
        ("Processor", _cpu_model()),
        ("Cores", f"{os.cpu_count()} logical, {usable} usable by this process"),
        ("Memory", _memory_gib()),
        ("ISA used by argreduce", argreduce.isa() + isa_note),
        ("OS", f"{platform.system()} {platform.release()}"),
        ("Python", platform.python_version()),
        ("Versions", ", ".join(f"{d} {_version(d)}" for d in
                               ("argreduce", "numpy", "torch", "polars", "bottleneck", "ml_dtypes"))),
    ]
