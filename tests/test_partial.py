"""The mergeable partial: per-block results merged in any order give the whole array's answer."""

import itertools

import numpy as np
import pytest

import argreduce as ar
from argreduce.adapters import adapt
from argreduce.partial import Partial, global_index, merge_all
from argreduce.reduction import ARGMAX, ARGMIN


def block_partials(x: np.ndarray, is_max: bool, cuts):
    """Partials of 1-D blocks with their indices made global."""
    op = "argmax" if is_max else "argmin"
    for lo, hi in itertools.pairwise(cuts):
        p = Partial.of_view(adapt(x[lo:hi], op).view, (True,), ARGMAX if is_max else ARGMIN)
        yield Partial(p.keys, np.asarray(p.index + lo))


@pytest.mark.parametrize("is_max", [False, True])
@pytest.mark.parametrize("seed", range(20))
def test_blocks_merged_in_any_order_match_the_whole(seed, is_max):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 3, 200).astype(np.float32)  # many ties across block edges
    if seed % 2:
        x[rng.integers(0, 200, 3)] = np.nan
    x[rng.integers(0, 200)] = -0.0
    cuts = sorted({0, 200, *rng.integers(1, 200, 6).tolist()})
    parts = list(block_partials(x, is_max, cuts))
    rng.shuffle(parts)
    expected = (ar.argmax if is_max else ar.argmin)(x)
    assert int(merge_all(parts).index) == int(expected)


def test_nan_key_beats_every_value_and_ties_go_to_the_smaller_index():
    x = np.array([np.nan, -np.inf], dtype=np.float64)
    nan_part = Partial.of_view(adapt(x[:1], "argmin").view, (True,), ARGMIN)
    inf_part = Partial.of_view(adapt(x[1:], "argmin").view, (True,), ARGMIN)
    inf_part = Partial(inf_part.keys, np.asarray(inf_part.index + 1))
    assert int(merge_all([inf_part, nan_part]).index) == 0
    a = Partial(np.array([7], np.int64), np.array([5], np.int64))
    a.merge(Partial(np.array([7], np.int64), np.array([3], np.int64)))
    assert a.index.tolist() == [3]


def test_merge_refuses_a_view_it_cannot_update_in_place():
    keys = np.full((2, 2), 5, np.int64)
    index = np.full((2, 2), 4, np.int64)
    a = Partial(keys[:, 0], index[:, 0])
    with pytest.raises(ValueError, match="C-contiguous"):
        a.merge(Partial(np.array([5, 5]), np.array([2, 2])))


@pytest.mark.parametrize("seed", range(30))
def test_global_index_matches_numpys_unravel_and_ravel(seed):
    rng = np.random.default_rng(seed)
    ndim = int(rng.integers(1, 5))
    full = tuple(int(n) for n in rng.integers(1, 7, ndim))
    starts = tuple(int(rng.integers(0, n)) for n in full)
    block = tuple(int(rng.integers(1, n - s + 1)) for n, s in zip(full, starts, strict=True))
    reduced = tuple(bool(r) for r in rng.integers(0, 2, ndim))
    if not any(reduced):
        reduced = (True, *reduced[1:])
    dims = [d for d in range(ndim) if reduced[d]]
    local = rng.integers(0, int(np.prod([block[d] for d in dims])), 20)
    coords = np.unravel_index(local, [block[d] for d in dims])
    expected = np.ravel_multi_index([c + starts[d] for c, d in zip(coords, dims, strict=True)],
                                    [full[d] for d in dims])
    assert global_index(local, block, starts, full, reduced).tolist() == expected.tolist()
    # the first reduced dim's full size may be unknown yet (a text table still being read)
    unknown = tuple(None if d == dims[0] else n for d, n in enumerate(full))
    assert global_index(local, block, starts, unknown, reduced).tolist() == expected.tolist()
