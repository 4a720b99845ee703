"""Running the command as a hostile user would see it: a separate process, under an address-space
limit and a time limit, and the rule it must keep: the answer, or exit status 2 with exactly one
line on standard error (``argreduce: ...``), nothing on standard output, and never a traceback."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from dataclasses import dataclass

CMD = [sys.executable, "-m", "argreduce.cli"]
#: Enough for Python, NumPy, the optional readers and their thread stacks; far less than any of the
#: claimed shapes below would need, so a reader that allocates what a header claims fails here.
MEMORY_LIMIT = 3 * 2**30
TIME_LIMIT = 60


@dataclass
class Run:
    code: int
    out: str
    err: str


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_cli(*args, stdin: bytes | None = None, env: dict | None = None, timeout: float = TIME_LIMIT,
            stdout=subprocess.PIPE) -> Run:
    """The command with ``args`` in a child process, under MEMORY_LIMIT and ``timeout``."""
    p = subprocess.run([*CMD, *map(str, args)], input=stdin, stdout=stdout, stderr=subprocess.PIPE,
                       timeout=timeout, preexec_fn=_limit_memory, env={**os.environ, **(env or {})})
    return Run(p.returncode, (p.stdout or b"").decode(errors="replace"), p.stderr.decode(errors="replace"))


def refused(run: Run, *fragments: str) -> str:
    """Asserts the one-line refusal and returns the line."""
    assert "Traceback" not in run.err, run.err
    assert run.code == 2, run
    assert run.out == "", run
    lines = run.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("argreduce: "), run.err
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


def answered(run: Run) -> dict:
    """Asserts a clean answer (run with --json) and returns it."""
    assert run.code == 0 and run.err == "", run
    return json.loads(run.out)


def npy_bytes(header: str, data: bytes = b"", version: tuple[int, int] = (1, 0)) -> bytes:
    """A .npy file with a hand-written header dict (a Python literal), padded as NumPy pads it."""
    text = header.encode("latin1" if version < (3, 0) else "utf8")
    size_bytes = 2 if version == (1, 0) else 4
    prefix = 6 + 2 + size_bytes
    pad = -(prefix + len(text) + 1) % 64
    text += b" " * pad + b"\n"
    return (b"\x93NUMPY" + bytes(version) + len(text).to_bytes(size_bytes, "little") + text + data)
