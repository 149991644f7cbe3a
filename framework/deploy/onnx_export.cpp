#include "deploy/onnx_export.hpp"

#include "io/durable_file.hpp"

#include <crackkd/error.hpp>

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace crackkd::deploy {

namespace {

namespace fs = std::filesystem;

struct Finished {
  int exit_code = -1;  ///< -1: killed by a signal
  std::string output;  ///< stdout and stderr together
};

/// Runs `argv` and waits for it; throws crackkd::Error when it cannot start.
Finished run_captured(const std::vector<std::string>& argv) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) throw Error(std::string("cannot create a pipe: ") + std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  Finished finished;
  if (spawned == 0) {
    char buffer[4096];
    for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof buffer)) != 0;)
      if (n > 0) finished.output.append(buffer, static_cast<std::size_t>(n));
      else if (errno != EINTR) break;
  }
  ::close(pipe_fds[0]);
  if (spawned != 0) throw Error("cannot run " + argv[0] + ": " + std::strerror(spawned));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  finished.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return finished;
}

std::string last_line(const std::string& text) {
  const auto end = text.find_last_not_of("\r\n ");
  if (end == std::string::npos) return "(no output)";
  const auto start = text.find_last_of('\n', end);
  return text.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start + 1) + 1);
}

/// Turns the script's exit code into one line naming what went wrong.
void raise_failure(const Finished& run, const std::string& python, const std::string& model_name, int opset) {
  const std::string why = last_line(run.output);
  if (run.exit_code == 3)
    throw Error(model_name + " cannot be exported to ONNX opset " + std::to_string(opset) + ": " + why.substr(why.find("operator")) +
                " has no ONNX mapping in PyTorch's exporter");
  if (run.exit_code == 4)
    throw Error("ONNX export runs PyTorch's exporter, but " + python + " " + why +
                "; install python3-torch or set CRACKKD_PYTHON to a Python with PyTorch");
  throw Error("ONNX export of " + model_name + " failed in " + python + ": " + why);
}

}  // namespace

std::string torch_python() {
  if (const char* chosen = std::getenv("CRACKKD_PYTHON"); chosen && *chosen) return chosen;
  if (::access("/usr/bin/python3", X_OK) == 0) return "/usr/bin/python3";
  return "python3";
}

void export_onnx(const fs::path& torchscript, const fs::path& out, const OnnxOptions& options, const std::string& model_name) {
  const std::string python = torch_python();
  io::write_atomically(out, [&](const fs::path& temporary) {
    Finished run;
    try {
      run = run_captured({python, "-c", kOnnxExportScript, torchscript.string(), temporary.string(),
                          std::to_string(options.opset), options.dynamic ? "1" : "0"});
    } catch (const Error& e) {
      throw Error("ONNX export runs PyTorch's exporter in Python: " + std::string(e.what()) +
                  "; install python3-torch or set CRACKKD_PYTHON");
    }
    spdlog::debug("export: {} said:\n{}", python, run.output);
    if (run.exit_code != 0) raise_failure(run, python, model_name, options.opset);
  });
}

}  // namespace crackkd::deploy
