#pragma once
// One writer per run folder. Two `crackkd run`s of one pipeline into one workdir would
// interleave their checkpoints and CSV files; the second is refused while the first holds
// <run_dir>/.lock (an advisory flock, released by the kernel when its holder exits, even
// after kill -9, so a dead run never blocks the next). The holder then sweeps the
// temporaries that killed runs left behind.

#include <filesystem>

namespace crackkd::io {

class RunLock {
 public:
  /// Creates `run_dir` if needed and locks it; throws crackkd::Error naming the folder and
  /// the pid of the run that holds it.
  explicit RunLock(const std::filesystem::path& run_dir);
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace crackkd::io
