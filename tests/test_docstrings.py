"""The examples in the public docstrings run and print what they say."""

import doctest

import pytest

import argreduce.api


@pytest.mark.parametrize("module", [argreduce.api])
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0
