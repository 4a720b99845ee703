"""Arrow record batches (Parquet, Arrow IPC / Feather) as 2-D blocks: rows x numeric columns.

Nulls are kept out of the answer: the block carries a validity mask, and the stream fills null
cells with a value that cannot win and then corrects the few results that still land on one
(stream_nulls.py). All columns are cast to one NumPy type, as np.column_stack would. Where that
type cannot hold every value of every column (uint64 beside int64, int64 beside float64), two
different values could become equal: a reduction down each column then reads each column on its
own, in its own type (the stream's per-column pass), and any other reduction checks each value's
cast and refuses a table whose values do not all survive it.
"""

from __future__ import annotations

import numpy as np

from ..errors import InputError
from .base import Block, core_dtype_of


def holds_exactly(wide: np.dtype, narrow: np.dtype) -> bool:
    """True when every value of ``narrow`` is a distinct value of ``wide`` with the same order.
    (NumPy calls int64 -> float64 a safe cast; it is not exact beyond 2**53.)"""
    if wide.kind == "f" and narrow.kind in "iu":
        return narrow.itemsize * 8 - (narrow.kind == "i") <= np.finfo(wide).nmant + 1
    return np.can_cast(narrow, wide, casting="safe")


def numeric_columns(schema, key: str | None, name: str) -> tuple[list[str], np.dtype, bool]:
    """The columns to read (all, or the comma-separated ``--key``), their common NumPy type, and
    whether that type holds every column exactly."""
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
    for d in dtypes:
        core_dtype_of(d, name)
    dtype = np.result_type(*dtypes)
    return wanted, dtype, all(holds_exactly(dtype, d) for d in dtypes)


def batch_block(batch, columns: list[str], dtype: np.dtype, row: int, position: int,
                exact: bool = True) -> Block:
    """One block from a record batch: (rows, columns), or (rows,) for a single column. ``exact``:
    the common type holds every column's type; if not, each cast value is checked."""
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
        column = arr.to_numpy(zero_copy_only=False)
        values[:, j] = column
        if not exact and column.dtype != dtype:
            _check_cast(column, values[:, j], col, row)
    if len(columns) == 1:
        return Block(values[:, 0], (row,), position, None if valid is None else valid[:, 0])
    return Block(values, (row, 0), position, valid)


def _check_cast(column: np.ndarray, cast: np.ndarray, name: str, row: int) -> None:
    """Refuses a value that the common type does not hold (it could tie with a different one)."""
    with np.errstate(invalid="ignore", over="ignore"):
        back = cast.astype(column.dtype)
    lost = back != column
    if cast.dtype.kind == "f":  # a float beyond the integers' range converts back to anything
        lost |= (cast >= 2.0**64) | (cast < -(2.0**63))
    if lost.any():
        at = int(np.flatnonzero(lost)[0])
        raise InputError(f"column {name!r} holds {column[at]} (row {row + at}), which {cast.dtype} cannot "
                         "hold exactly beside the other columns; reduce each column (--dim 0) or choose "
                         "columns with --key")
