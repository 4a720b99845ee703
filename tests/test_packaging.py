"""The package as a user meets it: one version, its metadata, a licence, ``python -m argreduce``."""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path

import numpy as np

import argreduce

ROOT = Path(__file__).resolve().parents[1]


def test_one_version_source():
    written = re.search(r'__version__ = "([^"]+)"', (ROOT / "src/argreduce/_version.py").read_text()).group(1)
    assert argreduce.__version__ == written
    assert importlib.metadata.version("argreduce") == written  # the build read the same file
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'dynamic = ["version"]' in pyproject and not re.search(r"^version\s*=", pyproject, re.M)


def test_metadata_has_licence_classifiers_and_urls():
    meta = importlib.metadata.metadata("argreduce")
    assert "MIT" in (meta.get("License-Expression") or meta.get("License") or "")
    classifiers = meta.get_all("Classifier") or []
    assert "Typing :: Typed" in classifiers and any(c.startswith("Programming Language :: Python :: 3.")
                                                  for c in classifiers)
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL") or [])
    assert {"Source", "Issues", "Changelog"} <= set(urls)
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    for name in ("CHANGELOG.md", "CONTRIBUTING.md"):
        assert (ROOT / name).stat().st_size > 500


def test_python_dash_m_argreduce_runs_the_command_line(tmp_path):
    x = np.array([[4.0, -2.0, 7.0], [0.5, 9.0, -3.0]])
    np.save(tmp_path / "x.npy", x)
    run = subprocess.run([sys.executable, "-m", "argreduce", tmp_path / "x.npy", "--dim", "1"],
                         capture_output=True, text=True, timeout=120)
    assert (run.returncode, run.stderr) == (0, "")
    assert run.stdout == f"{np.argmin(x, axis=1)}\n"
    version = subprocess.run([sys.executable, "-m", "argreduce", "--version"], capture_output=True, text=True,
                             timeout=120)
    assert version.returncode == 0 and version.stdout.strip() == f"argreduce {argreduce.__version__}"
    missing = subprocess.run([sys.executable, "-m", "argreduce", tmp_path / "nope.npy"], capture_output=True,
                             text=True, timeout=120)
    assert missing.returncode == 2 and len(missing.stderr.splitlines()) == 1 and "nope.npy" in missing.stderr
