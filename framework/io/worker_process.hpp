#pragma once
// Child processes of this executable: `crackkd run --nproc` starts its data-parallel ranks
// and `crackkd run -j` its stage workers through here. A worker gets its own process group
// (a terminal's Ctrl-C reaches the parent alone, which passes it on once, so no worker sees
// the second signal that would end it at once) and SIGTERM when the parent dies (it stops
// at its next step boundary instead of running on unsupervised).

#include <map>
#include <string>
#include <sys/types.h>
#include <vector>

namespace crackkd::io {

/// The running executable's path (/proc/self/exe).
std::string this_executable();

struct WorkerProcess {
  pid_t pid = -1;
  int output = -1;  ///< read end of the worker's standard output, or -1 when not connected
  int input = -1;   ///< write end of the worker's standard input, or -1 when not connected
};

/// Forks and execs `program args…` with `environment` added; with `connect` its standard
/// output and input are pipes to the caller (`output`, `input`), else the caller's. Throws
/// crackkd::Error naming `what` when the process cannot be started.
WorkerProcess start_worker(const std::string& program, const std::vector<std::string>& args,
                           const std::map<std::string, std::string>& environment, bool connect,
                           const std::string& what);

/// "exited with code 3", "was killed by signal 9 (Killed)".
std::string describe_exit(int status);

}  // namespace crackkd::io
