"""The benchmark harness runs end to end at tiny sizes and writes a complete report.

The numbers of a tiny run mean nothing; what is checked is that every case gets a row, every
target gets a verdict, argreduce's answers are checked against torch's, and the snippets of other
benchmark scripts are appended. Without the bench extra (polars, bottleneck, matplotlib) the
harness marks those contenders n/a and writes no plots, so this runs in the test environment too.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SNIPPET = "Marker line from a CLI benchmark snippet."


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bench")
    (tmp / "results").mkdir()
    (tmp / "results" / "cli.md").write_text(f"## CLI\n\n{SNIPPET}\n")
    out = tmp / "report" / "BENCHMARKS.md"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--sizes", "tiny", "--rounds", "2",
         "--out", str(out), "--plots", str(tmp / "report" / "plots"), "--results-dir", str(tmp / "results")],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out, out.read_text(), proc.stderr


def _section(text: str, heading: str) -> str:
    return text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]


def test_every_case_has_a_row_and_every_group_a_table(tiny_run):
    _, text, _ = tiny_run
    for group in ("1-D arrays", "Matrices", "Views and files", "Small inputs"):
        assert f"## {group}\n" in text
    for case in ("| 1-D float32 |", "| 1-D bfloat16 |", "| short rows |", "| [::2]-strided view |",
                 "| read-only mmap .npy |", "| 1,000 elements |", "| cache-resident 2**14 |"):
        assert case in text, case


def test_targets_table_judges_every_target(tiny_run):
    _, text, _ = tiny_run
    rows = [line for line in _section(text, "Targets").splitlines() if line.startswith("| ")]
    verdicts = [line.rsplit("|", 2)[-2].strip() for line in rows[1:]]  # rows[0] is the header
    assert len(verdicts) >= 20
    assert set(verdicts) <= {"met", "**missed**", "n/a"}
    targets = {line.split("|")[1].strip() for line in rows[1:]}
    assert {">= 0.9x the read probe", ">= 1.0x the best peer", "per call no slower than NumPy",
            ">= 1.0x polars", "argreduce's answers equal the reference's"} <= targets
    assert any(t.startswith(">= 10x NumPy and torch") for t in targets)


def test_throughputs_are_numbers(tiny_run):
    _, text, _ = tiny_run
    row = next(line for line in text.splitlines() if line.startswith("| 1-D float32 |"))
    cells = [c.strip() for c in row.split("|")[1:-1]]
    gbps = [float(c.rstrip(" ≠")) for c in cells[4:] if re.fullmatch(r"[0-9.e+-]+( ≠)?", c)]
    assert len(gbps) >= 6 and all(g > 0 for g in gbps)  # probes, numpy, torch and argreduce at least


def test_machine_and_command_are_recorded(tiny_run):
    _, text, _ = tiny_run
    assert "bench/run.py --quick --sizes tiny" in text
    assert "| ISA used by argreduce |" in text


def test_snippets_from_other_benchmarks_are_appended(tiny_run):
    _, text, _ = tiny_run
    assert SNIPPET in text and text.index("## CLI") > text.index("## Correctness")


def test_plots_are_written_with_matplotlib(tiny_run):
    pytest.importorskip("matplotlib")
    out, text, _ = tiny_run
    for name in ("headline.png", "1-d-arrays.png", "small-inputs.png"):
        png = out.parent / "plots" / name
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
    assert "](plots/headline.png)" in text
