"""The seed example from the issue, through every entry point a newcomer tries first."""

import numpy as np
import pytest

import argreduce as ar

SEED = [[8, 3, 5], [2, 7, 4]]


@pytest.mark.parametrize("make", [lambda x: x, np.array, lambda x: np.array(x, dtype=np.float32)])
def test_seed_example(make):
    x = make(SEED)
    assert int(ar.argmin(x)) == 3
    assert ar.argmin(x, dim=0).tolist() == [1, 0, 1]
    assert ar.argmin(x, dim=1).tolist() == [1, 0]
    assert ar.argmax(x, dim=1).tolist() == [0, 1]


def test_flat_result_is_numpy_int64_scalar():
    r = ar.argmin(np.array(SEED))
    assert isinstance(r, np.int64) and r == 3
