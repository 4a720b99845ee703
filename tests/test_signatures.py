"""Signatures a person can read: help() and every IDE show ``dim=None, keepdim=False`` (the defaults of
arguments that have aliases are sentinels, which must still print as the value they stand for), and
the aliases' rule holds: one name or the other."""

from __future__ import annotations

import inspect
import pydoc

import numpy as np
import pytest

import argreduce as ar

FUNCTIONS = ["argmin", "argmax", "nanargmin", "nanargmax", "min", "max"]


@pytest.mark.parametrize("name", FUNCTIONS)
def test_help_shows_the_defaults(name):
    fn = getattr(ar, name)
    signature = str(inspect.signature(fn))
    assert signature.startswith("(input, dim=None, keepdim=False, *, ")
    assert "axis=None, keepdims=False" in signature and "object at 0x" not in signature
    assert "object at 0x" not in pydoc.render_doc(fn, renderer=pydoc.plaintext)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_an_explicit_default_still_counts_as_given(name):
    fn, x = getattr(ar, name), np.array([[3.0, 1.0], [0.0, 2.0]])
    with pytest.raises(TypeError, match="'dim' and its alias 'axis'"):
        fn(x, dim=None, axis=1)
    with pytest.raises(TypeError, match="'keepdim' and its alias 'keepdims'"):
        fn(x, 0, keepdim=False, keepdims=True)
    kept = fn(x, axis=1, keepdims=True)
    plain = fn(x, 1, True)
    assert np.array_equal(getattr(kept, "indices", kept), getattr(plain, "indices", plain))
