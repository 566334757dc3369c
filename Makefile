# make run   : install missing Debian packages, build (Release), run `actbench run` into out/
# make test  : the same set-up, then the whole test suite through CTest
# make run ARGS=--quick (or make quick): the CI-sized run
MAKEFLAGS += --no-print-directory
JOBS ?= $(shell nproc)
BIN := build/release/actbench
ARGS ?=

.PHONY: run quick test build configure bootstrap clean

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

clean:
	rm -rf build out
