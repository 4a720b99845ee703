"""What one case's run produced: timings, the contenders that did not apply, and wrong answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cases import Case
from contenders import as_index_array
from timing import Measurement

# torch is the contract's oracle; where it has no answer (bool), NumPy, which the contract follows there.
REFERENCE_ORDER = ("torch 1T", "numpy")


@dataclass
class CaseResult:
    case: Case
    nbytes: int  # the bytes the input spans: what the probe reads and what GB/s divides
    times: dict[str, Measurement] = field(default_factory=dict)
    na: dict[str, str] = field(default_factory=dict)  # contender -> why it does not apply
    wrong: dict[str, str] = field(default_factory=dict)  # contender -> how its answer differs
    reference: str = ""

    def seconds(self, name: str) -> float | None:
        m = self.times.get(name)
        return m.median if m else None

    def gbps(self, name: str) -> float | None:
        s = self.seconds(name)
        return self.nbytes / s / 1e9 if s else None

    def microseconds(self, name: str) -> float | None:
        s = self.seconds(name)
        return s * 1e6 if s is not None else None


def _describe(got: np.ndarray, want: np.ndarray, nan_skipped: np.ndarray | None) -> str:
    if got.shape != want.shape:
        return f"shape {got.shape}, expected {want.shape}"
    if nan_skipped is not None and np.array_equal(got, nan_skipped):
        return "skips NaN (its answer is np.nanargmin's): another contract, by design"
    if want.ndim == 0:
        return f"{got} instead of {want}"
    bad = np.flatnonzero(got.reshape(-1) != want.reshape(-1))
    first = np.unravel_index(bad[0], want.shape)
    return (f"{bad.size} of {want.size} indices differ; first at output {tuple(map(int, first))}: "
            f"{got.reshape(-1)[bad[0]]} instead of {want.reshape(-1)[bad[0]]}")


def check_answers(result: CaseResult, answers: dict[str, Any], nan_skipped: np.ndarray | None = None) -> None:
    """Fills result.reference and result.wrong from each index contender's warm-up answer.

    ``nan_skipped`` (np.nanargmin's answer, for inputs with NaN) names the known difference of the
    libraries whose argmin ignores NaN, instead of reporting it as an unexplained one.
    """
    reference = next((n for n in REFERENCE_ORDER if n in answers), None)
    if reference is None:
        return
    result.reference = reference
    want = as_index_array(answers[reference])
    for name, answer in answers.items():
        if name.startswith("probe") or name == reference:
            continue
        if answer is None:  # polars' answer when it finds no minimum it can order
            result.wrong[name] = "returned None"
            continue
        got = as_index_array(answer)
        if got.shape != want.shape or not np.array_equal(got, want):
            result.wrong[name] = _describe(got, want, nan_skipped)
