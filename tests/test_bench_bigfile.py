"""bench/bench_bigfile.py end to end at a tiny size: both parts run, the planted answers are found
in every argreduce pass, and the report has its tables (the numbers of a tiny run mean nothing)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_tiny_bigfile_run_writes_a_complete_report(tmp_path):
    out = tmp_path / "bigfile.md"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_bigfile.py"), "--gb", "0.012", "--dir", str(tmp_path),
         "--points", "3000", "--rounds", "1", "--keep-cache", "--out", str(out)],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    text = out.read_text()
    rows = [line for line in text.splitlines() if line.startswith("| ") and "`argreduce" in line]
    assert len(rows) == 5 and all("planted answer" in r for r in rows), rows  # 3 --top, 2 nearest passes
    assert "WRONG" not in text and "x `cat`" in text and "| 1 | " in text and "| 10 | " in text
    assert list(tmp_path.glob("*.npy")) == []  # the big file and the queries are deleted
