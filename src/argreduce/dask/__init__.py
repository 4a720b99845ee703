"""argreduce on Dask: exact argmin / argmax of Dask arrays, and argmin's family and topk of files
read on a cluster's workers.

Dask is an optional extra (``pip install argreduce[dask]``); this package imports it only when
one of its functions runs.
"""

from .arg_reduce import dask_arg_reduce
from .run import client_for, open_file, reduce_file, topk_file
from .sources import DEFAULT_CHUNK_BYTES, from_npy, from_zarr
from .split_every import argmax, argmin, nanargmax, nanargmin

__all__ = ["DEFAULT_CHUNK_BYTES", "argmax", "argmin", "client_for", "dask_arg_reduce", "from_npy",
           "from_zarr", "nanargmax", "nanargmin", "open_file", "reduce_file", "topk_file"]
