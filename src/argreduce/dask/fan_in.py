"""The merge tree's fan-in (Dask's ``split_every``) for the graph being built in this context.

Set by ``argreduce.dask.argmin`` / ``argmax`` around the library call, read where the tree is made
(arg_reduce.py): a context variable, so a graph built on another thread at the same time keeps
Dask's default. Its own module, so that the tree's builder need not import the public functions
(which import the api, which imports the builder).
"""

from __future__ import annotations

from contextvars import ContextVar

#: None: Dask's configured default (``dask.config`` "split_every").
current_split_every: ContextVar[int | dict[int, int] | None] = ContextVar(
    "argreduce_dask_split_every", default=None)
