# Albatross — the two commands a newcomer needs: `make demo` and `make test`.
GO          ?= go
BIN         := $(CURDIR)/bin
STATICCHECK := $(BIN)/staticcheck
STATICCHECK_VERSION := v0.8.2
PORT        ?= 8080

.PHONY: all build test deps lint vet fmt-check staticcheck unit cross demo bench clean fuzz

all: build

# -buildvcs=auto overrides a GOFLAGS=-buildvcs=false in the environment, so that a binary built
# from a clone says which commit it is (`albatross version`). Go cannot stamp a linked git worktree
# (it looks for a .git directory; golang/go#58218): there the binary reports "(devel)".
build:
	$(GO) build -buildvcs=auto -o $(BIN)/albatross ./cmd/albatross

## test: everything CI runs — formatting, vet, staticcheck, the macOS cross-check, and the whole
## suite with -race.
test: deps lint cross unit

## deps: Debian packages the tests use as real clients (aws CLI, Chromium); no-op when present.
deps:
	./scripts/install-test-deps.sh

# scripts/gotest.sh repeats the failures at the end of the output, where CI's log shows them.
unit:
	GO=$(GO) ./scripts/gotest.sh -race -count=1 -timeout 15m ./...
	# versitygw (the seed's S3 server, about 600 packages) is built once before the seed's tests:
	# on a clean build cache the test packages that start it (cmd/seed, functions/assets, and e2e
	# through run.sh) would otherwise each compile it, two at a time.
	cd examples/seed && $(GO) tool -n versitygw >/dev/null
	cd examples/seed && GO=$(GO) ../../scripts/gotest.sh -race -count=1 -timeout 25m ./...

lint: fmt-check vet staticcheck

## cross: macOS (darwin/arm64, darwin/amd64) keeps building, vetting and passing staticcheck where
## the code differs per OS; a Windows build fails with the one message that says to use WSL 2.
cross: $(STATICCHECK)
	GOOS=darwin GOARCH=arm64 $(GO) vet ./...
	# Helpers used only by Linux tests are dead code on macOS: staticcheck the per-OS package there.
	GOOS=darwin GOARCH=arm64 $(STATICCHECK) ./internal/process/...
	# No code depends on the CPU: amd64 needs only the packages with per-OS files.
	GOOS=darwin GOARCH=amd64 $(GO) vet ./internal/process/... ./internal/function/... ./cmd/albatross
	GOOS=darwin GOARCH=arm64 $(GO) build -o /dev/null ./cmd/albatross
	# The amd64 vet above compiled every package for darwin/amd64: the link costs seconds.
	GOOS=darwin GOARCH=amd64 $(GO) build -o /dev/null ./cmd/albatross
	@out=$$(GOOS=windows $(GO) build -o /dev/null ./cmd/albatross 2>&1); \
	if ! echo "$$out" | grep -q use_WSL_2; then echo "a Windows build must fail with the WSL 2 message; got:"; echo "$$out"; exit 1; fi

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

$(STATICCHECK):
	GOBIN=$(BIN) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

staticcheck: $(STATICCHECK)
	$(STATICCHECK) ./...
	cd examples/seed && $(GO) vet ./... && $(STATICCHECK) ./...

## demo: the seed demo (examples/seed) on 127.0.0.1:$(PORT): a ticket-site monolith behind the load
## balancer, with its home page, API and assets moved into Lambda functions. Ctrl-C stops it all.
demo: build
	PORT=$(PORT) ./examples/seed/run.sh $(BIN)/albatross

## bench: the proxy benchmark (installs wrk and nginx from Debian when missing; about 3 minutes).
bench:
	bench/run.sh

## fuzz: every Fuzz target in the module for FUZZTIME each (default 1m; FUZZTIME=10m make fuzz).
FUZZTIME ?= 1m
fuzz:
	FUZZTIME=$(FUZZTIME) GO=$(GO) ./scripts/fuzz.sh

clean:
	rm -rf $(BIN)
