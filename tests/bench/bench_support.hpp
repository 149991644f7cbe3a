#pragma once
// Helpers shared by the benchmarks: median timing and running the Python eager peer.
// Header-only and LibTorch-free, so every benchmark builds wherever LibTorch does.

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace crackkd::bench {

/// Median wall time in ms of `repeats` calls after `warmup` untimed ones.
template <class F> double median_ms(int warmup, int repeats, F&& f) {
  for (int i = 0; i < warmup; ++i) f();
  std::vector<double> times;
  for (int i = 0; i < repeats; ++i) {
    const auto start = std::chrono::steady_clock::now();
    f();
    times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

/// Output of `/usr/bin/python3 SCRIPT ARGS` (Debian's python3-torch), "" when it fails.
/// glibc settings equal to crackkd::app::reuse_freed_memory(), for a Python peer run with them.
inline constexpr const char* kReuseFreedMemoryEnv =
    "GLIBC_TUNABLES=glibc.malloc.mmap_threshold=268435456:glibc.malloc.trim_threshold=1073741824";

/// Runs a Python peer script; `env` ("NAME=value …", or "") is set for it alone.
inline std::string run_python(const std::string& script, const std::string& args, const std::string& env = "") {
  const std::string command = (env.empty() ? "" : env + " ") + "/usr/bin/python3 " + script + " " + args + " 2>&1";
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return "";
  std::array<char, 4096> buffer{};
  while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) out.append(buffer.data(), n);
  return ::pclose(pipe) == 0 ? out : "";
}

/// The number after "key=" in `text`, or -1.
inline double field(const std::string& text, const std::string& key) {
  const auto at = text.find(key + "=");
  return at == std::string::npos ? -1 : std::stod(text.substr(at + key.size() + 1));
}

}  // namespace crackkd::bench
