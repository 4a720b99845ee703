# Two commands do everything from a fresh clone:  make demo  and  make test.
# Both create .venv, install the build and test dependencies and build the native core.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEPS   := $(VENV)/.deps-installed
BUILD_DEPS := "scikit-build-core>=0.10" "nanobind>=2.4" "numpy>=1.26"

.PHONY: demo test lint build bench test-asan clean

$(DEPS): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check $(BUILD_DEPS)
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-build-isolation -e ".[test]"
	touch $@

# Rebuilds the native core when a C++ file changed (incremental: build/ is kept).
build: $(DEPS)
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-build-isolation --no-deps -e .

demo: build
	$(BIN)/python examples/demo.py
	$(BIN)/python examples/cli_demo.py

lint: $(DEPS)
	$(BIN)/ruff check src tests bench examples

test: build lint
	$(BIN)/python -m pytest -q

bench: build
	$(BIN)/python -m pip install -q --disable-pip-version-check ".[bench]" --no-build-isolation --no-deps
	$(BIN)/python bench/run.py

clean:
	rm -rf build $(VENV) src/argreduce/_core*.so
