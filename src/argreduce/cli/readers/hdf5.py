"""HDF5 datasets through h5py (the 'hdf5' extra): --key is the dataset's path in the file, optional
when the file holds a single dataset."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..errors import InputError
from .base import Block, Source, core_dtype_of, import_optional, sliced_blocks
from .npz import choose_key


def _datasets(h5py, f) -> list[str]:
    found: list[str] = []
    f.visititems(lambda path, node: found.append(path) if isinstance(node, h5py.Dataset) else None)
    return found


def open_hdf5(path: str, key: str | None, chunk_bytes: int) -> Source:
    h5py = import_optional("h5py", "HDF5 files", "hdf5")
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise InputError(f"{path}: not a readable HDF5 file: {e}") from None
    datasets = _datasets(h5py, f)
    if key is not None and key.strip("/") in datasets:
        key = key.strip("/")
    dataset_path = choose_key(path, key, datasets, "datasets")
    dataset = f[dataset_path]
    name = f"{path}[{dataset_path}]"
    if dataset.shape is None:  # h5py.Empty: a null dataspace, no array at all
        raise InputError(f"{name}: the dataset is empty (an HDF5 null dataspace): it holds no array")
    dtype = np.dtype(dataset.dtype)
    core_dtype_of(dtype, name)
    shape = tuple(dataset.shape)

    def blocks() -> Iterator[Block]:
        try:
            yield from sliced_blocks(dataset, shape, dtype, chunk_bytes, dataset.chunks)
        except (OSError, ValueError) as e:
            raise InputError(f"{name}: cannot read the data: {e}") from None
        finally:
            f.close()

    return Source(name, shape, dtype, int(np.prod(shape, dtype=np.int64)) * dtype.itemsize, blocks)
