"""The ``argreduce`` console script's entry point, outside the argreduce package on purpose.

Importing ``argreduce.cli`` imports NumPy and the native core first, a few hundred milliseconds in
which Ctrl-C would raise KeyboardInterrupt inside some module's import: a traceback, or worse, an
ImportError when C code swallows the interrupt (NumPy's "could not import module datetime"). So
for the imports Ctrl-C only takes note, and the command then exits as it does for any Ctrl-C. This
module itself imports nothing (``_signal`` is built into the interpreter).
"""

import _signal
import sys

EXIT_INTERRUPTED = 130  # as argreduce.cli.errors, which is not imported yet


def main() -> int:
    interrupted = []
    previous = _signal.signal(_signal.SIGINT, lambda signum, frame: interrupted.append(signum))
    try:
        from argreduce.cli import main as run
    finally:
        _signal.signal(_signal.SIGINT, previous)
    if interrupted:
        print("argreduce: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    return run()  # which says "interrupted" itself from here on
