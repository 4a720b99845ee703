"""argreduce's thread pool under threadpoolctl: listed by ``threadpool_info()``, capped by
``threadpool_limits()``, as scikit-learn and joblib cap BLAS and OpenMP pools in their workers.

threadpoolctl finds a library's pool by scanning the shared objects loaded in the process for a
file-name prefix, then confirms it by symbols the file exports; a registered ``LibController``
subclass (threadpoolctl >= 3.1's documented extension point) then reads and sets the thread count.
argreduce's count lives in Python (``argreduce.set_num_threads``), so the controller calls that;
the native module is only how threadpoolctl finds argreduce among the loaded libraries.

threadpoolctl is optional and is never imported by argreduce: ``install()`` registers the controller
at once if threadpoolctl is already imported, and otherwise leaves a finder on ``sys.meta_path`` that
registers it right after threadpoolctl's own import, whenever that happens.
"""

from __future__ import annotations

import importlib
import os
import sys
from types import ModuleType
from typing import Any

#: Symbols of the native core that the file threadpoolctl matched must export: a module of another
#: package named ``_core`` with the same ABI tag does not. Any one of them is enough, so the list
#: starts with functions without arguments, whose (C++-mangled) names do not change with a signature;
#: tests/test_threadpoolctl.py fails if none is left.
_CORE_SYMBOLS = (
    "_ZN9argreduce21kernel_table_baselineEv",  # argreduce::kernel_table_baseline()
    "_ZN9argreduce7kernelsEv",  # argreduce::kernels()
    "_ZN9argreduce12parallel_runEiRKSt8functionIFviEERKS0_IFvvEE",
    "_ZN9argreduce16available_tablesEPPKNS_11KernelTableEi",
    "_ZN9argreduce3runERKNS_7RequestE",
)

_registered = False


def _core_file() -> str:
    from . import _core

    return os.path.realpath(_core.__file__)


def _controller_class(threadpoolctl: Any) -> type:
    class ArgreduceController(threadpoolctl.LibController):
        """argreduce's pool: ``num_threads`` is ``argreduce.get_num_threads()``."""

        user_api = "argreduce"
        internal_api = "argreduce"
        # The native module's own file name (with its ABI tag), so nothing else is matched by name.
        filename_prefixes = (os.path.basename(_core_file()).lower(),)
        check_symbols = _CORE_SYMBOLS

        def get_num_threads(self) -> int:
            from .threads import get_num_threads

            return get_num_threads()

        def set_num_threads(self, num_threads: int) -> None:
            from .threads import MAX_THREADS, set_num_threads

            # threadpoolctl passes any limit it is given; argreduce's own bounds apply
            set_num_threads(min(MAX_THREADS, max(1, int(num_threads))))

        def get_version(self) -> str:
            from ._version import __version__

            return __version__

    return ArgreduceController


def register(threadpoolctl: Any = None) -> bool:
    """Registers argreduce's controller with threadpoolctl (once); False if threadpoolctl is missing
    or too old to take controllers (before 3.1)."""
    global _registered
    if _registered:
        return True
    if threadpoolctl is None:
        try:
            threadpoolctl = importlib.import_module("threadpoolctl")
        except ImportError:
            return False
    if not (hasattr(threadpoolctl, "register") and hasattr(threadpoolctl, "LibController")):
        return False
    threadpoolctl.register(_controller_class(threadpoolctl))
    _registered = True
    return True


class _RegisterAfterImport:
    """Finds nothing itself: when threadpoolctl is imported, wraps its loader so that the controller
    is registered once the module has run, then takes itself off ``sys.meta_path``. (Plain classes,
    not importlib.abc's: importing that costs ``import argreduce`` about 15 ms.)"""

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name != "threadpoolctl":
            return None
        import importlib.util

        _uninstall_finder()
        spec: Any = importlib.util.find_spec(name)  # what the other finders make of it
        if spec is not None and spec.loader is not None:
            spec.loader = _RegisteringLoader(spec.loader)
        return spec


class _RegisteringLoader:
    def __init__(self, inner: Any):
        self.inner = inner

    def create_module(self, spec: Any) -> ModuleType | None:
        return self.inner.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self.inner.exec_module(module)
        try:
            register(module)
        except Exception:  # a failed registration must never break the user's import
            pass

    def __getattr__(self, name: str) -> Any:  # get_source, get_filename ... as the real loader has them
        return getattr(self.inner, name)


def _uninstall_finder() -> None:
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _RegisterAfterImport)]


def install() -> None:
    """Called by ``import argreduce``: registers now, or as soon as threadpoolctl is imported."""
    if "threadpoolctl" in sys.modules:
        try:
            register(sys.modules["threadpoolctl"])
        except Exception:  # threadpoolctl being odd must not break import argreduce
            pass
    elif not any(isinstance(f, _RegisterAfterImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _RegisterAfterImport())
