"""$ARGREDUCE_ISA, checked once at import: the core picks the named kernel table (any case) when
this processor can run it; a name it does not know, or cannot run here, gets a warning that says
which instruction set is used instead, rather than being ignored in silence."""

from __future__ import annotations

import os
import warnings

from . import _core

ENV = "ARGREDUCE_ISA"
#: Every kernel table a build can have, on any processor (NEON machines run "baseline").
KNOWN = ("baseline", "avx2", "avx512")


def problem() -> str | None:
    """What is wrong with $ARGREDUCE_ISA, or None (unset, or a name this processor runs)."""
    want = os.environ.get(ENV, "")
    available = _core.available_isas()
    if not want or want.lower() in available:
        return None
    if want.lower() in KNOWN:
        why = f"this processor cannot run {want.lower()} (it can run: {', '.join(available)})"
    else:
        why = f"{want!r} is not an instruction set argreduce knows ({', '.join(KNOWN)})"
    return f"{ENV}={want}: {why}; using {_core.isa()}"


def warn_if_unusable() -> None:
    message = problem()
    if message is not None:
        # Attributed to the variable rather than a source line: the warning then prints as one line.
        warnings.warn_explicit(message, RuntimeWarning, filename=ENV, lineno=0, module="argreduce")
