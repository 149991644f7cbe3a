#!/usr/bin/env bash
# Fails when an object of a LibTorch-only build read a header of the project's other
# libraries (Boost, spdlog, OpenCV, TOML++, CLI11, GoogleTest, PLplot). Ninja records
# every header each object read; system folders are shared, so include paths prove
# nothing and the recorded headers are the evidence.
#
#   libtorch_only_test.sh BUILD_DIR [OBJECT_DIR...]
#
# OBJECT_DIR: the objects to check, as folders relative to BUILD_DIR (a target's
# CMakeFiles/<target>.dir); none: every object of the build (tests/gpu's own build).
set -euo pipefail
build_dir=$1; shift
[ -f "$build_dir/build.ninja" ] || { echo "libtorch_only_test.sh: $build_dir is no Ninja build; nothing recorded to check" >&2; exit 2; }
deps=$(cd "$build_dir" && ninja -t deps)
if [ $# -gt 0 ]; then
  # Keep the header lines of the objects under the given folders: an object's line starts
  # in column 1, its headers are indented below it.
  pattern=$(printf '%s|' "$@"); pattern="^(${pattern%|})"
  deps=$(awk -v p="$pattern" '/^[^ \t]/ { keep = ($0 ~ p) } keep' <<< "$deps")
  objects=$(grep -cE '^[^ \t]' <<< "$deps" || true)
  [ "$objects" -gt 0 ] || { echo "libtorch_only_test.sh: no objects recorded under $*: build them first" >&2; exit 2; }
fi
leaks=$(grep -E '/(boost|spdlog|opencv4|toml\+\+|CLI|gtest|plplot)/' <<< "$deps" | sort -u | head -5 || true)
if [ -n "$leaks" ]; then
  echo "libtorch_only_test.sh: the LibTorch-only build read headers of other libraries:" >&2; echo "$leaks" >&2; exit 1
fi
echo "libtorch_only_test.sh: ${objects:-all} objects read LibTorch and the standard library only"
