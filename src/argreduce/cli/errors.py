"""The command line's one error type: a bad input becomes one line on standard error and exit status 2.

Readers and the stream raise ``InputError`` with a message that names the file and what is wrong
with it; ``main`` prints ``argreduce: <message>`` and returns ``EXIT_BAD_INPUT``. Anything else that
escapes is a bug in argreduce and keeps its traceback.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_BAD_INPUT = 2  # argparse's own status for a bad command line, so every input error reads alike
EXIT_OUTPUT_FAILED = 1  # the result could not be written (a full disk, a closed standard output)
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells report for a command stopped by Ctrl-C


class InputError(Exception):
    """The input cannot be reduced as asked; the message is shown to the user as it is."""


def missing_extra(what: str, module: str, extra: str) -> InputError:
    """The message for an optional format library that is not installed."""
    return InputError(
        f"reading {what} needs the '{module}' package, which is not installed: "
        f"pip install 'argreduce[{extra}]'"
    )
