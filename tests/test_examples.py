"""`make demo`'s two scripts run, quickly, and print the answers NumPy gives for the same data."""

from __future__ import annotations

import runpy
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

import argreduce as ar

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run(script: str) -> tuple[str, float]:
    t = time.perf_counter()
    out = subprocess.run([sys.executable, EXAMPLES / script], capture_output=True, text=True, timeout=120,
                         check=True).stdout
    return out, time.perf_counter() - t


def test_library_demo(capsys):
    _, seconds = run("demo.py")
    assert seconds < 30
    # again in this process, for its data: every printed answer is NumPy's on the same arrays
    demo = runpy.run_path(str(EXAMPLES / "demo.py"))
    out = capsys.readouterr().out
    seed, scores, classes, celsius = np.array(demo["x"]), demo["scores"], demo["classes"], demo["celsius"]
    assert f"argmin(x)        = {np.argmin(seed)}\n" in out
    assert f"argmin(x, dim=0) = {np.argmin(seed, axis=0)}\n" in out
    assert f"argmin(x, dim=1) = {np.argmin(seed, axis=1)}\n" in out
    assert f"predicted     : {classes[np.argmax(scores, axis=1)]}\n" in out
    assert f"least likely  : {classes[np.argmin(scores, axis=1)]}\n" in out
    assert f"argmin(series): {np.argmin(celsius)} " in out and f"argmax(series): {np.argmax(celsius)} " in out
    assert f"nanargmin     : {np.nanargmin(celsius)} " in out  # the coldest reading, gaps skipped
    if "nearest" in demo:  # shown once argreduce.nearest exists: brute force in NumPy as the oracle
        squared = ((demo["readings"][:, None, :] - demo["stations"][None, :, :]) ** 2).sum(-1)
        assert f"nearest station: {np.argmin(squared, axis=1)} " in out
    if "topk" in dir(ar):
        top3 = np.argsort(-scores, axis=1, kind="stable")[:, :3]
        assert f"top 3 per image: {classes[top3].tolist()}" in out


def test_command_line_demo():
    out, seconds = run("cli_demo.py")
    assert "$ argreduce seed.npy\n3\n" in out
    assert "(1500, 123)\n" in out  # the planted minimum of a file 32 times the chunk
    assert '"columns": ["train_loss", "val_loss"]' in out
    assert seconds < 60
