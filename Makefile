# netcon — build, test and demo entry points. `make help` lists them.
SWIFT       ?= swift
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PACKAGES    := liblwip-dev libsodium-dev zlib1g-dev liblz4-dev pkg-config
# The real programs the demo and the exec compatibility suite run, as command:package.
PROGRAMS    := python3:python3 curl:curl wget:wget nginx:nginx-light redis-server:redis-server redis-cli:redis-tools \
               sshd:openssh-server ssh:openssh-client socat:socat ncat:ncat node:nodejs busybox:busybox-static go:golang-go \
               psql:postgresql-client pg_ctlcluster:postgresql vsftpd:vsftpd \
               iperf3:iperf3 dnsmasq:dnsmasq dig:bind9-dnsutils ping:iputils-ping
# Fixed so regenerating the man page is deterministic; bump it with the version.
MAN_DATE    := 2026-11-29
RELEASE_BIN := .build/release/netcon

.PHONY: help deps program-deps build release test compat demo generate completions man check-generated clean

help:
	@echo "make deps             install missing Debian packages ($(PACKAGES))"
	@echo "make build            debug build"
	@echo "make release          release build: one static binary at $(RELEASE_BIN)"
	@echo "make test             all tests (the README's test command)"
	@echo "make demo             the README's demo on a private local world"
	@echo "make compat           real programs (nginx, redis, sshd, ...) under netcon exec, server and client on two nodes"
	@echo "make generate         regenerate completions/ and man/ from the command definitions"
	@echo "make check-generated  fail if completions/ or man/ differ from the command definitions"
	@echo "make fuzz             fuzz every parser of outside bytes, one target after another (FUZZ_SECONDS=60 each, FUZZ_TARGETS)"
	@echo "make fuzz-replay      run the fuzz target on FILES (crash inputs or a corpus directory)"
	@echo "make bench            armor, TCP (streams, round trips) and TCP over faults next to references, exec's overhead (release)"
	@echo "make bench-tcp        only the TCP part (BENCH_MIB=256 per transfer)"
	@echo "make bench-exec       only exec's overhead: host-only sockets with and without the intercept library"
	@echo "make bench-loss       only TCP over a faulty underlay next to the kernel's TCP over the same faults (root)"
	@echo "make soak             short connections and long transfers at once for SOAK_SECONDS=180, memory and fds sampled"
	@echo "make bench-programs   wrk → nginx and iperf3 under netcon exec on two nodes next to the same on loopback"

deps:
	@missing=""; for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

# PATH includes sbin: sshd and nginx live there and a user's PATH may not.
program-deps:
	@missing=""; for entry in $(PROGRAMS); do \
	  PATH="$$PATH:/usr/sbin:/sbin" command -v $${entry%%:*} >/dev/null 2>&1 || missing="$$missing $${entry##*:}"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

# The Swift toolchain links libstdc++ and libgcc_s dynamically even with --static-swift-stdlib. A search
# directory that ld reads first maps both names to GCC's static archives, so ldd shows only glibc (and liblwip).
STATIC_LINK_DIR := .build/static-link

release: deps
	mkdir -p $(STATIC_LINK_DIR)
	echo "INPUT($$(gcc -print-file-name=libstdc++.a))" > $(STATIC_LINK_DIR)/libstdc++.so
	echo "INPUT($$(gcc -print-file-name=libgcc_eh.a))" > $(STATIC_LINK_DIR)/libgcc_s.so
	$(SWIFT) build -c release --static-swift-stdlib -Xlinker -L$(CURDIR)/$(STATIC_LINK_DIR)
	@echo "built $(RELEASE_BIN):"; ldd $(RELEASE_BIN) | sed 's/^/  /'

test: deps program-deps
	$(SWIFT) build --build-tests
	# Every input the fuzzer ever found a bug with, on the target it was found by.
	.build/debug/NetconFuzz Fuzz/regressions > /dev/null
	NETCON_FORBID_DEFAULT_PLANET=1 .build/debug/netcon selftest
	./scripts/compat.sh .build/debug/netcon auto
	./scripts/compat.sh .build/debug/netcon preload
	NETCON_FORBID_DEFAULT_PLANET=1 $(SWIFT) test --skip-build --disable-xctest --skip NetStackTests
	# lwIP is one stack per process (one routing table for all its interfaces): its tests run one at a time.
	$(SWIFT) test --skip-build --disable-xctest --filter NetStackTests --no-parallel
	$(MAKE) --no-print-directory check-generated

compat: build program-deps
	./scripts/compat.sh .build/debug/netcon

demo: build program-deps
	./scripts/demo.sh .build/debug/netcon

generate: completions man

completions: build
	.build/debug/netcon --generate-completion-script bash > completions/netcon.bash
	.build/debug/netcon --generate-completion-script zsh > completions/_netcon
	.build/debug/netcon --generate-completion-script fish > completions/netcon.fish

man: deps
	$(SWIFT) package plugin generate-manual --date $(MAN_DATE)
	cp .build/plugins/GenerateManual/outputs/netcon/netcon.1 man/netcon.1

check-generated: build
	./scripts/check-generated.sh .build/debug/netcon $(MAN_DATE)

clean:
	rm -rf .build

# Fuzzing and benchmarks (README, "Fuzzing and benchmarks"). Each has its own scratch path, so they never
# disturb the ordinary build.
FUZZ_SECONDS   ?= 60
FUZZ_TARGETS   ?= wire engine netconf credentials control rpc controller-records dns socks5 http-proxy relay-files
FUZZ_CORPUS    ?= fuzz-corpus
FUZZ_SCRATCH   := .build-fuzz-libfuzzer
# libFuzzer and AddressSanitizer (for the unsafe-pointer code) on an optimised build that keeps Swift's checks.
# NETCON_LIBFUZZER swaps the replay tool's main for one that starts libFuzzer's driver (an experimental
# `@_extern(c)` declaration); lld because gold floods the log with warnings about ASan's symbols.
# The C targets (the intercept rules' parsers) get the same coverage instrumentation and sanitizer.
FUZZ_FLAGS     := -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library \
                  -Xswiftc -DNETCON_LIBFUZZER -Xswiftc -enable-experimental-feature -Xswiftc Extern -Xswiftc -use-ld=lld \
                  -Xcc -fsanitize=fuzzer-no-link,address
# Inputs that crash are saved here (crash-<sha1>); reproduce one with `make fuzz-replay FILES=...`.
FUZZ_ARTIFACTS ?= $(FUZZ_SCRATCH)/artifacts/
# The largest ZeroTier packet is 10 024 bytes; a little more exercises the length checks. The engine keeps
# state from input to input on purpose, so LeakSanitizer's per-input checks only cost time (10x).
FUZZ_OPTIONS   := -max_len=10240 -timeout=30 -detect_leaks=0
REPLAY_SCRATCH := .build-fuzz
BENCH_SCRATCH  := .build-bench
BENCH_MIB      ?= 256

.PHONY: fuzz fuzz-replay bench bench-tcp bench-exec bench-loss bench-programs bench-build soak

fuzz: deps
	$(SWIFT) build --scratch-path $(FUZZ_SCRATCH) --product NetconFuzz $(FUZZ_FLAGS)
	./Fuzz/seed-corpus.py $(FUZZ_CORPUS)
	$(FUZZ_SCRATCH)/release/NetconFuzz --write-seeds $(FUZZ_CORPUS)
	@echo "fuzzing $(FUZZ_TARGETS) for $(FUZZ_SECONDS) s each; crashing inputs are saved to $(FUZZ_ARTIFACTS)<target>/"
	./Fuzz/fuzz-targets.sh $(FUZZ_SCRATCH)/release/NetconFuzz $(FUZZ_CORPUS) $(FUZZ_ARTIFACTS) $(FUZZ_SECONDS) \
	  "$(FUZZ_TARGETS)" $(FUZZ_OPTIONS)

fuzz-replay: deps
	@[ -n "$(FILES)" ] || { echo "usage: make fuzz-replay FILES='crash-… or a corpus directory'"; exit 64; }
	$(SWIFT) build --scratch-path $(REPLAY_SCRATCH) --product NetconFuzz
	$(REPLAY_SCRATCH)/debug/NetconFuzz $(FILES)

# The TCP part starts the release `netcon` built beside NetconBench (root + 2 members on 127.0.0.1, a private
# planet, NETCON_FORBID_DEFAULT_PLANET=1) and removes everything when done, interrupted or past its deadline.
bench-build: deps
	$(SWIFT) build -c release --scratch-path $(BENCH_SCRATCH) --product netcon
	$(SWIFT) build -c release --scratch-path $(BENCH_SCRATCH) --product NetconBench

bench: bench-build
	$(BENCH_SCRATCH)/release/NetconBench --mib $(BENCH_MIB) --json $(BENCH_SCRATCH)/results.json

bench-tcp: bench-build
	$(BENCH_SCRATCH)/release/NetconBench tcp --mib $(BENCH_MIB)

bench-exec: bench-build
	$(BENCH_SCRATCH)/release/NetconBench exec

# wrk against nginx and iperf3, under netcon exec on two nodes next to the same programs on loopback.
BENCH_PROGRAMS := wrk:wrk iperf3:iperf3 nginx:nginx-light curl:curl python3:python3
bench-programs: bench-build
	$(MAKE) --no-print-directory program-deps PROGRAMS="$(BENCH_PROGRAMS)"
	./scripts/bench-programs.sh $(BENCH_SCRATCH)/release/netcon

# Many short connections and long transfers at once for SOAK_SECONDS, every byte checked, the daemons' memory and
# descriptors sampled each second (README, "Robustness"); not part of `make test`.
# SOAK_FAULTS (NETCON_TEST_UNDERLAY_FAULTS for both members) and SOAK_MIB (per long transfer) make it a lossy soak.
SOAK_SECONDS ?= 180
SOAK_FAULTS  ?=
SOAK_MIB     ?= 32
soak: bench-build
	$(BENCH_SCRATCH)/release/NetconBench soak --soak-seconds $(SOAK_SECONDS) --soak-faults "$(SOAK_FAULTS)" --soak-mib $(SOAK_MIB) \
	  --json $(BENCH_SCRATCH)/soak.json

# Root (network namespaces and tun devices for the kernel's reference); rows that cannot run say why.
bench-loss: bench-build
	$(BENCH_SCRATCH)/release/NetconBench loss
