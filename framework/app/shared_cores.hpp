#pragma once
// Two CrackKD processes on one machine. LibTorch's OpenMP threads spin while they wait for
// each other, which makes one process ~10 % faster alone (PCT training step 204 against
// 224 ms, inspect 31 against 35 ms, 2 cores) but takes the cores from any other busy
// process: `crackkd inspect pct --size 224` measured 155 ms (p90 1,248 ms) beside a
// training run, and 52-54 ms when it slept instead of spinning (OMP_WAIT_POLICY=passive;
// 2026-12-07). A process alone keeps spinning; one that starts while another CrackKD
// process runs makes its threads sleep. OpenMP reads the variable when the library loads,
// before main, so the process starts itself again with it set (~0.5 s, only then).
// `crackkd run -j` gives its workers the same setting; an OMP_WAIT_POLICY the user set is
// kept either way.

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace crackkd::app {

/// The pid of another `crackkd` process that may use the cores (not stopped, not a
/// zombie), or 0.
inline pid_t other_crackkd_process() {
  const std::string self = std::to_string(::getpid());
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string pid = entry.path().filename().string();
    if (pid.find_first_not_of("0123456789") != std::string::npos || pid == self) continue;
    std::string name, stat;
    std::getline(std::ifstream(entry.path() / "comm"), name);
    if (name != "crackkd") continue;
    std::getline(std::ifstream(entry.path() / "stat"), stat);  // "pid (comm) S ...": S is the state
    const auto state_at = stat.rfind(") ");
    const char state = state_at == std::string::npos || state_at + 2 >= stat.size() ? '?' : stat[state_at + 2];
    if (state != 'T' && state != 't' && state != 'Z') return static_cast<pid_t>(std::stol(pid));
  }
  return 0;
}

/// Starts this process again with OMP_WAIT_POLICY=passive when another CrackKD process
/// runs and the user set no policy; returns when it does not.
inline void sleep_while_waiting_beside_others(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY")) return;
  const pid_t other = other_crackkd_process();
  if (!other) return;
  // Debug, not info: a one-line error or `plugins --names` must stay one line.
  spdlog::debug("another CrackKD process (pid {}) runs on this machine: this one's threads sleep while they wait "
                "(OMP_WAIT_POLICY=passive) instead of spinning on the shared cores",
                other);
  ::setenv("OMP_WAIT_POLICY", "passive", 1);
  ::execv("/proc/self/exe", argv);  // on failure, go on as before
}

}  // namespace crackkd::app
