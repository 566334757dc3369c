# make run   : install missing Debian packages, build (Release), run `actbench run` into out/
# make test  : the same set-up, then the whole test suite through CTest
# make run ARGS=--quick (or make quick): the CI-sized run
# make test-asan  : Debug build with ASan + UBSan (build/asan), the test suite under it
# make fuzz-smoke : libFuzzer targets built with clang (build/fuzz), FUZZ_SECONDS each
# make install PREFIX=DIR : the program, headers, libraries and CMake package (default /usr/local)
# make examples PREFIX=DIR : install there, then build and run examples/ against it
# (docs/testing.md says what each covers)
MAKEFLAGS += --no-print-directory
JOBS ?= $(shell nproc)
BIN := build/release/actbench
ARGS ?=
FUZZ_SECONDS ?= 45
FUZZERS := kernel_fuzz report_fuzz
PREFIX ?= /usr/local

.PHONY: run quick test test-asan fuzz-smoke build configure bootstrap clean install examples

bootstrap:
	@scripts/bootstrap

configure: bootstrap
	@cmake --preset release >/dev/null

build: configure
	@cmake --build --preset release -j $(JOBS)

run: build
	$(BIN) run --out out $(ARGS)

quick: build
	$(BIN) run --out out --quick $(ARGS)

test: build
	ctest --preset release -j $(JOBS)

test-asan: bootstrap
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)
	ctest --preset asan -j $(JOBS)

# Each fuzzer starts from its seed corpus (tests/fuzz/corpus/<fuzzer>, read
# only) and writes what it discovers under build/fuzz/; a crash leaves its
# input in build/fuzz/artifacts/ and fails the target.
fuzz-smoke:
	@scripts/bootstrap fuzz
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS)
	@mkdir -p build/fuzz/artifacts
	@set -e; for f in $(FUZZERS); do \
	  mkdir -p build/fuzz/corpus/$$f; \
	  echo "fuzz-smoke: $$f for $(FUZZ_SECONDS) s"; \
	  build/fuzz/tests/fuzz/$$f build/fuzz/corpus/$$f tests/fuzz/corpus/$$f \
	    -max_total_time=$(FUZZ_SECONDS) -seed=1 -max_len=4096 -timeout=20 -rss_limit_mb=4096 \
	    -artifact_prefix=build/fuzz/artifacts/$$f- -print_final_stats=1 2>build/fuzz/$$f.log \
	    || { tail -n 40 build/fuzz/$$f.log; echo "fuzz-smoke: $$f failed; input in build/fuzz/artifacts/"; exit 1; }; \
	  grep -E '^(Done|stat::number_of_executed_units)' build/fuzz/$$f.log || true; \
	done

install: build
	cmake --install build/release --prefix $(PREFIX)

examples: install
	scripts/check_examples $(PREFIX)

clean:
	rm -rf build out
