# kechuang: build, test, demo and benchmarks on Debian with Swift 6.3.
#
#   make demo    build release; run the three-region federation in ./demo-data until Ctrl-C (ARGS=--once: print and stop)
#   make test    install what the build and the tests need, build, run the whole test suite
#   make bench   benchmarks against bare-tool baselines of the same run; PASS/FAIL per target, exit 1 on a FAIL
#   make soak    the convergence test with 5,000 seeded schedules
#   make deb     the Debian package kechuang_VERSION_amd64.deb in .build-deb/ (static Swift runtime)
#
# Every target first installs the Debian packages it needs when they are missing
# (apt-get update first, only then); run as root or with sudo available.

SWIFT        ?= swift
# The -dev packages of the five C libraries (DESIGN.md), pkg-config for SwiftPM to find them,
# and the tools the tests drive (a test whose tool is missing fails; none is skipped).
BUILD_DEBS   := libsqlite3-dev libssl-dev libcurl4-openssl-dev libmicrohttpd-dev zlib1g-dev pkg-config
TEST_DEBS    := sqlite3 python3 python3-jsonschema python3-yaml python3-venv python3-cryptography nginx-light curl openssl chromium fonts-wqy-microhei python3-websocket iproute2 dpkg-dev systemd adduser
# The OpenAPI validator the tests run on protocols/openapi.yaml (OpenAPITests), pinned, from PyPI,
# in a virtual environment under .build (Debian 12 refuses a system-wide pip install, PEP 668).
OPENAPI_VALIDATOR := openapi-spec-validator==0.9.0
OPENAPI_VENV      := .build/venv-openapi
BENCH_DEBS   := sqlite3 time wrk nginx-light curl python3 coreutils
# What scripts/demo.sh itself runs besides kechuang (it reads JSON with python3); nothing test-only.
DEMO_DEBS    := python3
SUDO         := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all build release test demo bench soak deb clean deps-build deps-test deps-bench deps-demo deps-deb

all: build

# Installs the listed packages that are not installed yet; runs `apt-get update` only if needed.
define ensure_debs
	@missing=""; \
	for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

deps-build:
	$(call ensure_debs,$(BUILD_DEBS))

deps-test: deps-build
	$(call ensure_debs,$(TEST_DEBS))
	@if ! $(OPENAPI_VENV)/bin/python -c "import importlib.metadata as m, sys; \
	    sys.exit(m.version('$(word 1,$(subst ==, ,$(OPENAPI_VALIDATOR)))') != '$(word 2,$(subst ==, ,$(OPENAPI_VALIDATOR)))')" 2>/dev/null; then \
	  echo "Installing $(OPENAPI_VALIDATOR) into $(OPENAPI_VENV)"; \
	  /usr/bin/python3 -m venv $(OPENAPI_VENV) && \
	  $(OPENAPI_VENV)/bin/pip install --quiet --disable-pip-version-check "$(OPENAPI_VALIDATOR)"; \
	fi

deps-demo: deps-build
	$(call ensure_debs,$(DEMO_DEBS))

deps-bench: deps-build
	$(call ensure_debs,$(BENCH_DEBS))

build: deps-build
	$(SWIFT) build

release: deps-build
	$(SWIFT) build -c release

# The Debian package is built before the tests run (DebPackageTests installs it): its static
# release build would otherwise take both cores from the tests running in parallel.
test: deps-test
	$(SWIFT) build --build-tests
	@SWIFT=$(SWIFT) scripts/deb.sh .build-deb > /dev/null
	$(SWIFT) test --skip-build

demo: deps-demo release
	@scripts/demo.sh "$$($(SWIFT) build -c release --show-bin-path)/kechuang" $(ARGS)

# The Debian package: kechuang_VERSION_amd64.deb in .build-deb/ (scripts/deb.sh, deploy/debian).
deb: deps-deb
	@scripts/deb.sh .build-deb

deps-deb: deps-build
	$(call ensure_debs,dpkg-dev)

bench: deps-bench release
	@scripts/bench.sh "$$($(SWIFT) build -c release --show-bin-path)/kechuang"

# The convergence test with many more seeded schedules (KECHUANG_SOAK_SCHEDULES).
soak: deps-test
	$(SWIFT) build --build-tests
	KECHUANG_SOAK_SCHEDULES=$${SCHEDULES:-5000} $(SWIFT) test --skip-build --filter ConvergenceTests

clean:
	rm -rf .build demo-data bench-data
