"""Arrow IPC files and streams, Feather v2 included (pyarrow; the 'parquet' extra). The file is
memory-mapped, so uncompressed batches are read in place; big batches are cut into chunks."""

from __future__ import annotations

import os
from collections.abc import Iterator

from ..errors import InputError
from .base import Block, Source, import_optional
from .columns import batch_block, numeric_columns


def _open_reader(pa, path: str):
    ipc = import_optional("pyarrow.ipc", "Arrow/Feather files", "parquet")
    try:
        source = pa.memory_map(path)
    except (pa.ArrowException, OSError) as e:
        raise InputError(f"{path}: cannot open: {e}") from None
    try:
        return ipc.open_file(source)
    except pa.ArrowInvalid:
        source.seek(0)
    try:
        return ipc.open_stream(source)
    except pa.ArrowInvalid as e:
        raise InputError(f"{path}: not an Arrow IPC file or stream (nor Feather v2): {e}") from None


def open_arrow(path: str, key: str | None, chunk_bytes: int) -> Source:
    pa = import_optional("pyarrow", "Arrow/Feather files", "parquet")
    reader = _open_reader(pa, path)
    columns, dtype, exact = numeric_columns(reader.schema, key, path)
    size = os.path.getsize(path)
    batch_rows = max(1, chunk_bytes // (len(columns) * dtype.itemsize))

    is_file = isinstance(reader, pa.ipc.RecordBatchFileReader)

    def batches():
        """Each batch, and the progress position after it: a share of the file, or bytes decoded."""
        if is_file:
            n = reader.num_record_batches
            for i in range(n):
                yield reader.get_batch(i), size * (i + 1) // n
        else:
            done = 0
            for batch in reader:
                done += batch.nbytes
                yield batch, done

    def blocks() -> Iterator[Block]:
        row = 0
        try:
            for batch, position in batches():
                for start in range(0, batch.num_rows, batch_rows):
                    part = batch.slice(start, batch_rows)
                    yield batch_block(part, columns, dtype, row, position, exact)
                    row += part.num_rows
        except (pa.ArrowException, OSError) as e:
            raise InputError(f"{path}: corrupt Arrow data after row {row}: {e}") from None
        except InputError as e:  # a value the table's common type cannot hold
            raise InputError(f"{path}: {e}") from None

    shape = (None,) if len(columns) == 1 else (None, len(columns))
    source = Source(path, shape, dtype, size if is_file else None, blocks)
    source.labels["columns"] = columns
    if not exact:
        source.by_column = lambda: [open_arrow(path, column, chunk_bytes) for column in columns]
    return source
