"""argreduce on a real Dask cluster: two worker processes over TCP on loopback.

The workers read the Zarr store and the .npy file themselves; the answers must equal argreduce's
in-memory ones, also after a worker is killed in the middle of a computation.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import signal
import time

import dask.array as da
import numpy as np
import pytest
import zarr
from distributed import Client, LocalCluster
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import argreduce as ar
from argreduce.dask import open_file, reduce_file, sources
from argreduce.reduction import ARGMAX, ARGMIN
from dask_strategies import chunked_arrays, dims_for, splits


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture(scope="module")
def client():
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, protocol="tcp",
                           host="127.0.0.1", scheduler_port=0, dashboard_address=":0",
                           silence_logs=logging.CRITICAL)
    c = Client(cluster)
    yield c
    pids = list(c.run(os.getpid).values())
    c.close()
    cluster.close()
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(p) for p in pids), "worker processes outlived the cluster"


def _save_zarr(path, x: np.ndarray, chunks) -> str:
    z = zarr.open(str(path), mode="w", shape=x.shape, chunks=chunks, dtype=x.dtype)
    z[...] = x
    return str(path)


def test_cluster_is_two_worker_processes_over_tcp(client):
    workers = client.scheduler_info()["workers"]
    assert len(workers) == 2 and all(a.startswith("tcp://127.0.0.1:") for a in workers)
    assert len(set(client.run(os.getpid).values()) | {os.getpid()}) == 3


def test_issue_counterexample_on_a_zarr_store(client, tmp_path):
    x = np.ones((4, 4))
    x[0, 2] = x[1, 0] = 0
    dx = da.from_zarr(_save_zarr(tmp_path / "x.zarr", x, (2, 2)))
    assert dx.chunks == ((2, 2), (2, 2))
    assert int(client.compute(ar.argmin(dx)).result()) == int(np.argmin(x)) == 2
    dask_answer = int(client.compute(da.argmin(dx)).result())
    if dask_answer != 2:  # Dask ranks the blocks' winners by block order
        assert dask_answer == 4


@settings(max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=chunked_arrays(max_side=7), choice=st.data(), keepdim=st.booleans(), is_max=st.booleans())
def test_random_chunkings_of_a_zarr_store(client, tmp_path, data, choice, keepdim, is_max):
    x, _ = data
    zarr_chunks = tuple(choice.draw(st.integers(1, n)) for n in x.shape)
    path = _save_zarr(tmp_path / f"r{time.monotonic_ns()}.zarr", x, zarr_chunks)
    dask_chunks = tuple(choice.draw(splits(n)) for n in x.shape)  # uneven, across Zarr's chunks
    dims = choice.draw(dims_for(x.ndim))
    fn = ar.argmax if is_max else ar.argmin
    got = client.compute(fn(da.from_zarr(path, chunks=dask_chunks), dims, keepdim)).result()
    assert np.array_equal(got, fn(x, dims, keepdim)) and np.shape(got) == np.shape(fn(x, dims, keepdim))


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """A 3-D float32 array with ties and NaNs across block boundaries, as .npy and as Zarr."""
    d = tmp_path_factory.mktemp("stored")
    rng = np.random.default_rng(11)
    x = rng.integers(0, 4, (40, 30, 20)).astype(np.float32)
    x[rng.random(x.shape) < 0.001] = np.nan
    np.save(d / "x.npy", x)
    _save_zarr(d / "x.zarr", x, (7, 9, 6))
    return d, x


@pytest.mark.parametrize("name", ["x.npy", "x.zarr"])
@pytest.mark.parametrize("dims", [None, 0, -1, (0, 2)])
def test_reduce_file_on_the_cluster(client, stored, name, dims):
    d, x = stored
    for is_max, fn in ((False, ar.argmin), (True, ar.argmax)):
        got = reduce_file(str(d / name), None, dims, False, ARGMAX if is_max else ARGMIN,
                          scheduler=client.scheduler.address, chunk_bytes=4000)
        assert np.array_equal(got, fn(x, dims))


def test_the_client_never_reads_the_data(client, stored, monkeypatch):
    d, x = stored

    def no_reads_here(*args):
        raise AssertionError("the client read a block")

    monkeypatch.setattr(sources, "_pread_into", no_reads_here)  # this process only, not the workers
    got = reduce_file(str(d / "x.npy"), "npy", -1, False, ARGMIN, scheduler=client.scheduler.address,
                      chunk_bytes=4000)
    assert np.array_equal(got, ar.argmin(x, -1))
    for name in ("x.npy", "x.zarr"):  # and the task graphs hold no data, only readers: < 1 kB a block
        lazy = open_file(str(d / name), chunk_bytes=24000)
        graph = dict(ar.argmin(lazy).__dask_graph__())
        assert len(pickle.dumps(graph)) < min(x.nbytes / 4, 1000 * lazy.npartitions)


def _slow(block: np.ndarray) -> np.ndarray:
    time.sleep(0.3)
    return block


def test_a_worker_killed_mid_run_costs_time_not_correctness(client, stored):
    d, x = stored
    slow = open_file(str(d / "x.npy"), chunk_bytes=4 * 30 * 20 * 4).map_blocks(_slow, dtype=x.dtype)
    assert slow.npartitions == 10  # ~1.5 s of sleeping per worker
    client.wait_for_workers(2, timeout=60)
    pids = client.run(os.getpid)
    future = client.compute(ar.argmax(slow, (0, 1)))
    time.sleep(0.6)
    assert not future.done()
    victim = sorted(pids)[0]
    os.kill(pids[victim], signal.SIGKILL)
    got = future.result(timeout=120)
    assert np.array_equal(got, ar.argmax(x, (0, 1)))
    assert victim not in client.scheduler_info()["workers"]  # it really died mid-run
    client.wait_for_workers(2, timeout=60)  # the nanny restarts it, for the tests that follow


# The command line on a cluster: --scheduler ADDR (the running cluster above) and --dask (its own).


def _cli(capsys, argv):
    from argreduce.cli import main

    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("dim", [None, 0, -1])
def test_cli_on_a_running_cluster_matches_the_local_run(client, tmp_path, capsys, dim):
    rng = np.random.default_rng(7)
    x = rng.integers(0, 3, (60, 45)).astype(np.float32)
    x[rng.integers(0, 60, 4), rng.integers(0, 45, 4)] = np.nan
    npy = str(tmp_path / "x.npy")
    np.save(npy, x)
    store = _save_zarr(str(tmp_path / "x.zarr"), x, (16, 10))
    dims = [] if dim is None else [f"--dim={dim}"]
    local = _cli(capsys, [npy, "--json", *dims])
    assert local[0] == 0, local[2]
    for path in (npy, store):
        code, out, err = _cli(capsys, [path, "--json", "--chunk-bytes", "2K", "--scheduler",
                                       client.scheduler.address, *dims])
        assert code == 0, err
        assert json.loads(out)["index"] == json.loads(local[1])["index"]


def test_cli_dask_flag_starts_a_local_cluster(tmp_path, capsys):
    x = np.zeros((4, 4), dtype=np.int16)
    x[0, 2] = x[1, 0] = -1  # the issue's tie across blocks: flat index 2, not 4
    store = _save_zarr(str(tmp_path / "tie.zarr"), x, (2, 2))
    code, out, err = _cli(capsys, [store, "--dask", "--unravel"])
    assert code == 0, err
    assert out.strip() == "(0, 2)"


def test_cli_cluster_refuses_formats_the_workers_cannot_read(tmp_path, capsys):
    csv = tmp_path / "x.csv"
    csv.write_text("1,2\n3,0\n")
    code, out, err = _cli(capsys, [str(csv), "--scheduler", "tcp://127.0.0.1:1"])
    assert code == 2 and out == ""
    assert "npy" in err and "zarr" in err


# --top K on a cluster: the workers' k-best lists, merged in a tree, print what the local --top prints.


@pytest.mark.parametrize("name", ["x.npy", "x.zarr"])
def test_cli_top_on_a_running_cluster_prints_the_local_output(client, stored, capsys, name):
    d, x = stored
    path = str(d / name)
    runs = 0
    # 4000-byte blocks: 40 along dim 0 and the flattening, so the merge tree has two levels there.
    for dim, is_max, k, shown in ((None, False, 7, "--json"), (0, True, 3, "--json"),
                                  (-1, False, 5, "--json"), (1, True, 1, "--values")):
        argv = [path, "--top", str(k), "--values", shown, *([] if dim is None else [f"--dim={dim}"]),
                *(["--max"] if is_max else [])]
        local = _cli(capsys, argv)
        assert local[0] == 0, local[2]
        code, out, err = _cli(capsys, [*argv, "--chunk-bytes", "4000", "--scheduler",
                                       client.scheduler.address])
        assert (code, err) == (0, "") and out == local[1], (dim, is_max, k)
        if shown == "--json":  # and the local output is the library's answer
            assert json.loads(out)["index"] == ar.topk(x, k, dim, largest=is_max).indices.tolist()
        runs += 1
    assert runs == 4


def test_cli_top_with_dask_starts_a_local_cluster(tmp_path, capsys):
    x = np.zeros((4, 4), dtype=np.int16)
    x[0, 2] = x[1, 0] = x[3, 3] = -1  # ties across blocks: flat order 2, 4, 15, then the zeros from 0
    store = _save_zarr(str(tmp_path / "tie.zarr"), x, (2, 2))
    code, out, err = _cli(capsys, [store, "--dask", "--top", "4", "--chunk-bytes", "8"])
    assert (code, err) == (0, "")
    assert out.strip() == "[ 2  4 15  0]"


@pytest.mark.parametrize(("args", "words"), [
    (("--top", "41", "--dim", "0"), "selected index k out of range"),
    (("--top", "2", "--dim=0,1"), "give one --dim"),
    (("--top", "2", "--dim", "3"), "out of range"),
    (("--top", "2", "--keepdim"), "--top takes no"),
    (("--top", "2", "--format", "csv"), "npy and zarr"),
])
def test_cli_top_on_a_cluster_refuses_bad_requests_before_any_connection(stored, capsys, args, words):
    d, _ = stored
    # Nothing listens at port 1: a request that got as far as the cluster would fail otherwise.
    code, out, err = _cli(capsys, [str(d / "x.npy"), *args, "--scheduler", "tcp://127.0.0.1:1"])
    assert code == 2 and out == "" and len(err.splitlines()) == 1 and words in err, err


def test_cli_top_on_a_cluster_refuses_hostile_files_in_one_line(tmp_path, capsys):
    truncated = tmp_path / "short.npy"
    np.save(truncated, np.arange(100.0))
    truncated.write_bytes(truncated.read_bytes()[:-8])
    np.save(tmp_path / "complex.npy", np.ones(5, np.complex64))
    for path, words in ((truncated, "truncated"), (tmp_path / "complex.npy", "complex"),
                        (tmp_path / "missing.npy", "No such file"), ("-", "standard input")):
        code, out, err = _cli(capsys, [str(path), "--top", "1", "--scheduler", "tcp://127.0.0.1:1"])
        assert code == 2 and out == "" and len(err.splitlines()) == 1 and words in err, (path, err)


def test_cli_top_with_an_unreachable_scheduler_is_one_line(stored, capsys):
    import dask

    d, _ = stored
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        code, out, err = _cli(capsys, [str(d / "x.npy"), "--top", "3", "--scheduler", "tcp://127.0.0.1:1"])
    assert code == 2 and out == "" and len(err.splitlines()) == 1 and "127.0.0.1:1" in err, err


def test_cli_top_of_an_array_in_a_zarr_group_prints_the_local_output(client, stored, tmp_path, capsys):
    _, x = stored
    group = zarr.open_group(str(tmp_path / "g.zarr"), mode="w")
    for name, values in (("scores", x[:, :, 0]), ("other", x[0])):
        group.create_array(name, shape=values.shape, chunks=(8, 7), dtype=values.dtype)[...] = values
    argv = [str(tmp_path / "g.zarr"), "--key", "scores", "--top", "4", "--dim", "0", "--max", "--values",
            "--json"]
    local = _cli(capsys, argv)
    on_cluster = _cli(capsys, [*argv, "--chunk-bytes", "300", "--scheduler", client.scheduler.address])
    assert local[0] == 0 and on_cluster == local, (local, on_cluster)
    assert json.loads(local[1])["file"].endswith("g.zarr[scores]")
