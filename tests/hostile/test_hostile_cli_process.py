"""The command as a process where the outside world is hostile: Ctrl-C at any moment of start-up,
a full or closed standard output, an empty scheduler address."""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from hostile_support import run_cli

SCRIPT = shutil.which("argreduce", path=str(Path(sys.executable).parent))


@pytest.fixture
def small_npy(tmp_path):
    np.save(tmp_path / "x.npy", np.array([3.0, 1.0, 2.0]))
    return tmp_path / "x.npy"


def _only_before_our_code(traceback: str) -> bool:
    """A traceback from before any code of this project runs: the interpreter's own start-up (site),
    or pip's script wrapper's first lines (`import re`, `import sys`, finding the entry point's
    module), a few milliseconds in all."""
    files = re.findall(r'^\s*File "([^"]+)", line \d+', traceback, flags=re.M)
    # the packages' own directories, not "/argreduce/" alone: a checkout in a directory named
    # argreduce puts that in every path, pip's wrapper script (.venv/bin/argreduce) included
    ours = ("/src/argreduce/", "/site-packages/argreduce/", "/_argreduce_launch/", "/numpy/")
    return "sys.exit(main())" not in traceback and not any(part in f for f in files for part in ours)


@pytest.mark.skipif(SCRIPT is None, reason="the console script is not installed next to this Python")
def test_ctrl_c_at_any_moment_of_start_up_is_one_line(small_npy):
    """SIGINT at random moments over the start-up (imports included): an answer, or 130 with one line
    (or death by the signal itself, before Python installs its handler); never a traceback from
    argreduce's imports or code."""
    start = time.monotonic()
    subprocess.run([SCRIPT, str(small_npy)], capture_output=True, check=True, timeout=60)
    startup = time.monotonic() - start
    rng = random.Random(13)
    for _ in range(16):
        p = subprocess.Popen([SCRIPT, str(small_npy)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0.0, startup))
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
        text = err.decode(errors="replace")
        if "Traceback" in text and _only_before_our_code(text):
            continue
        assert "Traceback" not in text, text
        assert p.returncode in (0, 130, -signal.SIGINT), (p.returncode, text)
        if p.returncode == 130:
            assert text == "argreduce: interrupted\n", text
        if p.returncode == 0:
            assert out == b"1\n" and text == "", (out, text)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
def test_a_full_standard_output_is_one_line(small_npy):
    with open("/dev/full", "wb") as full:
        run = run_cli(small_npy, stdout=full)
    assert run.code == 1 and "Traceback" not in run.err, run
    assert run.err.splitlines() == ["argreduce: cannot write the result: No space left on device"], run.err


def test_a_closed_standard_output_is_one_line(small_npy):
    p = subprocess.run([sys.executable, "-m", "argreduce.cli", str(small_npy)], stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, timeout=60, preexec_fn=lambda: os.close(1))
    err = p.stderr.decode()
    assert p.returncode == 1 and "Traceback" not in err, (p.returncode, err)
    assert err.splitlines() == ["argreduce: cannot write the result: standard output is closed"], err


@pytest.mark.parametrize("address", ["", "  "])
def test_an_empty_scheduler_address_is_an_argument_error(small_npy, address):
    run = run_cli(small_npy, "--scheduler", address)
    assert run.code == 2 and run.out == "" and "Traceback" not in run.err, run
    assert "scheduler address" in run.err.splitlines()[-1]
