# flowaudit: build, test, benchmark, fuzz.
GO      ?= go
PKGS    ?= ./...
FUZZTIME ?= 10s
FUZZMINIMIZETIME ?= 1s

.PHONY: build test vet unit fuzz bench pgo generate check-generate demo clean

build:
	CGO_ENABLED=0 $(GO) build -o bin/flowaudit ./cmd/flowaudit

# The test command CI runs: vet, every test, then each fuzz target briefly.
test: vet unit fuzz

vet:
	$(GO) vet $(PKGS)
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { gofmt -l .; echo "gofmt needed"; exit 1; }

unit:
	$(GO) test -count=1 -timeout 15m $(PKGS)

# Runs every fuzz target (func FuzzXxx) for FUZZTIME each, minimising each
# new input for at most FUZZMINIMIZETIME (scripts/fuzz-all says why).
fuzz:
	@./scripts/fuzz-all "$(FUZZTIME)" "$(FUZZMINIMIZETIME)"

bench:
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

# Rewrites cmd/flowaudit/default.pgo, the profile `go build` optimises flowaudit with, from
# audits of the benchmark's gateway capture (scripts/pgo-profile --help). Commit the result.
pgo:
	./scripts/pgo-profile

# Rebuilds generated files: the eBPF objects and their Go bindings
# (bpf/, needs clang and libbpf-dev). The output is committed.
generate:
	$(GO) generate ./...

# Fails when the committed eBPF objects are not what bpf/flow.c compiles to
# (also part of make test when clang is installed).
check-generate:
	$(GO) test -count=1 -run '^TestGeneratedFilesCurrent$$' ./bpf/

# The README's main job: audit a real capture with the built-in catalog.
demo: build
	./bin/flowaudit audit testdata/demo/teams.pcap

clean:
	rm -rf bin

# End-to-end benchmark on a generated gateway capture against tcpdump, argus, ndpiReader, tshark
# (scripts/bench-e2e --help): make bench-e2e PACKETS=1000000 BENCH_E2E_FLAGS=--markdown
.PHONY: bench-e2e
bench-e2e:
	PACKETS=$(PACKETS) ./scripts/bench-e2e $(BENCH_E2E_FLAGS)
