"""How many threads the core may use: set_num_threads, $ARGREDUCE_NUM_THREADS, or the CPUs this
process may run on (its affinity mask, not the machine's count: containers and taskset limit it).

The environment is read once, at the first call (as OpenMP reads OMP_NUM_THREADS): the answer is
then a cached int, which keeps it off the cost of every small argmin. Every way of setting the count
goes through one check, ``thread_count``, with one documented bound, MAX_THREADS."""

from __future__ import annotations

import os

NUM_THREADS_ENV = "ARGREDUCE_NUM_THREADS"
#: The most threads a call may use. Beyond the largest machines' core counts more threads only
#: wait on each other, and each one costs a stack; the core takes the count as a C int.
MAX_THREADS = 1024
_override: int | None = None
_default_cache: int | None = None  # the environment is read once, at first use


class ThreadCountError(ValueError):
    """A thread count that is not an integer from 1 to MAX_THREADS."""


def thread_count(value, source: str, text: bool = False) -> int:
    """``value`` (an int; with ``text``, the text of one) as a thread count, or a ThreadCountError
    naming ``source``, where the value came from (a function, an option, an environment variable)."""
    if text and isinstance(value, str):
        digits = value.strip()
        n = int(digits) if digits.isascii() and digits.isdigit() else None
    else:
        n = value if isinstance(value, int) and not isinstance(value, bool) else None
    if n is None or not 1 <= n <= MAX_THREADS:
        raise ThreadCountError(f"{source} must be an integer from 1 to {MAX_THREADS}, not {value!r}")
    return n


def _default() -> int:
    env = os.environ.get(NUM_THREADS_ENV, "").strip()
    if env:
        return thread_count(env, NUM_THREADS_ENV, text=True)
    if hasattr(os, "sched_getaffinity"):
        return min(MAX_THREADS, max(1, len(os.sched_getaffinity(0))))
    return min(MAX_THREADS, os.cpu_count() or 1)


def set_num_threads(n: int) -> None:
    """Use at most ``n`` threads (1 to MAX_THREADS, 1024) for each argmin/argmax (1 runs on the
    calling thread alone)."""
    global _override
    _override = thread_count(n, "set_num_threads: n")


def get_num_threads() -> int:
    """The number of threads each argmin/argmax may use."""
    global _default_cache
    if _override is not None:
        return _override
    if _default_cache is None:
        _default_cache = _default()
    return _default_cache
