# Albatross — the two commands a newcomer needs: `make demo` and `make test`.
GO          ?= go
BIN         := $(CURDIR)/bin
STATICCHECK := $(BIN)/staticcheck
STATICCHECK_VERSION := v0.8.2
PORT        ?= 8080

.PHONY: all build test deps lint vet fmt-check staticcheck unit demo bench clean fuzz

all: build

build:
	$(GO) build -o $(BIN)/albatross ./cmd/albatross

## test: everything CI runs — formatting, vet, staticcheck, and the whole suite with -race.
test: deps lint unit

## deps: Debian packages the tests use as real clients (aws CLI, Chromium); no-op when present.
deps:
	./scripts/install-test-deps.sh

unit:
	$(GO) test -race -count=1 -timeout 15m ./...
	cd examples/seed && $(GO) test -race -count=1 -timeout 25m ./...

lint: fmt-check vet staticcheck

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
