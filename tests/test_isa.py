"""Every instruction set the core can use here gives the same answers: the differential suites run
again in a fresh process pinned to each one with $ARGREDUCE_ISA, so the SSE2 baseline is tested on
an AVX2 (or AVX-512) machine too, not only the kernels dispatch would pick.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import argreduce as ar
from argreduce import _core

TESTS = Path(__file__).parent
# Compact but broad: random layouts and dtypes, block edges, the row-counter restarts, thread splits.
SUITES = [
    "test_differential_torch.py",
    "test_extensions.py::test_bool_and_unsigned_match_their_int64_order",
    "test_threads.py::test_2d_splits",
    "test_topk.py::test_topk_matches_the_stable_reference",
    "test_topk.py::test_where_leaves_elements_out",
    "test_topk_network.py::test_network_matches_the_stable_reference",
    "test_isa.py::test_the_pinned_isa_is_in_use",
    "nearest/test_nearest_fused.py",
    "nearest/test_nearest_small_d.py",
    "nearest/test_nearest_direct.py",
    "nearest/test_nearest_refine.py",
    "nearest/test_nearest_pruned.py::test_pruned_screen_equals_the_full_screen",
    "nearest/test_nearest_lanes.py",
]


def test_the_pinned_isa_is_in_use():
    pinned = os.environ.get("ARGREDUCE_ISA")
    assert ar.isa() == (pinned or _core.available_isas()[0])


def test_baseline_is_always_available():
    assert _core.available_isas()[-1] == "baseline"


@pytest.mark.parametrize("isa", _core.available_isas())
def test_differential_suites_under_each_isa(isa):
    env = {**os.environ, "ARGREDUCE_ISA": isa, "ARGREDUCE_FUZZ": "quick"}
    cmd = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-W", "ignore::UserWarning",
           *(str(TESTS / s) for s in SUITES)]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600, cwd=TESTS.parent)
    assert out.returncode == 0, f"under ARGREDUCE_ISA={isa}:\n{out.stdout[-6000:]}\n{out.stderr[-2000:]}"
    assert " passed" in out.stdout and "skipped" not in out.stdout
