#pragma once
// Runs the real crackkd executable as a user would: its own process, stdout and stderr
// apart, an exit code or the signal that ended it, and optionally a signal sent once the
// process has printed a given text (Ctrl-C "mid-epoch", a kill "mid-save").

#include "test_files.hpp"

#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace crackkd::test {

struct Outcome {
  int code = -1;        ///< exit code, or -1 when a signal ended it
  int signal = 0;       ///< the signal that ended it, or 0
  bool timed_out = false;
  std::string out, err;
  /// For assertion messages: everything it said.
  std::string said() const { return "exit " + std::to_string(code) + " signal " + std::to_string(signal) + "\n--- stdout\n" + out + "--- stderr\n" + err; }
};

struct RunSpec {
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;  ///< set in the child
  std::string stop_when;  ///< send `stop_signal` once stderr contains this ("" = never)
  int stop_signal = SIGINT;
  int timeout_s = 300;
  bool example_plugins = true;  ///< --plugin-path to the example model's folder
  std::string cwd;              ///< working folder ("" = the test's)
};

inline Outcome run_crackkd(const RunSpec& spec) {
  int out_pipe[2], err_pipe[2];
  if (::pipe(out_pipe) != 0 || ::pipe(err_pipe) != 0) throw std::runtime_error("pipe failed");
  std::vector<std::string> args{crackkd_binary().string()};
  if (spec.example_plugins) args.insert(args.end(), {"--plugin-path", test_plugins("example").string()});
  args.insert(args.end(), spec.args.begin(), spec.args.end());
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out_pipe[1], STDOUT_FILENO);
    ::dup2(err_pipe[1], STDERR_FILENO);
    ::close(out_pipe[0]), ::close(err_pipe[0]), ::close(out_pipe[1]), ::close(err_pipe[1]);
    for (const auto& [k, v] : spec.env) ::setenv(k.c_str(), v.c_str(), 1);
    ::setenv("OMP_WAIT_POLICY", "passive", 1);
    if (!spec.cwd.empty() && ::chdir(spec.cwd.c_str()) != 0) std::_Exit(126);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    std::_Exit(127);
  }
  ::close(out_pipe[1]), ::close(err_pipe[1]);
  Outcome r;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(spec.timeout_s);
  bool stopped = spec.stop_when.empty();
  int open_pipes = 2;
  while (open_pipes > 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      r.timed_out = true;
      break;
    }
    if (::poll(fds, 2, 200) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      char buffer[4096];
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_pipes;
        continue;
      }
      (i == 0 ? r.out : r.err).append(buffer, static_cast<std::size_t>(n));
    }
    if (!stopped && r.err.find(spec.stop_when) != std::string::npos) {
      ::kill(pid, spec.stop_signal);
      stopped = true;
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0) ::close(f.fd);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFEXITED(status)) r.code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  return r;
}

/// `run_crackkd` with just arguments.
inline Outcome run_binary(std::vector<std::string> args) {
  RunSpec spec;
  spec.args = std::move(args);
  return run_crackkd(spec);
}

}  // namespace crackkd::test
