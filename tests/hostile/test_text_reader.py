"""Hostile text for the CSV/text reader, through the real command in a process of its own (under an
address-space limit and a timeout): the right answer, or exit status 2 with exactly one line on
standard error and no traceback.

- a UTF-8 byte-order mark is not part of the first cell (it made the first row a header);
- text that is not UTF-8 (Latin-1, random bytes, UTF-16, a binary file given ``--format csv``),
  at the start or after megabytes of good rows, on a file or on standard input, through either
  parser (pyarrow's, used for large .csv files, and NumPy's).
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hostile_support import MEMORY_LIMIT, TIME_LIMIT, Run, refused

#: The command line, with pyarrow's parser used for every .csv/.tsv file (ARROW) or for none (NUMPY).
RUNNER = ("import sys; import argreduce.cli.readers.text as t; t.ARROW_MIN_BYTES = {}; "
          "from argreduce.cli import main; sys.exit(main(sys.argv[1:]))")
PARSERS = {"arrow": RUNNER.format(0), "numpy": RUNNER.format(2**62)}


def limited() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def argreduce(*args, stdin: bytes = b"", parser: str = "arrow") -> Run:
    """The command in a process of its own, as hostile_support.run_cli runs it, with a given parser."""
    p = subprocess.run([sys.executable, "-c", PARSERS[parser], *map(str, args)], input=stdin,
                       capture_output=True, timeout=TIME_LIMIT, preexec_fn=limited)
    return Run(p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace"))


@pytest.fixture(params=list(PARSERS))
def parser(request):
    return request.param


# --- the byte-order mark ----------------------------------------------------------------------------

def test_bom_on_standard_input_is_not_a_header(parser):
    run = argreduce("-", stdin=b"\xef\xbb\xbf5\n1\n3\n", parser=parser)
    assert (run.code, run.out, run.err) == (0, f"{np.argmin([5, 1, 3])}\n", "")


@pytest.mark.parametrize("header", [False, True])
def test_bom_before_a_csv_file(tmp_path, parser, header):
    x = np.array([[5, 2], [1, 7], [3, 0]])
    rows = "\n".join(",".join(map(str, r)) for r in x) + "\n"
    (tmp_path / "b.csv").write_bytes(b"\xef\xbb\xbf" + (("a,b\n" if header else "") + rows).encode())
    run = argreduce(tmp_path / "b.csv", "--json", "--dim", "0", parser=parser)
    assert run.code == 0, run.err
    assert f'"index": {np.argmin(x, axis=0).tolist()}' in run.out
    assert ('"columns": ["a", "b"]' in run.out) == header  # no BOM glued to the first name


# --- text that is not UTF-8 ---------------------------------------------------------------------------

def test_latin1_header(tmp_path, parser):
    (tmp_path / "l.csv").write_bytes("temp,humidit\xe9\n1,2\n".encode("latin-1"))
    refused(argreduce(tmp_path / "l.csv", parser=parser), "l.csv", "not UTF-8", "0xe9", "offset 12")


def test_latin1_cell_after_megabytes_of_good_rows(tmp_path, parser):
    good = b"a,b\n" + b"1,2\n" * 600_000  # 2.4 MB: past the first blocks of either parser
    (tmp_path / "late.csv").write_bytes(good + "3,\xb54\n".encode("latin-1"))
    refused(argreduce(tmp_path / "late.csv", parser=parser), "not UTF-8", "0xb5",
                   f"offset {len(good) + 2}", "line 600002")


@pytest.mark.parametrize("seed", range(4))
def test_random_bytes_on_standard_input(seed):
    noise = np.random.default_rng(seed).integers(0, 256, 300, dtype=np.uint8).tobytes()
    with pytest.raises(UnicodeDecodeError):  # as /dev/urandom's are, but for one time in very many
        noise.decode("utf-8")
    refused(argreduce("-", stdin=noise), "<stdin>", "not UTF-8")


def test_utf16_file(tmp_path, parser):
    (tmp_path / "w.csv").write_bytes("a,b\n1,2\n".encode("utf-16"))
    refused(argreduce(tmp_path / "w.csv", parser=parser), "not UTF-8")


def test_npy_given_format_csv(tmp_path, parser):
    np.save(tmp_path / "x.npy", np.arange(10.0))
    refused(argreduce(tmp_path / "x.npy", "--format", "csv", parser=parser), "x.npy", "not UTF-8",
                   "offset 0")
