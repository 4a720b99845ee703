"""How many threads the core may use: set_num_threads, $ARGREDUCE_NUM_THREADS, or the CPUs this
process may run on (its affinity mask, not the machine's count: containers and taskset limit it).

The environment is read once, at the first call (as OpenMP reads OMP_NUM_THREADS): the answer is
then a cached int, which keeps it off the cost of every small argmin."""

from __future__ import annotations

import os

NUM_THREADS_ENV = "ARGREDUCE_NUM_THREADS"
_override: int | None = None
_default_cache: int | None = None  # the environment is read once, at first use


def _default() -> int:
    env = os.environ.get(NUM_THREADS_ENV, "").strip()
    if env:
        try:
            n = int(env)
        except ValueError:
            raise ValueError(f"{NUM_THREADS_ENV} must be a positive integer, not {env!r}") from None
        if n < 1:
            raise ValueError(f"{NUM_THREADS_ENV} must be a positive integer, not {env!r}")
        return n
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def set_num_threads(n: int) -> None:
    """Use at most ``n`` threads for each argmin/argmax (1 runs on the calling thread alone)."""
    global _override
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"set_num_threads: n must be a positive int, not {n!r}")
    _override = n


def get_num_threads() -> int:
    """The number of threads each argmin/argmax may use."""
    global _default_cache
    if _override is not None:
        return _override
    if _default_cache is None:
        _default_cache = _default()
    return _default_cache
