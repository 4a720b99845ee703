""".npy, .npz and .safetensors through the command line against the in-memory library result:
every layout (C, Fortran, byte-swapped), dims, keepdim, argmax, and chunk sizes down to one byte,
so chunk boundaries split runs of ties, NaNs and +-0.0."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from cli_support import dim_args, expected, json_index, tie_heavy

SHAPES = [(), (1,), (17,), (6, 5), (4, 3, 5), (2, 1, 3, 2)]
CHUNKS = ["1", "12", "100", "16M"]


def all_dims(ndim: int):
    yield None
    yield from range(ndim)
    yield -1 if ndim else 0
    yield from itertools.combinations(range(ndim), 2)
    if ndim >= 3:
        yield (ndim - 1, 0)  # order given does not matter: the flattening is row-major
        yield tuple(range(ndim))


def values(dtype: str, shape, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if dtype in ("float32", "float16", "float64"):
        return tie_heavy(rng, shape, dtype)
    if dtype == "int64":  # neighbours beyond 2**53: a float64 round trip would tie them
        return (2**53 + rng.integers(0, 3, size=shape)).astype(np.int64)
    if dtype == "uint64":
        return (np.uint64(2**64 - 4) + rng.integers(0, 3, size=shape).astype(np.uint64)).astype(np.uint64)
    if dtype == "bool":
        return rng.random(shape) < 0.5
    return rng.integers(-128, 128, size=shape).astype(dtype)


def check_all(cli, path, x):
    for dim, chunk, is_max in itertools.product(all_dims(x.ndim), CHUNKS, (False, True)):
        args = [path, "--json", "--chunk-bytes", chunk, *dim_args(dim)] + (["--max"] if is_max else [])
        got = json_index(cli(*args))
        want = expected(x, dim, is_max)
        assert got.tolist() == want.tolist(), (args, x)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("layout", ["C", "F", "swapped"])
def test_npy_float32_every_layout(cli, tmp_path, shape, layout):
    x = values("float32", shape, seed=len(shape))
    stored = {"C": x, "F": np.asfortranarray(x), "swapped": x.astype(">f4")}[layout]
    path = tmp_path / "x.npy"
    np.save(path, stored)
    check_all(cli, path, x)


@pytest.mark.parametrize("dtype", ["float16", "float64", "int8", "int64", "uint64", "bool"])
def test_npy_dtypes(cli, tmp_path, dtype):
    x = values(dtype, (5, 4, 3), seed=7)
    path = tmp_path / "x.npy"
    np.save(path, np.asfortranarray(x) if dtype == "int64" else x)
    check_all(cli, path, x)


@pytest.mark.parametrize("chunk", ["4", "8", "12"])
def test_chunk_boundaries_split_ties_and_nans(cli, tmp_path, chunk):
    # One float32 per chunk at "4": the tie at 1..3 and the first NaN (index 5) each straddle chunks.
    x = np.array([5, 1, 1, 1, -0.0, np.nan, 1, -np.nan], dtype=np.float32)
    np.save(tmp_path / "x.npy", x)
    assert cli(tmp_path / "x.npy", "--chunk-bytes", chunk).out == f"{expected(x, None)}\n"
    y = np.array([5, 1, 1, 0.0, -0.0, 3], dtype=np.float32)  # no NaN: +0.0 at 3 ties -0.0 at 4, 3 wins
    np.save(tmp_path / "y.npy", y)
    assert cli(tmp_path / "y.npy", "--chunk-bytes", chunk).out == "3\n" == f"{expected(y, None)}\n"
    assert cli(tmp_path / "y.npy", "--chunk-bytes", chunk, "--max").out == f"{expected(y, None, True)}\n"


def test_rows_bigger_than_a_chunk_are_cut_within_the_row(cli, tmp_path):
    x = values("float32", (3, 4, 50), seed=3)
    np.save(tmp_path / "x.npy", x)
    for dim in (None, 0, 1, 2, (0, 2), (1, 2)):
        # 64 bytes: one row of 200 elements is cut into pieces of 16 along the last dim
        got = json_index(cli(tmp_path / "x.npy", "--json", "--chunk-bytes", "64", *dim_args(dim)))
        assert got.tolist() == expected(x, dim).tolist(), dim


def test_keepdim_and_unravel(cli, tmp_path):
    x = values("float32", (4, 3, 5), seed=11)
    np.save(tmp_path / "x.npy", x)
    run = cli(tmp_path / "x.npy", "--json", "--dim=0,2", "--keepdim", "--unravel", "--chunk-bytes", "20")
    import json

    doc = json.loads(run.out)
    want = expected(x, (0, 2), keepdim=True)
    assert doc["index"] == want.tolist()
    assert doc["coords"] == np.stack(np.unravel_index(want, (4, 5)), axis=-1).tolist()
    flat = int(expected(x, None))
    coords = tuple(int(i) for i in np.unravel_index(flat, x.shape))
    assert cli(tmp_path / "x.npy", "--unravel").out == f"{coords}\n"


def test_text_output_is_numpy_notation(cli, tmp_path):
    np.save(tmp_path / "s.npy", np.array([[8, 3, 5], [2, 7, 4]]))
    assert cli(tmp_path / "s.npy").out == "3\n"
    assert cli(tmp_path / "s.npy", "--dim", "0").out == "[1 0 1]\n"
    assert cli(tmp_path / "s.npy", "--dim", "1").out == "[1 0]\n"
    assert cli(tmp_path / "s.npy", "--dim", "-1", "--keepdim").out == "[[1]\n [0]]\n"


def test_threads_do_not_change_the_answer(cli, tmp_path):
    x = values("float32", (300, 70), seed=5)
    np.save(tmp_path / "x.npy", x)
    for threads in ("1", "2", "3"):
        for dim in (None, 0, 1):
            got = json_index(cli(tmp_path / "x.npy", "--json", "--threads", threads, "--chunk-bytes", "1000",
                                 *dim_args(dim)))
            assert got.tolist() == expected(x, dim).tolist()


@pytest.mark.parametrize("compressed", [False, True])
def test_npz_members_by_key(cli, tmp_path, compressed):
    a, b = values("float32", (6, 5), seed=1), values("int8", (9,), seed=2)
    path = tmp_path / "x.npz"
    (np.savez_compressed if compressed else np.savez)(path, a=a, b=np.asfortranarray(b))
    for key, arr in (("a", a), ("b", b), ("a.npy", a)):
        for dim in (None, 0, -1):
            got = json_index(cli(path, "--key", key, "--json", "--chunk-bytes", "8", *dim_args(dim)))
            assert got.tolist() == expected(arr, dim).tolist()
    np.savez(tmp_path / "one.npz", only=b)
    assert cli(tmp_path / "one.npz").out == f"{expected(b, None)}\n"


def test_npy_on_standard_input(cli, tmp_path):
    x = values("float64", (7, 3), seed=4)
    np.save(tmp_path / "x.npy", x)
    data = (tmp_path / "x.npy").read_bytes()
    got = json_index(cli("-", "--format", "npy", "--json", "--dim", "0", "--chunk-bytes", "16", stdin=data))
    assert got.tolist() == expected(x, 0).tolist()


def _safetensors(path, tensors):
    from safetensors.numpy import save_file

    save_file(tensors, str(path))


@pytest.mark.parametrize("dtype", ["float32", "float16", "int64", "uint8", "bool"])
def test_safetensors(cli, tmp_path, dtype):
    w, b = values(dtype, (6, 4, 3), seed=8), values(dtype, (4,), seed=9)
    _safetensors(tmp_path / "m.safetensors", {"layer.3.weight": w, "layer.3.bias": b})
    for key, arr in (("layer.3.weight", w), ("layer.3.bias", b)):
        for dim in (None, 0, (1, 2)) if arr.ndim == 3 else (None, 0):
            for chunk in ("1", "40", "16M"):
                run = cli(tmp_path / "m.safetensors", "--key", key, "--json", "--chunk-bytes", chunk,
                          *dim_args(dim))
                assert json_index(run).tolist() == expected(arr, dim).tolist()


def test_safetensors_bfloat16(cli, tmp_path):
    torch = pytest.importorskip("torch")
    from safetensors.torch import save_file

    x = torch.from_numpy(values("float32", (5, 6), seed=10)).to(torch.bfloat16)
    save_file({"w": x}, str(tmp_path / "m.safetensors"))
    for dim in (None, 0, 1):
        for is_max in (False, True):
            run = cli(tmp_path / "m.safetensors", "--json", "--chunk-bytes", "6", *dim_args(dim),
                      *(["--max"] if is_max else []))
            f = torch.argmax if is_max else torch.argmin
            want = f(x) if dim is None else f(x, dim=dim)  # the contract's oracle itself
            assert json_index(run).tolist() == want.tolist()
            assert '"dtype": "bfloat16"' in run.out
