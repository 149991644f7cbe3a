#!/usr/bin/env bash
# Builds the example plugin out of tree against the *installed* SDK package, installs it
# next to the host, and checks that the installed host lists and runs it.
# Usage: example_plugin_build_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
source=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" > /dev/null
generator=()
command -v ninja > /dev/null && generator=(-G Ninja)
cmake -S "$source/sdk/examples/third_party_plugin" -B "$work/example" "${generator[@]}" \
      -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$work/prefix" > "$work/configure.log" || { cat "$work/configure.log"; exit 1; }
cmake --build "$work/example" > "$work/build.log" || { cat "$work/build.log"; exit 1; }
cmake --install "$work/example" --prefix "$work/prefix" > /dev/null
names=$("$work/prefix/bin/crackkd" plugins --names)
echo "$names"
grep -qx "model.tiny_unet" <<< "$names" || { echo "model.tiny_unet not listed by the installed host"; exit 1; }
"$work/prefix/bin/crackkd" inspect tiny_unet --size 64 --json | grep -q '"logits": \[1, 1, 64, 64\]'
echo "example plugin: built out of tree, installed, listed and run"
