"""The command-line tool: the seed example from examples/, then a 256 MiB generated .npy (deleted
afterwards) read in chunks with the progress bar on."""

import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def argreduce(*args) -> None:
    shown = [str(a) if not isinstance(a, Path) or a.parent != HERE else f"examples/{a.name}" for a in args]
    print("$ argreduce", " ".join(shown), flush=True)
    subprocess.run([sys.executable, "-m", "argreduce.cli", *map(str, args)], check=True)


argreduce(HERE / "seed.npy")  # 3
argreduce(HERE / "seed.npy", "--dim", "0")  # [1 0 1]
argreduce(HERE / "seed.csv", "--dim", "1")  # [1 0]

with tempfile.TemporaryDirectory() as tmp:
    path = Path(tmp) / "big.npy"
    rows, cols = 65536, 1024  # 256 MiB of float32
    a = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(rows, cols))
    rng = np.random.default_rng(0)
    for i in range(0, rows, 4096):
        a[i:i + 4096] = rng.random((4096, cols), dtype=np.float32)
    a[40000, 123] = -1.0
    a.flush()
    del a
    print(f"# {path}: 256 MiB of float32, the minimum planted at (40000, 123)", flush=True)
    argreduce(path, "--unravel", "--progress")
