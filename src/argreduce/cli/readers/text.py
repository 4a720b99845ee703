"""Numeric text tables: .csv, .tsv, and numbers on standard input (whitespace or commas between).

A header row is recognised by a cell that is not a number. A table of one column is read as a 1-D
array of its rows, so ``argreduce losses.csv`` prints the row of the lowest loss. Rows are counted
from 0, header and blank lines not included. Integers stay int64 (exact beyond 2**53) unless a cell
holds a float, and then the whole table is float64, as np.loadtxt would make it: when the first
float comes after the first chunk, the read starts again (standard input is replayed from memory).
"""

from __future__ import annotations

import csv
import itertools
import os
from collections.abc import Iterator

import numpy as np

from ..errors import InputError
from .base import Block, Restart, Source, stdin_reader


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


class _Lines:
    """The input's lines, readable more than once: a file is reopened; standard input is kept in
    memory while it may have to be read again."""

    SPOOL_LIMIT = 64 * 2**20  # characters of standard input kept for a restart as float64

    def __init__(self, path: str):
        self.path = path
        self.stdin = path == "-"
        self.input = stdin_reader(binary=False) if self.stdin else None
        self.kept: list[str] | None = []  # standard input read so far; None once it outgrew its limit

    @property
    def replayable(self) -> bool:
        return not self.stdin or self.kept is not None

    def open(self, keep: int | None) -> Iterator[str]:
        """The lines from the start; of standard input, up to ``keep`` characters (None: all) are kept
        for the next open()."""
        if not self.stdin:
            with open(self.path, encoding="utf-8", newline="") as f:
                yield from f
            return
        if self.kept is None:
            raise AssertionError("standard input cannot be read again: it outgrew the spool")
        earlier, self.kept, kept_chars = self.kept, [], 0
        for line in itertools.chain(earlier, self.input):
            if self.kept is not None:
                self.kept.append(line)
                kept_chars += len(line)
                if keep is not None and kept_chars > keep:
                    self.kept = None
            yield line


class TextTable:
    def __init__(self, path: str, delimiter: str | None, chunk_bytes: int):
        self.name = "<stdin>" if path == "-" else path
        self.delimiter = delimiter
        self.chunk_bytes = chunk_bytes
        self.lines = _Lines(path)
        self.dtype = np.dtype(np.int64)
        self.header: list[str] | None = None
        self.ncols = 0
        self.header_line = 0
        self.source: Source | None = None

    def _error_in(self, lines: list[tuple[int, str]], fallback: Exception) -> InputError:
        """Finds the first bad cell in a chunk np.loadtxt refused, for a message naming it."""
        for lineno, line in lines:
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

    def _load(self, lines: list[tuple[int, str]], dtype) -> np.ndarray:
        text = [line for _, line in lines]
        if self.delimiter is None:
            text = [line.replace(",", " ") for line in text]
        return np.loadtxt(text, delimiter=self.delimiter, dtype=dtype, ndmin=2, comments=None,
                          quotechar='"' if self.delimiter == "," else None, encoding=None)

    def _parse(self, lines: list[tuple[int, str]], first_chunk: bool) -> np.ndarray:
        try:
            if self.dtype == np.float64:
                return self._load(lines, np.float64)
            try:
                return self._load(lines, np.int64)
            except (ValueError, OverflowError):
                values = self._load(lines, np.float64)  # a ValueError here is a cell that is no number
        except ValueError as e:
            raise self._error_in(lines, e) from None
        self._become_float(lines[0][0], first_chunk)
        return values

    def _become_float(self, lineno: int, first_chunk: bool) -> None:
        """A float among the integers: the table is float64, read again if rows went by as int64."""
        self.dtype = np.dtype(np.float64)
        if self.source is not None:
            self.source.dtype = self.dtype
        if first_chunk:
            return
        if not self.lines.replayable:
            raise InputError(
                f"{self.name}: a float from line {lineno} on, after more than {_Lines.SPOOL_LIMIT >> 20} MiB "
                "of integers read as int64; standard input cannot be read again as float64: save it to a "
                "file first")
        raise Restart

    def _chunks(self, source_lines: Iterator[str]) -> Iterator[tuple[list[tuple[int, str]], int]]:
        """Chunks of (line number, line) of about chunk_bytes, and the characters read so far."""
        chunk: list[tuple[int, str]] = []
        size = done = 0
        for lineno, line in enumerate(source_lines, 1):
            done += len(line)
            if not line.strip() or (self.header is not None and lineno == self.header_line):
                continue
            chunk.append((lineno, line))
            size += len(line)
            if size >= self.chunk_bytes:
                yield chunk, done
                chunk, size = [], 0
        if chunk:
            yield chunk, done

    def detect_header(self) -> None:
        """Reads up to the first non-blank line: a header if any cell is not a number."""
        for lineno, line in enumerate(self.lines.open(keep=None), 1):  # reads one row: keep it all
            if line.strip():
                cells = _cells(line, self.delimiter)
                self.ncols = len(cells)
                if not all(_is_number(c) for c in cells):
                    self.header, self.header_line = cells, lineno
                return

    def blocks(self) -> Iterator[Block]:
        row = 0
        final = self.dtype == np.float64
        keep = 0 if final else _Lines.SPOOL_LIMIT  # integers so far: keep them in case a float comes
        for i, (chunk, done) in enumerate(self._chunks(self.lines.open(keep))):
            values = self._parse(chunk, first_chunk=i == 0)
            if values.shape[1] != self.ncols:
                raise self._error_in(chunk, ValueError("inconsistent number of columns"))
            array = values[:, 0] if self.ncols == 1 else values
            yield Block(array, (row,) if self.ncols == 1 else (row, 0), done)
            row += len(values)


def open_text(path: str, delimiter: str | None, chunk_bytes: int) -> Source:
    if path != "-" and not os.path.isfile(path):
        raise InputError(f"{path}: not a regular file")
    table = TextTable(path, delimiter, chunk_bytes)
    table.detect_header()
    if table.ncols == 0:
        raise InputError(f"{table.name}: no numbers to reduce (the input is empty)")
    shape = (None,) if table.ncols == 1 else (None, table.ncols)
    size = None if path == "-" else os.path.getsize(path)
    source = table.source = Source(table.name, shape, table.dtype, size, table.blocks)
    if table.header:
        source.labels["columns"] = table.header
    return source
