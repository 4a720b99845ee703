"""xarray DataArrays: dims by name, a DataArray back with the remaining dims and coordinates.

Oracles: xarray's own ``argmin(..., skipna=False)`` (NumPy's rules: the first NaN wins, ties to the
first index), which returns a dict of per-dim indices for several dims; ours is one flat index into
their row-major flattening, so the two are compared through ``np.unravel_index``. And the library's
own answer on the underlying NumPy array.
"""

from __future__ import annotations

import dask.array as dsk
import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

import argreduce as ar

DIMS = ("time", "lat", "lon")


def sensor_cube(seed: int, shape=(6, 4, 5)) -> xr.DataArray:
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 4, shape).astype(np.float64)  # ties everywhere
    values[rng.random(shape) < 0.05] = np.nan
    return xr.DataArray(
        values, dims=DIMS, name="temperature", attrs={"units": "K"},
        coords={"time": pd.date_range("2026-01-01", periods=shape[0]), "lat": np.linspace(-30, 30, shape[1]),
                "lon": np.arange(shape[2]) * 10.0, "station": ("lon", [f"s{i}" for i in range(shape[2])]),
                "elevation": (("lat", "lon"), rng.random(shape[1:]))})


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**16), dims=st.sampled_from([["time"], ["lat"], ["time", "lon"], ["lat", "lon"],
                                                         list(DIMS)]), is_max=st.booleans())
def test_names_against_xarrays_own_argmin(seed, dims, is_max):
    cube = sensor_cube(seed)
    ours = (ar.argmax if is_max else ar.argmin)(cube, dim=dims if len(dims) > 1 else dims[0])
    theirs = (cube.argmax if is_max else cube.argmin)(dim=dims, skipna=False)
    sizes = [cube.sizes[d] for d in dims]
    unravelled = np.unravel_index(ours.values, sizes)
    for d, idx in zip(dims, unravelled, strict=True):
        assert np.array_equal(idx, theirs[d].values), d
    assert ours.dims == tuple(d for d in DIMS if d not in dims)


def test_remaining_dims_and_coords_are_kept():
    cube = sensor_cube(1)
    got = ar.argmin(cube, dim="time")
    assert isinstance(got, xr.DataArray) and got.dtype == np.int64
    assert got.dims == ("lat", "lon") and got.name == "temperature" and got.attrs == {}
    assert set(got.coords) == {"lat", "lon", "station", "elevation"}  # no time: it was reduced
    xr.testing.assert_equal(got.coords.to_dataset(), cube.isel(time=0, drop=True).coords.to_dataset())
    assert np.array_equal(got.values, ar.argmin(cube.values, dim=0))
    over_space = ar.argmax(cube, dim=["lat", "lon"])
    assert over_space.dims == ("time",) and "station" not in over_space.coords
    assert (over_space.time == cube.time).all()


def test_keepdim_positions_and_none():
    cube = sensor_cube(2)
    kept = ar.argmin(cube, dim="lon", keepdim=True)
    assert kept.dims == DIMS and kept.shape == (6, 4, 1) and "lon" not in kept.coords
    assert np.array_equal(kept.values, ar.argmin(cube.values, dim=2, keepdim=True))
    by_position = ar.argmin(cube, dim=-1)  # a position still works, torch-style
    xr.testing.assert_identical(by_position, ar.argmin(cube, dim="lon"))
    flat = ar.argmin(cube)
    assert flat.dims == () and int(flat) == int(ar.argmin(cube.values))
    assert ar.argmin(cube, axis="time").dims == ("lat", "lon")  # the NumPy-style alias too


def test_the_family_takes_dataarrays_too():
    cube = sensor_cube(5)
    coldest = ar.nanargmin(cube, dim="time")
    theirs = cube.argmin(dim="time", skipna=True)  # xarray's default: NaN skipped
    assert coldest.dims == theirs.dims and np.array_equal(coldest.values, theirs.values)
    values, indices = ar.min(cube, dim=["lat", "lon"])
    assert values.dims == indices.dims == ("time",) and values.dtype == cube.dtype
    expected = ar.min(cube.values, dim=(1, 2))
    assert np.array_equal(values.values, expected.values, equal_nan=True)
    assert np.array_equal(indices.values, expected.indices)


def test_dask_backed_stays_lazy():
    cube = sensor_cube(3).chunk({"time": 2, "lon": 2})
    got = ar.argmax(cube, dim=("time", "lat"))
    assert isinstance(got.data, dsk.Array)
    assert np.array_equal(got.compute().values, ar.argmax(cube.values, dim=(0, 1)))


@pytest.mark.parametrize(("kwargs", "error", "fragment"), [
    ({"dim": "depth"}, ValueError, "'depth' is not a dim"),
    ({"dim": ["time", "time"]}, RuntimeError, "appears multiple times"),
    ({"dim": 3}, IndexError, "Dimension out of range"),
    ({"dim": "time", "keepdim": 1}, TypeError, "keepdim"),
    ({"dim": "time", "out": np.empty((4, 5), np.int64)}, TypeError, "out= is not supported"),
])
def test_errors(kwargs, error, fragment):
    with pytest.raises(error, match=fragment):
        ar.argmin(sensor_cube(4), **kwargs)
