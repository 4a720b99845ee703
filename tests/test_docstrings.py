"""The public docstrings: numpydoc sections on every public function, and examples that run and print
what they say (doctests of every module that has public functions)."""

import doctest
import inspect

import pytest

import argreduce
import argreduce.api
import argreduce.dask
import argreduce.dask.split_every
import argreduce.engine
import argreduce.knn.api
import argreduce.partial
import argreduce.signatures
import argreduce.threads

MODULES = [argreduce.api, argreduce.threads, argreduce.engine, argreduce.partial, argreduce.signatures,
           argreduce.dask.split_every, argreduce.knn.api]
PUBLIC = [*(getattr(argreduce, name) for name in argreduce.__all__),
          argreduce.dask.argmin, argreduce.dask.argmax, argreduce.dask.nanargmin, argreduce.dask.nanargmax]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0


@pytest.mark.parametrize("obj", [f for f in PUBLIC if inspect.isfunction(f)], ids=lambda f: f.__qualname__)
def test_every_public_function_has_numpydoc_sections(obj):
    doc = inspect.getdoc(obj)
    signature = inspect.signature(obj)
    sections = ["Examples"]
    sections += ["Parameters"] if signature.parameters else []
    sections += [] if signature.return_annotation in (None, "None") else ["Returns"]
    for section in sections:
        assert f"\n{section}\n{'-' * len(section)}\n" in doc, (obj, section)
    assert "%(" not in doc  # every shared part was filled in
    # "name : type" lines at the section's indent; "axis, keepdims : ..." documents two at once
    entries = [line.split(" : ")[0] for line in doc.splitlines() if " : " in line and line[0] != " "]
    documented = {name for entry in entries for name in entry.split(", ")}
    assert set(signature.parameters) <= documented, obj
