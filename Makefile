# The README's commands. Each installs the Debian packages it needs (only missing ones,
# through apt-get, with sudo when not root), then configures and builds.
#
#   make demo          install, build, run pipelines/quickstart.toml
#   make test          install, build, run every test through ctest
#   make build         install, build the host, plugins, tests and the out-of-tree example
#   make build TORCH_DIR=…   the same against another LibTorch (a CUDA one, say)
#   make install PREFIX=/opt/crackkd

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

.PHONY: deps node-packages configure build demo test install clean

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
# first-party plugins there; $(BUILD)/stage/bin/crackkd is the complete host.
build: configure
	cmake --build $(BUILD) -j $(JOBS)
	cmake --install $(BUILD) --prefix $(STAGE) > /dev/null
	cmake -S sdk/examples/third_party_plugin -B $(BUILD)/example -G Ninja $(CMAKE_FLAGS) -DCMAKE_PREFIX_PATH=$(STAGE)
	cmake --build $(BUILD)/example -j $(JOBS)
	cmake --install $(BUILD)/example --prefix $(STAGE) > /dev/null

demo: build
	$(STAGE)/bin/crackkd run pipelines/quickstart.toml

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)
	cmake --install $(BUILD)/example --prefix $(PREFIX)

clean:
	rm -rf $(BUILD)
