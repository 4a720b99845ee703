# Two commands do everything from a fresh clone:  make demo  and  make test  (make docs: the API reference).
# Both create .venv, install the build and test dependencies and build the native core.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEPS   := $(VENV)/.deps-installed
BUILD_DEPS := "scikit-build-core>=0.10" "nanobind>=2.4" "numpy>=2.0"

.PHONY: demo test lint typecheck docs build bench bench-bigfile fuzz test-asan clean

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
	$(BIN)/ruff check src tests bench examples docs

# mypy on the public surface and tests/typing/ (what each input library gets back): [tool.mypy].
typecheck: $(DEPS)
	$(BIN)/python -m mypy

test: build lint typecheck
	$(BIN)/python -m pytest -q

# The API reference (Sphinx + numpydoc, the docs extra) into docs/_build/html; a warning fails it,
# and numpydoc's checks make a public function without Parameters, Returns or Examples a warning.
DOCS_DEPS := $(VENV)/.docs-installed
$(DOCS_DEPS): $(DEPS)
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-build-isolation -e ".[docs]"
	touch $@

docs: build $(DOCS_DEPS)
	rm -rf docs/_build
	$(BIN)/python -m sphinx -W --keep-going -q -b html docs docs/_build/html
	@echo "API reference: docs/_build/html/index.html"

# The bench extra (matplotlib, bottleneck, polars, ml_dtypes) on top of the test extra's torch.
# Editable, as in build: a non-editable install would rebuild the core and shadow the checkout.
bench: build
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-build-isolation -e ".[bench]"
	$(BIN)/python bench/run.py

# Opt-in, not part of `make bench`: writes a float32 .npy bigger than RAM (BIGFILE_GB, default 26 GB,
# in BIGFILE_DIR; deleted at the end) and times `argreduce FILE --top 10` and `argreduce nearest` on it
# against `cat`, then 16 queries x 10M points in memory against the nearest-neighbour peers.
# Writes bench/results/bigfile.md. It loads the disk for ~20 minutes: run it on a quiet machine.
BIGFILE_GB  ?= 26
BIGFILE_DIR ?= /var/tmp
bench-bigfile: build
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-build-isolation -e ".[bench]"
	nice $(BIN)/python bench/bench_bigfile.py --gb $(BIGFILE_GB) --dir $(BIGFILE_DIR)

# Coverage-guided fuzzing of the .npy, .npz and .safetensors header readers (atheris, the fuzz extra),
# FUZZ_SECONDS per format, seeded by the kept corpus (tests/fuzz/corpus); the inputs libFuzzer finds go to
# build/fuzz-corpus, so the kept one stays small (copy a crash there once it is fixed).
FUZZ_SECONDS ?= 60
fuzz: build
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-build-isolation -e ".[fuzz]"
	for fmt in npy npz safetensors; do \
		mkdir -p build/fuzz-corpus/$$fmt && \
		ARGREDUCE_NUM_THREADS=1 $(BIN)/python tests/fuzz/fuzz_headers.py $$fmt build/fuzz-corpus/$$fmt \
			tests/fuzz/corpus/$$fmt \
			-max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=4096 -max_len=65536 \
			-artifact_prefix=build/fuzz-crash- || exit 1; \
	done

# AddressSanitizer + UndefinedBehaviorSanitizer build of the core, in its own venv and build dir so the
# normal build is untouched. That venv sees the test venv's packages (numpy, torch, pytest ...) through
# a .pth file rather than installing torch a second time.
ASAN_VENV  := .venv-asan
ASAN_BIN   := $(ASAN_VENV)/bin
ASAN_BUILT := $(ASAN_VENV)/.core-built
# CPython is not instrumented, so the ASan runtime must be loaded first. libstdc++ is preloaded too:
# without it ASan's __cxa_throw interceptor finds no real __cxa_throw when torch throws (its errors).
ASAN_PRELOAD = $(shell $(CXX) -print-file-name=libasan.so) $(shell $(CXX) -print-file-name=libstdc++.so)
# Leak checking is off: CPython keeps its interned objects alive until exit by design.
ASAN_ENV = LD_PRELOAD="$(ASAN_PRELOAD)" ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1
# Everything that drives the core; the peak-RSS no-copy test measures the allocator, which ASan replaces.
# pytest runs with -s: its output capture would swallow a sanitizer report of a dying process.
ASAN_TESTS := tests/test_seed.py tests/test_differential_torch.py tests/test_extensions.py \
	tests/test_contract_tables.py tests/test_inputs.py tests/test_threads.py tests/test_interrupt.py \
	tests/test_isa.py tests/test_family.py tests/test_engine.py tests/nearest/test_nearest_fused.py \
	tests/nearest/test_nearest_direct.py tests/nearest/test_nearest_small_d.py \
	tests/nearest/test_nearest_refine.py tests/nearest/test_nearest_pruned.py \
	tests/nearest/test_nearest_lanes.py tests/test_topk.py \
	tests/test_topk_network.py

$(ASAN_BUILT): $(DEPS) CMakeLists.txt $(shell find cpp src/ext -type f)
	test -x $(ASAN_BIN)/python || $(PYTHON) -m venv $(ASAN_VENV)
	$(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])' > \
		"$$($(ASAN_BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/test-venv.pth"
	$(ASAN_BIN)/python -m pip install -q --disable-pip-version-check --no-build-isolation --no-deps -e . \
		-Ccmake.define.ARGREDUCE_SANITIZE=ON -Cbuild-dir=build/asan
	touch $@

test-asan: $(ASAN_BUILT)
	ldd $(ASAN_VENV)/lib/python*/site-packages/argreduce/_core*.so | grep -q libasan
	$(ASAN_ENV) $(ASAN_BIN)/python -c 'import argreduce._core as c; assert "$(ASAN_VENV)" in c.__file__, c.__file__'
	$(ASAN_ENV) $(ASAN_BIN)/python -m pytest -q -s -p no:cacheprovider -W ignore::UserWarning $(ASAN_TESTS) \
		-k "not peak_resident_memory"

clean:
	rm -rf build $(VENV) $(ASAN_VENV) src/argreduce/_core*.so docs/_build .mypy_cache
