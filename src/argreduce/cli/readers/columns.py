"""Arrow record batches (Parquet, Arrow IPC / Feather) as 2-D blocks: rows x numeric columns.

Nulls are kept out of the answer: the block carries a validity mask, and the stream fills null
cells with a value that cannot win and then corrects the few results that still land on one
(stream_nulls.py). All columns are cast to one NumPy type, as np.column_stack would.
"""

from __future__ import annotations

import numpy as np

from ..errors import InputError
from .base import Block, core_dtype_of


def numeric_columns(schema, key: str | None, name: str) -> tuple[list[str], np.dtype]:
    """The columns to read (all, or the comma-separated ``--key``) and their common NumPy type."""
    import pyarrow as pa

    wanted = schema.names if key is None else [k.strip() for k in key.split(",")]
    missing = [c for c in wanted if c not in schema.names]
    if missing:
        raise InputError(f"{name}: no column named {missing[0]!r} (it has: {', '.join(schema.names)})")
    if not wanted:
        raise InputError(f"{name}: has no columns")
    dtypes = []
    for col in wanted:
        t = schema.field(col).type
        if not (pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_boolean(t)):
            raise InputError(f"{name}: column {col!r} holds {t}, not numbers; choose numeric columns with "
                             "--key col1,col2")
        dtypes.append(np.dtype(t.to_pandas_dtype()))
    dtype = np.result_type(*dtypes)
    core_dtype_of(dtype, name)
    return wanted, dtype


def batch_block(batch, columns: list[str], dtype: np.dtype, row: int, position: int) -> Block:
    """One block from a record batch: (rows, columns), or (rows,) for a single column."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = batch.num_rows
    values = np.empty((n, len(columns)), dtype=dtype)
    valid = None
    for j, col in enumerate(columns):
        arr = batch.column(col)
        if arr.null_count:
            if valid is None:
                valid = np.ones((n, len(columns)), dtype=bool)
            valid[:, j] = arr.is_valid().to_numpy(zero_copy_only=False)
            arr = pc.fill_null(arr, False if pa.types.is_boolean(arr.type) else 0)  # overwritten later
        values[:, j] = arr.to_numpy(zero_copy_only=False)
    if len(columns) == 1:
        return Block(values[:, 0], (row,), position, None if valid is None else valid[:, 0])
    return Block(values, (row, 0), position, valid)
