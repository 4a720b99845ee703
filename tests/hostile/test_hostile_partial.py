"""Partial.merge and merge_all given what they were not made for."""

from __future__ import annotations

import numpy as np
import pytest

from argreduce.partial import Partial, merge_all


def test_merge_refuses_keys_that_int64_cannot_hold():
    acc = Partial(np.array([5], dtype=np.int64), np.array([0], dtype=np.int64))
    other = Partial(np.array([2**64 - 1], dtype=np.uint64), np.array([7], dtype=np.int64))
    with pytest.raises(ValueError, match="int64"):
        acc.merge(other)
    assert acc.index.tolist() == [0] and acc.keys.tolist() == [5]  # untouched


def test_merge_refuses_indices_that_int64_cannot_hold():
    acc = Partial(np.array([5], dtype=np.int64), np.array([0], dtype=np.int64))
    with pytest.raises(ValueError, match="int64"):
        acc.merge(Partial(np.array([1], dtype=np.int64), np.array([2**63], dtype=np.uint64)))


def test_merge_takes_narrower_integer_keys_exactly():
    acc = Partial(np.array([5, -3], dtype=np.int64), np.array([4, 4], dtype=np.int64))
    acc.merge(Partial(np.array([-1, -3], dtype=np.int32), np.array([9, 1], dtype=np.int32)))
    assert acc.keys.tolist() == [-1, -3] and acc.index.tolist() == [9, 1]


def test_merge_all_of_nothing_is_a_value_error():
    with pytest.raises(ValueError, match="no partial"):
        merge_all([])
    with pytest.raises(ValueError, match="no partial"):
        merge_all(iter(()))
