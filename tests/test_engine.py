"""The engine's seams: every kernel table slot filled, the fast path agreeing with the general path
(and actually taken), the package's import graph free of cycles."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import numpy as np
import pytest

import argreduce as ar
from argreduce import _contract, _core, api
from argreduce.reduction import ARGMAX, ARGMIN

PACKAGE = Path(ar.__file__).parent


def test_every_table_slot_of_every_isa_is_filled():
    assert _core.empty_table_slots() == []


def test_python_dtype_table_is_the_core_list():
    from argreduce.adapters import CORE_DTYPES

    names = [name for name, _, _ in _core.dtypes()]
    assert list(CORE_DTYPES) == names
    assert len(set(names)) == len(names) >= 13


def test_each_reduction_names_a_core_rule():
    rules = _core.rules()
    assert rules[ARGMIN.rule] == "min" and rules[ARGMAX.rule] == "max"


def _general(reduction, x, dim, keepdim):
    return api._reduce(reduction, x, dim, keepdim, None, None)


SHAPES = [(), (1,), (7,), (0,), (3, 0), (0, 3), (2, 3), (4, 1, 5), (2, 0, 3), (3, 4, 5)]


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("reduction", [ARGMIN, ARGMAX], ids=lambda r: r.name)
def test_fast_path_agrees_with_the_general_path(shape, reduction):
    rng = np.random.default_rng(len(shape))
    x = rng.integers(0, 3, shape).astype(np.float32)
    ndim = len(shape)
    for dim, keepdim in itertools.product([None, *range(-max(ndim, 1) - 1, max(ndim, 1) + 1)], [False, True]):
        fast = _core.reduce_numpy_fast(x, dim, keepdim, reduction.rule, 1)
        try:
            want = _general(reduction, x, dim, keepdim)
        except (IndexError, RuntimeError):
            assert fast is None, (dim, keepdim)  # the fast path declines what the contract refuses
            continue
        # ... and takes every call the contract accepts on a plain native array.
        assert fast is not None, (dim, keepdim)
        assert type(fast) is type(want) and np.shape(fast) == np.shape(want), (dim, keepdim)
        assert np.array_equal(fast, want), (dim, keepdim)


def test_fast_path_declines_what_it_does_not_handle():
    x = np.arange(6.0).reshape(2, 3)
    assert _core.reduce_numpy_fast(x, 0, 1, ARGMIN.rule, 1) is None         # keepdim not a bool
    assert _core.reduce_numpy_fast(x, 0.0, False, ARGMIN.rule, 1) is None   # dim not an int
    assert _core.reduce_numpy_fast(x.astype(">f8"), 0, False, ARGMIN.rule, 1) is None  # byte-swapped
    assert _core.reduce_numpy_fast(x.astype(complex), 0, False, ARGMIN.rule, 1) is None
    assert _contract.MAX_DIMS == 64  # torch's limit; NumPy's arrays stop there too


def _imports(path: Path) -> set[str]:
    """The package's modules that ``path`` imports (anywhere in it, lazily or not)."""
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    package = package.removesuffix(".__init__")
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if _is_module(sub) else target)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return {m.removesuffix(".__init__") for m in found if m.split(".")[0] == "argreduce"}


def _is_module(name: str) -> bool:
    p = PACKAGE.parent.joinpath(*name.split("."))
    return p.with_suffix(".py").exists() or p.with_suffix(".pyi").exists() or (p / "__init__.py").exists()


def test_the_import_graph_has_no_cycle():
    graph = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
        graph[name] = _imports(path) - {name}
    assert "argreduce._contract" in graph["argreduce.api"]  # the parser does see imports
    state: dict[str, int] = {}

    def visit(node, trail):
        if state.get(node) == 1:
            raise AssertionError("import cycle: " + " -> ".join([*trail, node]))
        if state.get(node) == 2:
            return
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            visit(nxt, [*trail, node])
        state[node] = 2

    for node in sorted(graph):
        visit(node, [])


def _private(name: str) -> bool:
    # _core and _contract are modules private to the package, not names private to a module.
    return name.startswith("_") and not name.startswith("__") and name not in ("_core", "_contract")


def test_no_module_imports_another_modules_private_name():
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module != "__future__":
                private = [a.name for a in node.names if _private(a.name)]
                assert not private, f"{path.relative_to(PACKAGE)} imports {private} from {node.module}"
