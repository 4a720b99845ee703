"""argreduce: exact torch-compatible argmin/argmax/topk for any array, at memory speed."""

from ._version import __version__ as __version__
from .api import TopK, ValuesIndices, argmax, argmin, max, min, nanargmax, nanargmin, topk
from .engine import isa
from .isa_env import warn_if_unusable
from .knn import nearest
from .partial import Partial
from .threadpool import install as _install_threadpool_controller
from .threads import get_num_threads, set_num_threads

warn_if_unusable()

__all__ = [
    "Partial", "TopK", "ValuesIndices", "argmax", "argmin", "get_num_threads", "isa", "max", "min",
    "nanargmax", "nanargmin", "nearest", "set_num_threads", "topk",
]

_install_threadpool_controller()  # threadpoolctl sees argreduce's pool (threadpool.py)
