""".npz archives (np.savez, np.savez_compressed): one member .npy, streamed out of the zip."""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator

from ...files import read_npy_header
from ..errors import InputError
from .base import BUFFERS_IN_FLIGHT, Block, Source, core_dtype_of
from .raw import raw_blocks


def choose_key(name: str, key: str | None, keys: list[str], what: str = "arrays") -> str:
    """The array ``--key`` names, or the only one there is."""
    if key is not None:
        if key not in keys:
            listed = ", ".join(keys) if keys else "none"
            raise InputError(f"{name}: no array named {key!r} (it holds: {listed})")
        return key
    if len(keys) == 1:
        return keys[0]
    if not keys:
        raise InputError(f"{name}: holds no {what}")
    raise InputError(f"{name}: holds several {what} ({', '.join(keys)}); choose one with --key")


#: What zipfile raises for a corrupt archive: besides its own BadZipFile, a seek to a bad offset
#: (OSError), a member name that is not the UTF-8 its flag says (UnicodeDecodeError), a short
#: structure (struct.error), a bad deflate stream (zlib.error).
_CORRUPT = (zipfile.BadZipFile, EOFError, zlib.error, OSError, UnicodeDecodeError, struct.error)


def open_npz(path: str, key: str | None, chunk_bytes: int) -> Source:
    try:
        archive = zipfile.ZipFile(path)
    except _CORRUPT as e:
        raise InputError(f"{path}: not a valid .npz file: {e}") from None
    except NotImplementedError as e:  # zipfile: "zip file version 7.2" (a zip feature it lacks)
        raise InputError(f"{path}: unsupported .npz archive: {e}") from None
    members = {n.removesuffix(".npy"): n for n in archive.namelist()}
    if key is not None and key not in members and key.removesuffix(".npy") in members:
        key = key.removesuffix(".npy")
    member = members[choose_key(path, key, list(members))]
    name = f"{path}[{member.removesuffix('.npy')}]"
    try:
        f = archive.open(member)
        header = read_npy_header(f, name)
    except _CORRUPT as e:
        raise InputError(f"{name}: corrupt archive: {e}") from None
    except RuntimeError as e:  # zipfile: "File ... is encrypted, password required"
        raise InputError(f"{name}: cannot read an encrypted archive member ({e})") from None
    except NotImplementedError as e:  # zipfile: a compression method it does not know (99: AES ...)
        raise InputError(f"{name}: unsupported archive member: {e}") from None
    # The member's size from the zip directory bounds what zipfile will inflate: a header claiming
    # more is refused here, before anything the size of its shape is allocated.
    header.check_fits(name, archive.getinfo(member).file_size)
    shape, dtype, fortran, data_offset = header.shape, header.dtype, header.fortran_order, header.data_offset
    core_dtype_of(dtype, name)
    compressed = archive.getinfo(member).compress_type != zipfile.ZIP_STORED  # inflating is worth a thread
    buffers = BUFFERS_IN_FLIGHT if compressed else 1

    def blocks() -> Iterator[Block]:
        try:
            yield from raw_blocks(f, name, data_offset, shape, dtype, fortran, chunk_bytes, buffers)
        except _CORRUPT as e:
            raise InputError(f"{name}: corrupt archive: {e}") from None
        finally:
            f.close()
            archive.close()

    return Source(name, shape, dtype, header.nbytes, blocks, decodes=compressed)
