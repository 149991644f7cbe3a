#pragma once
// Helpers shared by the benchmarks: median timing and running the Python eager peer.
// Header-only and LibTorch-free, so every benchmark builds wherever LibTorch does.

#include "app/memory.hpp"

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

/// The environment that gives a Python peer crackkd::app::reuse_freed_memory()'s glibc settings.
inline std::string reuse_freed_memory_env() {
  return "GLIBC_TUNABLES=glibc.malloc.mmap_threshold=" + std::to_string(crackkd::app::kMmapThreshold) +
         ":glibc.malloc.trim_threshold=" + std::to_string(crackkd::app::kTrimThreshold);
}

/// Output of `/usr/bin/python3 SCRIPT ARGS` (Debian's python3-torch), "" when it fails;
/// `env` ("NAME=value …", or "") is set for the script alone.
inline std::string run_python(const std::string& script, const std::string& args, const std::string& env = "");

/// Output (stdout and stderr) of the shell command `command`, "" when it fails.
inline std::string run_command(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return "";
  std::array<char, 4096> buffer{};
  while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) out.append(buffer.data(), n);
  return ::pclose(pipe) == 0 ? out : "";
}

inline std::string run_python(const std::string& script, const std::string& args, const std::string& env) {
  return run_command((env.empty() ? "" : env + " ") + "/usr/bin/python3 " + script + " " + args);
}

/// The number after "key=" in `text`, or -1.
inline double field(const std::string& text, const std::string& key) {
  const auto at = text.find(key + "=");
  return at == std::string::npos ? -1 : std::stod(text.substr(at + key.size() + 1));
}

}  // namespace crackkd::bench
