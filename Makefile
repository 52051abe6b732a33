# MedGo: `make tutorials` runs every bundled notebook headless; `make test` runs every test.
# Both do all set-up first (Jupyter from the OS packages, kernel tools, kernelspec).

GO ?= go
SHARED_DATA := $(abspath $(CURDIR)/../shared/data)

# Real data sets beside the checkout (tests, CI); otherwise loaders use the cache and download.
ifneq ($(wildcard $(SHARED_DATA)/SOURCES.md),)
export MEDGO_DATA ?= $(SHARED_DATA)
endif
# The pure-Go backend's fast matmul needs this experiment at build time.
export GOEXPERIMENT ?= simd
export GOTOOLCHAIN ?= local
# On amd64, math.Exp's FMA path is slow after the SIMD matrix products (see kernel/install.go).
ifeq ($(shell uname -m),x86_64)
export GODEBUG ?= cpu.fma=off
endif

MEDGO := bin/medgo
TEST_TIMEOUT ?= 45m
FUZZ_TIME ?= 2s

.PHONY: setup tutorials quick test test-clean-setup test-onnx vet lab bench fuzz fuzz-short book clean

setup:
	bash kernel/setup.sh
	$(GO) build -o $(MEDGO) ./kernel
	$(MEDGO) install

# A full tutorial's longest cell (MNIST training) takes about 2.5 minutes on two cores with ONNX
# Runtime, about 20 on the pure-Go backend.
CELL_TIMEOUT ?= 90m

# NOTEBOOKS picks some (e.g. NOTEBOOKS=notebooks/00-quickstart.ipynb); default: all of them.
NOTEBOOKS ?=

tutorials: setup
	$(MEDGO) run --timeout $(CELL_TIMEOUT) $(NOTEBOOKS)

quick: setup
	$(MEDGO) run --quick

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l kernel mlkit bench docker 2>/dev/null)" || { gofmt -l kernel mlkit bench docker; echo "gofmt needed"; exit 1; }

test: setup vet test-clean-setup test-onnx
	$(GO) test -timeout $(TEST_TIMEOUT) ./...
	$(MAKE) fuzz-short

# Every mlkit test suite again on the engine notebook cells use (medgo env: ONNX Runtime, built
# with cgo and the onnx tag), including the comparison of every model family's outputs and
# gradients with the pure-Go backend. --onnx makes a missing library an error, not a fall-back.
test-onnx: setup
	$(MEDGO) install --onnx
	eval "$$($(MEDGO) env)" && $(GO) vet ./mlkit/... && $(GO) test -count=1 -timeout $(TEST_TIMEOUT) ./mlkit/...

# A new user's first run, which a warm cache cannot fake: a copy of the checkout set up with
# empty GOMODCACHE, GOCACHE and JUPYTER_DATA_DIR, then the quickstart through Jupyter.
test-clean-setup:
	MEDGO_TEST_CLEAN_SETUP=1 $(GO) test -count=1 -timeout 30m -v -run '^TestCleanSetup$$' ./kernel

# Loaders of user files are fuzzed: briefly in `make test`, longer with `make fuzz`.
FUZZ_TARGETS := FuzzIDX FuzzNPY FuzzCSV FuzzUCR FuzzSMILES FuzzDNA mlkit/chem:FuzzSMILESGraph mlkit/data/medimg:FuzzNIfTI mlkit/data/medimg:FuzzDICOM

fuzz-short:
	GO=$(GO) bash .ci/fuzz $(FUZZ_TIME) $(FUZZ_TARGETS)

fuzz:
	$(MAKE) fuzz-short FUZZ_TIME=60s

lab: setup
	$(MEDGO) lab

# Training throughput on pure Go and ONNX Runtime (built with the kernel's settings, medgo env)
# against PyTorch on the same CPU, and notebook cell latency; writes bench/RESULTS.md. BENCH_FLAGS adds flags (go run ./bench -h lists them).
bench: setup
	bash bench/torch-setup.sh
	eval "$$($(MEDGO) env)" && $(GO) run ./bench --write $(BENCH_FLAGS)

clean:
	rm -rf out
