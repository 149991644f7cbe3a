#pragma once
// Runs the crackkd executable (with the example plugins on its path) and captures its
// exit code and its stdout and stderr together.

#include "test_support.hpp"

#include <array>
#include <cstdio>
#include <string>
#include <sys/wait.h>

namespace crackkd::test {

struct CliResult {
  int code = -1;
  std::string out;  // stdout and stderr together
};

/// Runs the shell command `command` (stderr joins stdout).
inline CliResult run_shell(const std::string& command) {
  CliResult r;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  std::array<char, 4096> buffer{};
  while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) r.out.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

/// Runs `crackkd args`; `prefix` goes before the command ("cd DIR && ").
inline CliResult run_cli(const std::string& args, const std::string& prefix = "") {
  const std::string plugin_paths = " --plugin-path " + test_plugins("example").string();
  return run_shell(prefix + crackkd_binary().string() + plugin_paths + " " + args);
}

}  // namespace crackkd::test
