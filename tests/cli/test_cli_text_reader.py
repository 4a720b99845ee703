"""The block-parsing text reader, through both of its parsers (pyarrow's streaming CSV reader and
NumPy's, forced by the size threshold), against the library on the same numbers in memory.

Besides the table of values: exact int64 beyond 2**53 in both, the int64-to-float64 restart when a
float first shows up after many integer rows, pyarrow's refusals read again by NumPy's parser, the
same error messages from both, and memory that does not grow with the file.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from cli_support import dim_args, expected, json_index
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import argreduce.cli.readers.text as text


@pytest.fixture(params=["arrow", "numpy"])
def parser(request, monkeypatch):
    """Which parser reads .csv/.tsv files: every file is big enough for pyarrow, or none is."""
    if request.param == "arrow":
        pytest.importorskip("pyarrow.csv")
    monkeypatch.setattr(text, "ARROW_MIN_BYTES", 0 if request.param == "arrow" else 2**62)
    return request.param


def cell(v) -> str:
    return repr(float(v)) if isinstance(v, float) else str(v)


INT64 = st.integers(-2**63, 2**63 - 1)
NEAR_2_53 = st.integers(2**53 - 3, 2**53 + 3)
FLOATS = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([0.0, -0.0, 1.5])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), rows=st.integers(1, 30), cols=st.integers(1, 4),
       kind=st.sampled_from(["int", "float"]), header=st.booleans(), sep=st.sampled_from([",", "\t"]),
       crlf=st.booleans(), blank=st.booleans())
def test_tables_against_the_library(cli, tmp_path, parser, data, rows, cols, kind, header, sep, crlf, blank):
    values = data.draw(st.lists(st.lists(INT64 | NEAR_2_53 if kind == "int" else FLOATS, min_size=cols,
                                         max_size=cols), min_size=rows, max_size=rows))
    x = np.array(values, dtype=np.int64 if kind == "int" else np.float64)
    end = "\r\n" if crlf else "\n"
    lines = [sep.join(f"h{i}" for i in range(cols))] if header else []
    lines += [sep.join(cell(v) for v in row) for row in values]
    if blank:
        lines.insert(len(lines) // 2 + 1, "")
    path = tmp_path / ("t.csv" if sep == "," else "t.tsv")
    path.write_bytes((end.join(lines) + end).encode())
    array = x[:, 0] if cols == 1 else x
    dim = data.draw(st.sampled_from([None, 0] if cols == 1 else [None, 0, 1, (0, 1)]))
    is_max = data.draw(st.booleans())
    run = cli(path, "--json", *dim_args(dim), *(["--max"] if is_max else []),
              "--chunk-bytes", data.draw(st.sampled_from(["7", "100", "8M"])))
    assert json_index(run).tolist() == expected(array, dim, is_max).tolist()
    assert json.loads(run.out)["dtype"] == str(x.dtype)


def test_exact_integers_beyond_2_53(cli, tmp_path, parser):
    big = [2**63 - 1, 2**53 + 1, -2**63, 2**53, 2**63 - 2]
    (tmp_path / "i.csv").write_text("v\n" + "\n".join(map(str, big)) + "\n")
    assert cli(tmp_path / "i.csv").out == f"{expected(np.array(big), None)}\n" == "2\n"
    assert cli(tmp_path / "i.csv", "--max").out == "0\n"


def test_a_float_after_many_integer_rows_restarts_the_table_as_float64(cli, tmp_path, parser):
    # 150,000 integer rows (about 3 MB: several blocks of either parser) handed on as int64 before
    # the float shows up; the answer needs float64 (the float is the smallest value).
    n = 150_000
    ints = np.arange(n, dtype=np.int64) % 1000 + 2**53
    body = "\n".join(map(str, ints.tolist()))
    (tmp_path / "late.csv").write_text(f"x,y\n{body.replace(chr(10), ',1' + chr(10))},1\n0.5,7\n3,1\n")
    run = cli(tmp_path / "late.csv", "--json", "--chunk-bytes", "1M")
    assert json.loads(run.out)["dtype"] == "float64"
    assert json_index(run) == 2 * n  # row n, column 0
    x = np.column_stack([np.concatenate([ints.astype(np.float64), [0.5, 3.0]]), [1.0] * n + [7.0, 1.0]])
    for dim, is_max in [(None, False), (0, True), (1, False)]:
        run = cli(tmp_path / "late.csv", "--json", *dim_args(dim), *(["--max"] if is_max else []))
        assert json_index(run).tolist() == expected(x, dim, is_max).tolist()


def test_cells_pyarrow_refuses_are_read_by_numpy(cli, tmp_path, parser):
    # a space before a number, a '+' sign: NumPy's parser reads them, and the table stays int64
    (tmp_path / "s.csv").write_text("a,b\n3, 2\n+1,5\n 9007199254740993,9007199254740992\n")
    run = cli(tmp_path / "s.csv", "--json", "--dim", "0", "--max")
    assert json_index(run).tolist() == [2, 2] and json.loads(run.out)["dtype"] == "int64"


@pytest.mark.parametrize(("body", "fragment"), [
    ("a,b\n" + "1,2\n" * 50_000 + "3,x\n", "line 50002, column 2 ('b'): 'x' is not a number"),
    ("a,b\n" + "1,2\n" * 50_000 + "3,\n", "line 50002, column 2 ('b'): '' is not a number"),
    ("a,b\n" + "1,2\n" * 50_000 + "3,NA\n", "line 50002, column 2 ('b'): 'NA' is not a number"),
    ("a,b\n" + "1,2\n" * 50_000 + "3,4,5\n", "line 50002 has 3 values, but the table has 2 columns"),
])
def test_errors_name_the_line_and_cell_with_either_parser(cli, tmp_path, parser, body, fragment):
    (tmp_path / "bad.csv").write_text(body)
    run = cli(tmp_path / "bad.csv")
    assert run.code == 2 and run.out == "" and fragment in run.err and len(run.err.splitlines()) == 1


def test_memory_does_not_grow_with_the_file(tmp_path, parser):
    # Blocks are bounded whatever the file's size: the largest block (in rows) of a 4 MB and of an
    # 8 MB file is the same, and far below the file's row count.
    from argreduce.cli.readers import open_source

    def largest_block(rows: int) -> tuple[int, int]:
        path = tmp_path / f"{rows}.csv"
        path.write_text("a,b\n" + "123456,0.25\n" * rows)
        source = open_source(str(path), None, None, 8 * 2**20)
        sizes = [len(block.array) for block in source.blocks()]
        assert sum(sizes) == rows
        return max(sizes), len(sizes)

    small, big = largest_block(350_000), largest_block(700_000)
    # at most two of either parser's 1 MiB blocks of text (a short block's tail is carried over)
    assert small[0] == big[0] <= 2**21 // len("123456,0.25\n") and big[1] >= 2 * small[1] - 1
