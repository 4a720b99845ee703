"""argreduce: exact torch-compatible argmin/argmax for any array, at memory speed."""

from ._version import __version__ as __version__
from .api import ValuesIndices, argmax, argmin, max, min, nanargmax, nanargmin
from .engine import isa
from .isa_env import warn_if_unusable
from .knn import nearest
from .partial import Partial
from .threadpool import install as _install_threadpool_controller
from .threads import get_num_threads, set_num_threads

warn_if_unusable()

__all__ = [
    "Partial", "ValuesIndices", "argmax", "argmin", "get_num_threads", "isa", "max", "min", "nanargmax",
    "nanargmin", "nearest", "set_num_threads",
]

_install_threadpool_controller()  # threadpoolctl sees argreduce's pool (threadpool.py)
