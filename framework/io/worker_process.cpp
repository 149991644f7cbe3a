#include "io/worker_process.hpp"

#include <crackkd/error.hpp>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <initializer_list>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace crackkd::io {

std::string this_executable() {
  std::vector<char> self(4096);
  const auto length = ::readlink("/proc/self/exe", self.data(), self.size() - 1);
  if (length <= 0) throw Error("cannot find this executable (/proc/self/exe)");
  return std::string(self.data(), static_cast<std::size_t>(length));
}

namespace {

/// In the forked child: never returns.
[[noreturn]] void exec_worker(const std::string& program, const std::vector<std::string>& args,
                              const std::map<std::string, std::string>& environment, int output, int input) {
  ::setpgid(0, 0);
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  ::signal(SIGPIPE, SIG_DFL);  // a parent may ignore it; exec keeps that
  if (output >= 0 && ::dup2(output, STDOUT_FILENO) < 0) std::_Exit(126);
  if (input >= 0 && ::dup2(input, STDIN_FILENO) < 0) std::_Exit(126);
  for (const auto& [name, value] : environment) ::setenv(name.c_str(), value.c_str(), 1);
  std::vector<char*> argv{const_cast<char*>(program.c_str())};
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::execv(program.c_str(), argv.data());
  std::fprintf(stderr, "error: cannot run %s: %s\n", program.c_str(), std::strerror(errno));
  std::_Exit(127);
}

void close_all(std::initializer_list<int> fds) {
  for (const int fd : fds)
    if (fd >= 0) ::close(fd);
}

}  // namespace

WorkerProcess start_worker(const std::string& program, const std::vector<std::string>& args,
                           const std::map<std::string, std::string>& environment, bool connect,
                           const std::string& what) {
  int out[2] = {-1, -1}, in[2] = {-1, -1};
  if (connect && (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(in, O_CLOEXEC) != 0)) {
    const int error = errno;
    close_all({out[0], out[1], in[0], in[1]});
    throw Error("cannot start " + what + ": no pipe: " + std::strerror(error));
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int error = errno;
    close_all({out[0], out[1], in[0], in[1]});
    throw Error("cannot start " + what + ": " + std::strerror(error));
  }
  if (pid == 0) exec_worker(program, args, environment, out[1], in[0]);
  close_all({out[1], in[0]});
  return {pid, out[0], in[1]};
}

std::string describe_exit(int status) {
  if (WIFSIGNALED(status))
    return "was killed by signal " + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
  return "exited with code " + std::to_string(WEXITSTATUS(status));
}

}  // namespace crackkd::io
