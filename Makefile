# The two set-up commands: `make run` and `make test`. Everything else is a helper.
.PHONY: run test bootstrap build-release build-test fuzz bench clean

JOBS ?= $(shell nproc)
# ccache: hash paths relative to the checkout, so a fresh clone elsewhere reuses the cache.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1
export CCACHE_SLOPPINESS := include_file_mtime,include_file_ctime

bootstrap:
	@scripts/bootstrap

build-release: bootstrap
	@cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DFONDACO_WERROR=OFF >/dev/null
	@cmake --build build/release --target fondaco web_admin -j $(JOBS)

# Builds Release, creates ./fondaco-data/ with the SQLite database, loads the demo shop on
# first start, serves on http://127.0.0.1:8080 and prints an admin token.
run: build-release
	@./build/release/src/fondaco serve --demo

build-test: bootstrap
	@cmake -S . -B build/test -G Ninja -DCMAKE_BUILD_TYPE=Debug -DFONDACO_WERROR=ON >/dev/null
	@cmake --build build/test -j $(JOBS)

# Every test (C++ unit, storage and module suites on SQLite and PostgreSQL, black-box HTTP,
# CLI, fuzz regression) through ctest.
test: build-test
	@cd build/test && ctest --output-on-failure -j $(JOBS) --timeout 900

# Coverage-guided fuzzing with clang's libFuzzer (not part of `make test`; its corpora are).
# FUZZ_TARGET: json_request (default), statement, sdi_receipt or tracking; FUZZ_CORPUS its
# seed folder under tests/fuzz/corpus. New inputs go to build/fuzz/corpus-<target> (the
# checked-in seeds are read, never written).
FUZZ_TARGET ?= json_request
FUZZ_CORPUS ?= $(if $(filter json_request,$(FUZZ_TARGET)),json,$(if $(filter sdi_receipt,$(FUZZ_TARGET)),sdi,$(FUZZ_TARGET)))
fuzz:
	@scripts/bootstrap fuzz
	@CC=clang-16 CXX=clang++-16 cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=Debug -DFONDACO_FUZZ=ON -DFONDACO_WERROR=OFF >/dev/null
	@cmake --build build/fuzz --target fuzz_$(FUZZ_TARGET) -j $(JOBS)
	@mkdir -p build/fuzz/corpus-$(FUZZ_TARGET)
	@./build/fuzz/tests/fuzz_$(FUZZ_TARGET) -artifact_prefix=build/fuzz/ -max_total_time=$${FUZZ_SECONDS:-60} build/fuzz/corpus-$(FUZZ_TARGET) tests/fuzz/corpus/$(FUZZ_CORPUS)

bench: build-release
	@cmake --build build/release --target bench_stock bench_orders bench_chain bench_channel_push bench_import -j $(JOBS)
	@bench/run.sh

clean:
	rm -rf build
