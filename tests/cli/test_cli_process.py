"""The command as a process: exit codes, Ctrl-C, the progress bar, bounded memory, and that optional
format libraries are imported only when such a file is opened."""

from __future__ import annotations

import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CMD = [sys.executable, "-m", "argreduce.cli"]


def run(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([*CMD, *map(str, args)], capture_output=True, text=True, timeout=120, **kw)


def test_seed_example_and_exit_codes():
    assert run(EXAMPLES / "seed.npy").stdout == "3\n"
    assert run(EXAMPLES / "seed.npy", "--dim", "0").stdout == "[1 0 1]\n"
    assert run(EXAMPLES / "seed.csv", "--dim", "1").stdout == "[1 0]\n"
    ok, bad, usage = run(EXAMPLES / "seed.npy"), run("missing.npy"), run("--dim")
    assert (ok.returncode, bad.returncode, usage.returncode) == (0, 2, 2)
    assert bad.stderr == "argreduce: missing.npy: no such file\n" and bad.stdout == ""


def test_console_script_runs_main(monkeypatch):
    """The script's entry point is a launcher outside the package (so Ctrl-C during the imports is
    one line: tests/hostile/test_hostile_cli_process.py); what it runs is argreduce.cli.main."""
    from importlib.metadata import entry_points

    import argreduce.cli

    (script,) = entry_points(group="console_scripts", name="argreduce")
    monkeypatch.setattr(argreduce.cli, "main", lambda: 42)
    assert script.load()() == 42


def test_optional_libraries_are_imported_lazily():
    probe = ("import sys, argreduce.cli, argreduce.cli.readers, argreduce.cli.stream; "
             "optional = ('pyarrow', 'zarr', 'h5py', 'safetensors', 'torch'); "
             "print(sorted(m for m in optional if m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout == "[]\n"


@pytest.mark.parametrize("chunk", ["16", "4M"])  # "4M" reads on the prefetching thread
def test_ctrl_c_exits_130_with_one_line(chunk):
    p = subprocess.Popen([*CMD, "-", "--progress", "--chunk-bytes", chunk], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdin.write(b"1 2 3\n" * (10 if chunk == "16" else 800_000))
    p.stdin.flush()
    # Wait for the progress bar: the command is then past its imports and blocked on standard input.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not select.select([p.stderr], [], [], 0.1)[0]:
        pass
    time.sleep(0.2)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=60)
    p.stdin.close()
    assert p.returncode == 130
    assert out == b""
    assert err.decode().splitlines()[-1].strip() == "argreduce: interrupted"
    assert b"Traceback" not in err and b"Fatal" not in err


def test_progress_bar(tmp_path):
    np.save(tmp_path / "x.npy", np.zeros(300_000, np.float32))
    forced = run(tmp_path / "x.npy", "--progress", "--chunk-bytes", "64K")
    assert forced.stdout == "0\n"
    assert "1.1 MiB / 1.1 MiB" in forced.stderr and "/s" in forced.stderr and "left" in forced.stderr
    assert forced.stderr.endswith("\n")
    assert run(tmp_path / "x.npy", "--no-progress").stderr == ""
    assert run(tmp_path / "x.npy").stderr == ""  # standard error is not a terminal here


# The child's own high-water mark (VmHWM). Not getrusage/wait4: Linux carries a process's max RSS
# across fork and exec, so a child of this (large) test process would report the parent's size.
_PEAK = """
import runpy, sys
sys.argv = ["argreduce", *sys.argv[1:]]
try:
    runpy.run_module(sys.argv.pop(1), run_name="__main__")
except SystemExit as e:
    assert not e.code, e.code
print([line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM")][0])
"""


def _peak_rss_mib(module: str, *args) -> float:
    command = [sys.executable, "-c", _PEAK, module, *map(str, args)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return int(out.split()[-1]) / 1024  # kB


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss units and page-cache accounting are Linux's")
def test_memory_stays_at_a_few_chunks(tmp_path):
    path = tmp_path / "big.npy"
    n = 48 * 2**20  # 192 MiB of float32, written in slices
    header = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(n // 1024, 1024))
    for i in range(0, header.shape[0], 4096):
        header[i:i + 4096] = np.random.default_rng(i).random((min(4096, header.shape[0] - i), 1024))
    header.flush()
    del header
    baseline = _peak_rss_mib("argreduce.cli", "--version")
    peak = _peak_rss_mib("argreduce.cli", path, "--chunk-bytes", "4M", "--no-progress")
    # one 4 MiB buffer and small change; reading the file whole would add 192 MiB
    assert peak - baseline < 48, (peak, baseline)
