# The README's commands. Each installs the Debian packages it needs (only missing ones,
# through apt-get, with sudo when not root), then configures and builds.
#
#   make demo          install, build the host and plugins, run pipelines/quickstart.toml
#   make test          install, build, run the fast test tier (every test but the slow ones)
#   make test-all      the same, then the benchmarks' build and every tier (what CI runs)
#   make build         install, build the host, plugins, tests and the out-of-tree example
#   make bench         build the benchmarks under tests/bench (run by hand)
#   make build TORCH_DIR=…   the same against another LibTorch (a CUDA one, say)
#   make install PREFIX=/opt/crackkd
#
# docs/developing.md: the tiers, the compiler cache, and how long each step takes.

BUILD   ?= build
PREFIX  ?= /usr/local
JOBS    ?= $(shell nproc)
STAGE   := $(abspath $(BUILD))/stage
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo
# TORCH_DIR=DIR builds against another LibTorch than Debian's (a libtorch folder, a pip
# wheel's torch/ folder or its share/cmake): docs/user_guide.md, "Using a GPU".
ifneq ($(TORCH_DIR),)
CMAKE_FLAGS += -DTORCH_DIR=$(abspath $(TORCH_DIR))
endif

# Debian 12 packages: compilers and build tools, LibTorch (CPU), OpenCV, Boost (DLL is
# header-only here, used on std::filesystem), TOML++, spdlog, CLI11, GoogleTest, an
# optimised BLAS (Debian's default reference BLAS makes matrix products slow), OpenCV's
# contrib thinning (crack length), PLplot with its cairo PNG driver (report figures), and
# Python's torchvision (the reference the baseline encoders are tested against; the
# benchmarks' Python peers use its python3-torch, and `crackkd export --format onnx` runs
# its ONNX exporter), Python's onnx (the export tests check files with its checker) and
# PIL (the dataset tests write palette PNGs with it).
PACKAGES := cmake ninja-build g++ pkg-config libtorch-dev libopencv-dev libboost-dev \
            libtomlplusplus-dev libspdlog-dev libcli11-dev libgtest-dev libopenblas0-pthread \
            libopencv-contrib-dev libplplot-dev plplot-driver-cairo python3-torchvision libgloo-dev \
            python3-onnx python3-pil

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps node-packages configure build host stage demo test test-all bench install clean

deps:
	@missing=""; for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	else echo "Debian packages: all present"; fi

# ONNX Runtime's CPU runtime and a PNG codec from npm, at the versions
# sdk/examples/deploy/package-lock.json pins, into $(BUILD)/node (only when missing or
# when the lock changed), for the export tests and the deploy example. Node.js and npm
# come from Debian when the machine has none (a Node.js from elsewhere is kept).
# --ignore-scripts: onnxruntime-node's install script fetches GPU extras from outside
# npm; the CPU runtime is in the package itself.
NODE_DIR := $(BUILD)/node
node-packages:
	@for tool in node:nodejs npm:npm; do command -v $${tool%%:*} > /dev/null || { \
	  echo "installing Debian package $${tool##*:}"; $(SUDO) apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $${tool##*:}; }; done
	@if cmp -s sdk/examples/deploy/package-lock.json $(NODE_DIR)/package-lock.json && \
	    [ -d $(NODE_DIR)/node_modules/onnxruntime-node ]; then echo "npm packages: all present"; else \
	  echo "installing npm packages into $(NODE_DIR)"; mkdir -p $(NODE_DIR) && \
	  cp sdk/examples/deploy/package.json sdk/examples/deploy/package-lock.json $(NODE_DIR)/ && \
	  cd $(NODE_DIR) && npm ci --ignore-scripts --no-audit --no-fund; fi

configure: deps node-packages
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS)

# The example plugin is built out of tree against the SDK package staged in
# $(BUILD)/stage, exactly as a third party builds one, and installed next to the
# first-party plugins there; $(BUILD)/stage/bin/crackkd is the complete host. It goes
# through the same compiler cache as the main build when the machine has ccache.
CCACHE := $(shell command -v ccache 2> /dev/null)
EXAMPLE_FLAGS := -DCMAKE_BUILD_TYPE=Release
ifneq ($(CCACHE),)
ifeq ($(CRACKKD_NO_CCACHE),)
EXAMPLE_FLAGS += "-DCMAKE_CXX_COMPILER_LAUNCHER=cmake;-E;env;CCACHE_BASEDIR=$(CURDIR);CCACHE_NOHASHDIR=1;CCACHE_SLOPPINESS=include_file_mtime,include_file_ctime,time_macros;$(CCACHE)"
endif
endif
stage:
	cmake --install $(BUILD) --prefix $(STAGE) > /dev/null
	cmake -S sdk/examples/third_party_plugin -B $(BUILD)/example -G Ninja $(EXAMPLE_FLAGS) -DCMAKE_PREFIX_PATH=$(STAGE)
	cmake --build $(BUILD)/example -j $(JOBS)
	cmake --install $(BUILD)/example --prefix $(STAGE) > /dev/null

# The host and the first-party plugins only: what `make demo` needs.
host: configure
	cmake --build $(BUILD) -j $(JOBS) --target crackkd_host
	$(MAKE) --no-print-directory stage

build: configure
	cmake --build $(BUILD) -j $(JOBS)
	$(MAKE) --no-print-directory stage

demo: host
	$(STAGE)/bin/crackkd run pipelines/quickstart.toml

# The fast tier: every test but those labelled slow (tests/README.md lists the tiers).
test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -LE slow

bench: configure
	cmake --build $(BUILD) -j $(JOBS) --target benchmarks

# Every tier, and the benchmarks built (never run): what CI runs (.ci/run).
test-all: build bench
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)
	cmake --install $(BUILD)/example --prefix $(PREFIX)

clean:
	rm -rf $(BUILD)
