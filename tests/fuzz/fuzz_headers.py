"""Coverage-guided fuzzing of the header parsers: .npy, .npz and .safetensors, through the command
line's readers and stream (the file layer's .npy header reader included), so a mutated header is
followed as far as it gets: validated, sized against the bytes there, and reduced.

The rule checked is the command line's: every input gives an answer or an error for the user
(FileFormatError, InputError); anything else escaping is a bug, and atheris keeps the input.

    make fuzz                                    # each format for FUZZ_SECONDS (atheris, the fuzz extra)
    python tests/fuzz/fuzz_headers.py npy tests/fuzz/corpus/npy -max_total_time=60
    python tests/fuzz/fuzz_headers.py --replay   # no atheris: every corpus file once (as the test suite does)

(The CSV reader's sniffing is left out: its reader has its own tests.)
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

CORPUS = Path(__file__).parent / "corpus"
FORMATS = ("npy", "npz", "safetensors")
#: Small enough that a mutated header claiming a big array costs nothing; the claimed size is still
#: checked against the bytes present before anything is allocated.
CHUNK_BYTES = 4096

_scratch = Path(tempfile.mkdtemp(prefix="argreduce-fuzz-"))


def one_input(fmt: str, data: bytes) -> None:
    """Runs the reader for ``fmt`` on ``data``; raises only if argreduce has a bug."""
    from argreduce.cli.errors import InputError
    from argreduce.cli.readers import open_source
    from argreduce.cli.stream import reduce_source
    from argreduce.files import FileFormatError
    from argreduce.reduction import ARGMAX, NANARGMIN

    path = _scratch / f"input.{fmt}"
    path.write_bytes(data)
    for dims, reduction in ((None, NANARGMIN), ((0,), ARGMAX)):  # a source is read once: opened per pass
        try:
            source = open_source(str(path), fmt, None, CHUNK_BYTES)
            reduce_source(source, dims if len(source.shape) else None, reduction, overlap=False, values=True)
        except (InputError, FileFormatError):
            pass


def replay(formats=FORMATS) -> int:
    """Every corpus file through its reader; returns how many ran."""
    count = 0
    for fmt in formats:
        for f in sorted((CORPUS / fmt).iterdir()):
            one_input(fmt, f.read_bytes())
            count += 1
    return count


def main() -> None:
    if sys.argv[1:2] == ["--replay"]:
        print(f"{replay()} corpus inputs, no failure")
        return
    if len(sys.argv) < 2 or sys.argv[1] not in FORMATS:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(FORMATS)}}} [libFuzzer options, corpus dirs] | --replay")
    fmt = sys.argv.pop(1)
    import atheris

    with atheris.instrument_imports():
        import argreduce.cli.readers.npy
        import argreduce.cli.readers.npz
        import argreduce.cli.readers.safetensors
        import argreduce.cli.stream
        import argreduce.files  # noqa: F401
    atheris.Setup(sys.argv, lambda data: one_input(fmt, data))
    atheris.Fuzz()


if __name__ == "__main__":
    os.environ.setdefault("ARGREDUCE_NUM_THREADS", "1")
    main()
