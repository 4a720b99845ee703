"""argreduce: exact torch-compatible argmin/argmax for any array, at memory speed."""

from .api import argmax, argmin
from .engine import isa
from .knn import nearest
from .partial import Partial
from .threads import get_num_threads, set_num_threads

__all__ = ["Partial", "argmax", "argmin", "get_num_threads", "isa", "nearest", "set_num_threads"]
__version__ = "0.1.0"
