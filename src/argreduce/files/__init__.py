"""The file layer shared by the command line (cli/readers/) and the Dask path (dask/sources.py).

One place for what both need to know about a file before reading its data: the format a path
holds (formats.py), the layout of a .npy file from its header, validated before anything is
allocated (npy.py), and how an array on disk is cut into blocks that are contiguous in the file
(blocks.py). Every problem with a file is a ``FileFormatError``, a ValueError with a one-line message
that names the file.
"""

from .blocks import DASK_BLOCK_BYTES, DEFAULT_CHUNK_BYTES, block_shape, bounded_chunk_bytes, plan_blocks
from .errors import FileFormatError, truncated
from .formats import FORMATS, guess_format, require_regular_file
from .npy import NpyHeader, read_npy_header

__all__ = [
    "DASK_BLOCK_BYTES", "DEFAULT_CHUNK_BYTES", "FORMATS", "FileFormatError", "NpyHeader", "block_shape",
    "bounded_chunk_bytes", "guess_format", "plan_blocks", "read_npy_header", "require_regular_file",
    "truncated",
]
