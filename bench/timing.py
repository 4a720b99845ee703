"""Interleaved timing: every round runs every contender once, in a fresh random order.

Interleaving spreads slow drifts of the machine (other processes, frequency, page cache) over all
contenders alike instead of charging them to whoever ran at the time; the median over rounds then
drops the rounds that a neighbour disturbed.
"""

from __future__ import annotations

import gc
import random
import statistics
import time
from dataclasses import dataclass
from typing import Any

from contenders import Bound


@dataclass(frozen=True)
class Measurement:
    per_call_s: tuple[float, ...]  # one sample per round it ran in: a sample's time / its iterations
    iterations: int  # calls per sample (1 for large inputs)

    @property
    def median(self) -> float:
        return statistics.median(self.per_call_s)

    @property
    def spread(self) -> float:
        """(slowest - fastest) / median over the rounds: how noisy this number is."""
        return (max(self.per_call_s) - min(self.per_call_s)) / self.median


def _sample(bound: Bound, iterations: int) -> float:
    bound.enter()
    call = bound.call
    t0 = time.perf_counter_ns()
    for _ in range(iterations):
        call()
    return (time.perf_counter_ns() - t0) * 1e-9 / iterations


def _calibrate(bound: Bound, min_sample_s: float) -> int:
    """Iterations per sample so that a sample lasts at least min_sample_s (timer and loop costs vanish)."""
    iterations = 1
    while _sample(bound, iterations) * iterations < min_sample_s and iterations < 1 << 24:
        iterations *= 2
    return iterations


@dataclass
class Timed:
    measurements: dict[str, Measurement]
    answers: dict[str, Any]  # each contender's warm-up answer
    failures: dict[str, BaseException]  # contenders whose warm-up call raised: not timed


MIN_ROUNDS = 3  # the fewest samples a median is taken over, whatever the budget


def measure(bound: dict[str, Bound], rounds: int, *, per_call: bool, min_sample_s: float,
            budget_s: float = float("inf"), seed: int = 0) -> Timed:
    """Medians over ``rounds`` interleaved rounds, and each contender's warm-up answer.

    The warm-up call (one per contender; more for small inputs, through the calibration) faults the
    pages in, starts thread pools and fills caches for everyone before the first timed round.
    A contender whose samples already add up to ``budget_s`` sits out the remaining rounds once it
    has MIN_ROUNDS of them: the peers that take seconds per call along dim 0 would otherwise make
    up most of the run, for a number that is already clear.
    """
    answers, failures = {}, {}
    for name, b in list(bound.items()):
        b.enter()
        try:
            answers[name] = b.call()
        except Exception as e:  # a library that cannot do this case: reported, not fatal
            failures[name] = e
    bound = {name: b for name, b in bound.items() if name not in failures}
    iterations = {name: _calibrate(b, min_sample_s) if per_call else 1 for name, b in bound.items()}
    samples: dict[str, list[float]] = {name: [] for name in bound}
    order = list(bound)
    shuffle = random.Random(seed).shuffle
    gc_was_enabled = gc.isenabled()
    gc.disable()  # a collection inside a sample would be charged to whoever triggered it
    try:
        for _ in range(rounds):
            shuffle(order)
            for name in order:
                done = samples[name]
                if len(done) >= MIN_ROUNDS and sum(done) * iterations[name] >= budget_s:
                    continue
                done.append(_sample(bound[name], iterations[name]))
    finally:
        if gc_was_enabled:
            gc.enable()
    return Timed({n: Measurement(tuple(s), iterations[n]) for n, s in samples.items()}, answers, failures)
