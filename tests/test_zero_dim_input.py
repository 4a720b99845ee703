"""A 0-d input reduced along dim 0 or -1: torch answers index 0, shape (), whatever keepdim."""

import numpy as np
import pytest
import torch

import argreduce as ar


@pytest.mark.parametrize("dim", [None, 0, -1])
@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("fn", ["argmin", "argmax"])
def test_zero_dim_input_matches_torch(dim, keepdim, fn):
    expected = getattr(torch, fn)(torch.tensor(3.5), dim, keepdim)
    got = getattr(ar, fn)(np.array(3.5), dim, keepdim)
    assert np.shape(got) == tuple(expected.shape) and int(got) == int(expected)
