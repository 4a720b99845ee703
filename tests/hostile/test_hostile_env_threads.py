"""Thread counts and $ARGREDUCE_ISA, from the library, the command line and the environment."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hostile_support import answered, refused, run_cli

import argreduce as ar
from argreduce import _core
from argreduce import threads as threads_module

MAX_THREADS = 1024  # the documented maximum (threads.MAX_THREADS, README)


@pytest.fixture
def fresh_threads(monkeypatch):
    monkeypatch.setattr(threads_module, "_override", None)
    monkeypatch.setattr(threads_module, "_default_cache", None)  # as in a fresh process


@pytest.mark.parametrize("n", [2**31, 2**63, 99999999999, MAX_THREADS + 1])
def test_set_num_threads_beyond_the_maximum_is_refused_and_changes_nothing(fresh_threads, n):
    ar.set_num_threads(2)
    with pytest.raises(ValueError, match=f"1 to {MAX_THREADS}"):
        ar.set_num_threads(n)
    assert ar.get_num_threads() == 2
    x = np.array([3.0, 1.0, 2.0])
    assert ar.argmin(x) == np.argmin(x)


def test_the_maximum_itself_is_accepted(fresh_threads):
    assert threads_module.MAX_THREADS == MAX_THREADS
    ar.set_num_threads(MAX_THREADS)
    x = np.random.default_rng(1).random(1 << 16)
    assert ar.argmin(x) == np.argmin(x)


@pytest.mark.parametrize("value", ["99999999999", "2147483648", "1025", "abc", "", " 4 "])
def test_environment_thread_count_is_checked_once_with_a_clear_message(fresh_threads, monkeypatch, value):
    monkeypatch.setenv("ARGREDUCE_NUM_THREADS", value)
    x = np.array([3.0, 1.0, 2.0])
    if value.strip() in ("", "4"):
        assert ar.argmin(x) == np.argmin(x)
        return
    with pytest.raises(ValueError, match="ARGREDUCE_NUM_THREADS must be an integer from 1 to 1024"):
        ar.argmin(x)


@pytest.mark.parametrize("value", ["abc", "99999999999", "0"])
def test_command_line_with_a_bad_environment_thread_count_is_one_line(tmp_path, value):
    np.save(tmp_path / "x.npy", np.array([3.0, 1.0]))
    refused(run_cli(tmp_path / "x.npy", env={"ARGREDUCE_NUM_THREADS": value}), "ARGREDUCE_NUM_THREADS")


def test_command_line_thread_option_beyond_the_maximum_is_an_argument_error(tmp_path):
    np.save(tmp_path / "x.npy", np.array([3.0, 1.0]))
    run = run_cli(tmp_path / "x.npy", "--threads", "99999999999")
    assert run.code == 2 and "Traceback" not in run.err and "1 to 1024" in run.err, run
    assert answered(run_cli(tmp_path / "x.npy", "--threads", "1024", "--json"))["index"] == 1


def _isa_child(value: str) -> subprocess.CompletedProcess:
    code = "import argreduce as ar; print(ar.isa())"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={**__import__("os").environ, "ARGREDUCE_ISA": value})


@pytest.mark.parametrize("isa", _core.available_isas())
def test_isa_names_are_accepted_in_any_case(isa):
    for spelled in (isa.upper(), isa.capitalize()):
        p = _isa_child(spelled)
        assert p.returncode == 0 and p.stdout.strip() == isa and p.stderr == "", (spelled, p)


@pytest.mark.parametrize("value", ["garbage", "neon", "sse9"])
def test_an_unknown_isa_name_is_a_one_line_warning(value):
    p = _isa_child(value)
    assert p.returncode == 0 and p.stdout.strip() == _core.available_isas()[0], p
    lines = p.stderr.splitlines()
    assert len(lines) == 1 and "RuntimeWarning" in lines[0] and value in lines[0], p.stderr


def test_an_isa_this_processor_cannot_run_is_a_warning():
    missing = [i for i in ("avx512", "avx2") if i not in _core.available_isas()]
    if not missing:
        pytest.skip("this processor runs every instruction set the build has")
    p = _isa_child(missing[0])
    assert "cannot run" in p.stderr and p.stdout.strip() == _core.available_isas()[0], p
