"""The file layer's one error: a file that cannot be what it claims to be."""

from __future__ import annotations


class FileFormatError(ValueError):
    """A corrupt, truncated, hostile or unsupported file; the message is one line naming the file."""


def truncated(name: str, ends_at: int, data_end: int) -> FileFormatError:
    return FileFormatError(
        f"{name}: truncated: the data ends at byte {ends_at}, but the header says it runs to byte {data_end}"
    )
