#!/usr/bin/env bash
# CrackKD's device check: configures and builds tests/gpu (LibTorch and the standard
# library only) against a LibTorch, then runs crackkd_device_check on the device and
# leaves a Markdown report. Made for a GPU machine that has a PyTorch wheel, CMake and a
# compiler and nothing else; `make test` runs it with --device cpu so it keeps working.
#
#   tests/gpu/check.sh [--device cuda|cpu] [--torch-dir DIR] [--build-dir DIR]
#                      [--report FILE] [--jobs N] [-- CMAKE_ARGS...]
#
#   --device     cuda (default) or cpu
#   --torch-dir  a libtorch folder, a wheel's torch/ folder or its share/cmake; default:
#                the torch package of `${PYTHON:-python3}`, else CMake's own search
#   --build-dir  default: build/device_check under the repository
#   --report     default: <build-dir>/device_check_report.md
#   --jobs       parallel compile jobs, default: the number of cores
#   -- ARGS      passed to CMake's configure step, e.g. -DCUDAToolkit_ROOT=/usr/local/cuda
#                when a CUDA LibTorch's CMake package cannot find the CUDA toolkit
#
# Exit status: 0 all checks passed, 1 a check failed, 2 the build or the arguments failed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
device=cuda torch_dir="" build_dir="$root/build/device_check" report="" jobs=$(nproc)

usage() { sed -n '7,18p' "$0" | sed 's/^# \{0,1\}//'; }
cmake_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --device) device=${2:?--device needs a value}; shift 2 ;;
    --torch-dir) torch_dir=${2:?--torch-dir needs a value}; shift 2 ;;
    --build-dir) build_dir=${2:?--build-dir needs a value}; shift 2 ;;
    --report) report=${2:?--report needs a value}; shift 2 ;;
    --jobs) jobs=${2:?--jobs needs a value}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --) shift; cmake_args=("$@"); break ;;
    *) echo "check.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done
case "$device" in cuda|cpu) ;; *) echo "check.sh: --device takes cuda or cpu, not $device" >&2; exit 2 ;; esac
report=${report:-$build_dir/device_check_report.md}

if [ -z "$torch_dir" ]; then
  torch_dir=$("${PYTHON:-python3}" -c 'import os, torch; print(os.path.dirname(torch.__file__))' 2>/dev/null || true)
  [ -n "$torch_dir" ] && [ -f "$torch_dir/share/cmake/Torch/TorchConfig.cmake" ] || torch_dir=""
fi
generator=()
command -v ninja > /dev/null && generator=(-G Ninja)

started=$(date +%s)
echo "check.sh: configuring $build_dir${torch_dir:+ against $torch_dir}" >&2
mkdir -p "$build_dir"
log="$build_dir/configure.log"
cmake -S "$here" -B "$build_dir" "${generator[@]}" ${torch_dir:+-DTORCH_DIR="$torch_dir"} "${cmake_args[@]}" > "$log" 2>&1 ||
  { cat "$log" >&2; echo "check.sh: configuring failed (log: $log)" >&2; exit 2; }
grep "CrackKD:" "$log" >&2 || true
echo "check.sh: building with $jobs jobs" >&2
cmake --build "$build_dir" -j "$jobs" >&2 || { echo "check.sh: the build failed" >&2; exit 2; }
built=$(date +%s)

# LibTorch-only means no header from the project's other libraries: Ninja records every
# header each object read.
if [ -f "$build_dir/build.ninja" ]; then
  "$here/libtorch_only_test.sh" "$build_dir" >&2 || exit 2
fi

context=(--context "Host: $(nproc) CPU cores; configure and build took $((built - started)) s; $(date -u +%Y-%m-%d)")
if [ "$device" = cuda ] && command -v nvidia-smi > /dev/null; then
  gpu=$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -1 || true)
  [ -n "$gpu" ] && context+=(--context "GPU: $gpu (name, driver, memory)")
fi
mkdir -p "$(dirname "$report")"
status=0
"$build_dir/crackkd_device_check" --device "$device" --report "$report" "${context[@]}" || status=$?
echo "check.sh: $(($(date +%s) - started)) s in all; report: $report" >&2
exit $status
