"""The ``cli`` fixture: run the command's ``main`` in this process and capture what it prints."""

from __future__ import annotations

import io
import sys

import pytest
from cli_support import Run

import argreduce.threads
from argreduce.cli import main


@pytest.fixture
def cli(capsys, monkeypatch):
    """cli(*args, stdin=bytes) -> Run(code, out, err), through main() in this process."""
    monkeypatch.setattr(argreduce.threads, "_override", None)  # --threads must not leak into other tests

    def run(*args, stdin: bytes | None = None) -> Run:
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run
