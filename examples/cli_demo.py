"""The command line: the seed example from examples/, then files many times bigger than the chunk the
tool reads at a time (generated in a temporary folder, deleted afterwards)."""

import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def argreduce(*args, cwd=HERE) -> None:
    """Runs the command in ``cwd`` (``python -m argreduce``, the same as the ``argreduce`` script)."""
    print("$ argreduce", " ".join(args), flush=True)
    subprocess.run([sys.executable, "-m", "argreduce", *args], check=True, cwd=cwd)


argreduce("seed.npy")  # 3
argreduce("seed.npy", "--dim", "0")  # [1 0 1]
argreduce("seed.csv", "--dim", "1")  # [1 0]

with tempfile.TemporaryDirectory() as tmp:
    print("\n# A simulation output of 32 MiB read 1 MiB at a time: where is its minimum?", flush=True)
    field = Path(tmp) / "field.npy"
    a = np.lib.format.open_memmap(field, mode="w+", dtype=np.float32, shape=(2048, 4096))
    a[:] = np.random.default_rng(0).random((2048, 4096), dtype=np.float32)
    a[1500, 123] = -1.0  # planted
    a.flush()
    del a
    argreduce("field.npy", "--unravel", "--chunk-bytes", "1M", cwd=tmp)  # (1500, 123)

    print("\n# A training log of 200,000 steps (5 MB of CSV) read 256 KiB at a time:", flush=True)
    print("# the step with the lowest loss of each column (header names, rows from 0)", flush=True)
    log = Path(tmp) / "losses.csv"
    steps = np.arange(200_000)
    noise = np.random.default_rng(1).normal(0, 0.01, (2, steps.size))
    train, val = 1 / np.sqrt(1 + steps / 500) + noise[0], 1 / np.sqrt(1 + steps / 900) + 0.02 + noise[1]
    val[150_000:] += (steps[150_000:] - 150_000) * 2e-6  # overfitting: validation loss rises again
    np.savetxt(log, np.column_stack([train, val]), delimiter=",", header="train_loss,val_loss", comments="",
               fmt="%.5f")
    argreduce("losses.csv", "--dim", "0", "--chunk-bytes", "256K", "--json", cwd=tmp)
