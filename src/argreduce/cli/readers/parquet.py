"""Parquet files through pyarrow (the 'parquet' extra): numeric columns as a 2-D table, read in
batches of rows (pyarrow decodes one row group at a time, so its size also bounds memory)."""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import InputError
from .base import Block, Source, import_optional
from .columns import batch_block, numeric_columns


def open_parquet(path: str, key: str | None, chunk_bytes: int) -> Source:
    pq = import_optional("pyarrow.parquet", ".parquet files", "parquet")
    import pyarrow as pa

    try:
        f = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as e:
        raise InputError(f"{path}: not a valid Parquet file: {e}") from None
    columns, dtype, exact = numeric_columns(f.schema_arrow, key, path)
    rows = f.metadata.num_rows
    row_bytes = len(columns) * dtype.itemsize
    batch_rows = max(1, chunk_bytes // row_bytes)

    def blocks() -> Iterator[Block]:
        row = 0
        try:
            for batch in f.iter_batches(batch_size=batch_rows, columns=columns):
                yield batch_block(batch, columns, dtype, row, (row + batch.num_rows) * row_bytes, exact)
                row += batch.num_rows
        except (pa.ArrowException, OSError) as e:
            raise InputError(f"{path}: corrupt Parquet data after row {row}: {e}") from None
        except InputError as e:  # a value the table's common type cannot hold
            raise InputError(f"{path}: {e}") from None

    shape = (rows,) if len(columns) == 1 else (rows, len(columns))
    source = Source(path, shape, dtype, rows * row_bytes, blocks)
    source.labels["columns"] = columns
    if not exact:
        source.by_column = lambda: [open_parquet(path, column, chunk_bytes) for column in columns]
    return source
