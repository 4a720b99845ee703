"""Numeric text tables: .csv, .tsv, and numbers on standard input (whitespace or commas between).

A header row is recognised by a cell that is not a number. A table of one column is read as a 1-D
array of its rows, so ``argreduce losses.csv`` prints the row of the lowest loss. Rows are counted
from 0, header and blank lines not included. Integers stay int64 (exact beyond 2**53) unless a cell
holds a float, and then the whole table is float64, as np.loadtxt would make it: when the first
float comes after the first block, the read starts again (standard input is replayed from memory).
A UTF-8 byte-order mark is skipped; text that is not UTF-8 is an input error naming the byte.

The input is read in byte blocks of about --chunk-bytes, each cut after its last line end and parsed
whole in C, never line by line in Python:
- a .csv or .tsv file of at least ``ARROW_MIN_BYTES`` goes through pyarrow's streaming CSV reader
  when pyarrow is installed (parsed on its threads while the core reduces the previous block), every
  column read as int64, or as float64 once a float was seen: given the types, pyarrow parses about
  1.7x faster than when it infers them;
- everything else (standard input, whitespace-separated text, small files, and any file pyarrow
  refuses, which is then read again this way) through NumPy's C parser, ``np.loadtxt``, one block
  at a time. Its errors are located here (line, column, the cell) only once a block has failed.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import re
from collections.abc import Iterator

import numpy as np

from ..errors import InputError
from .base import Block, Restart, Source, stdin_reader

_BOM = b"\xef\xbb\xbf"
_NON_BLANK = re.compile(rb"\S")
#: Files smaller than this are parsed by NumPy: importing pyarrow would cost more than it saves.
ARROW_MIN_BYTES = 4 * 2**20
#: pyarrow's block: it holds a few dozen of them in flight (about 40 MiB for 1 MiB blocks, 200 MiB for
#: 8 MiB ones), and larger blocks parse no faster. A row longer than a block is refused, and such a
#: file is read by NumPy's parser instead.
ARROW_BLOCK_BYTES = 2**20
#: NumPy's parser takes at most this much text at a time (--chunk-bytes if smaller): its working
#: copies (the decoded text, a StringIO of 4 bytes a character) are several times the block.
NUMPY_BLOCK_BYTES = 2**20
#: pyarrow's message for a cell its column's type refuses (the cell is checked here again).
_ARROW_BAD_CELL = re.compile(r"CSV conversion error to int64: invalid value '(.*)'\Z", re.DOTALL)


def _cells(line: str, delimiter: str | None) -> list[str]:
    if delimiter is None:
        return line.replace(",", " ").split()
    if delimiter == ",":
        return [c.strip() for c in next(csv.reader([line]))]
    return [c.strip() for c in line.rstrip("\r\n").split(delimiter)]


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _is_int(cell: str) -> bool:
    try:
        int(cell)
    except ValueError:
        return False
    return True


class _Input:
    """The input's bytes from the start, readable more than once: a file is reopened; standard input
    is kept in memory while it may have to be read again."""

    SPOOL_LIMIT = 64 * 2**20  # bytes of standard input kept for a restart as float64

    def __init__(self, path: str, read_size: int):
        self.path = path
        self.stdin = path == "-"
        self.read_size = read_size
        self.input = stdin_reader(binary=True) if self.stdin else None
        self.kept: list[bytes] | None = []  # standard input read so far; None once it outgrew its limit

    @property
    def replayable(self) -> bool:
        return not self.stdin or self.kept is not None

    def chunks(self, keep: int | None) -> Iterator[bytes]:
        """The bytes from the start, in reads of up to ``read_size``; of standard input, up to
        ``keep`` bytes (None: all) are kept for the next call."""
        if not self.stdin:
            with open(self.path, "rb") as f:
                while chunk := f.read(self.read_size):
                    yield chunk
            return
        if self.kept is None:
            raise AssertionError("standard input cannot be read again: it outgrew the spool")
        # read1: what the pipe holds now, so that a writer that pauses is not waited for
        read = getattr(self.input, "read1", self.input.read)
        earlier, self.kept, kept_bytes = self.kept, [], 0
        for chunk in itertools.chain(earlier, iter(lambda: read(self.read_size), b"")):
            if self.kept is not None:
                self.kept.append(chunk)
                kept_bytes += len(chunk)
                if keep is not None and kept_bytes > keep:
                    self.kept = None
            yield chunk


_Lines = _Input  # its former name, kept for callers that tune SPOOL_LIMIT


def _line_runs(chunks: Iterator[bytes], skip: int, min_size: int) -> Iterator[tuple[bytes, int]]:
    """Runs of whole lines of at least ``min_size`` bytes (the last one may be shorter), after the
    first ``skip`` bytes, each with the offset of its first byte in the input."""
    pending: list[bytes] = []
    size, offset = 0, skip
    for chunk in chunks:
        if skip:
            dropped = min(skip, len(chunk))
            chunk, skip = chunk[dropped:], skip - dropped
        pending.append(chunk)
        size += len(chunk)
        if size < min_size or b"\n" not in chunk:
            continue
        buffer = b"".join(pending)
        cut = buffer.rfind(b"\n") + 1
        yield buffer[:cut], offset
        offset += cut
        pending, size = [buffer[cut:]], len(buffer) - cut
    if size:
        yield b"".join(pending), offset


class TextTable:
    def __init__(self, path: str, delimiter: str | None, chunk_bytes: int):
        self.path = path
        self.name = "<stdin>" if path == "-" else path
        self.delimiter = delimiter
        self.chunk_bytes = chunk_bytes
        self.block_bytes = min(chunk_bytes, NUMPY_BLOCK_BYTES)
        self.input = _Input(path, self.block_bytes)
        self.size = None if path == "-" else os.path.getsize(path)
        self.dtype = np.dtype(np.int64)
        self.header: list[str] | None = None
        self.ncols = 0
        self.header_line = 0
        self.data_start = 0  # bytes before the first data line: a byte-order mark, the header
        self.source: Source | None = None
        self.use_arrow = False

    # --- the first row: header or data ---------------------------------------------------------------

    def _text(self, raw: bytes, offset: int, lineno: int) -> str:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as e:
            line = lineno + raw.count(b"\n", 0, e.start)
            raise InputError(
                f"{self.name}: not UTF-8 text: byte 0x{raw[e.start]:02x} at offset {offset + e.start} "
                f"(line {line}); is it a binary file read as text?") from None

    def detect_header(self) -> None:
        """Reads up to the end of the first non-blank line: a header if any cell is not a number."""
        pieces: list[bytes] = []
        seen = b""
        for chunk in self.input.chunks(keep=None):  # reads a row or so: keep it all for the data pass
            pieces.append(chunk)
            if b"\n" in chunk:
                seen = b"".join(pieces)
                first = _NON_BLANK.search(seen, len(_BOM) if seen.startswith(_BOM) else 0)
                if first and seen.find(b"\n", first.start()) >= 0:
                    break
        else:
            seen = b"".join(pieces)
        start = len(_BOM) if seen.startswith(_BOM) else 0
        self.data_start = start
        lineno, pos = 1, start
        while pos < len(seen):
            end = seen.find(b"\n", pos)
            end = len(seen) if end < 0 else end + 1
            raw = seen[pos:end]
            if raw.strip():
                cells = _cells(self._text(raw, pos, lineno), self.delimiter)
                self.ncols = len(cells)
                if not all(_is_number(c) for c in cells):
                    self.header, self.header_line, self.data_start = cells, lineno, end
                return
            lineno, pos = lineno + 1, end

    # --- NumPy's parser, a block of lines at a time --------------------------------------------------

    def _error_in(self, text: str, first_line: int, fallback: Exception) -> InputError:
        """Finds the first bad cell in a block np.loadtxt refused, for a message naming it."""
        # split at "\n" alone, as the line numbers are counted (splitlines() also splits at \f, \v ...)
        for lineno, line in enumerate(text.split("\n"), first_line):
            if not line.strip():
                continue
            cells = _cells(line, self.delimiter)
            if len(cells) != self.ncols:
                return InputError(f"{self.name}: line {lineno} has {len(cells)} values, but the table has "
                                  f"{self.ncols} columns")
            for col, cell in enumerate(cells, 1):
                if not _is_number(cell):
                    label = f" ({self.header[col - 1]!r})" if self.header else ""
                    return InputError(
                        f"{self.name}: line {lineno}, column {col}{label}: {cell!r} is not a number")
        return InputError(f"{self.name}: cannot read the table: {fallback}")

    def _load(self, text: str, dtype) -> np.ndarray:
        if self.delimiter is None:
            text = text.replace(",", " ")
        return np.loadtxt(io.StringIO(text), delimiter=self.delimiter, dtype=dtype, ndmin=2, comments=None,
                          quotechar='"' if self.delimiter == "," else None, encoding=None)

    def _parse(self, text: str, first_line: int, first_block: bool) -> np.ndarray:
        try:
            if self.dtype == np.float64:
                return self._load(text, np.float64)
            try:
                return self._load(text, np.int64)
            except (ValueError, OverflowError):
                values = self._load(text, np.float64)  # a ValueError here is a cell that is no number
        except ValueError as e:
            raise self._error_in(text, first_line, e) from None
        self._become_float(first_line, first_block)
        return values

    def _become_float(self, lineno: int | None, first_block: bool) -> None:
        """A float among the integers: the table is float64, read again if rows went by as int64."""
        self._set_dtype(np.float64)
        if first_block:
            return
        if not self.input.replayable:
            where = f"from line {lineno} on" if lineno else "in a later block"
            raise InputError(
                f"{self.name}: a float {where}, after more than {_Input.SPOOL_LIMIT >> 20} MiB "
                "of integers read as int64; standard input cannot be read again as float64: save it to a "
                "file first")
        raise Restart

    def _set_dtype(self, dtype) -> None:
        self.dtype = np.dtype(dtype)
        if self.source is not None:
            self.source.dtype = self.dtype

    def _numpy_blocks(self) -> Iterator[Block]:
        row = 0
        # integers so far: keep standard input in case a float comes
        keep = 0 if self.dtype == np.float64 else _Input.SPOOL_LIMIT
        lineno = self.header_line + 1
        first_block = True
        for raw, offset in _line_runs(self.input.chunks(keep), self.data_start, self.block_bytes):
            text = self._text(raw, offset, lineno)
            first_line, lineno = lineno, lineno + raw.count(b"\n")
            if not text.strip():  # blank lines only: np.loadtxt would warn of no data
                continue
            values = self._parse(text, first_line, first_block)
            first_block = False
            if values.shape[1] != self.ncols:
                raise self._error_in(text, first_line, ValueError("inconsistent number of columns"))
            yield self._block(values, row, offset + len(raw))
            row += len(values)

    def _block(self, values: np.ndarray, row: int, position: int) -> Block:
        if self.ncols == 1:
            return Block(values[:, 0], (row,), position)
        return Block(values, (row, 0), position)

    # --- pyarrow's streaming reader -----------------------------------------------------------------

    def _arrow_reader(self, pa, stream):
        from pyarrow import csv as pacsv

        names = [f"c{i}" for i in range(self.ncols)]
        return pacsv.open_csv(
            stream,
            read_options=pacsv.ReadOptions(column_names=names, block_size=ARROW_BLOCK_BYTES),
            parse_options=pacsv.ParseOptions(delimiter=self.delimiter,
                                             quote_char='"' if self.delimiter == "," else False,
                                             ignore_empty_lines=True),
            # no null values: an empty or "NA" cell is not a number, as in NumPy's parser
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.from_numpy_dtype(self.dtype)), null_values=[],
                strings_can_be_null=False, quoted_strings_can_be_null=False),
        )

    def _arrow_blocks(self) -> Iterator[Block]:
        import pyarrow as pa

        row = 0
        with pa.OSFile(self.path) as stream:
            stream.seek(self.data_start)
            try:
                for batch in self._arrow_reader(pa, stream):
                    if batch.num_rows:
                        yield self._block(self._batch_values(batch), row, min(stream.tell(), self.size))
                        row += batch.num_rows
            except pa.ArrowException as e:  # a cell, a row or a line it cannot read
                self._arrow_refused(str(e), first_block=row == 0)

    def _batch_values(self, batch) -> np.ndarray:
        columns = [c.to_numpy() for c in batch.columns]  # no nulls: views of Arrow's buffers
        if self.ncols == 1:
            return columns[0].reshape(-1, 1)
        values = np.empty((batch.num_rows, self.ncols), dtype=self.dtype, order="F")  # a column per copy
        for i, c in enumerate(columns):
            values[:, i] = c
        return values

    def _arrow_refused(self, message: str, first_block: bool) -> None:
        """pyarrow refused a cell. A float among int64 columns makes the table float64; anything else
        (a cell NumPy's parser may still read, such as ' 5', or an error to be located) is read again
        by NumPy's parser, which decides the element type afresh."""
        bad = _ARROW_BAD_CELL.search(message)
        if self.dtype == np.int64 and bad and _is_number(bad.group(1)) and not _is_int(bad.group(1)):
            self._become_float(None, first_block)
        else:
            self.use_arrow = False
            self._set_dtype(np.int64)
            if not first_block:
                raise Restart
        # nothing was handed on yet: go on at once with the new element type or parser
        raise _ReadAgain

    def blocks(self) -> Iterator[Block]:
        while True:
            try:
                if self.use_arrow:
                    yield from self._arrow_blocks()
                else:
                    yield from self._numpy_blocks()
                return
            except _ReadAgain:
                continue


class _ReadAgain(Exception):
    """Nothing was handed on yet, and the read goes on from the start with another type or parser."""


def _arrow_installed() -> bool:
    try:
        import pyarrow.csv  # noqa: F401
    except ImportError:
        return False
    return True


def open_text(path: str, delimiter: str | None, chunk_bytes: int) -> Source:
    if path != "-" and not os.path.isfile(path):
        raise InputError(f"{path}: not a regular file")
    table = TextTable(path, delimiter, chunk_bytes)
    table.detect_header()
    if table.ncols == 0:
        raise InputError(f"{table.name}: no numbers to reduce (the input is empty)")
    table.use_arrow = (delimiter is not None and table.size is not None and table.size >= ARROW_MIN_BYTES
                       and _arrow_installed())
    shape = (None,) if table.ncols == 1 else (None, table.ncols)
    source = table.source = Source(table.name, shape, table.dtype, table.size, table.blocks)
    if table.header:
        source.labels["columns"] = table.header
    return source
