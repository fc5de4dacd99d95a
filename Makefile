# rnx: build, test, demo, bench, install. Every target first makes sure the Debian packages are there.
PREFIX ?= /usr/local
SWIFT ?= swift
RELEASE_BIN = .build/release/rnx
DEBUG_BIN = .build/debug/rnx
DEMO_DIR ?= /tmp/rnx-demo

.PHONY: deps build release test demo bench install fuzz fuzz-smoke man-lint fixtures clean

deps:
	@sh scripts/ensure-deps.sh

build: deps
	$(SWIFT) build

## release: the Swift runtime and Foundation linked in statically, so the binary runs on machines without Swift and
## starts in 9 ms instead of 18 (no dynamic loading of Foundation and ICU); it is larger (about 90 MB).
release: deps
	$(SWIFT) build -c release --static-swift-stdlib

## test: unit and end-to-end tests, plus a lint of the man page. (OPENBLAS_NUM_THREADS=1 is what rnx sets itself
## before loading OpenBLAS; set here, rnx need not change the environment while tests run on other threads.)
test: deps
	$(SWIFT) build --build-tests
	OPENBLAS_NUM_THREADS=1 $(SWIFT) test --skip-build
	@$(MAKE) --no-print-directory man-lint

## demo: build rnx and run the main job on a checkpoint written by real PyTorch.
demo: release
	@sh scripts/demo.sh $(RELEASE_BIN) $(DEMO_DIR)

## bench: speed and memory figures, each as a ratio against a baseline measured in the same run.
bench: release
	@sh scripts/bench.sh $(RELEASE_BIN)

install: release
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(RELEASE_BIN) $(DESTDIR)$(PREFIX)/bin/rnx
	install -m 644 man/rnx.1 $(DESTDIR)$(PREFIX)/share/man/man1/rnx.1

man-lint:
	@if command -v mandoc >/dev/null 2>&1; then mandoc -Tlint -W warning man/rnx.1; \
	else groff -man -ww -z man/rnx.1; fi
	@echo "man/rnx.1: lint clean"

## fuzz: each libFuzzer target in Fuzz/ for FUZZ_SECONDS, seeded from fixtures/ (see docs/fuzzing.md).
FUZZ_SECONDS ?= 60
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) sh scripts/fuzz/run.sh

## fuzz-smoke: a short pass of every fuzz target (CI runs it after the tests): FUZZ_SMOKE_SECONDS each.
FUZZ_SMOKE_SECONDS ?= 15
fuzz-smoke: deps
	FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS) sh scripts/fuzz/run.sh

## fixtures: regenerate fixtures with real PyTorch (needs .venv-torch, see scripts/fixtures/README.md).
fixtures:
	@sh scripts/fixtures/generate-all.sh

clean:
	rm -rf .build
