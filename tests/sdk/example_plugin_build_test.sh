#!/usr/bin/env bash
# Builds the example plugin out of tree against the *installed* SDK package, installs it
# next to the host, and checks that the installed host lists and runs it.
# Usage: example_plugin_build_test.sh BUILD_DIR SOURCE_DIR [COMPILER_LAUNCHER]
# The work folder lies in BUILD_DIR (not a fresh temporary one) so that a compiler cache
# keyed on the clone (COMPILER_LAUNCHER, sdk/cmake/CrackKDCcache.cmake) serves it again.
# It compiles without optimisation: what is checked is that it builds and loads.
set -euo pipefail
build=$1
source=$2
launcher=${3:-}
work=$build/tests/sdk_example_out_of_tree
rm -rf "$work"
mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" > /dev/null
generator=()
command -v ninja > /dev/null && generator=(-G Ninja)
cmake -S "$source/sdk/examples/third_party_plugin" -B "$work/example" "${generator[@]}" \
      -DCMAKE_BUILD_TYPE= -DCMAKE_CXX_FLAGS=-O0 -DCMAKE_PREFIX_PATH="$work/prefix" \
      ${launcher:+"-DCMAKE_CXX_COMPILER_LAUNCHER=$launcher"} > "$work/configure.log" || { cat "$work/configure.log"; exit 1; }
cmake --build "$work/example" > "$work/build.log" || { cat "$work/build.log"; exit 1; }
cmake --install "$work/example" --prefix "$work/prefix" > /dev/null
names=$("$work/prefix/bin/crackkd" plugins --names)
echo "$names"
grep -qx "model.tiny_unet" <<< "$names" || { echo "model.tiny_unet not listed by the installed host"; exit 1; }
"$work/prefix/bin/crackkd" inspect tiny_unet --size 64 --json | grep -q '"logits": \[1, 1, 64, 64\]'
rm -rf "$work"
echo "example plugin: built out of tree, installed, listed and run"
